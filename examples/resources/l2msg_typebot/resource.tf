resource "l2msg_instance" "sales" {
  instance_name = "sales"
}

# A Typebot flow answering "price" messages.
# instance_id ties the bot to this instance: when the instance is replaced,
# the server deletes its bots, and the same apply re-creates this one.
resource "l2msg_typebot" "prices" {
  instance_name    = l2msg_instance.sales.instance_name
  instance_id      = l2msg_instance.sales.instance_id
  description      = "Prices"
  trigger_type     = "keyword"
  trigger_operator = "contains"
  trigger_value    = "price"
  url              = "https://typebot.example.com"
  typebot          = "sales-flow"

  expire         = 30
  keyword_finish = "#stop"
  ignore_jids    = ["120363025246125888@g.us"]
}
