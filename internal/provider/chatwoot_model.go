package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

type chatwootModel struct {
	ID           types.String `tfsdk:"id"`
	InstanceName types.String `tfsdk:"instance_name"`
	InstanceID   types.String `tfsdk:"instance_id"`
	chatwootValues
	Token          types.String   `tfsdk:"token"`
	TokenWO        types.String   `tfsdk:"token_wo"`
	TokenWOVersion types.Int64    `tfsdk:"token_wo_version"`
	AutoCreate     types.Bool     `tfsdk:"auto_create"`
	Timeouts       timeouts.Value `tfsdk:"timeouts"`
}

// chatwootValues are a Chatwoot configuration's attributes as the resource
// and the data source show them.
type chatwootValues struct {
	Enabled                 types.Bool   `tfsdk:"enabled"`
	AccountID               types.String `tfsdk:"account_id"`
	URL                     types.String `tfsdk:"url"`
	SignMsg                 types.Bool   `tfsdk:"sign_msg"`
	SignDelimiter           types.String `tfsdk:"sign_delimiter"`
	ReopenConversation      types.Bool   `tfsdk:"reopen_conversation"`
	ConversationPending     types.Bool   `tfsdk:"conversation_pending"`
	NameInbox               types.String `tfsdk:"name_inbox"`
	ImportContacts          types.Bool   `tfsdk:"import_contacts"`
	ImportMessages          types.Bool   `tfsdk:"import_messages"`
	MergeBrazilContacts     types.Bool   `tfsdk:"merge_brazil_contacts"`
	DaysLimitImportMessages types.Int64  `tfsdk:"days_limit_import_messages"`
	IgnoreJids              types.Set    `tfsdk:"ignore_jids"`
	Number                  types.String `tfsdk:"number"`
	Organization            types.String `tfsdk:"organization"`
	Logo                    types.String `tfsdk:"logo"`
	WebhookURL              types.String `tfsdk:"webhook_url"`
}

func stringPtr(v types.String) *string {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	s := v.ValueString()
	return &s
}

func stringFromPtr(p *string) types.String {
	if p == nil || *p == "" {
		return types.StringNull()
	}
	return types.StringValue(*p)
}

// chatwoot is what the plan asks the server to store.
func (m *chatwootModel) chatwoot(ctx context.Context, token string) (client.Chatwoot, diag.Diagnostics) {
	cw := client.Chatwoot{
		Enabled:             m.Enabled.ValueBool(),
		AccountID:           m.AccountID.ValueString(),
		Token:               token,
		URL:                 m.URL.ValueString(),
		SignMsg:             m.SignMsg.ValueBool(),
		SignDelimiter:       stringPtr(m.SignDelimiter),
		ReopenConversation:  m.ReopenConversation.ValueBool(),
		ConversationPending: m.ConversationPending.ValueBool(),
		NameInbox:           m.NameInbox.ValueString(),
		ImportContacts:      m.ImportContacts.ValueBool(),
		ImportMessages:      m.ImportMessages.ValueBool(),
		MergeBrazilContacts: m.MergeBrazilContacts.ValueBool(),
		Number:              stringPtr(m.Number),
		Organization:        stringPtr(m.Organization),
		Logo:                stringPtr(m.Logo),
		IgnoreJids:          []string{},
	}
	if cw.NameInbox == "" {
		cw.NameInbox = m.InstanceName.ValueString()
	}
	if !m.DaysLimitImportMessages.IsNull() && !m.DaysLimitImportMessages.IsUnknown() {
		days := m.DaysLimitImportMessages.ValueInt64()
		cw.DaysLimitImportMessages = &days
	}
	var diags diag.Diagnostics
	if !m.IgnoreJids.IsNull() && !m.IgnoreJids.IsUnknown() {
		diags = m.IgnoreJids.ElementsAs(ctx, &cw.IgnoreJids, false)
	}
	return cw, diags
}

// set maps the server's configuration. The listing carries no webhook_url
// and find no number (hasNumber): what an answer lacks stays as it was.
func (v *chatwootValues) set(ctx context.Context, cw client.Chatwoot, hasNumber bool) diag.Diagnostics {
	v.Enabled = types.BoolValue(cw.Enabled)
	v.AccountID = types.StringValue(cw.AccountID)
	v.URL = types.StringValue(cw.URL)
	v.SignMsg = types.BoolValue(cw.SignMsg)
	v.SignDelimiter = stringFromPtr(cw.SignDelimiter)
	v.ReopenConversation = types.BoolValue(cw.ReopenConversation)
	v.ConversationPending = types.BoolValue(cw.ConversationPending)
	v.NameInbox = optionalString(cw.NameInbox)
	v.ImportContacts = types.BoolValue(cw.ImportContacts)
	v.ImportMessages = types.BoolValue(cw.ImportMessages)
	v.MergeBrazilContacts = types.BoolValue(cw.MergeBrazilContacts)
	v.DaysLimitImportMessages = types.Int64PointerValue(cw.DaysLimitImportMessages)
	if hasNumber {
		v.Number = stringFromPtr(cw.Number)
	}
	v.Organization = stringFromPtr(cw.Organization)
	v.Logo = stringFromPtr(cw.Logo)
	if cw.WebhookURL != "" {
		v.WebhookURL = types.StringValue(cw.WebhookURL)
	}
	jids := cw.IgnoreJids
	if jids == nil {
		jids = []string{}
	}
	set, diags := types.SetValueFrom(ctx, types.StringType, jids)
	v.IgnoreJids = set
	return diags
}

// setFromServer records the server's configuration; the token as
// secretFromServer decides, and auto_create, which the server does not
// store, as it was (false after an import).
func (m *chatwootModel) setFromServer(ctx context.Context, cw client.Chatwoot, importing, hasNumber bool) diag.Diagnostics {
	m.Token = secretFromServer(m.Token, m.TokenWOVersion, cw.Token)
	if importing || m.AutoCreate.IsNull() {
		m.AutoCreate = types.BoolValue(false)
	}
	return m.set(ctx, cw, hasNumber)
}
