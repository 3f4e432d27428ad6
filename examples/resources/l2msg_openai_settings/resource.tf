variable "openai_api_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "l2msg_instance" "sales" {
  instance_name = "sales"
}

resource "l2msg_openai_credential" "main" {
  instance_name      = l2msg_instance.sales.instance_name
  instance_id        = l2msg_instance.sales.instance_id
  name               = "sales-openai"
  api_key_wo         = var.openai_api_key
  api_key_wo_version = 1
}

resource "l2msg_openai_bot" "fallback" {
  instance_name   = l2msg_instance.sales.instance_name
  instance_id     = l2msg_instance.sales.instance_id
  description     = "Fallback"
  trigger_type    = "none"
  openai_creds_id = l2msg_openai_credential.main.id
  bot_type        = "chatCompletion"
  model           = "gpt-4o-mini"
  max_tokens      = 300
  system_messages = ["You answer questions about our prices, briefly."]
}

# Defaults for every openai bot of the instance; destroying this
# resource resets them to the server's built-in values.
resource "l2msg_openai_settings" "this" {
  instance_name   = l2msg_instance.sales.instance_name
  instance_id     = l2msg_instance.sales.instance_id
  openai_creds_id = l2msg_openai_credential.main.id
  speech_to_text  = true
  expire          = 20
  keyword_finish  = "#stop"
  unknown_message = "Sorry, I did not get that."
  ignore_jids     = ["120363025246125888@g.us"]
  fallback_id     = l2msg_openai_bot.fallback.id
}
