# Default settings are imported by the instance's name.
terraform import l2msg_flowise_settings.this sales
