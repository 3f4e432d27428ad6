variable "openai_api_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "l2msg_instance" "sales" {
  instance_name = "sales"
}

# Rotating the key replaces the credential and the bots that use it. The
# OpenAI defaults of the instance always point at a credential, and the server
# never deletes that one while the instance lives: give the new credential a
# new name, and point l2msg_openai_settings at it.
resource "l2msg_openai_credential" "main" {
  instance_name      = l2msg_instance.sales.instance_name
  instance_id        = l2msg_instance.sales.instance_id
  name               = "sales-openai"
  api_key_wo         = var.openai_api_key
  api_key_wo_version = 1
}
