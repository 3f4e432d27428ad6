# Terraform 1.14 and later: unlink the phone of an instance, keeping the
# instance, with
#   terraform apply -invoke=action.l2msg_instance_logout.sales
# The instance must be connected: logging out an instance that was never
# paired (or is already logged out) fails, and changes nothing.
action "l2msg_instance_logout" "sales" {
  config {
    instance_name = "sales"
  }
}
