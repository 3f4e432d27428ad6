# Default settings are imported by the instance's name.
terraform import l2msg_n8n_settings.this sales
