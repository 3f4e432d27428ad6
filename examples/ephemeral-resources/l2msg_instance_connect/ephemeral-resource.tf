resource "l2msg_instance" "sales" {
  instance_name = "sales"
}

# Opened during apply, once the instance exists: its id is only known then.
# Repeating the name as a literal would open it during plan, before the
# instance exists, and fail.
ephemeral "l2msg_instance_connect" "sales" {
  instance_name = l2msg_instance.sales.id
}

# Draws the QR code on the terminal while `terraform apply` runs. Terraform
# hides the output of a provisioner that uses an ephemeral value, so the
# command writes to the terminal itself. The code is never stored: not in
# the plan, not in state. Without a terminal (CI), write it to a file instead.
resource "terraform_data" "scan_me" {
  provisioner "local-exec" {
    command     = "printf '%s' \"$QR\" > /dev/tty"
    environment = { QR = provider::l2msg::qr_text(ephemeral.l2msg_instance_connect.sales.code) }
  }
}
