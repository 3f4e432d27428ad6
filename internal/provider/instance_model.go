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
	ID           types.String `tfsdk:"id"`
	InstanceName types.String `tfsdk:"instance_name"`
	Integration  types.String `tfsdk:"integration"`
	Number       types.String `tfsdk:"number"`
	QRCode       types.Bool   `tfsdk:"qrcode"`
	settingsValues
	Webhook    types.Object   `tfsdk:"webhook"`
	InstanceID types.String   `tfsdk:"instance_id"`
	Status     types.String   `tfsdk:"status"`
	APIKey     types.String   `tfsdk:"apikey"`
	Timeouts   timeouts.Value `tfsdk:"timeouts"`
	tokenModel
	pairingModel
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
	wm, diags := newWebhookModel(ctx, *w)
	if len(w.Headers) == 0 && prior != nil && !prior.Headers.IsNull() && !prior.Headers.IsUnknown() {
		wm.Headers = types.MapValueMust(types.StringType, map[string]attr.Value{})
	}
	if !w.Enabled && len(w.Events) == 0 && prior != nil && !prior.Events.IsNull() && !prior.Events.IsUnknown() {
		wm.Events = prior.Events
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
