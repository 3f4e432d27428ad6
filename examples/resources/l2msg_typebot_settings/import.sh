# Default settings are imported by the instance's name.
terraform import l2msg_typebot_settings.this sales
