package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*chatwootDataSource)(nil)

// NewChatwootDataSource returns the l2msg_instance_chatwoot data source.
func NewChatwootDataSource() datasource.DataSource { return &chatwootDataSource{} }

type chatwootDataSource struct {
	dataSourceBase
}

type chatwootDataModel struct {
	ID           types.String `tfsdk:"id"`
	InstanceName types.String `tfsdk:"instance_name"`
	InstanceID   types.String `tfsdk:"instance_id"`
	chatwootValues
	IncludeToken types.Bool   `tfsdk:"include_token"`
	Token        types.String `tfsdk:"token"`
}

func (m *chatwootDataModel) secrets(context.Context) []string {
	return knownStrings(m.Token)
}

func (d *chatwootDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instance_chatwoot"
}

func (d *chatwootDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(description string) schema.StringAttribute {
		return schema.StringAttribute{Description: description, Computed: true}
	}
	flag := func(description string) schema.BoolAttribute {
		return schema.BoolAttribute{Description: description, Computed: true}
	}
	resp.Schema = schema.Schema{
		Description: "Reads the Chatwoot configuration of an instance, whoever made it. The attributes have the names and values " +
			"of the `l2msg_instance_chatwoot` resource. An instance without one reads as `enabled = false` with the other " +
			"attributes null. A server with Chatwoot switched off in its environment (`CHATWOOT_ENABLED`) refuses the read.",
		Attributes: map[string]schema.Attribute{
			"instance_name": schema.StringAttribute{
				Description: "The name of the instance whose Chatwoot configuration to read.",
				Required:    true,
				Validators:  instanceNameValidators(),
			},
			"id":                    computed("The instance name."),
			"instance_id":           computed("The server's id of the instance."),
			"enabled":               flag("Whether the instance's messages go to Chatwoot."),
			"account_id":            computed("The Chatwoot account id."),
			"url":                   computed("The Chatwoot server's URL."),
			"sign_msg":              flag("Whether messages sent from Chatwoot are signed with the agent's name."),
			"sign_delimiter":        computed("What separates the agent's name from the message; null when none."),
			"reopen_conversation":   flag("Whether the contact's resolved conversation is reopened."),
			"conversation_pending":  flag("Whether new conversations start as pending."),
			"name_inbox":            computed("The Chatwoot inbox's name."),
			"import_contacts":       flag("Whether the phone's contacts are imported."),
			"import_messages":       flag("Whether the message history is imported."),
			"merge_brazil_contacts": flag("Whether the two forms of Brazilian mobile numbers are merged."),
			"days_limit_import_messages": schema.Int64Attribute{
				Description: "How many days of history are imported; null when unset.", Computed: true,
			},
			"ignore_jids": schema.SetAttribute{
				Description: "WhatsApp ids whose messages are not sent to Chatwoot.", Computed: true, ElementType: types.StringType,
			},
			"number":       computed("The phone number the Chatwoot bot contact greets; null when none."),
			"organization": computed("The organization name of the bot contact; null when none."),
			"logo":         computed("The URL of the bot contact's avatar; null when none."),
			"webhook_url":  computed("The URL Chatwoot calls back on the server: the inbox's webhook URL."),
			"include_token": schema.BoolAttribute{
				Description: "Whether to read the Chatwoot API token into `token`. Defaults to `false`.",
				Optional:    true,
			},
			"token": schema.StringAttribute{
				Description: "The Chatwoot API token when `include_token = true`, else null. It is then in this data source's state. Sensitive.",
				Computed:    true,
				Sensitive:   true,
			},
		},
	}
}

func (d *chatwootDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m chatwootDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = d.masked(ctx)
	name := m.InstanceName.ValueString()
	inst, err := d.client.LookupInstance(ctx, name)
	if err != nil {
		addIntegrationError(&resp.Diagnostics, chatwootKind, "read", name, err)
		return
	}
	m.ID = types.StringValue(name)
	m.InstanceID = types.StringValue(inst.ID)
	m.Token = types.StringNull()
	// find adds webhook_url, which the listing lacks; the listing adds number.
	cw, err := d.client.FindChatwoot(ctx, name)
	if err != nil {
		addIntegrationError(&resp.Diagnostics, chatwootKind, "read", name, err)
		return
	}
	if cw == nil {
		null := types.StringNull()
		m.chatwootValues = chatwootValues{
			Enabled: types.BoolValue(false), AccountID: null, URL: null, SignMsg: types.BoolNull(), SignDelimiter: null,
			ReopenConversation: types.BoolNull(), ConversationPending: types.BoolNull(), NameInbox: null,
			ImportContacts: types.BoolNull(), ImportMessages: types.BoolNull(), MergeBrazilContacts: types.BoolNull(),
			DaysLimitImportMessages: types.Int64Null(), IgnoreJids: types.SetNull(types.StringType), Number: null,
			Organization: null, Logo: null, WebhookURL: null,
		}
	} else {
		if inst.IntegrationsListed && inst.Chatwoot != nil {
			cw.Number = inst.Chatwoot.Number
		}
		m.Number = types.StringNull()
		m.WebhookURL = types.StringNull()
		resp.Diagnostics.Append(m.set(ctx, *cw, true)...)
		if m.IncludeToken.ValueBool() {
			m.Token = optionalString(cw.Token)
		}
	}
	resp.Diagnostics.Append(resp.State.Set(d.masked(ctx, &m), &m)...)
}
