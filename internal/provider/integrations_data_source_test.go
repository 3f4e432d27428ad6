package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// The data sources read what another team set up: here, in the panel.
func TestAccIntegrationDataSources(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	cfg := providerBlock(url) + `
resource "l2msg_instance" "other" {
  instance_name = "other team"
}

data "l2msg_instance_proxy" "plain" {
  instance_name = l2msg_instance.other.instance_name
}

data "l2msg_instance_proxy" "secret" {
  instance_name    = l2msg_instance.other.instance_name
  include_password = true
}

data "l2msg_instance_chatwoot" "plain" {
  instance_name = l2msg_instance.other.instance_name
}

data "l2msg_instance_chatwoot" "secret" {
  instance_name = l2msg_instance.other.instance_name
  include_token = true
}
`
	configure := func() {
		if err := emu.SetProxy("other team", func(p *emulator.Proxy) {
			*p = emulator.Proxy{Enabled: true, Host: "10.1.2.3", Port: "1080", Protocol: "socks", Username: "ops", Password: "ds-proxy-pass"}
		}); err != nil {
			t.Fatal(err)
		}
		if err := emu.SetChatwoot("other team", func(c *emulator.Chatwoot) {
			days, org := 14, "Ops"
			*c = emulator.Chatwoot{Enabled: true, AccountID: "3", Token: "ds-cw-token", URL: "https://cw.example.com", NameInbox: "Ops inbox",
				SignMsg: true, SignDelimiter: &org, DaysLimitImportMessages: &days, IgnoreJids: []string{"1@g.us"}, Organization: &org}
		}); err != nil {
			t.Fatal(err)
		}
	}
	null := knownvalue.Null()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			// Nothing configured yet.
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.l2msg_instance_proxy.plain", tfjsonpath.New("enabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("data.l2msg_instance_proxy.plain", tfjsonpath.New("host"), null),
					statecheck.ExpectKnownValue("data.l2msg_instance_chatwoot.plain", tfjsonpath.New("enabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("data.l2msg_instance_chatwoot.plain", tfjsonpath.New("webhook_url"), null),
				},
			},
			{
				PreConfig: configure,
				Config:    cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.l2msg_instance_proxy.plain", tfjsonpath.New("port"), knownvalue.Int64Exact(1080)),
					statecheck.ExpectKnownValue("data.l2msg_instance_proxy.plain", tfjsonpath.New("username"), knownvalue.StringExact("ops")),
					statecheck.ExpectKnownValue("data.l2msg_instance_proxy.plain", tfjsonpath.New("password"), null),
					statecheck.ExpectKnownValue("data.l2msg_instance_proxy.secret", tfjsonpath.New("password"), knownvalue.StringExact("ds-proxy-pass")),
					statecheck.ExpectKnownValue("data.l2msg_instance_chatwoot.plain", tfjsonpath.New("name_inbox"), knownvalue.StringExact("Ops inbox")),
					statecheck.ExpectKnownValue("data.l2msg_instance_chatwoot.plain", tfjsonpath.New("days_limit_import_messages"), knownvalue.Int64Exact(14)),
					statecheck.ExpectKnownValue("data.l2msg_instance_chatwoot.plain", tfjsonpath.New("webhook_url"), knownvalue.StringExact(url+"/chatwoot/webhook/other%20team")),
					statecheck.ExpectKnownValue("data.l2msg_instance_chatwoot.plain", tfjsonpath.New("token"), null),
					statecheck.ExpectKnownValue("data.l2msg_instance_chatwoot.secret", tfjsonpath.New("token"), knownvalue.StringExact("ds-cw-token")),
				},
				Check: resource.TestCheckResourceAttrPair("data.l2msg_instance_proxy.plain", "instance_id", "l2msg_instance.other", "instance_id"),
			},
		},
	})
}
