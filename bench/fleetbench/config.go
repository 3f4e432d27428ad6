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
