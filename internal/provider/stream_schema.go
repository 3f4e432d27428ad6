package provider

import (
	"context"
	"maps"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// allEventsSet is what an enabled stream stores when the events are left
// out: every event the server knows.
func allEventsSet() types.Set {
	elems := make([]attr.Value, len(client.CurrentEvents))
	for i, e := range client.CurrentEvents {
		elems[i] = types.StringValue(e)
	}
	return types.SetValueMust(types.StringType, elems)
}

func (r *streamResource[T, P]) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	k := r.kind
	sw := client.StreamSwitch(k.name)
	refresh := "A refresh reads it with the server's find route, which fails with an error naming `" + sw +
		"` when the server has the stream switched off."
	if k.listed() {
		refresh = "A refresh reads it from the instance listing, with no request of its own. The listing shows the stored " +
			"stream whatever the server's environment says, so a server restarted without `" + sw +
			"=true` is reported by the next change, not by a refresh."
	}
	attrs := map[string]schema.Attribute{
		"id":            integrationIDAttribute(),
		"instance_name": integrationInstanceNameAttribute(),
		"instance_id":   instanceLinkAttribute(),
		"enabled": schema.BoolAttribute{
			Description: "Whether the server publishes the events. Defaults to `true`. Updated in place.",
			Optional:    true,
			Computed:    true,
			Default:     booldefault.StaticBool(true),
		},
		"events": schema.SetAttribute{
			Description: "The events to publish. Leave it out for every event: the server then stores the whole list, and the plan " +
				"shows it. When set, at least one of: `" + strings.Join(client.StreamEvents, "`, `") + "` " +
				"(`MESSAGING_HISTORY_SET` needs Evolution API 2.4 or later). The server stores no events for a disabled stream; " +
				"`events` keeps the list it will get when enabled again. Updated in place.",
			ElementType: types.StringType,
			Optional:    true,
			Computed:    true,
			Default:     setdefault.StaticValue(allEventsSet()),
			Validators: []validator.Set{
				setvalidator.SizeAtLeast(1),
				setvalidator.ValueStringsAre(stringvalidator.OneOf(client.StreamEvents...)),
			},
		},
	}
	maps.Copy(attrs, P(new(T)).attributes())
	resp.Schema = schema.Schema{
		Description: "The " + k.title + " event stream of an instance: which of the instance's events the server publishes to " +
			k.target + ". The server must run with `" + sw + "=true` in its environment. A server without it publishes " +
			"nothing (and, for most kinds, silently stores nothing) while answering as if all went well: the provider reports " +
			"that as an error that names the variable.\n\n" +
			"There is one per instance, and the server cannot delete it: destroying the resource switches the stream off " +
			"(`enabled = false`, no events). Replacing the instance deletes the stream on the server; set `instance_id` from " +
			"the `l2msg_instance` resource and the same apply re-creates it. " + refresh + " " +
			"Import it with the instance name.",
		Attributes: attrs,
	}
}
