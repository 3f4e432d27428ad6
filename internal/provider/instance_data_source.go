package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

var _ datasource.DataSourceWithConfigure = (*instanceDataSource)(nil)

// NewInstanceDataSource returns the l2msg_instance data source.
func NewInstanceDataSource() datasource.DataSource { return &instanceDataSource{} }

type instanceDataSource struct {
	client *client.Client
}

type instanceDataModel struct {
	ID types.String `tfsdk:"id"`
	instanceSummary
	Webhook       types.Object `tfsdk:"webhook"`
	IncludeAPIKey types.Bool   `tfsdk:"include_apikey"`
	APIKey        types.String `tfsdk:"apikey"`
}

func (d *instanceDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instance"
}

func (d *instanceDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *instanceDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := summaryAttributes()
	attrs["instance_name"] = schema.StringAttribute{
		Description: "The name of the instance to read.",
		Required:    true,
		Validators: []validator.String{
			stringvalidator.LengthBetween(1, 255),
			stringvalidator.RegexMatches(instanceNamePattern, "must not contain a slash (/)"),
			notBlank(),
		},
	}
	attrs["id"] = schema.StringAttribute{Description: "The instance name.", Computed: true}
	attrs["webhook"] = webhookDataAttribute()
	attrs["include_apikey"] = schema.BoolAttribute{
		Description: "Whether to read the instance's own API key into `apikey`. Defaults to `false`.",
		Optional:    true,
	}
	attrs["apikey"] = schema.StringAttribute{
		Description: "The instance's own API key when `include_apikey = true`, else null; for an instance whose key was " +
			"set with `token_wo`, that is the write-only value, now in this data source's state. Sensitive.",
		Computed:  true,
		Sensitive: true,
	}
	resp.Schema = schema.Schema{
		Description: "Reads one WhatsApp instance by name, whoever created it: its connection state, the paired phone's " +
			"profile, its settings and webhook. The attributes have the names and values of the `l2msg_instance` resource.",
		Attributes: attrs,
	}
}

func (d *instanceDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m instanceDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := m.InstanceName.ValueString()
	ri, action, err := readInstance(ctx, d.client, name)
	if err != nil {
		addAPIError(&resp.Diagnostics, action, name, err)
		return
	}
	m.instanceSummary = ri.summary()
	m.ID = m.InstanceName
	m.APIKey = types.StringNull()
	if m.IncludeAPIKey.ValueBool() {
		m.APIKey = optionalString(ri.Token)
	}
	var diags diag.Diagnostics
	m.Webhook, diags = webhookObject(ctx, ri.Webhook)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
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
		"instance_name": str("The instance's unique name."),
		"instance_id":   str("The server's unique identifier (a UUID) for the instance."),
		"integration":   str("The WhatsApp integration: `WHATSAPP-BAILEYS`, `WHATSAPP-BUSINESS` or `EVOLUTION`."),
		"number":        str("The phone number the instance was created with, if any."),
		"status": str("The connection state as the server reports it: `created` (older servers), `close`, " +
			"`connecting` or `open` (a phone is paired)."),
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

// clientFrom is the Configure step the data sources and the ephemeral
// resource share: nil provider data means the provider is not configured
// yet (Terraform calls Configure early during validation).
func clientFrom(data any, diags *diag.Diagnostics) *client.Client {
	if data == nil {
		return nil
	}
	c, ok := data.(*client.Client)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *client.Client, got %T. This is a bug in the provider; please report it.", data))
	}
	return c
}
