variable "bot_api_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "l2msg_instance" "sales" {
  instance_name = "sales"
}

resource "l2msg_evolution_bot" "fallback" {
  instance_name      = l2msg_instance.sales.instance_name
  instance_id        = l2msg_instance.sales.instance_id
  description        = "Fallback"
  trigger_type       = "none"
  api_url            = "https://bots.example.com/whatsapp/answer"
  api_key_wo         = var.bot_api_key
  api_key_wo_version = 1
}

# Defaults for every evolution bot of the instance; destroying this
# resource resets them to the server's built-in values.
resource "l2msg_evolution_bot_settings" "this" {
  instance_name   = l2msg_instance.sales.instance_name
  instance_id     = l2msg_instance.sales.instance_id
  expire          = 20
  keyword_finish  = "#stop"
  unknown_message = "Sorry, I did not get that."
  ignore_jids     = ["120363025246125888@g.us"]
  fallback_id     = l2msg_evolution_bot.fallback.id
}
