# Terraform 1.5 and later: import the Kafka stream of the instance "sales".
import {
  to = l2msg_instance_kafka.sales
  id = "sales"
}
