package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// Resource identity arrived in Terraform 1.12 and OpenTofu 1.12.
var identityChecks = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)}

// legacyProviders serve the provider as released before resource identity:
// every resource the same, but without an identity schema. State they write
// is what users upgrading from that version have.
var legacyProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"l2msg": providerserver.NewProtocol6WithError(legacyProvider{New("test")().(*l2msgProvider)}),
}

type legacyProvider struct{ *l2msgProvider }

func (p legacyProvider) Resources(ctx context.Context) []func() resource.Resource {
	var out []func() resource.Resource
	for _, newResource := range p.l2msgProvider.Resources(ctx) {
		out = append(out, func() resource.Resource { return noIdentity{newResource()} })
	}
	return out
}

// noIdentity is a resource with every behaviour of the one it wraps except
// identity: embedding the interface promotes only its CRUD methods, and the
// optional interfaces the provider's resources use are passed on here.
type noIdentity struct{ resource.Resource }

func (n noIdentity) Configure(ctx context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if r, ok := n.Resource.(resource.ResourceWithConfigure); ok {
		r.Configure(ctx, req, resp)
	}
}

func (n noIdentity) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if r, ok := n.Resource.(resource.ResourceWithImportState); ok {
		r.ImportState(ctx, req, resp)
	}
}

func (n noIdentity) ConfigValidators(ctx context.Context) []resource.ConfigValidator {
	if r, ok := n.Resource.(resource.ResourceWithConfigValidators); ok {
		return r.ConfigValidators(ctx)
	}
	return nil
}

func (n noIdentity) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	if r, ok := n.Resource.(resource.ResourceWithValidateConfig); ok {
		r.ValidateConfig(ctx, req, resp)
	}
}

func (n noIdentity) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r, ok := n.Resource.(resource.ResourceWithModifyPlan); ok {
		r.ModifyPlan(ctx, req, resp)
	}
}

func TestLegacyProviderHasNoIdentity(t *testing.T) {
	for _, newResource := range (legacyProvider{New("test")().(*l2msgProvider)}).Resources(context.Background()) {
		if _, ok := newResource().(resource.ResourceWithIdentity); ok {
			t.Fatal("the legacy provider must serve resources without identity")
		}
	}
}

func instanceIdentityIs(name string) statecheck.StateCheck {
	return statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{"instance_name": knownvalue.StringExact(name)})
}

func TestAccInstance_identity(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   identityChecks,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []tfresource.TestStep{
			{
				// Set on create, and kept by the refresh after it.
				Config: fullConfig(url, "idént ity"),
				ConfigStateChecks: []statecheck.StateCheck{
					instanceIdentityIs("idént ity"),
					statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New("instance_name")),
				},
			},
			{
				// import { identity = { instance_name = … } }: an import
				// with the same identity, updated in place (apikey, which an
				// import leaves out of state, is read).
				Config:             strings.Replace(fullConfig(url, "idént ity"), "qrcode            = true", "qrcode            = false", 1),
				ResourceName:       addr,
				ImportState:        true,
				ImportStateKind:    tfresource.ImportBlockWithResourceIdentity,
				ExpectNonEmptyPlan: true,
				ImportPlanChecks:   importedInPlace(addr),
			},
		},
	})
}

