# An instance is imported by its name.
terraform import l2msg_instance.sales sales
