package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

type instanceModel struct {
	ID              types.String   `tfsdk:"id"`
	InstanceName    types.String   `tfsdk:"instance_name"`
	Integration     types.String   `tfsdk:"integration"`
	Number          types.String   `tfsdk:"number"`
	QRCode          types.Bool     `tfsdk:"qrcode"`
	RejectCall      types.Bool     `tfsdk:"reject_call"`
	MsgCall         types.String   `tfsdk:"msg_call"`
	GroupsIgnore    types.Bool     `tfsdk:"groups_ignore"`
	AlwaysOnline    types.Bool     `tfsdk:"always_online"`
	ReadMessages    types.Bool     `tfsdk:"read_messages"`
	ReadStatus      types.Bool     `tfsdk:"read_status"`
	SyncFullHistory types.Bool     `tfsdk:"sync_full_history"`
	Webhook         types.Object   `tfsdk:"webhook"`
	InstanceID      types.String   `tfsdk:"instance_id"`
	Status          types.String   `tfsdk:"status"`
	APIKey          types.String   `tfsdk:"apikey"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

type webhookModel struct {
	URL      types.String `tfsdk:"url"`
	Enabled  types.Bool   `tfsdk:"enabled"`
	ByEvents types.Bool   `tfsdk:"by_events"`
	Base64   types.Bool   `tfsdk:"base64"`
	Headers  types.Map    `tfsdk:"headers"`
	Events   types.Set    `tfsdk:"events"`
}

var webhookAttrTypes = map[string]attr.Type{
	"url":       types.StringType,
	"enabled":   types.BoolType,
	"by_events": types.BoolType,
	"base64":    types.BoolType,
	"headers":   types.MapType{ElemType: types.StringType},
	"events":    types.SetType{ElemType: types.StringType},
}

func (m *instanceModel) settings() client.Settings {
	return client.Settings{
		RejectCall:      m.RejectCall.ValueBool(),
		MsgCall:         m.MsgCall.ValueString(),
		GroupsIgnore:    m.GroupsIgnore.ValueBool(),
		AlwaysOnline:    m.AlwaysOnline.ValueBool(),
		ReadMessages:    m.ReadMessages.ValueBool(),
		ReadStatus:      m.ReadStatus.ValueBool(),
		SyncFullHistory: m.SyncFullHistory.ValueBool(),
	}
}

func (m *instanceModel) setSettings(s client.Settings) {
	m.RejectCall = types.BoolValue(s.RejectCall)
	m.MsgCall = types.StringValue(s.MsgCall)
	m.GroupsIgnore = types.BoolValue(s.GroupsIgnore)
	m.AlwaysOnline = types.BoolValue(s.AlwaysOnline)
	m.ReadMessages = types.BoolValue(s.ReadMessages)
	m.ReadStatus = types.BoolValue(s.ReadStatus)
	m.SyncFullHistory = types.BoolValue(s.SyncFullHistory)
}

// webhook returns the configured webhook, or nil when the block is absent.
// Unknown events (left out of the configuration) are sent as the empty
// list, which the server reads as every event.
func (m *instanceModel) webhook(ctx context.Context) (*client.Webhook, diag.Diagnostics) {
	if m.Webhook.IsNull() || m.Webhook.IsUnknown() {
		return nil, nil
	}
	var wm webhookModel
	diags := m.Webhook.As(ctx, &wm, basetypes.ObjectAsOptions{})
	if diags.HasError() {
		return nil, diags
	}
	w := &client.Webhook{
		Enabled:  wm.Enabled.ValueBool(),
		URL:      wm.URL.ValueString(),
		ByEvents: wm.ByEvents.ValueBool(),
		Base64:   wm.Base64.ValueBool(),
		Headers:  map[string]string{},
		Events:   []string{},
	}
	if !wm.Headers.IsNull() && !wm.Headers.IsUnknown() {
		diags.Append(wm.Headers.ElementsAs(ctx, &w.Headers, false)...)
	}
	if !wm.Events.IsNull() && !wm.Events.IsUnknown() {
		diags.Append(wm.Events.ElementsAs(ctx, &w.Events, false)...)
	}
	return w, diags
}

// setWebhook records what the server reports, keeping the prior
// representation where the server's answer carries no information: a
// disabled webhook the configuration never had stays absent, headers the
// configuration left out stay null rather than {}, and a disabled webhook
// keeps its configured events because the server forgets them on disable.
func (m *instanceModel) setWebhook(ctx context.Context, w *client.Webhook) diag.Diagnostics {
	var prior *webhookModel
	if !m.Webhook.IsNull() && !m.Webhook.IsUnknown() {
		prior = &webhookModel{}
		if diags := m.Webhook.As(ctx, prior, basetypes.ObjectAsOptions{UnhandledUnknownAsEmpty: true}); diags.HasError() {
			return diags
		}
	}
	if w == nil || (!w.Enabled && prior == nil) {
		m.Webhook = types.ObjectNull(webhookAttrTypes)
		return nil
	}
	var diags diag.Diagnostics
	wm := webhookModel{
		URL:      types.StringValue(w.URL),
		Enabled:  types.BoolValue(w.Enabled),
		ByEvents: types.BoolValue(w.ByEvents),
		Base64:   types.BoolValue(w.Base64),
	}
	if len(w.Headers) == 0 && (prior == nil || prior.Headers.IsNull() || prior.Headers.IsUnknown()) {
		wm.Headers = types.MapNull(types.StringType)
	} else {
		var d diag.Diagnostics
		wm.Headers, d = types.MapValueFrom(ctx, types.StringType, w.Headers)
		diags.Append(d...)
	}
	switch {
	case !w.Enabled && len(w.Events) == 0 && prior != nil && !prior.Events.IsNull() && !prior.Events.IsUnknown():
		wm.Events = prior.Events
	default:
		var d diag.Diagnostics
		wm.Events, d = types.SetValueFrom(ctx, types.StringType, w.Events)
		diags.Append(d...)
	}
	obj, d := types.ObjectValueFrom(ctx, webhookAttrTypes, wm)
	diags.Append(d...)
	m.Webhook = obj
	return diags
}

// webhookEventsUnknown reports whether the plan leaves the events to the
// server, so the applied value must be read back.
func (m *instanceModel) webhookEventsUnknown() bool {
	if m.Webhook.IsNull() || m.Webhook.IsUnknown() {
		return false
	}
	ev, ok := m.Webhook.Attributes()["events"]
	return ok && ev.IsUnknown()
}

// secrets returns the model's secret values that are known: the
// instance's own key and the webhook's header values.
func (m *instanceModel) secrets(ctx context.Context) []string {
	var out []string
	if !m.APIKey.IsNull() && !m.APIKey.IsUnknown() {
		out = append(out, m.APIKey.ValueString())
	}
	if w, diags := m.webhook(ctx); !diags.HasError() && w != nil {
		for _, v := range w.Headers {
			out = append(out, v)
		}
	}
	return out
}
