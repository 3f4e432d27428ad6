package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// The six event streams (websocket, RabbitMQ, NATS, SQS, Kafka, Pusher)
// are one resource type each but share everything except their name and,
// for Pusher, the app's credentials. This file is their life cycle,
// stream_schema.go and stream_model.go their shared schema and model,
// stream_kinds.go their table, and stream_pusher.go what Pusher adds.

// streamResource is one kind's resource; T is its model.
type streamResource[T any, P streamModelPtr[T]] struct {
	resourceBase
	kind *streamKind
}

var (
	_ resource.ResourceWithConfigure        = (*streamResource[plainStream, *plainStream])(nil)
	_ resource.ResourceWithImportState      = (*streamResource[plainStream, *plainStream])(nil)
	_ resource.ResourceWithConfigValidators = (*streamResource[plainStream, *plainStream])(nil)
	_ resource.ResourceWithModifyPlan       = (*streamResource[plainStream, *plainStream])(nil)
	_ resource.ResourceWithIdentity         = (*streamResource[plainStream, *plainStream])(nil)
)

func newStreamResource[T any, P streamModelPtr[T]](k *streamKind) resource.Resource {
	return &streamResource[T, P]{kind: k}
}

func (r *streamResource[T, P]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instance_" + r.kind.name
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
	defer instanceIdentity.sync(ctx, resp.Identity, &resp.Diagnostics, &resp.State)
	var plan T
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.write(ctx, req.Config, &plan, &resp.State, &resp.Diagnostics)
}

func (r *streamResource[T, P]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer instanceIdentity.sync(ctx, resp.Identity, &resp.Diagnostics, &resp.State)
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

	inst := instanceForWrite(ctx, r.client, name, m.InstanceID, r.integration().name, diags)
	if inst == nil {
		return
	}
	stored, err := r.client.SetStream(ctx, r.kind.name, name, want)
	if err != nil {
		addIntegrationError(diags, r.integration(), "configure", name, err)
		return
	}
	m.ID = types.StringValue(name)
	m.InstanceID = types.StringValue(inst.ID)
	r.record(p, stored)
	diags.Append(state.Set(ctx, plan)...)
}

func (r *streamResource[T, P]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer instanceIdentity.sync(ctx, resp.Identity, &resp.Diagnostics, &resp.State, &req.State)
	ctx, p := r.fromState(ctx, req.State, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	m := p.common()
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
			addIntegrationError(&resp.Diagnostics, r.integration(), "read", name, err)
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
	r.record(p, s)
	resp.Diagnostics.Append(resp.State.Set(ctx, p)...)
	resp.Diagnostics.Append(rememberServerSecrets(ctx, resp.Private, resp.State, importing, map[string]string{"secret": s.Secret})...)
}

// Delete switches the stream off: the server has no delete route.
func (r *streamResource[T, P]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx, p := r.fromState(ctx, req.State, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	m := p.common()
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
		addIntegrationError(&resp.Diagnostics, r.integration(), "switch off", name, err)
	}
}

// fromState reads the state into a model (the lifecycle masks its secrets).
func (r *streamResource[T, P]) fromState(ctx context.Context, st tfsdk.State, diags *diag.Diagnostics) (context.Context, P) {
	var state T
	diags.Append(st.Get(ctx, &state)...)
	p := P(&state)
	return ctx, p
}

// IdentitySchema: a stream is known by its instance's name, as its import
// ID is.
func (r *streamResource[T, P]) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = instanceIdentity.schema()
}

// ImportState takes the instance name, as an import ID or as the import
// block's identity; Read fills in the rest.
func (r *streamResource[T, P]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	instanceIdentity.importState(ctx, req, resp)
}
