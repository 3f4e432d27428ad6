# An instance someone else created, read by name.
data "l2msg_instance" "support" {
  instance_name = "support"
}

output "support_phone" {
  value = data.l2msg_instance.support.status == "open" ? data.l2msg_instance.support.owner_jid : "not paired"
}

# Its own API key, only when asked for (Sensitive).
data "l2msg_instance" "support_with_key" {
  instance_name  = "support"
  include_apikey = true
}