// precreate makes instances outside Terraform, as the panel or curl does.
func precreate(t *testing.T, url string, names ...string) {
	t.Helper()
	c, err := client.New(client.Config{BaseURL: url, APIKey: testAPIKey})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if _, err := c.CreateInstance(context.Background(), client.CreateRequest{InstanceName: name, Integration: client.IntegrationBaileys}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAccInstance_importSetsIdentity adopts two instances made outside
// Terraform, one by import ID and one by identity: both end with the same
// identity in state and a plan with no changes.
func TestAccInstance_importSetsIdentity(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	precreate(t, url, "by-id", "by-identity")
	cfg := providerBlock(url) + `
import {
  to = l2msg_instance.by_id
  id = "by-id"
}
resource "l2msg_instance" "by_id" {
  instance_name = "by-id"
}

import {
  to       = l2msg_instance.by_identity
  identity = { instance_name = "by-identity" }
}
resource "l2msg_instance" "by_identity" {
  instance_name = "by-identity"
}
`
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   identityChecks,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []tfresource.TestStep{{
			Config: cfg,
			ConfigPlanChecks: tfresource.ConfigPlanChecks{
				// Updated in place: apikey, which an import leaves out of
				// state, is read.
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("l2msg_instance.by_id", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("l2msg_instance.by_identity", plancheck.ResourceActionUpdate),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectIdentity("l2msg_instance.by_id", map[string]knownvalue.Check{"instance_name": knownvalue.StringExact("by-id")}),
				statecheck.ExpectIdentity("l2msg_instance.by_identity", map[string]knownvalue.Check{"instance_name": knownvalue.StringExact("by-identity")}),
				statecheck.ExpectKnownValue("l2msg_instance.by_identity", tfjsonpath.New("id"), knownvalue.StringExact("by-identity")),
			},
		}},
	})
}

// TestAccInstance_importIdentityErrors: an identity naming no instance
// fails like the string ID does, and a malformed one fails before any call.
func TestAccInstance_importIdentityErrors(t *testing.T) {
	_, url := newEmulator(t, emulator.Options{})
	cfg := func(name string) string {
		return providerBlock(url) + fmt.Sprintf(`
import {
  to       = l2msg_instance.test
  identity = { instance_name = %q }
}
resource "l2msg_instance" "test" {
  instance_name = "placeholder"
}
`, name)
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   identityChecks,
		Steps: []tfresource.TestStep{
			{Config: cfg("ghost"), PlanOnly: true, ExpectError: regexp.MustCompile(`Cannot import non-existent remote object`)},
			{Config: cfg("a/b"), PlanOnly: true, ExpectError: wrapped(`Invalid import identity .*must not be empty or contain a slash; got "a/b"`)},
			{Config: cfg(" "), PlanOnly: true, ExpectError: wrapped(`Invalid import identity`)},
		},
	})
}

// TestAccInstance_identityAfterUpgrade: state written by the provider before
// identity gains it on the first refresh, with nothing to change, and
// import by identity works from then on.
func TestAccInstance_identityAfterUpgrade(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	cfg := fullConfig(url, "upgraded")
	tfresource.ParallelTest(t, tfresource.TestCase{
		TerraformVersionChecks: identityChecks,
		CheckDestroy:           checkDestroyed(emu),
		Steps: []tfresource.TestStep{
			{
				ProtoV6ProviderFactories: legacyProviders,
				Config:                   cfg,
			},
			{
				ProtoV6ProviderFactories: testAccProviders,
				Config:                   cfg,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{instanceIdentityIs("upgraded")},
			},
			{
				ProtoV6ProviderFactories: testAccProviders,
				Config:                   strings.Replace(cfg, "qrcode            = true", "qrcode            = false", 1),
				ResourceName:             addr,
				ImportState:              true,
				ImportStateKind:          tfresource.ImportBlockWithResourceIdentity,
				ExpectNonEmptyPlan:       true,
				ImportPlanChecks:         importedInPlace(addr),
			},
			// The destroy at the end takes the last configuration step's
			// providers and configuration.
			{ProtoV6ProviderFactories: testAccProviders, Config: cfg},
		},
	})
}

// TestAccInstance_identityAfterUpgradeGone: an instance deleted outside
// Terraform while its state had no identity yet is planned for re-creation,
// as before, rather than failing the refresh.
func TestAccInstance_identityAfterUpgradeGone(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	cfg := minimalConfig(url, "gone")
	tfresource.ParallelTest(t, tfresource.TestCase{
		TerraformVersionChecks: identityChecks,
		CheckDestroy:           checkDestroyed(emu),
		Steps: []tfresource.TestStep{
			{ProtoV6ProviderFactories: legacyProviders, Config: cfg},
			{
				ProtoV6ProviderFactories: testAccProviders,
				PreConfig: func() {
					if !emu.Remove("gone") {
						t.Fatal("instance not on the server")
					}
				},
				Config: cfg,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{instanceIdentityIs("gone")},
			},
		},
	})
}

