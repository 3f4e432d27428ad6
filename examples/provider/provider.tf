terraform {
  required_providers {
    l2msg = {
      source  = "l2msg/l2msg"
      version = "~> 0.1"
    }
  }
}

# l2msg, the hosted WhatsApp API. With nothing set, the key comes from the
# L2MSG_API_KEY environment variable (which keeps it out of your files) and
# the URL from L2MSG_BASE_URL, else https://api.l2msg.com/whatsapp.
provider "l2msg" {}

# A self-hosted Evolution API server: its root URL (no /whatsapp prefix) and
# its global API key (AUTHENTICATION_API_KEY in the server's environment).
provider "l2msg" {
  alias    = "self_hosted"
  base_url = "http://localhost:8080"
  api_key  = var.evolution_api_key
}

variable "evolution_api_key" {
  type      = string
  sensitive = true
}
