# Terraform 1.14 and later: in a file ending in .tfquery.hcl, next to the
# configuration that has the provider block. `terraform query` lists the
# instances; `terraform query -generate-config-out=generated.tf` writes an
# import block and a resource block for each.
list "l2msg_instance" "sales" {
  provider         = l2msg
  include_resource = true # the settings and webhook too, for the generated configuration

  config {
    name_prefix = "sales-"
    status      = "open"
  }
}
