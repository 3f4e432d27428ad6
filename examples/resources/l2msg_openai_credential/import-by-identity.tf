# Terraform 1.12 and later (and OpenTofu 1.12): the same import, by the
# resource identity instead of the string ID.
import {
  to = l2msg_openai_credential.main
  identity = {
    instance_name = "sales"
    id            = "clx2k9v0b0002qz8h1a4b6c8d"
  }
}
