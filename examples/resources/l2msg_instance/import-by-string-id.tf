# Terraform 1.5 and later: import an existing instance by its name, then
# `terraform plan -generate-config-out=generated.tf` writes its configuration.
import {
  to = l2msg_instance.sales
  id = "sales"
}