// memberState is the state of a resource that is one member of an
// instance's collection, as memberIdentity expects it.
func memberState(ctx context.Context) tfsdk.State {
	s := schema.Schema{Attributes: map[string]schema.Attribute{
		"instance_name": schema.StringAttribute{Required: true},
		"id":            schema.StringAttribute{Computed: true},
		"other":         schema.StringAttribute{Optional: true},
	}}
	return tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), nil)}
}

func newIdentity(ctx context.Context, a identityAttrs) *tfsdk.ResourceIdentity {
	s := a.schema()
	return &tfsdk.ResourceIdentity{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), nil)}
}

// TestMemberIdentityImport: a collection member is imported as
// "<instance_name>/<id>" or by identity, and both fill the same attributes.
func TestMemberIdentityImport(t *testing.T) {
	ctx := context.Background()
	byIdentity := newIdentity(ctx, memberIdentity)
	if d := byIdentity.SetAttribute(ctx, path.Root("instance_name"), "sales"); d.HasError() {
		t.Fatal(d)
	}
	if d := byIdentity.SetAttribute(ctx, path.Root("id"), "bot-1"); d.HasError() {
		t.Fatal(d)
	}
	for name, req := range map[string]resource.ImportStateRequest{
		"id":       {ID: "sales/bot-1"},
		"identity": {Identity: byIdentity},
	} {
		t.Run(name, func(t *testing.T) {
			resp := &resource.ImportStateResponse{State: memberState(ctx), Identity: newIdentity(ctx, memberIdentity)}
			memberIdentity.importState(ctx, req, resp)
			if resp.Diagnostics.HasError() {
				t.Fatal(resp.Diagnostics)
			}
			for _, got := range []struct{ attr, state, identity string }{
				{"instance_name", attrOf(t, resp.State, "instance_name"), identityOf(t, resp.Identity, "instance_name")},
				{"id", attrOf(t, resp.State, "id"), identityOf(t, resp.Identity, "id")},
			} {
				want := map[string]string{"instance_name": "sales", "id": "bot-1"}[got.attr]
				if got.state != want || got.identity != want {
					t.Errorf("%s: state %q, identity %q; want %q", got.attr, got.state, got.identity, want)
				}
			}
		})
	}
}

func TestIdentityImportRejects(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		attrs identityAttrs
		id    string
	}{
		{memberIdentity, "sales"},
		{memberIdentity, "sales/"},
		{memberIdentity, "sales/bot/1"},
		{memberIdentity, " /bot"},
		{instanceIdentity, "a/b"},
		{instanceIdentity, "  "},
	} {
		resp := &resource.ImportStateResponse{State: memberState(ctx), Identity: newIdentity(ctx, tt.attrs)}
		tt.attrs.importState(ctx, resource.ImportStateRequest{ID: tt.id}, resp)
		if !resp.Diagnostics.HasError() {
			t.Errorf("%v: import ID %q accepted", tt.attrs, tt.id)
			continue
		}
		if d := resp.Diagnostics.Errors()[0].Detail(); !strings.Contains(d, tt.attrs.idFormat()) {
			t.Errorf("%v: the error does not give the ID's format: %s", tt.attrs, d)
		}
	}
}

