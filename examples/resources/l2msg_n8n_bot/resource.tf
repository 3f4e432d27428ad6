variable "n8n_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "l2msg_instance" "sales" {
  instance_name = "sales"
}

# An n8n workflow answering "price" messages.
# instance_id ties the bot to this instance: when the instance is replaced,
# the server deletes its bots, and the same apply re-creates this one.
resource "l2msg_n8n_bot" "prices" {
  instance_name              = l2msg_instance.sales.instance_name
  instance_id                = l2msg_instance.sales.instance_id
  description                = "Prices"
  trigger_type               = "keyword"
  trigger_operator           = "contains"
  trigger_value              = "price"
  webhook_url                = "https://n8n.example.com/webhook/whatsapp"
  basic_auth_user            = "whatsapp"
  basic_auth_pass_wo         = var.n8n_password
  basic_auth_pass_wo_version = 1

  expire         = 30
  keyword_finish = "#stop"
  ignore_jids    = ["120363025246125888@g.us"]
}
