variable "evoai_api_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "l2msg_instance" "sales" {
  instance_name = "sales"
}

resource "l2msg_evoai_bot" "fallback" {
  instance_name      = l2msg_instance.sales.instance_name
  instance_id        = l2msg_instance.sales.instance_id
  description        = "Fallback"
  trigger_type       = "none"
  agent_url          = "https://evoai.example.com/api/v1/a2a/sales-agent"
  api_key_wo         = var.evoai_api_key
  api_key_wo_version = 1
}

# Defaults for every evoai bot of the instance; destroying this
# resource resets them to the server's built-in values.
resource "l2msg_evoai_settings" "this" {
  instance_name   = l2msg_instance.sales.instance_name
  instance_id     = l2msg_instance.sales.instance_id
  expire          = 20
  keyword_finish  = "#stop"
  unknown_message = "Sorry, I did not get that."
  ignore_jids     = ["120363025246125888@g.us"]
  fallback_id     = l2msg_evoai_bot.fallback.id
}
