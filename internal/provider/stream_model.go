package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// streamModel holds the attributes every stream has.
type streamModel struct {
	ID           types.String `tfsdk:"id"`
	InstanceName types.String `tfsdk:"instance_name"`
	InstanceID   types.String `tfsdk:"instance_id"`
	Enabled      types.Bool   `tfsdk:"enabled"`
	Events       types.Set    `tfsdk:"events"`
}

// streamFields is a stream's model: the shared attributes plus the kind's
// own. The schema-level methods ignore the receiver's values.
type streamFields interface {
	common() *streamModel
	attributes() map[string]schema.Attribute
	configValidators() []resource.ConfigValidator
	// hidesSecret reports whether the configuration keeps the secret
	// write-only, so that plan and state must not hold it.
	hidesSecret(ctx context.Context, config tfsdk.Config) (bool, diag.Diagnostics)
	// request fills the kind's fields of the stream to send.
	request(ctx context.Context, config tfsdk.Config, s *client.Stream) diag.Diagnostics
	// record copies the kind's fields from what the server stored.
	record(s *client.Stream)
	// switchOff fills the kind's fields of the request that destroys it.
	switchOff(s *client.Stream)
}

type streamModelPtr[T any] interface {
	*T
	streamFields
}

// record sets the model from what the server stored, keeping the prior
// value where the server's answer says the same thing differently: the
// full event list for "every event", and no events for a disabled stream.
func (r *streamResource[T, P]) record(p P, s *client.Stream) {
	m := p.common()
	m.Enabled = types.BoolValue(s.Enabled)
	m.Events = streamEvents(m.Events, s)
	p.record(s)
}

func streamEvents(prior types.Set, s *client.Stream) types.Set {
	known := !prior.IsNull() && !prior.IsUnknown()
	var priorEvents []string
	if known {
		for _, e := range prior.Elements() {
			if v, ok := e.(types.String); ok {
				priorEvents = append(priorEvents, v.ValueString())
			}
		}
	}
	switch {
	case !s.Enabled && known:
		return prior // the server forgot them
	case !s.Enabled:
		return allEventsSet() // an import of a disabled stream: the default
	case meansAllEvents(s.Events) && known && meansAllEvents(priorEvents):
		return prior
	case meansAllEvents(s.Events) && !known:
		return allEventsSet()
	}
	// The server keeps duplicates; a set cannot hold them.
	events := slices.Compact(slices.Sorted(slices.Values(s.Events)))
	elems := make([]attr.Value, len(events))
	for i, e := range events {
		elems[i] = types.StringValue(e)
	}
	return types.SetValueMust(types.StringType, elems)
}

// plainStream is the model of the five streams that only have the shared
// attributes.
type plainStream struct {
	streamModel
}

func (m *plainStream) common() *streamModel                       { return &m.streamModel }
func (*plainStream) attributes() map[string]schema.Attribute      { return nil }
func (*plainStream) configValidators() []resource.ConfigValidator { return nil }
func (*plainStream) request(context.Context, tfsdk.Config, *client.Stream) diag.Diagnostics {
	return nil
}
func (*plainStream) record(*client.Stream)    {}
func (*plainStream) switchOff(*client.Stream) {}
func (*plainStream) hidesSecret(context.Context, tfsdk.Config) (bool, diag.Diagnostics) {
	return false, nil
}
