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

# An OpenAI chat model answering "price" messages.
# instance_id ties the bot to this instance: when the instance is replaced,
# the server deletes its bots, and the same apply re-creates this one.
resource "l2msg_openai_bot" "prices" {
  instance_name    = l2msg_instance.sales.instance_name
  instance_id      = l2msg_instance.sales.instance_id
  description      = "Prices"
  trigger_type     = "keyword"
  trigger_operator = "contains"
  trigger_value    = "price"
  openai_creds_id  = l2msg_openai_credential.main.id
  bot_type         = "chatCompletion"
  model            = "gpt-4o-mini"
  max_tokens       = 300
  system_messages  = ["You answer questions about our prices, briefly."]

  expire         = 30
  keyword_finish = "#stop"
  ignore_jids    = ["120363025246125888@g.us"]
}
