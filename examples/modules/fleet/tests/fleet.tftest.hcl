# An integration test of the fleet module: `terraform test` applies it to a
# server, checks what it made, changes it, and destroys it. Run it against
# the emulator, which needs no account and no network:
#
#   l2msg-emulator -api-key dev -listen 127.0.0.1:8080 &
#   export L2MSG_BASE_URL=http://127.0.0.1:8080 L2MSG_API_KEY=dev
#   terraform init && terraform test
#
# The provider block is left out: the provider reads both from the
# environment, so the same test runs against a real server too.

variables {
  instances = {
    "fleet-test-sales" = {
      number      = "5511999999999"
      reject_call = true
      msg_call    = "Sales does not take calls, please write."
    }
    "fleet-test-alerts" = {
      groups_ignore = true
    }
  }
  webhook_url     = "https://hooks.example.com/whatsapp"
  webhook_headers = { authorization = "Bearer test" }
  webhook_events  = ["MESSAGES_UPSERT", "CONNECTION_UPDATE"]
}

run "creates_every_instance" {
  assert {
    condition     = toset(keys(output.instance_ids)) == toset(["fleet-test-sales", "fleet-test-alerts"])
    error_message = "The module must create one instance per key of var.instances."
  }

  assert {
    condition     = alltrue([for id in values(output.instance_ids) : can(regex("^[0-9a-f-]{36}$", id))])
    error_message = "Every instance must have the server's id (a UUID)."
  }

  assert {
    condition     = l2msg_instance.this["fleet-test-sales"].reject_call && !l2msg_instance.this["fleet-test-alerts"].reject_call
    error_message = "Each instance must get its own settings."
  }

  assert {
    condition     = l2msg_instance.this["fleet-test-alerts"].webhook.url == var.webhook_url
    error_message = "Every instance must share the webhook."
  }

  assert {
    condition     = l2msg_instance.this["fleet-test-sales"].webhook.events == toset(var.webhook_events)
    error_message = "The webhook must send the events asked for."
  }
}

run "changes_settings_in_place" {
  variables {
    instances = {
      "fleet-test-sales" = {
        number = "5511999999999"
      }
      "fleet-test-alerts" = {
        groups_ignore = true
      }
    }
    webhook_url = null
  }

  assert {
    condition     = !l2msg_instance.this["fleet-test-sales"].reject_call
    error_message = "reject_call must be switched off."
  }

  assert {
    condition     = l2msg_instance.this["fleet-test-sales"].webhook == null
    error_message = "webhook_url = null must turn the webhook off."
  }
}
