package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

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
