resource "l2msg_instance" "sales" {
  instance_name = "sales"
  qrcode        = true
}

# terraform output -raw scan_me
output "scan_me" {
  value     = provider::l2msg::qr_text(l2msg_instance.sales.qrcode_code)
  sensitive = true
}
