# Terraform 1.5 and later: import the Pusher stream of the instance "sales".
import {
  to = l2msg_instance_pusher.sales
  id = "sales"
}
