package provider

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/list"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

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

// The list's filters, without a CLI: `terraform query` needs Terraform
// 1.14, so the acceptance test above skips on 1.11 and `make test` alone
// would not see a filter ignored. List is called as the framework calls it.
func TestInstanceListFilters(t *testing.T) {
	ctx := context.Background()
	emu, url := newEmulator(t, emulator.Options{})
	precreate(t, url, "a-open", "a-close", "b-open")
	for _, n := range []string{"a-open", "b-open"} {
		if err := emu.MarkPaired(n); err != nil {
			t.Fatal(err)
		}
	}
	cfg := client.Config{BaseURL: url, APIKey: testAPIKey}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r, listRequest := newListHarness(ctx, c, cfg)
	for _, tt := range []struct {
		prefix, status string
		want           []string
	}{
		{"", "", []string{"a-close", "a-open", "b-open"}},
		{"a-", "", []string{"a-close", "a-open"}},
		{"", "open", []string{"a-open", "b-open"}},
		{"a-", "open", []string{"a-open"}},
		{"", "close", []string{"a-close"}},
		{"", "connecting", nil},
	} {
		var stream list.ListResultsStream
		r.List(ctx, listRequest(tt.prefix, tt.status, false), &stream)
		var got []string
		for res := range stream.Results {
			if res.Diagnostics.HasError() {
				t.Fatal(res.Diagnostics)
			}
			got = append(got, res.DisplayName)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("name_prefix %q, status %q: listed %q, want %q", tt.prefix, tt.status, got, tt.want)
		}
	}
}

// A result with include_resource carries no secret: `terraform query -json`
// prints every value of it, sensitive or not (issue 19, item 6). Without a
// CLI, so it runs on every Terraform version.
func TestInstanceListLeavesSecretsNull(t *testing.T) {
	ctx := context.Background()
	_, url := newEmulator(t, emulator.Options{})
	cfg := client.Config{BaseURL: url, APIKey: testAPIKey}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	const key, header = "list-KEY-3b9e7c1a5d", "Bearer list-HOOK-8f2d4a6c"
	if _, err := c.CreateInstance(ctx, client.CreateRequest{InstanceName: "listed", Integration: client.IntegrationBaileys, Token: key,
		Webhook: &client.Webhook{Enabled: true, URL: "https://hooks.example.com/l", Headers: map[string]string{"authorization": header}}}); err != nil {
		t.Fatal(err)
	}
	r, listRequest := newListHarness(ctx, c, cfg)
	var stream list.ListResultsStream
	r.List(ctx, listRequest("", "", true), &stream)
	n := 0
	for res := range stream.Results {
		n++
		if res.Diagnostics.HasError() {
			t.Fatal(res.Diagnostics)
		}
		var m instanceModel
		if diags := res.Resource.Get(ctx, &m); diags.HasError() {
			t.Fatal(diags)
		}
		if m.InstanceName.ValueString() != "listed" || m.Webhook.IsNull() || m.Status.IsNull() {
			t.Errorf("the result lost what it must carry: %s", res.Resource.Raw)
		}
		if !m.APIKey.IsNull() || !m.Token.IsNull() {
			t.Errorf("apikey %v, token %v: want null", m.APIKey, m.Token)
		}
		if h := m.Webhook.Attributes()["headers"]; !h.IsNull() {
			t.Errorf("webhook.headers %v: want null", h)
		}
		for what, secret := range map[string]string{"instance key": key, "header value": header} {
			if strings.Contains(res.Resource.Raw.String(), secret) {
				t.Errorf("the result holds the %s", what)
			}
		}
	}
	if n != 1 {
		t.Fatalf("%d results, want 1", n)
	}
}

// newListHarness is the list resource on c, and a builder of its requests
// as terraform sends them: the list block's filters ("" for unset) and the
// instance resource's schema and identity schema.
func newListHarness(ctx context.Context, c *client.Client, cfg client.Config) (*instanceListResource, func(prefix, status string, include bool) list.ListRequest) {
	r := &instanceListResource{resourceBase{providerData{client: c, settings: cfg}}}
	var lsresp list.ListResourceSchemaResponse
	r.ListResourceConfigSchema(ctx, list.ListResourceSchemaRequest{}, &lsresp)
	var rsresp fwresource.SchemaResponse
	NewInstanceResource().Schema(ctx, fwresource.SchemaRequest{}, &rsresp)
	var isresp fwresource.IdentitySchemaResponse
	NewInstanceResource().(fwresource.ResourceWithIdentity).IdentitySchema(ctx, fwresource.IdentitySchemaRequest{}, &isresp)
	str := func(v string) tftypes.Value {
		if v == "" {
			return tftypes.NewValue(tftypes.String, nil)
		}
		return tftypes.NewValue(tftypes.String, v)
	}
	s := lsresp.Schema
	return r, func(prefix, status string, include bool) list.ListRequest {
		return list.ListRequest{
			Config: tfsdk.Config{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx),
				map[string]tftypes.Value{"name_prefix": str(prefix), "status": str(status)})},
			IncludeResource:        include,
			ResourceSchema:         rsresp.Schema,
			ResourceIdentitySchema: isresp.IdentitySchema,
		}
	}
}