// An import block's identity passes the import ID's rules: no part empty
// or holding a slash, which would make an ID that names something else.
// The error names the identity attribute at fault.
func TestIdentityImportByIdentityRejects(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		attrs  identityAttrs
		values map[string]string
		bad    string
	}{
		{instanceIdentity, map[string]string{"instance_name": "a/b"}, "instance_name"},
		{instanceIdentity, map[string]string{"instance_name": " "}, "instance_name"},
		{memberIdentity, map[string]string{"instance_name": "sales", "id": "bot/1"}, "id"},
		{memberIdentity, map[string]string{"instance_name": "sales/x", "id": "bot-1"}, "instance_name"},
		{memberIdentity, map[string]string{"instance_name": "sales", "id": ""}, "id"},
	} {
		identity := newIdentity(ctx, tt.attrs)
		for name, v := range tt.values {
			if d := identity.SetAttribute(ctx, path.Root(name), v); d.HasError() {
				t.Fatal(d)
			}
		}
		resp := &resource.ImportStateResponse{State: memberState(ctx), Identity: newIdentity(ctx, tt.attrs)}
		tt.attrs.importState(ctx, resource.ImportStateRequest{Identity: identity}, resp)
		if !resp.Diagnostics.HasError() {
			t.Errorf("identity %v accepted", tt.values)
			continue
		}
		d := resp.Diagnostics.Errors()[0]
		if ad, ok := d.(diag.DiagnosticWithPath); !ok || !ad.Path().Equal(path.Root(tt.bad)) ||
			!strings.Contains(d.Detail(), "must not be empty or contain a slash") {
			t.Errorf("identity %v: error %q %q, want one on %s about empty parts and slashes", tt.values, d.Summary(), d.Detail(), tt.bad)
		}
	}
}

// TestIdentitySyncFromState: identity follows state, falls back to the next
// state given when the first is null, and leaves a nil identity alone.
func TestIdentitySyncFromState(t *testing.T) {
	ctx := context.Background()
	full := memberState(ctx)
	if d := full.SetAttribute(ctx, path.Root("instance_name"), "sales"); d.HasError() {
		t.Fatal(d)
	}
	if d := full.SetAttribute(ctx, path.Root("id"), "bot-1"); d.HasError() {
		t.Fatal(d)
	}
	removed := memberState(ctx)
	id := newIdentity(ctx, memberIdentity)
	var diags diag.Diagnostics
	memberIdentity.sync(ctx, id, &diags, &removed, &full)
	if diags.HasError() || identityOf(t, id, "instance_name") != "sales" || identityOf(t, id, "id") != "bot-1" {
		t.Fatalf("identity not taken from the first non-null state: %v %v", id.Raw, diags)
	}
	memberIdentity.sync(ctx, nil, &diags, &full)
	untouched := newIdentity(ctx, memberIdentity)
	memberIdentity.sync(ctx, untouched, &diags, &removed)
	if !untouched.Raw.IsNull() || diags.HasError() {
		t.Fatalf("null state must leave identity alone: %v %v", untouched.Raw, diags)
	}
}

func attrOf(t *testing.T, s tfsdk.State, name string) string {
	t.Helper()
	var v types.String
	if d := s.GetAttribute(context.Background(), path.Root(name), &v); d.HasError() {
		t.Fatal(d)
	}
	return v.ValueString()
}

func identityOf(t *testing.T, id *tfsdk.ResourceIdentity, name string) string {
	t.Helper()
	var v types.String
	if d := id.GetAttribute(context.Background(), path.Root(name), &v); d.HasError() {
		t.Fatal(d)
	}
	return v.ValueString()
}

// identityMatchesState checks that the resource at addr has the identity
// attrs, each equal to the state attribute of the same name.
func identityMatchesState(addr string, attrs identityAttrs) []statecheck.StateCheck {
	var out []statecheck.StateCheck
	for _, name := range attrs {
		out = append(out, statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New(name)))
	}
	return out
}

