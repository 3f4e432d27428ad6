variable "n8n_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "l2msg_instance" "sales" {
  instance_name = "sales"
}

resource "l2msg_n8n_bot" "fallback" {
  instance_name              = l2msg_instance.sales.instance_name
  instance_id                = l2msg_instance.sales.instance_id
  description                = "Fallback"
  trigger_type               = "none"
  webhook_url                = "https://n8n.example.com/webhook/whatsapp"
  basic_auth_user            = "whatsapp"
  basic_auth_pass_wo         = var.n8n_password
  basic_auth_pass_wo_version = 1
}

# Defaults for every n8n bot of the instance; destroying this
# resource resets them to the server's built-in values.
resource "l2msg_n8n_settings" "this" {
  instance_name   = l2msg_instance.sales.instance_name
  instance_id     = l2msg_instance.sales.instance_id
  expire          = 20
  keyword_finish  = "#stop"
  unknown_message = "Sorry, I did not get that."
  ignore_jids     = ["120363025246125888@g.us"]
  fallback_id     = l2msg_n8n_bot.fallback.id
}
