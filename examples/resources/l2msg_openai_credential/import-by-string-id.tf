# Terraform 1.5 and later.
import {
  to = l2msg_openai_credential.main
  id = "sales/clx2k9v0b0002qz8h1a4b6c8d"
}
