# The Pusher stream is imported by the name of its instance.
terraform import l2msg_instance_pusher.sales sales
