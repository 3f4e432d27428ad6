resource "l2msg_instance" "sales" {
  instance_name = "sales"
}

# Publish the instance's events to the server's RabbitMQ broker.
# The server needs RABBITMQ_ENABLED=true and RABBITMQ_URI in its environment.
resource "l2msg_instance_rabbitmq" "sales" {
  instance_name = l2msg_instance.sales.instance_name
  # Set from the instance: replacing the instance re-creates this in the same apply.
  instance_id = l2msg_instance.sales.instance_id
  events      = ["MESSAGES_UPSERT", "MESSAGES_UPDATE", "CONNECTION_UPDATE"]
}