// TestAccPerInstanceResources_identity: every resource that lives inside an
// instance has identity, set on create and usable in an import block:
// {instance_name} for the ones an instance has at most one of,
// {instance_name, id} for members of a collection.
func TestAccPerInstanceResources_identity(t *testing.T) {
	typebot := botCases[0]
	for _, tc := range []struct {
		name   string
		config func(url string) string
		checks map[string]identityAttrs
		// importAddr is imported by identity in a second step.
		importAddr string
	}{
		{
			name:       "proxy",
			config:     func(url string) string { return proxyConfig(url, "id-proxy", "  host = \"10.0.0.5\"\n  port = 1080\n") },
			checks:     map[string]identityAttrs{proxyAddr: instanceIdentity},
			importAddr: proxyAddr,
		},
		{
			name: "chatwoot",
			config: func(url string) string {
				return chatwootConfig(providerBlock(url), "id-cw", "  account_id = \"1\"\n  token = \"cw-test-token\"\n  url = \"http://localhost:3000\"\n")
			},
			checks:     map[string]identityAttrs{chatwootAddr: instanceIdentity},
			importAddr: chatwootAddr,
		},
		{
			name:       "bot and bot settings",
			config:     func(url string) string { return typebot.config(url, "id-bots", "hello", "", "") },
			checks:     map[string]identityAttrs{typebot.botAddr(): memberIdentity, typebot.settingsAddr(): instanceIdentity},
			importAddr: typebot.botAddr(),
		},
		{
			name: "openai credential",
			config: func(url string) string {
				return credsConfig(url, "main", "sk-identity", false, "", "")
			},
			checks: map[string]identityAttrs{"l2msg_openai_credential.a": memberIdentity},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			emu, url := newEmulator(t, emulator.Options{})
			var checks []statecheck.StateCheck
			for addr, attrs := range tc.checks {
				checks = append(checks, identityMatchesState(addr, attrs)...)
			}
			steps := []tfresource.TestStep{{Config: tc.config(url), ConfigStateChecks: checks}}
			if tc.importAddr != "" {
				steps = append(steps, tfresource.TestStep{
					Config:          tc.config(url),
					ResourceName:    tc.importAddr,
					ImportState:     true,
					ImportStateKind: tfresource.ImportBlockWithResourceIdentity,
					// A secret, which an import leaves out of state, is
					// recorded by an update in place.
					ExpectNonEmptyPlan: hasSecretTwin(t, strings.Split(tc.importAddr, ".")[0]),
					ImportPlanChecks:   importedInPlace(tc.importAddr),
				})
			}
			tfresource.ParallelTest(t, tfresource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				TerraformVersionChecks:   identityChecks,
				CheckDestroy:             checkDestroyed(emu),
				Steps:                    steps,
			})
		})
	}
}

// TestAccPerInstanceResources_identityAfterUpgrade: state written before
// these resources had identity gains it on the next refresh.
func TestAccPerInstanceResources_identityAfterUpgrade(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	typebot := botCases[0]
	cfg := typebot.config(url, "upgraded-bots", "hello", "", "")
	tfresource.ParallelTest(t, tfresource.TestCase{
		TerraformVersionChecks: identityChecks,
		CheckDestroy:           checkDestroyed(emu),
		Steps: []tfresource.TestStep{
			{ProtoV6ProviderFactories: legacyProviders, Config: cfg},
			{
				ProtoV6ProviderFactories: testAccProviders,
				Config:                   cfg,
				ConfigPlanChecks:         tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: append(identityMatchesState(typebot.botAddr(), memberIdentity),
					identityMatchesState(typebot.settingsAddr(), instanceIdentity)...),
			},
		},
	})
}

// TestEveryResourceHasIdentity: a resource added without identity fails
// here, before users miss `import { identity = … }` and `terraform query`.
func TestEveryResourceHasIdentity(t *testing.T) {
	p := New("test")().(*l2msgProvider)
	for _, newResource := range p.Resources(context.Background()) {
		r := newResource()
		var md resource.MetadataResponse
		r.Metadata(context.Background(), resource.MetadataRequest{ProviderTypeName: "l2msg"}, &md)
		if _, ok := r.(resource.ResourceWithIdentity); !ok {
			t.Errorf("%s has no resource identity: see identity.go", md.TypeName)
		}
	}
}
