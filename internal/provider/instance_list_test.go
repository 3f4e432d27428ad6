package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// `terraform query` and list resources arrived in Terraform 1.14; OpenTofu
// 1.12 has neither.
var queryChecks = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

// adoptableAccount is an account made outside Terraform: two instances to
// adopt, one with settings and a webhook and paired, one bare, and one that
// the filters leave out.
func adoptableAccount(t *testing.T, emu *emulator.Server, url string) {
	t.Helper()
	precreate(t, url, "adopt-sales", "adopt-support", "other")
	c, err := client.New(client.Config{BaseURL: url, APIKey: testAPIKey})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.SetSettings(ctx, "adopt-sales", client.Settings{RejectCall: true, MsgCall: "busy", ReadStatus: true}); err != nil {
		t.Fatal(err)
	}
	if err := c.SetWebhook(ctx, "adopt-sales", client.Webhook{
		Enabled: true, URL: "https://hooks.example.com/wa", Base64: true, Events: []string{"MESSAGES_UPSERT", "CONNECTION_UPDATE"},
	}); err != nil {
		t.Fatal(err)
	}
	if err := emu.MarkPaired("adopt-sales"); err != nil {
		t.Fatal(err)
	}
}

func nameIs(name string) queryfilter.QueryFilter {
	return queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"instance_name": knownvalue.StringExact(name)})
}

func TestAccInstanceList_query(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	adoptableAccount(t, emu, url)
	// The provider block comes from the configuration of the step before.
	query := `
list "l2msg_instance" "adopt" {
  provider = l2msg
  config {
    name_prefix = "adopt-"
  }
}

list "l2msg_instance" "open" {
  provider = l2msg
  config {
    status = "open"
  }
}

list "l2msg_instance" "none" {
  provider = l2msg
  config {
    name_prefix = "nobody-"
  }
}

list "l2msg_instance" "full" {
  provider         = l2msg
  include_resource = true
  config {
    name_prefix = "adopt-sales"
  }
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   queryChecks,
		Steps: []resource.TestStep{
			{Config: providerBlock(url)},
			{
				PreConfig: emu.ResetStats,
				Query:     true,
				Config:    query,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("l2msg_instance.adopt", 2),
					querycheck.ExpectIdentity("l2msg_instance.adopt", map[string]knownvalue.Check{"instance_name": knownvalue.StringExact("adopt-sales")}),
					querycheck.ExpectIdentity("l2msg_instance.adopt", map[string]knownvalue.Check{"instance_name": knownvalue.StringExact("adopt-support")}),
					querycheck.ExpectResourceDisplayName("l2msg_instance.adopt", nameIs("adopt-support"), knownvalue.StringExact("adopt-support")),
					querycheck.ExpectLength("l2msg_instance.open", 1),
					querycheck.ExpectIdentity("l2msg_instance.open", map[string]knownvalue.Check{"instance_name": knownvalue.StringExact("adopt-sales")}),
					// A filter that matches nothing is an empty list, not an error.
					querycheck.ExpectLength("l2msg_instance.none", 0),
					querycheck.ExpectLength("l2msg_instance.full", 1),
					querycheck.ExpectResourceKnownValues("l2msg_instance.full", nameIs("adopt-sales"), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact("adopt-sales")},
						{Path: tfjsonpath.New("status"), KnownValue: knownvalue.StringExact("open")},
						{Path: tfjsonpath.New("reject_call"), KnownValue: knownvalue.Bool(true)},
						{Path: tfjsonpath.New("msg_call"), KnownValue: knownvalue.StringExact("busy")},
						{Path: tfjsonpath.New("webhook").AtMapKey("url"), KnownValue: knownvalue.StringExact("https://hooks.example.com/wa")},
						{Path: tfjsonpath.New("webhook").AtMapKey("events"), KnownValue: knownvalue.SetExact([]knownvalue.Check{
							knownvalue.StringExact("MESSAGES_UPSERT"), knownvalue.StringExact("CONNECTION_UPDATE"),
						})},
					}),
				},
			},
			{
				// Each list block made one fetchInstances call; only the one
				// with include_resource looked up webhooks, one per result.
				Config: providerBlock(url),
				Check: resource.ComposeTestCheckFunc(
					calls(emu, "GET /instance/fetchInstances", 4),
					calls(emu, "GET /webhook/find/:name", 1),
				),
			},
		},
	})
}
