# Terraform 1.14 and later: restart an instance's WhatsApp session on demand,
#   terraform apply -invoke=action.l2msg_instance_restart.sales
action "l2msg_instance_restart" "sales" {
  config {
    instance_name = l2msg_instance.sales.instance_name
  }
}

resource "l2msg_instance" "sales" {
  instance_name = "sales"
  webhook = {
    url = "https://hooks.example.com/wa"
  }

  # ... or after every change Terraform makes to the instance.
  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.l2msg_instance_restart.sales]
    }
  }
}
