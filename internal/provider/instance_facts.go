package provider

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// The one mapping from what the server reports to Terraform values, shared
// by the l2msg_instance resource's Read and the data sources, so that a data
// source always shows an instance the way the resource does.

// remoteInstance is everything the server reports about one instance. Its
// Settings are nil only when the server has none at all.
type remoteInstance struct {
	client.Instance
	// Webhook is nil when none was ever set.
	Webhook *client.Webhook
}

// readInstance fetches an instance, its settings (older servers leave them
// out of fetchInstances) and its webhook (never part of fetchInstances).
// On error it also returns what it was doing, for addAPIError.
func readInstance(ctx context.Context, c *client.Client, name string) (*remoteInstance, string, error) {
	// Reads share one fetchInstances listing per run, so a refresh costs
	// one request plus a webhook lookup per instance.
	inst, err := c.LookupInstance(ctx, name)
	if err != nil {
		return nil, "read", err
	}
	return completeInstance(ctx, c, *inst)
}

// completeInstance adds to a listed instance what the listing leaves out:
// settings on older servers, and the webhook.
func completeInstance(ctx context.Context, c *client.Client, inst client.Instance) (*remoteInstance, string, error) {
	ri := &remoteInstance{Instance: inst}
	var err error
	if ri.Settings == nil {
		if ri.Settings, err = c.FindSettings(ctx, inst.Name); err != nil {
			return nil, "read the settings of", err
		}
	}
	// A 404 here (an instance deleted after the listing was taken) reads
	// as not found, like the lookup's.
	if ri.Webhook, err = c.FindWebhook(ctx, inst.Name); err != nil {
		return nil, "read the webhook of", err
	}
	return ri, "", nil
}

