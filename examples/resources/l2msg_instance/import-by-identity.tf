# Terraform 1.12 and later (and OpenTofu 1.12): the same import, by the
# resource identity instead of the string ID.
import {
  to = l2msg_instance.sales
  identity = {
    instance_name = "sales"
  }
}
