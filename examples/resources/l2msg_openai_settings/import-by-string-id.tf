# Terraform 1.5 and later.
import {
  to = l2msg_openai_settings.this
  id = "sales"
}
