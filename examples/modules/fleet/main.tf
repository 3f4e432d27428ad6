# A fleet of WhatsApp instances that share one webhook.
resource "l2msg_instance" "this" {
  for_each = var.instances

  instance_name     = each.key
  integration       = each.value.integration
  number            = each.value.number
  qrcode            = each.value.qrcode
  reject_call       = each.value.reject_call
  msg_call          = each.value.msg_call
  groups_ignore     = each.value.groups_ignore
  always_online     = each.value.always_online
  read_messages     = each.value.read_messages
  read_status       = each.value.read_status
  sync_full_history = each.value.sync_full_history

  webhook = var.webhook_url == null ? null : {
    url     = var.webhook_url
    base64  = var.webhook_base64
    headers = length(var.webhook_headers) > 0 ? var.webhook_headers : null
    events  = var.webhook_events
  }
}
