# A Chatwoot configuration is imported by its instance's name. Destroying the
# resource switches Chatwoot off for the instance (the server has no delete
# route).
terraform import l2msg_instance_chatwoot.support support
