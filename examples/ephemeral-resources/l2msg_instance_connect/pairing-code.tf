# A phone that cannot scan: ask for a pairing code to type on it instead
# (WhatsApp > Linked devices > Link with phone number).
resource "l2msg_instance" "support" {
  instance_name = "support"
}

ephemeral "l2msg_instance_connect" "support" {
  instance_name = l2msg_instance.support.id
  number        = "5511999999999"
}

resource "terraform_data" "type_me" {
  provisioner "local-exec" {
    command     = "echo \"Pairing code: $CODE\" > /dev/tty"
    environment = { CODE = ephemeral.l2msg_instance_connect.support.pairing_code }
  }
}
