resource "l2msg_instance" "support" {
  instance_name = "support"
}

variable "chatwoot_token" {
  type      = string
  sensitive = true
}

# The instance's conversations go to a Chatwoot inbox. instance_id ties the
# configuration to the instance: replacing the instance (which deletes its
# Chatwoot configuration on the server) re-creates it in the same apply.
resource "l2msg_instance_chatwoot" "support" {
  instance_name = l2msg_instance.support.instance_name
  instance_id   = l2msg_instance.support.instance_id

  url        = "https://chatwoot.example.com"
  account_id = "1"

  # Terraform 1.11 and later: sent to the server, never stored in state.
  token_wo         = var.chatwoot_token
  token_wo_version = 1

  name_inbox          = "WhatsApp support"
  sign_msg            = true
  sign_delimiter      = "\n"
  reopen_conversation = true
  ignore_jids         = ["120363000000000000@g.us"]

  # Let the server create the inbox in Chatwoot on the first apply.
  auto_create = true
}

output "chatwoot_webhook_url" {
  value = l2msg_instance_chatwoot.support.webhook_url
}
