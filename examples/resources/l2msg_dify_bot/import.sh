# A bot is imported by its instance's name and its id, separated by a slash.
terraform import l2msg_dify_bot.prices sales/clx2k9v0b0001qz8h3c5d7e9f
