# Terraform 1.5 and later.
import {
  to = l2msg_typebot_settings.this
  id = "sales"
}
