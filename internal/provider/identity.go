package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resource identity (Terraform and OpenTofu 1.12+) names the remote object a
// resource manages, so `import { identity = {…} }` and `terraform query` can
// find it. Every resource's identity is a few of its own string attributes,
// under the same names, in the order of its import ID joined with "/":
//
//   - an instance, and each per-instance singleton (its settings, its
//     Chatwoot, …): {instance_name}, import ID "<instance_name>";
//   - one member of a per-instance collection (a bot, …):
//     {instance_name, id}, import ID "<instance_name>/<id>".
//
// A resource declares which with identityAttrs and calls its three methods:
//
//	var _ resource.ResourceWithIdentity = (*x)(nil)
//
//	func (r *x) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
//		resp.IdentitySchema = memberIdentity.schema()
//	}
//	func (r *x) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
//		memberIdentity.importState(ctx, req, resp)
//	}
//	// first line of Create and Update:
//	defer memberIdentity.sync(ctx, resp.Identity, &resp.Diagnostics, &resp.State)
//	// first line of Read:
//	defer memberIdentity.sync(ctx, resp.Identity, &resp.Diagnostics, &resp.State, &req.State)
//
// Identity is derived from state whenever a method returns, on every path,
// so state written before a resource had identity gains it on the next
// refresh, and the two can never disagree.
type identityAttrs []string

var (
	instanceIdentity = identityAttrs{"instance_name"}
	memberIdentity   = identityAttrs{"instance_name", "id"}
)

// identityDescriptions says what each identity attribute is, for the docs.
var identityDescriptions = map[string]string{
	"instance_name": "The name of the instance.",
	"id":            "The identifier of this object within its instance, as in its import ID.",
}

func (a identityAttrs) schema() identityschema.Schema {
	attrs := make(map[string]identityschema.Attribute, len(a))
	for _, name := range a {
		attrs[name] = identityschema.StringAttribute{
			RequiredForImport: true,
			Description:       identityDescriptions[name],
		}
	}
	return identityschema.Schema{Attributes: attrs}
}

// idFormat is the import ID's shape, for error messages.
func (a identityAttrs) idFormat() string {
	parts := make([]string, len(a))
	for i, name := range a {
		parts[i] = "<" + name + ">"
	}
	return strings.Join(parts, "/")
}

// sync sets identity from the same-named attributes of the first state
// given that is not null, for a defer at the top of Create, Read and Update.
// Read passes its request's state too: after Read removes a resource whose
// state predates identity, the framework still wants an identity, and only
// the request has the values. With every state null (nothing was created)
// there is no identity; a nil identity (a client without identity support)
// is left alone.
func (a identityAttrs) sync(ctx context.Context, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics, states ...*tfsdk.State) {
	if identity == nil {
		return
	}
	for _, state := range states {
		if state.Raw.IsNull() {
			continue
		}
		for _, name := range a {
			var v types.String
			diags.Append(state.GetAttribute(ctx, path.Root(name), &v)...)
			diags.Append(identity.SetAttribute(ctx, path.Root(name), v)...)
		}
		return
	}
}

// identityAttrsOf are the attributes of identity's schema; none for a nil
// identity (a client without identity support).
func identityAttrsOf(identity *tfsdk.ResourceIdentity) identityAttrs {
	if identity == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(identity.Schema.GetAttributes()))
}

// importState starts an import from the string ID or from the import
// block's identity: both name the same attributes and pass the same checks,
// then Read finds the object (or reports that it does not exist).
func (a identityAttrs) importState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var values []string
	if req.ID != "" || req.Identity == nil {
		values = strings.Split(req.ID, "/")
		if len(values) != len(a) || !allNonBlank(values) {
			resp.Diagnostics.AddError("Invalid import ID",
				fmt.Sprintf("The import ID is %s: %s; got %q.", a.idFormat(), a.partsRule(), req.ID))
			return
		}
	} else {
		for _, name := range a {
			var v types.String
			resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root(name), &v)...)
			if resp.Diagnostics.HasError() {
				return
			}
			s := v.ValueString()
			if strings.TrimSpace(s) == "" || strings.Contains(s, "/") {
				resp.Diagnostics.AddAttributeError(path.Root(name), "Invalid import identity",
					fmt.Sprintf("identity.%s must not be empty or contain a slash; got %q.", name, s))
				return
			}
			values = append(values, s)
		}
	}
	for i, name := range a {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), values[i])...)
		if resp.Identity != nil {
			resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root(name), values[i])...)
		}
	}
}

func (a identityAttrs) partsRule() string {
	if len(a) == 1 {
		return "not empty and without a slash"
	}
	return "each part not empty and without a slash"
}

func allNonBlank(parts []string) bool {
	for _, p := range parts {
		if strings.TrimSpace(p) == "" {
			return false
		}
	}
	return true
}
