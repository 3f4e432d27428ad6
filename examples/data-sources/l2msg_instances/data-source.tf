# Every instance whose name starts with "sales-" and has no phone paired.
data "l2msg_instances" "unpaired_sales" {
  name_prefix = "sales-"
  status      = "close"
}

output "unpaired_sales" {
  value = [for i in data.l2msg_instances.unpaired_sales.instances : i.instance_name]
}
