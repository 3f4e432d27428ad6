terraform {
  required_providers {
    l2msg = {
      source = "l2msg/l2msg"
    }
  }
}

# The key comes from L2MSG_API_KEY.
provider "l2msg" {}

variable "hook_token" {
  type      = string
  sensitive = true
}

module "fleet" {
  source = "../"

  instances = {
    "sales" = {
      number      = "5511999999999"
      reject_call = true
      msg_call    = "Sales does not take calls, please write."
    }
    "support" = {
      number        = "5511888888888"
      read_messages = true
      always_online = true
    }
    "alerts" = {
      groups_ignore = true
    }
  }

  webhook_url     = "https://hooks.example.com/whatsapp"
  webhook_headers = { authorization = "Bearer ${var.hook_token}" }
  webhook_events  = ["MESSAGES_UPSERT", "CONNECTION_UPDATE"]
}

output "instance_ids" {
  value = module.fleet.instance_ids
}
