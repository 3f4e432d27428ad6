# Terraform 1.5 and later.
import {
  to = l2msg_dify_bot.prices
  id = "sales/clx2k9v0b0001qz8h3c5d7e9f"
}
