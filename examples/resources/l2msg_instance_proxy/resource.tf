resource "l2msg_instance" "sales" {
  instance_name = "sales"
}

variable "proxy_password" {
  type      = string
  sensitive = true
}

# The instance connects to WhatsApp through this proxy from its next
# connection on. instance_id ties the proxy to the instance: replacing the
# instance (which deletes its proxy on the server) re-creates the proxy in
# the same apply.
resource "l2msg_instance_proxy" "sales" {
  instance_name = l2msg_instance.sales.instance_name
  instance_id   = l2msg_instance.sales.instance_id

  host     = "proxy.example.com"
  port     = 3128
  protocol = "http"
  username = "wa-sales"

  # Terraform 1.11 and later: sent to the server, never stored in state.
  # Bump the version to send a new password.
  password_wo         = var.proxy_password
  password_wo_version = 1

  # The server tests the proxy before saving it, with no time limit of its own.
  timeouts {
    create = "2m"
    update = "2m"
  }
}
