variable "openai_api_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "l2msg_instance" "sales" {
  instance_name = "sales"
}

# To rotate the key, change the name and the key together (both are unique on
# the server) and bump api_key_wo_version, in one apply: the new credential
# takes over the instance's OpenAI defaults, the old one is deleted, and the
# bots and l2msg_openai_settings that use this id follow it. No
# create_before_destroy: it would spread to the instance.
resource "l2msg_openai_credential" "main" {
  instance_name      = l2msg_instance.sales.instance_name
  instance_id        = l2msg_instance.sales.instance_id
  name               = "sales-openai"
  api_key_wo         = var.openai_api_key
  api_key_wo_version = 1
}
