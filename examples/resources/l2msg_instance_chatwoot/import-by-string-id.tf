# Terraform 1.5 and later: import the Chatwoot configuration of the instance
# named "support".
import {
  to = l2msg_instance_chatwoot.support
  id = "support"
}
