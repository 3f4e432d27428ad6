# Default settings are imported by the instance's name.
terraform import l2msg_evolution_bot_settings.this sales
