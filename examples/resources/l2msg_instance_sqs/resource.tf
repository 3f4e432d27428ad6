resource "l2msg_instance" "sales" {
  instance_name = "sales"
}

# Publish the instance's events to one SQS FIFO queue per event.
# The server needs SQS_ENABLED=true and its AWS credentials in its environment.
resource "l2msg_instance_sqs" "sales" {
  instance_name = l2msg_instance.sales.instance_name
  # Set from the instance: replacing the instance re-creates this in the same apply.
  instance_id = l2msg_instance.sales.instance_id
  events      = ["MESSAGES_UPSERT", "SEND_MESSAGE"]
}
