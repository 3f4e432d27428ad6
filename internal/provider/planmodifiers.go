package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// allEventsWhenOmitted keeps webhook.events from showing "known after
// apply" on every unrelated update when the configuration leaves it out:
// if the state already says "every event" (the empty list, or the full list
// some servers report instead), that is what the next apply will send, so
// the plan can say so.
func allEventsWhenOmitted() planmodifier.Set { return allEventsModifier{} }

type allEventsModifier struct{}

func (allEventsModifier) Description(context.Context) string {
	return "keeps the state's value when the configuration omits the events and the state means every event"
}

func (m allEventsModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (allEventsModifier) PlanModifySet(ctx context.Context, req planmodifier.SetRequest, resp *planmodifier.SetResponse) {
	if !req.ConfigValue.IsNull() || !req.PlanValue.IsUnknown() {
		return
	}
	if req.StateValue.IsNull() || req.StateValue.IsUnknown() {
		return
	}
	var events []string
	if diags := req.StateValue.ElementsAs(ctx, &events, false); diags.HasError() {
		return
	}
	if meansAllEvents(events) {
		resp.PlanValue = req.StateValue
	}
}

func meansAllEvents(events []string) bool {
	if len(events) == 0 {
		return true
	}
	for _, e := range client.CurrentEvents {
		if !slices.Contains(events, e) {
			return false
		}
	}
	return true
}

// defaultToInstanceName plans name_inbox as the instance name when the
// configuration leaves it out, which is what the server stores.
type defaultToInstanceName struct{}

func (defaultToInstanceName) Description(context.Context) string {
	return "defaults to instance_name"
}

func (m defaultToInstanceName) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (defaultToInstanceName) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var name types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("instance_name"), &name)...)
	if !name.IsUnknown() && !name.IsNull() {
		resp.PlanValue = name
	}
}
