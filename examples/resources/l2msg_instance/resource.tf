# A WhatsApp instance with every setting and a webhook.
resource "l2msg_instance" "sales" {
  instance_name = "sales"
  integration   = "WHATSAPP-BAILEYS" # the default; also WHATSAPP-BUSINESS, EVOLUTION
  number        = "5511999999999"    # digits only, country code first, no +
  qrcode        = true               # create-time only

  reject_call       = true
  msg_call          = "We cannot take calls here, please send a message."
  groups_ignore     = true
  always_online     = false
  read_messages     = true
  read_status       = false
  sync_full_history = false

  webhook = {
    url       = "https://hooks.example.com/whatsapp"
    enabled   = true
    by_events = false
    base64    = true
    headers = {
      authorization = "Bearer ${var.webhook_token}"
    }
    # Leave events out to receive every event.
    events = [
      "MESSAGES_UPSERT",
      "MESSAGES_UPDATE",
      "CONNECTION_UPDATE",
      "QRCODE_UPDATED",
    ]
  }
}

variable "webhook_token" {
  type      = string
  sensitive = true
}

output "sales_instance_id" {
  value = l2msg_instance.sales.instance_id
}

output "sales_status" {
  value = l2msg_instance.sales.status
}

# The instance's own API key works on every route of this instance only.
output "sales_apikey" {
  value     = l2msg_instance.sales.apikey
  sensitive = true
}
