variable "instances" {
  description = "The instances to manage, keyed by instance name. Every setting is optional and defaults as on the resource."
  type = map(object({
    integration       = optional(string, "WHATSAPP-BAILEYS")
    number            = optional(string)
    qrcode            = optional(bool, false)
    reject_call       = optional(bool, false)
    msg_call          = optional(string, "")
    groups_ignore     = optional(bool, false)
    always_online     = optional(bool, false)
    read_messages     = optional(bool, false)
    read_status       = optional(bool, false)
    sync_full_history = optional(bool, false)
  }))

  validation {
    condition     = alltrue([for name in keys(var.instances) : length(name) > 0 && !strcontains(name, "/")])
    error_message = "Instance names must not be empty or contain a slash (/)."
  }
}

variable "webhook_url" {
  description = "The http(s) URL that receives the events of every instance; null for no webhook."
  type        = string
  default     = null
}

variable "webhook_headers" {
  description = "HTTP headers sent with every webhook call, such as an authorization token."
  type        = map(string)
  default     = {}
  sensitive   = true
}

variable "webhook_events" {
  description = "The events to send; null for every event."
  type        = set(string)
  default     = null
}

variable "webhook_base64" {
  description = "Send media as base64 in the webhook payload."
  type        = bool
  default     = false
}
