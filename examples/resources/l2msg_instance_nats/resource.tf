resource "l2msg_instance" "sales" {
  instance_name = "sales"
}

# Publish the instance's events to the server's NATS server.
# The server needs NATS_ENABLED=true and NATS_URI in its environment.
resource "l2msg_instance_nats" "sales" {
  instance_name = l2msg_instance.sales.instance_name
  # Set from the instance: replacing the instance re-creates this in the same apply.
  instance_id = l2msg_instance.sales.instance_id
  events      = ["MESSAGES_UPSERT", "CONNECTION_UPDATE"]
}
