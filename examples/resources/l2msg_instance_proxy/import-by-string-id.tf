# Terraform 1.5 and later: import the proxy of the instance named "sales".
import {
  to = l2msg_instance_proxy.sales
  id = "sales"
}
