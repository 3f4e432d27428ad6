# The Kafka stream is imported by the name of its instance.
terraform import l2msg_instance_kafka.sales sales
