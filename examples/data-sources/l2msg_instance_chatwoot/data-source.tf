# The Chatwoot inbox of an instance another team manages.
data "l2msg_instance_chatwoot" "support" {
  instance_name = "support"
}

output "support_inbox" {
  value = data.l2msg_instance_chatwoot.support.enabled ? data.l2msg_instance_chatwoot.support.name_inbox : "none"
}

# With its Chatwoot token, only when asked for (Sensitive).
data "l2msg_instance_chatwoot" "support_with_token" {
  instance_name = "support"
  include_token = true
}
