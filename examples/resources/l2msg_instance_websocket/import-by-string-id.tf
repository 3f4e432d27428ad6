# Terraform 1.5 and later: import the websocket stream of the instance "sales".
import {
  to = l2msg_instance_websocket.sales
  id = "sales"
}
