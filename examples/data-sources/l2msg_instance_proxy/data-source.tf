# The proxy of an instance another team manages.
data "l2msg_instance_proxy" "support" {
  instance_name = "support"
}

output "support_proxy" {
  value = data.l2msg_instance_proxy.support.enabled ? "${data.l2msg_instance_proxy.support.host}:${data.l2msg_instance_proxy.support.port}" : "direct"
}

# With its password, only when asked for (Sensitive).
data "l2msg_instance_proxy" "support_with_password" {
  instance_name    = "support"
  include_password = true
}
