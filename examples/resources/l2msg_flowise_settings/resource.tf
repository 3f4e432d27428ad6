variable "flowise_api_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "l2msg_instance" "sales" {
  instance_name = "sales"
}

resource "l2msg_flowise_bot" "fallback" {
  instance_name      = l2msg_instance.sales.instance_name
  instance_id        = l2msg_instance.sales.instance_id
  description        = "Fallback"
  trigger_type       = "none"
  api_url            = "https://flowise.example.com/api/v1/prediction/3f2c9a7e-sales"
  api_key_wo         = var.flowise_api_key
  api_key_wo_version = 1
}

# Defaults for every flowise bot of the instance; destroying this
# resource resets them to the server's built-in values.
resource "l2msg_flowise_settings" "this" {
  instance_name   = l2msg_instance.sales.instance_name
  instance_id     = l2msg_instance.sales.instance_id
  expire          = 20
  keyword_finish  = "#stop"
  unknown_message = "Sorry, I did not get that."
  ignore_jids     = ["120363025246125888@g.us"]
  fallback_id     = l2msg_flowise_bot.fallback.id
}
