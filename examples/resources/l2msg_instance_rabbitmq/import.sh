# The RabbitMQ stream is imported by the name of its instance.
terraform import l2msg_instance_rabbitmq.sales sales
