# Terraform 1.5 and later: import the NATS stream of the instance "sales".
import {
  to = l2msg_instance_nats.sales
  id = "sales"
}
