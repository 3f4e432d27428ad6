# Terraform 1.5 and later: import the RabbitMQ stream of the instance "sales".
import {
  to = l2msg_instance_rabbitmq.sales
  id = "sales"
}
