package main

import "fmt"

// Both configurations describe the same fleet: N instances through
// for_each, each with settings and a webhook whose events are given, so a
// create is one API call and nothing is left for the server to fill in.
// The floor holds the same values in terraform_data, which has no provider
// process and no network: what remains is terraform's own cost for N
// resources at that parallelism.

const fleetLocals = `
locals {
  names = toset([for i in range(%d) : format("fleet-%%04d", i)])
}
`

func l2msgConfig(n int, baseURL, apiKey string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    l2msg = { source = "l2msg/l2msg" }
  }
}

provider "l2msg" {
  base_url = %q
  api_key  = %q
}
`, baseURL, apiKey) + fmt.Sprintf(fleetLocals, n) + `
resource "l2msg_instance" "fleet" {
  for_each      = local.names
  instance_name = each.key
  reject_call   = true
  msg_call      = "We will call you back"
  read_messages = true

  webhook = {
    url    = "https://hooks.example.com/wa/${each.key}"
    events = ["MESSAGES_UPSERT", "CONNECTION_UPDATE"]
  }
}
`
}

// The integrations fleet gives every instance a Chatwoot inbox, a proxy and
// a RabbitMQ stream as well: the listing carries their rows, so its
// no-change plan should cost no more requests than the fleet without them.
// The blocks are keyed by resource type so that a build lacking one runs
// with the others (newFleet).
var integrationTypes = []string{"l2msg_instance_chatwoot", "l2msg_instance_proxy", "l2msg_instance_rabbitmq"}

var integrationsHCL = map[string]string{
	"l2msg_instance_chatwoot": `
resource "l2msg_instance_chatwoot" "fleet" {
  for_each       = local.names
  instance_name  = l2msg_instance.fleet[each.key].instance_name
  instance_id    = l2msg_instance.fleet[each.key].instance_id
  url            = "https://chatwoot.example.com"
  account_id     = "1"
  token          = "fleet-token"
  sign_msg       = true
  sign_delimiter = "\n"
}
`,
	"l2msg_instance_proxy": `
resource "l2msg_instance_proxy" "fleet" {
  for_each      = local.names
  instance_name = l2msg_instance.fleet[each.key].instance_name
  instance_id   = l2msg_instance.fleet[each.key].instance_id
  host          = "proxy.example.com"
  port          = 3128
  username      = "fleet"
  password      = "fleet-pass"
}
`,
	"l2msg_instance_rabbitmq": `
resource "l2msg_instance_rabbitmq" "fleet" {
  for_each      = local.names
  instance_name = l2msg_instance.fleet[each.key].instance_name
  instance_id   = l2msg_instance.fleet[each.key].instance_id
  events        = ["MESSAGES_UPSERT", "CONNECTION_UPDATE"]
}
`,
}

// The integrations floor holds the same values in three more terraform_data
// per instance, each depending on its instance as the real ones do.
const integrationsFloorHCL = `
resource "terraform_data" "chatwoot" {
  for_each = local.names
  input = {
    instance_name  = terraform_data.fleet[each.key].output.instance_name
    url            = "https://chatwoot.example.com"
    account_id     = "1"
    token          = "fleet-token"
    sign_msg       = true
    sign_delimiter = "\n"
  }
}

resource "terraform_data" "proxy" {
  for_each = local.names
  input = {
    instance_name = terraform_data.fleet[each.key].output.instance_name
    host          = "proxy.example.com"
    port          = 3128
    username      = "fleet"
    password      = "fleet-pass"
  }
}

resource "terraform_data" "rabbitmq" {
  for_each = local.names
  input = {
    instance_name = terraform_data.fleet[each.key].output.instance_name
    events        = ["MESSAGES_UPSERT", "CONNECTION_UPDATE"]
  }
}
`

func floorConfig(n int) string {
	return fmt.Sprintf(fleetLocals, n) + `
resource "terraform_data" "fleet" {
  for_each = local.names
  input = {
    instance_name = each.key
    reject_call   = true
    msg_call      = "We will call you back"
    read_messages = true
    webhook = {
      url    = "https://hooks.example.com/wa/${each.key}"
      events = ["MESSAGES_UPSERT", "CONNECTION_UPDATE"]
    }
  }
}
`
}
