# Terraform 1.5 and later.
import {
  to = l2msg_flowise_settings.this
  id = "sales"
}
