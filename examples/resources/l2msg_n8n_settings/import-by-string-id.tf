# Terraform 1.5 and later.
import {
  to = l2msg_n8n_settings.this
  id = "sales"
}
