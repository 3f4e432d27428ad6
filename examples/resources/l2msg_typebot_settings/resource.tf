resource "l2msg_instance" "sales" {
  instance_name = "sales"
}

resource "l2msg_typebot" "fallback" {
  instance_name = l2msg_instance.sales.instance_name
  instance_id   = l2msg_instance.sales.instance_id
  description   = "Fallback"
  trigger_type  = "none"
  url           = "https://typebot.example.com"
  typebot       = "sales-flow"
}

# Defaults for every typebot bot of the instance; destroying this
# resource resets them to the server's built-in values.
resource "l2msg_typebot_settings" "this" {
  instance_name   = l2msg_instance.sales.instance_name
  instance_id     = l2msg_instance.sales.instance_id
  expire          = 20
  keyword_finish  = "#stop"
  unknown_message = "Sorry, I did not get that."
  ignore_jids     = ["120363025246125888@g.us"]
  fallback_id     = l2msg_typebot.fallback.id
}
