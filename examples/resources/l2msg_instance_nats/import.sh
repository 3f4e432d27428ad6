# The NATS stream is imported by the name of its instance.
terraform import l2msg_instance_nats.sales sales
