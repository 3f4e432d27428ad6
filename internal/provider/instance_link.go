package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Replacing an instance deletes its integrations on the server (cascade),
// but instance_name stays the same through a replacement, so nothing in an
// integration's plan would change. instance_id carries the signal: set
// from l2msg_instance.x.instance_id, it becomes unknown when the instance
// is planned for replacement, and the integration is replaced with it in
// the same apply.

// instanceLinkAttribute is the instance_id attribute of every resource that
// lives inside an instance. Read it back with checkInstanceLink.
func instanceLinkAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Description: "The server's id of the instance, as `l2msg_instance.<name>.instance_id` gives it. " +
			"Set it from the instance resource: replacing the instance deletes this object on the server, and with " +
			"`instance_id` set, the same apply re-creates it. Left out, it is read from the server, and a replaced " +
			"instance is only noticed on the next plan. When set, it must be the id of the instance named by " +
			"`instance_name`. Changing it replaces this resource.",
		Optional:      true,
		Computed:      true,
		PlanModifiers: []planmodifier.String{instanceLinkModifier{}},
	}
}

type instanceLinkModifier struct{}

func (instanceLinkModifier) Description(context.Context) string {
	return "replaces the resource when the instance it belongs to is replaced; keeps the known id otherwise"
}

func (m instanceLinkModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (instanceLinkModifier) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return // create or destroy
	}
	switch {
	case req.ConfigValue.IsNull():
		// Not managed: the instance's id as last read.
		if !req.StateValue.IsNull() {
			resp.PlanValue = req.StateValue
		}
	case req.ConfigValue.IsUnknown():
		// The instance is being created or replaced: this object goes too.
		resp.RequiresReplace = true
	case !req.ConfigValue.Equal(req.StateValue) && !req.StateValue.IsNull():
		resp.RequiresReplace = true
	}
}

// checkInstanceLink reports a configured instance_id that is not the id of
// the instance the resource is about to write to, so that a stale or
// mistyped id never configures another instance of the same name.
func checkInstanceLink(configured types.String, name, actual string, diags *diag.Diagnostics) {
	if configured.IsNull() || configured.IsUnknown() || actual == "" || configured.ValueString() == actual {
		return
	}
	diags.AddAttributeError(path.Root("instance_id"), "Instance id does not match",
		fmt.Sprintf("instance_id is %q, but the instance named %q has the id %q: it was replaced or re-created. "+
			"Set instance_id from the l2msg_instance resource (l2msg_instance.<name>.instance_id) so that both change together.",
			configured.ValueString(), name, actual))
}
