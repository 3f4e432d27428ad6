variable "flowise_api_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "l2msg_instance" "sales" {
  instance_name = "sales"
}

# A Flowise chatflow answering "price" messages.
# instance_id ties the bot to this instance: when the instance is replaced,
# the server deletes its bots, and the same apply re-creates this one.
resource "l2msg_flowise_bot" "prices" {
  instance_name      = l2msg_instance.sales.instance_name
  instance_id        = l2msg_instance.sales.instance_id
  description        = "Prices"
  trigger_type       = "keyword"
  trigger_operator   = "contains"
  trigger_value      = "price"
  api_url            = "https://flowise.example.com/api/v1/prediction/3f2c9a7e-sales"
  api_key_wo         = var.flowise_api_key
  api_key_wo_version = 1

  expire         = 30
  keyword_finish = "#stop"
  ignore_jids    = ["120363025246125888@g.us"]
}
