package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// instanceModel is l2msg_instance's plan, state and configuration. The
// settings are the data sources' too (instance_facts.go).
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

	Token          types.String `tfsdk:"token"`
	TokenWO        types.String `tfsdk:"token_wo"`
	TokenWOVersion types.Int64  `tfsdk:"token_wo_version"`

	WaitForConnection    types.String `tfsdk:"wait_for_connection"`
	KeepWebhookOnDestroy types.Bool   `tfsdk:"keep_webhook_on_destroy"`
	PairingCode          types.String `tfsdk:"pairing_code"`
	QRCodeCode           types.String `tfsdk:"qrcode_code"`
	QRCodeBase64         types.String `tfsdk:"qrcode_base64"`
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
// instance's own key (apikey, token) and the webhook's header values.
// token_wo is never in a model read from plan or state: Create masks it
// itself.
func (m *instanceModel) secrets(context.Context) []string {
	out := knownStrings(m.APIKey, m.Token, m.TokenWO)
	// Read from the object as it is: converting the whole webhook through
	// reflection cost more than the rest of a Read's own work.
	if m.Webhook.IsNull() || m.Webhook.IsUnknown() {
		return out
	}
	if headers, ok := m.Webhook.Attributes()["headers"].(types.Map); ok {
		for _, v := range headers.Elements() {
			if s, ok := v.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
				out = append(out, s.ValueString())
			}
		}
	}
	return out
}

// setQRCode records the pairing challenge of the create answer.
func (m *instanceModel) setQRCode(qr *client.QRCode) {
	m.PairingCode, m.QRCodeCode, m.QRCodeBase64 = types.StringNull(), types.StringNull(), types.StringNull()
	if qr != nil {
		m.PairingCode = optionalString(qr.PairingCode)
		m.QRCodeCode = optionalString(qr.Code)
		m.QRCodeBase64 = optionalString(qr.Base64)
	}
}

// The server's instance key *is* the token given at create. A key set
// through token_wo must therefore never reach state, not even through the
// computed apikey: apikey stays null for such instances, also after a
// refresh, and is planned null whenever the configuration uses token_wo.
// An import cannot tell whether the configuration uses token_wo, so it
// leaves apikey null too; the plan after it asks for the key unless the
// configuration uses token_wo (ModifyPlan), and Update reads it.

// setAPIKey records the instance's key as the server reports it, unless it
// must stay hidden: an import, the key set write-only (token_wo_version in
// state), or apikey already null (the instance once had a write-only key,
// and still has it, or was imported and not applied since).
func (m *instanceModel) setAPIKey(key string, importing bool) {
	switch {
	case importing || !m.TokenWOVersion.IsNull() || m.APIKey.IsNull():
		m.APIKey = types.StringNull()
	case key != "":
		m.APIKey = types.StringValue(key)
	case m.APIKey.IsUnknown():
		m.APIKey = types.StringNull()
	}
}

// takePlannedLocals copies from the plan what an update does not send to the
// server: attributes that only matter at create, and apikey once the plan
// hides it (after an import, or a move from token to token_wo).
func (m *instanceModel) takePlannedLocals(plan *instanceModel) {
	m.Token = plan.Token
	m.TokenWOVersion = plan.TokenWOVersion
	m.WaitForConnection = plan.WaitForConnection
	m.KeepWebhookOnDestroy = plan.KeepWebhookOnDestroy
	if plan.APIKey.IsNull() {
		m.APIKey = plan.APIKey
	}
}

// createRequest is the create call for this plan, with the key it resolved
// (token or token_wo; empty lets the client choose one).
func (m *instanceModel) createRequest(token string, webhook *client.Webhook) client.CreateRequest {
	return client.CreateRequest{
		InstanceName: m.InstanceName.ValueString(),
		Integration:  m.Integration.ValueString(),
		Token:        token,
		QRCode:       m.QRCode.ValueBool(),
		Number:       m.Number.ValueString(),
		Settings:     m.settings(),
		Webhook:      webhook,
	}
}

// created is the state after the create call itself: the plan, with what
// the server made. An adopted instance's answer, with its pairing
// challenge, was lost (the connect route gives a fresh one), and its
// webhook is recorded as the create stores it until afterCreate sets it.
func (m *instanceModel) created(ctx context.Context, res *client.CreateResult, webhook *client.Webhook) (instanceModel, diag.Diagnostics) {
	s := *m
	s.ID = s.InstanceName
	s.InstanceID = types.StringValue(res.Instance.ID)
	s.Status = types.StringValue(res.Instance.Status)
	s.setAPIKey(res.APIKey, false)
	s.setQRCode(res.QRCode)
	if res.Settings != nil {
		s.setSettings(*res.Settings)
	}
	if webhook == nil || (webhook.Enabled && !res.Adopted && !s.webhookEventsUnknown()) {
		return s, nil
	}
	stored := *webhook
	stored.Enabled = true
	return s, s.setWebhook(ctx, &stored)
}

// recordUnresolved saves the name of a create whose outcome is unknown,
// for the next refresh to look up. What the server would have made is
// unknown, and Terraform refuses a saved state with unknown values ("always
// a bug in the provider"): those are null.
func (m *instanceModel) recordUnresolved(ctx context.Context, state *tfsdk.State) diag.Diagnostics {
	placeholder := *m
	placeholder.ID = m.InstanceName
	placeholder.InstanceID = types.StringNull()
	placeholder.Status = types.StringNull()
	placeholder.APIKey = types.StringNull()
	placeholder.Webhook = types.ObjectNull(webhookAttrTypes)
	diags := state.Set(ctx, &placeholder)
	if diags.HasError() {
		return diags
	}
	known, err := tftypes.Transform(state.Raw, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if !v.IsKnown() {
			return tftypes.NewValue(v.Type(), nil), nil
		}
		return v, nil
	})
	if err != nil {
		diags.AddError("Could not record the instance", "Nulling the unknown values of its state failed: "+err.Error())
		return diags
	}
	state.Raw = known
	return diags
}
