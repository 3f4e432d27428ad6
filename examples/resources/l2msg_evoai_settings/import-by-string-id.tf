# Terraform 1.5 and later.
import {
  to = l2msg_evoai_settings.this
  id = "sales"
}
