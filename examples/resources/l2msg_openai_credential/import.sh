# A credential is imported by its instance's name and its id, separated by a slash.
terraform import l2msg_openai_credential.main sales/clx2k9v0b0002qz8h1a4b6c8d
