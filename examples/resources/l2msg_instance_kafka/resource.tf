resource "l2msg_instance" "sales" {
  instance_name = "sales"
}

# Publish the instance's events to the server's Kafka cluster.
# The server needs KAFKA_ENABLED=true and KAFKA_BROKERS in its environment.
resource "l2msg_instance_kafka" "sales" {
  instance_name = l2msg_instance.sales.instance_name
  # Set from the instance: replacing the instance re-creates this in the same apply.
  instance_id = l2msg_instance.sales.instance_id
  # events left out: every event the server knows.
}