// matchInstances returns the instances whose name starts with prefix and,
// when status is set, whose status is status, sorted by name: the filters
// of the l2msg_instances data source and of the l2msg_instance list.
func matchInstances(all []client.Instance, prefix string, status types.String) []client.Instance {
	var out []client.Instance
	for _, inst := range all {
		if strings.HasPrefix(inst.Name, prefix) && (status.IsNull() || inst.Status == status.ValueString()) {
			out = append(out, inst)
		}
	}
	slices.SortFunc(out, func(a, b client.Instance) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// settingsValues are the call and read settings, under the attribute names
// the resource and the data sources share.
type settingsValues struct {
	RejectCall      types.Bool   `tfsdk:"reject_call"`
	MsgCall         types.String `tfsdk:"msg_call"`
	GroupsIgnore    types.Bool   `tfsdk:"groups_ignore"`
	AlwaysOnline    types.Bool   `tfsdk:"always_online"`
	ReadMessages    types.Bool   `tfsdk:"read_messages"`
	ReadStatus      types.Bool   `tfsdk:"read_status"`
	SyncFullHistory types.Bool   `tfsdk:"sync_full_history"`
}

func (v *settingsValues) settings() client.Settings {
	return client.Settings{
		RejectCall:      v.RejectCall.ValueBool(),
		MsgCall:         v.MsgCall.ValueString(),
		GroupsIgnore:    v.GroupsIgnore.ValueBool(),
		AlwaysOnline:    v.AlwaysOnline.ValueBool(),
		ReadMessages:    v.ReadMessages.ValueBool(),
		ReadStatus:      v.ReadStatus.ValueBool(),
		SyncFullHistory: v.SyncFullHistory.ValueBool(),
	}
}

func (v *settingsValues) setSettings(s client.Settings) {
	v.RejectCall = types.BoolValue(s.RejectCall)
	v.MsgCall = types.StringValue(s.MsgCall)
	v.GroupsIgnore = types.BoolValue(s.GroupsIgnore)
	v.AlwaysOnline = types.BoolValue(s.AlwaysOnline)
	v.ReadMessages = types.BoolValue(s.ReadMessages)
	v.ReadStatus = types.BoolValue(s.ReadStatus)
	v.SyncFullHistory = types.BoolValue(s.SyncFullHistory)
}

// instanceSummary is what one fetchInstances row says about an instance:
// everything but the webhook and the key.
type instanceSummary struct {
	InstanceName  types.String `tfsdk:"instance_name"`
	InstanceID    types.String `tfsdk:"instance_id"`
	Integration   types.String `tfsdk:"integration"`
	Number        types.String `tfsdk:"number"`
	Status        types.String `tfsdk:"status"`
	OwnerJID      types.String `tfsdk:"owner_jid"`
	ProfileName   types.String `tfsdk:"profile_name"`
	ProfilePicURL types.String `tfsdk:"profile_pic_url"`
	settingsValues
}

// newInstanceSummary maps a row. Settings the row does not carry (older
// servers) are null rather than a guess.
func newInstanceSummary(inst client.Instance, settings *client.Settings) instanceSummary {
	s := instanceSummary{
		InstanceName:  types.StringValue(inst.Name),
		InstanceID:    types.StringValue(inst.ID),
		Integration:   types.StringValue(inst.Integration),
		Number:        optionalString(inst.Number),
		Status:        types.StringValue(inst.Status),
		OwnerJID:      optionalString(inst.OwnerJID),
		ProfileName:   optionalString(inst.ProfileName),
		ProfilePicURL: optionalString(inst.ProfilePicURL),
	}
	if inst.Integration == "" {
		// v1 servers only knew Baileys and did not report it.
		s.Integration = types.StringValue(client.IntegrationBaileys)
	}
	if settings != nil {
		s.setSettings(*settings)
	} else {
		s.RejectCall, s.GroupsIgnore, s.AlwaysOnline = types.BoolNull(), types.BoolNull(), types.BoolNull()
		s.ReadMessages, s.ReadStatus, s.SyncFullHistory = types.BoolNull(), types.BoolNull(), types.BoolNull()
		s.MsgCall = types.StringNull()
	}
	return s
}

// summary maps a fully read instance: a server with no settings at all
// behaves as the defaults.
func (ri *remoteInstance) summary() instanceSummary {
	settings := ri.Settings
	if settings == nil {
		settings = &client.Settings{}
	}
	return newInstanceSummary(ri.Instance, settings)
}

// newWebhookModel maps a webhook as the server reports it. Headers the
// server has none of are null.
func newWebhookModel(ctx context.Context, w client.Webhook) (webhookModel, diag.Diagnostics) {
	var diags, d diag.Diagnostics
	wm := webhookModel{
		URL:      types.StringValue(w.URL),
		Enabled:  types.BoolValue(w.Enabled),
		ByEvents: types.BoolValue(w.ByEvents),
		Base64:   types.BoolValue(w.Base64),
		Headers:  types.MapNull(types.StringType),
	}
	if len(w.Headers) > 0 {
		wm.Headers, d = types.MapValueFrom(ctx, types.StringType, w.Headers)
		diags.Append(d...)
	}
	events := w.Events
	if events == nil {
		events = []string{}
	}
	wm.Events, d = types.SetValueFrom(ctx, types.StringType, events)
	diags.Append(d...)
	return wm, diags
}

// webhookObject is the webhook as an object value, null when none was set.
func webhookObject(ctx context.Context, w *client.Webhook) (types.Object, diag.Diagnostics) {
	if w == nil {
		return types.ObjectNull(webhookAttrTypes), nil
	}
	wm, diags := newWebhookModel(ctx, *w)
	obj, d := types.ObjectValueFrom(ctx, webhookAttrTypes, wm)
	diags.Append(d...)
	return obj, diags
}

// summaryAttributes describes instanceSummary, for both data sources.
func summaryAttributes() map[string]schema.Attribute {
	str := func(description string) schema.Attribute {
		return schema.StringAttribute{Description: description, Computed: true}
	}
	boolean := func(description string) schema.Attribute {
		return schema.BoolAttribute{Description: description, Computed: true}
	}
	return map[string]schema.Attribute{
		"instance_name":     str("The instance's unique name."),
		"instance_id":       str("The server's unique identifier (a UUID) for the instance."),
		"integration":       str("The WhatsApp integration: `WHATSAPP-BAILEYS`, `WHATSAPP-BUSINESS` or `EVOLUTION`."),
		"number":            str("The phone number the instance was created with, if any."),
		"status":            str(statusDescription),
		"owner_jid":         str("The WhatsApp ID of the paired phone (`5511999999999@s.whatsapp.net`); null until a phone pairs."),
		"profile_name":      str("The paired phone's WhatsApp profile name; null until a phone pairs."),
		"profile_pic_url":   str("The paired phone's profile picture URL; null until a phone pairs or when it has none."),
		"reject_call":       boolean("Whether WhatsApp calls are rejected automatically."),
		"msg_call":          str("The message sent when a call is rejected automatically."),
		"groups_ignore":     boolean("Whether group messages are ignored."),
		"always_online":     boolean("Whether WhatsApp is kept always online."),
		"read_messages":     boolean("Whether read receipts are sent for received messages."),
		"read_status":       boolean("Whether the read status of sent messages is shown."),
		"sync_full_history": boolean("Whether the full WhatsApp history is synchronized."),
	}
}

func webhookDataAttribute() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Description: "The instance's webhook; null when none was ever set.",
		Computed:    true,
		Attributes: map[string]schema.Attribute{
			"url":       schema.StringAttribute{Description: "The URL that receives the events.", Computed: true},
			"enabled":   schema.BoolAttribute{Description: "Whether the webhook sends events.", Computed: true},
			"by_events": schema.BoolAttribute{Description: "Whether each event goes to its own path under `url`.", Computed: true},
			"base64":    schema.BoolAttribute{Description: "Whether media is sent as base64.", Computed: true},
			"headers": schema.MapAttribute{
				Description: "HTTP headers sent with every webhook call; null when there are none. Sensitive.",
				ElementType: types.StringType,
				Computed:    true,
				Sensitive:   true,
			},
			"events": schema.SetAttribute{
				Description: "The events sent, as the server reports them.",
				ElementType: types.StringType,
				Computed:    true,
			},
		},
	}
}

// optionalString maps the empty string, which the server sends for
// "none", to null.
func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
