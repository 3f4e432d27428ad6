package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// The six event streams (websocket, RabbitMQ, NATS, SQS, Kafka, Pusher)
// are one resource type each but share everything except their name and,
// for Pusher, the app's credentials: this file is their life cycle, and
// stream_kinds.go their table.

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
	record(s *client.Stream, importing bool)
	// switchOff fills the kind's fields of the request that destroys it.
	switchOff(s *client.Stream)
	secretHolder
}

type streamModelPtr[T any] interface {
	*T
	streamFields
}

type streamResource[T any, P streamModelPtr[T]] struct {
	resourceBase
	kind *streamKind
}

var (
	_ resource.ResourceWithConfigure        = (*streamResource[plainStream, *plainStream])(nil)
	_ resource.ResourceWithImportState      = (*streamResource[plainStream, *plainStream])(nil)
	_ resource.ResourceWithConfigValidators = (*streamResource[plainStream, *plainStream])(nil)
	_ resource.ResourceWithModifyPlan       = (*streamResource[plainStream, *plainStream])(nil)
)

func newStreamResource[T any, P streamModelPtr[T]](k *streamKind) resource.Resource {
	return &streamResource[T, P]{kind: k}
}

func (r *streamResource[T, P]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instance_" + r.kind.name
}

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

func (r *streamResource[T, P]) ConfigValidators(context.Context) []resource.ConfigValidator {
	return P(new(T)).configValidators()
}

// ModifyPlan keeps a write-only secret out of the plan, also on the plan
// after an import, which read the server's secret into state.
func (r *streamResource[T, P]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	hidden, diags := P(new(T)).hidesSecret(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if hidden && !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("secret"), types.StringNull())...)
	}
}

// integration names the stream in messages, with its switch.
func (r *streamResource[T, P]) integration() integrationKind {
	return integrationKind{name: r.kind.title + " event stream", envSwitch: client.StreamSwitch(r.kind.name)}
}

func (r *streamResource[T, P]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan T
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.write(ctx, req.Config, &plan, &resp.State, &resp.Diagnostics)
}

func (r *streamResource[T, P]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan T
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.write(ctx, req.Config, &plan, &resp.State, &resp.Diagnostics)
}

// write sends the planned stream (every field: the server's set replaces
// the row) and records what the server stored.
func (r *streamResource[T, P]) write(ctx context.Context, config tfsdk.Config, plan *T, state *tfsdk.State, diags *diag.Diagnostics) {
	p := P(plan)
	m := p.common()
	name := m.InstanceName.ValueString()
	want := client.Stream{Enabled: m.Enabled.ValueBool()}
	diags.Append(m.Events.ElementsAs(ctx, &want.Events, false)...)
	diags.Append(p.request(ctx, config, &want)...)
	if diags.HasError() {
		return
	}
	secrets := append(p.secrets(ctx), want.Secret)
	ctx = withMasks(r.masked(ctx, p), want.Secret)

	inst := instanceForWrite(ctx, r.client, name, m.InstanceID, r.integration().name, diags)
	if inst == nil {
		return
	}
	stored, err := r.client.SetStream(ctx, r.kind.name, name, want)
	if err != nil {
		addIntegrationError(diags, r.integration(), "configure", name, redactErr(err, secrets))
		return
	}
	m.ID = types.StringValue(name)
	m.InstanceID = types.StringValue(inst.ID)
	r.record(p, stored, false)
	diags.Append(state.Set(ctx, plan)...)
}

// record sets the model from what the server stored, keeping the prior
// value where the server's answer says the same thing differently: the
// full event list for "every event", and no events for a disabled stream.
func (r *streamResource[T, P]) record(p P, s *client.Stream, importing bool) {
	m := p.common()
	m.Enabled = types.BoolValue(s.Enabled)
	m.Events = streamEvents(m.Events, s)
	p.record(s, importing)
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

func (r *streamResource[T, P]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state T
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p := P(&state)
	m := p.common()
	ctx = r.masked(ctx, p)
	name := m.InstanceName.ValueString()
	if name == "" {
		name = m.ID.ValueString()
	}
	// After an import, only the name is known.
	importing := m.Enabled.IsNull()

	inst, err := r.client.LookupInstance(ctx, name)
	if client.IsNotFound(err) {
		tflog.Warn(ctx, "l2msg instance no longer exists; removing its "+r.kind.name+" stream from state", map[string]any{"instance_name": name})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "read", name, err)
		return
	}
	s, listed := inst.Streams[r.kind.name]
	if !listed {
		s, err = r.client.FindStream(ctx, r.kind.name, name)
		if err != nil {
			addIntegrationError(&resp.Diagnostics, r.integration(), "read", name, redactErr(err, p.secrets(ctx)))
			return
		}
	}
	if s == nil {
		tflog.Warn(ctx, "the instance has no "+r.kind.name+" stream; removing it from state", map[string]any{"instance_name": name})
		resp.State.RemoveResource(ctx)
		return
	}
	m.ID = types.StringValue(name)
	m.InstanceName = types.StringValue(name)
	m.InstanceID = types.StringValue(inst.ID)
	r.record(p, s, importing)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Delete switches the stream off: the server has no delete route.
func (r *streamResource[T, P]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state T
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p := P(&state)
	m := p.common()
	ctx = r.masked(ctx, p)
	name := m.InstanceName.ValueString()

	inst, err := r.client.FetchInstance(ctx, name)
	if client.IsNotFound(err) {
		return // the stream went with the instance
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "look up", name, err)
		return
	}
	if id := m.InstanceID.ValueString(); id != "" && id != inst.ID {
		// Another instance of the same name: this stream went with the
		// instance it belonged to, and the new one is not ours to change.
		return
	}
	off := client.Stream{Enabled: false, Events: []string{}}
	p.switchOff(&off)
	_, err = r.client.SetStream(ctx, r.kind.name, name, off)
	var switchedOff *client.StreamSwitchedOffError
	switch {
	case err == nil, client.IsNotFound(err):
	case errors.As(err, &switchedOff):
		resp.Diagnostics.AddWarning(fmt.Sprintf("The %s stream of instance %q was left as it is", r.kind.title, name),
			err.Error()+"\n\nThe server publishes nothing to "+r.kind.title+" while the variable is off, so the stream is "+
				"removed from state. The stored stream comes back into use if the server is started with it again.")
	default:
		addIntegrationError(&resp.Diagnostics, r.integration(), "switch off", name, redactErr(err, p.secrets(ctx)))
	}
}

func (r *streamResource[T, P]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByInstanceName(ctx, req, resp)
}

// redactErr hides secrets in an error's text. A server that echoes a
// request (a proxy in front of it, a debug build) could put one there.
func redactErr(err error, secrets []string) error {
	text := err.Error()
	redacted := text
	for _, s := range secrets {
		if s != "" {
			redacted = strings.ReplaceAll(redacted, s, "(redacted)")
		}
	}
	if redacted == text {
		return err
	}
	return &redactedError{text: redacted, err: err}
}

type redactedError struct {
	text string
	err  error
}

func (e *redactedError) Error() string { return e.text }
func (e *redactedError) Unwrap() error { return e.err }
