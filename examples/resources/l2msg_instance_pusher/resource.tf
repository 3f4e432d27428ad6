variable "pusher_secret" {
  type      = string
  sensitive = true
}

resource "l2msg_instance" "sales" {
  instance_name = "sales"
}

# Publish the instance's events to a Pusher Channels app.
# The server needs PUSHER_ENABLED=true in its environment.
resource "l2msg_instance_pusher" "sales" {
  instance_name = l2msg_instance.sales.instance_name
  # Set from the instance: replacing the instance re-creates this in the same apply.
  instance_id = l2msg_instance.sales.instance_id
  app_id      = "1234567"
  key         = "a1b2c3d4e5f6a7b8c9d0"
  cluster     = "mt1"
  use_tls     = true
  # Terraform 1.11 and later: the secret is sent, never stored in plan or state.
  # Bump secret_wo_version to send a new one. On older versions use `secret`.
  secret_wo         = var.pusher_secret
  secret_wo_version = 1
  events            = ["MESSAGES_UPSERT", "CONNECTION_UPDATE"]
}
