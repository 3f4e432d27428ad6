# Terraform 1.5 and later.
import {
  to = l2msg_evolution_bot_settings.this
  id = "sales"
}
