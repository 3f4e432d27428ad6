resource "l2msg_instance" "sales" {
  instance_name = "sales"
}

# Publish the instance's events to clients of the server's websocket endpoint.
# The server needs WEBSOCKET_ENABLED=true in its environment.
resource "l2msg_instance_websocket" "sales" {
  instance_name = l2msg_instance.sales.instance_name
  # Set from the instance: replacing the instance re-creates this in the same apply.
  instance_id = l2msg_instance.sales.instance_id
  events      = ["MESSAGES_UPSERT", "CONNECTION_UPDATE", "QRCODE_UPDATED"]
}
