# make demo runs this against the local emulator; with base_url and api_key
# set for l2msg or your own Evolution API server it works there too.
terraform {
  required_providers {
    l2msg = {
      source = "l2msg/l2msg"
    }
  }
}

variable "base_url" {
  type        = string
  description = "The API's base URL, such as https://api.l2msg.com/whatsapp or http://localhost:8080."
}

variable "api_key" {
  type        = string
  description = "The global API key."
  sensitive   = true
}

provider "l2msg" {
  base_url = var.base_url
  api_key  = var.api_key
}

resource "l2msg_instance" "demo" {
  instance_name = "demo-quickstart"

  reject_call   = true
  msg_call      = "This number does not take calls."
  groups_ignore = true
  read_messages = true

  webhook = {
    url    = "http://127.0.0.1:9/hook"
    events = ["MESSAGES_UPSERT", "CONNECTION_UPDATE"]
  }
}

output "instance_id" {
  value = l2msg_instance.demo.instance_id
}

output "status" {
  value = l2msg_instance.demo.status
}
