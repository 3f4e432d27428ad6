# Terraform 1.5 and later.
import {
  to = l2msg_dify_settings.this
  id = "sales"
}
