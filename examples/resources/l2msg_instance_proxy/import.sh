# A proxy is imported by its instance's name. Destroying the resource
# switches the proxy off (the server has no delete route).
terraform import l2msg_instance_proxy.sales sales
