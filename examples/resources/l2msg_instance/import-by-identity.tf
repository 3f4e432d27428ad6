# Terraform 1.12 and later (and OpenTofu 1.12): import an existing instance by
# its resource identity, which names it the same way the string ID does.
import {
  to = l2msg_instance.support
  identity = {
    instance_name = "support"
  }
}

resource "l2msg_instance" "support" {
  instance_name = "support"
}
