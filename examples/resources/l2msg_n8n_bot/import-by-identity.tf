# Terraform 1.12 and later (and OpenTofu 1.12): the same import, by the
# resource identity instead of the string ID.
import {
  to = l2msg_n8n_bot.prices
  identity = {
    instance_name = "sales"
    id            = "clx2k9v0b0001qz8h3c5d7e9f"
  }
}
