package provider

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

var (
	_ resource.ResourceWithConfigure        = (*chatwootResource)(nil)
	_ resource.ResourceWithImportState      = (*chatwootResource)(nil)
	_ resource.ResourceWithConfigValidators = (*chatwootResource)(nil)
)

const (
	// auto_create waits on Chatwoot's API as well as the server.
	defaultChatwootWriteTimeout  = 3 * time.Minute
	defaultChatwootDeleteTimeout = 2 * time.Minute
)

var chatwootKind = integrationKind{name: "Chatwoot configuration", envSwitch: "CHATWOOT_ENABLED"}

// NewChatwootResource returns the l2msg_instance_chatwoot resource.
func NewChatwootResource() resource.Resource { return &chatwootResource{} }

type chatwootResource struct {
	client *client.Client
}

type chatwootModel struct {
	ID                      types.String   `tfsdk:"id"`
	InstanceName            types.String   `tfsdk:"instance_name"`
	InstanceID              types.String   `tfsdk:"instance_id"`
	Enabled                 types.Bool     `tfsdk:"enabled"`
	AccountID               types.String   `tfsdk:"account_id"`
	Token                   types.String   `tfsdk:"token"`
	TokenWO                 types.String   `tfsdk:"token_wo"`
	TokenWOVersion          types.Int64    `tfsdk:"token_wo_version"`
	URL                     types.String   `tfsdk:"url"`
	SignMsg                 types.Bool     `tfsdk:"sign_msg"`
	SignDelimiter           types.String   `tfsdk:"sign_delimiter"`
	ReopenConversation      types.Bool     `tfsdk:"reopen_conversation"`
	ConversationPending     types.Bool     `tfsdk:"conversation_pending"`
	NameInbox               types.String   `tfsdk:"name_inbox"`
	ImportContacts          types.Bool     `tfsdk:"import_contacts"`
	ImportMessages          types.Bool     `tfsdk:"import_messages"`
	MergeBrazilContacts     types.Bool     `tfsdk:"merge_brazil_contacts"`
	DaysLimitImportMessages types.Int64    `tfsdk:"days_limit_import_messages"`
	IgnoreJids              types.Set      `tfsdk:"ignore_jids"`
	Number                  types.String   `tfsdk:"number"`
	Organization            types.String   `tfsdk:"organization"`
	Logo                    types.String   `tfsdk:"logo"`
	AutoCreate              types.Bool     `tfsdk:"auto_create"`
	WebhookURL              types.String   `tfsdk:"webhook_url"`
	Timeouts                timeouts.Value `tfsdk:"timeouts"`
}

func (r *chatwootResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instance_chatwoot"
}

func (r *chatwootResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func chatwootBool(description string) schema.BoolAttribute {
	return schema.BoolAttribute{
		Description: description + " Defaults to `false`. Updated in place.",
		Optional:    true,
		Computed:    true,
		Default:     booldefault.StaticBool(false),
	}
}

func (r *chatwootResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"id":            integrationIDAttribute(),
		"instance_name": integrationInstanceNameAttribute(),
		"instance_id":   instanceLinkAttribute(),
		"enabled": schema.BoolAttribute{
			Description: "Whether the instance's messages go to Chatwoot. Defaults to `true`. Updated in place.",
			Optional:    true,
			Computed:    true,
			Default:     booldefault.StaticBool(true),
		},
		"account_id": schema.StringAttribute{
			Description: "The Chatwoot account id (the number in the account's URL), at most 100 characters.",
			Required:    true,
			Validators:  []validator.String{stringvalidator.LengthBetween(1, 100), notBlank()},
		},
		"url": schema.StringAttribute{
			Description: "The Chatwoot server's http:// or https:// URL, at most 500 characters, for example `https://chatwoot.example.com`.",
			Required:    true,
			Validators:  []validator.String{stringvalidator.LengthAtMost(500), chatwootURL()},
		},
		"sign_msg": chatwootBool("Sign messages sent from Chatwoot with the agent's name."),
		"sign_delimiter": schema.StringAttribute{
			Description: "What separates the agent's name from the message when `sign_msg` is true (for example `\"\\n\"`), " +
				"at most 100 characters. Only with `sign_msg = true`. Updated in place.",
			Optional:   true,
			Validators: []validator.String{stringvalidator.LengthBetween(1, 100)},
		},
		"reopen_conversation":   chatwootBool("Reopen the contact's resolved conversation instead of starting a new one."),
		"conversation_pending":  chatwootBool("Start new conversations as pending instead of open."),
		"import_contacts":       chatwootBool("Import the phone's contacts into Chatwoot."),
		"import_messages":       chatwootBool("Import the message history into Chatwoot."),
		"merge_brazil_contacts": chatwootBool("Merge the two forms of Brazilian mobile numbers (with and without the ninth digit) into one contact."),
		"name_inbox": schema.StringAttribute{
			Description:   "The Chatwoot inbox's name, at most 100 characters. Defaults to `instance_name`, as the server does. Updated in place.",
			Optional:      true,
			Computed:      true,
			Validators:    []validator.String{stringvalidator.LengthBetween(1, 100), notBlank()},
			PlanModifiers: []planmodifier.String{defaultToInstanceName{}},
		},
		"days_limit_import_messages": schema.Int64Attribute{
			Description: "How many days of history `import_messages` imports. Left out, the server keeps what it has (unset on a new " +
				"configuration); the server cannot unset it once set. Updated in place.",
			Optional:      true,
			Computed:      true,
			Validators:    []validator.Int64{int64validator.Between(0, 2147483647)},
			PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
		},
		"ignore_jids": schema.SetAttribute{
			Description: "WhatsApp ids (JIDs) whose messages are not sent to Chatwoot, such as `120363000000000000@g.us` for a group. " +
				"Defaults to none. Updated in place.",
			ElementType: types.StringType,
			Optional:    true,
			Computed:    true,
			Default:     setdefault.StaticValue(types.SetValueMust(types.StringType, []attr.Value{})),
			Validators:  []validator.Set{setvalidator.ValueStringsAre(stringvalidator.LengthBetween(1, 255), notBlank())},
		},
		"number": schema.StringAttribute{
			Description: "The phone number the Chatwoot bot contact greets (`init:<number>`), at most 100 characters. Updated in place.",
			Optional:    true,
			Validators:  []validator.String{stringvalidator.LengthBetween(1, 100)},
		},
		"organization": schema.StringAttribute{
			Description: "The organization name of the Chatwoot bot contact, at most 100 characters. Updated in place.",
			Optional:    true,
			Validators:  []validator.String{stringvalidator.LengthBetween(1, 100)},
		},
		"logo": schema.StringAttribute{
			Description: "The http:// or https:// URL of the Chatwoot bot contact's avatar, at most 500 characters. Updated in place.",
			Optional:    true,
			Validators:  []validator.String{stringvalidator.LengthAtMost(500), httpURL()},
		},
		"auto_create": schema.BoolAttribute{
			Description: "Have the server create the Chatwoot inbox (named `name_inbox`, unless one of that name exists) and its bot " +
				"contact, when this resource is created or when `auto_create` turns `true`; not on later updates. Defaults to `false`. " +
				"If Chatwoot fails, the apply fails although the server saved the configuration: state then records " +
				"`auto_create = false`, so the next apply tries again.",
			Optional: true,
			Computed: true,
			Default:  booldefault.StaticBool(false),
		},
		"webhook_url": schema.StringAttribute{
			Description:   "The URL Chatwoot calls back on the server (`<server>/chatwoot/webhook/<instance>`): the inbox's webhook URL.",
			Computed:      true,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
	}
	maps.Copy(attrs, secretTwinAttributes("token", "The Chatwoot API access token (a user's or an agent bot's), at most 100 characters. One of `token` and `token_wo` is required",
		stringvalidator.LengthBetween(1, 100)))
	resp.Schema = schema.Schema{
		Description: "Sends an instance's conversations to a Chatwoot inbox (`/chatwoot/set`). One per instance.\n\n" +
			"Every field is sent on every change, so nothing keeps a value Terraform does not know. The server drops " +
			"`sign_delimiter` on the first save of a configuration; the provider saves a second time then. The server " +
			"returns the token in clear when asked: it is kept out of logs and plan output (Sensitive), and out of state with `token_wo`.\n\n" +
			"A server with Chatwoot switched off in its environment (`CHATWOOT_ENABLED` not `true`) refuses every change; " +
			"the error says so.\n\n" +
			"The server has no delete route: destroying this resource switches Chatwoot off for the instance " +
			"(`enabled = false`) and blanks the token; the rest of the configuration stays on the server. Deleting the " +
			"instance deletes its configuration.",
		Attributes: attrs,
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

func (r *chatwootResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return append(secretTwinValidators("token"),
		resourcevalidator.AtLeastOneOf(path.MatchRoot("token"), path.MatchRoot("token_wo")),
		signDelimiterNeedsSignMsg{})
}

// signDelimiterNeedsSignMsg: the server stores the delimiter only with
// signMsg true and drops it otherwise, which would plan a change forever.
type signDelimiterNeedsSignMsg struct{}

func (signDelimiterNeedsSignMsg) Description(context.Context) string {
	return "sign_delimiter is only set with sign_msg = true"
}

func (v signDelimiterNeedsSignMsg) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (signDelimiterNeedsSignMsg) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var delim types.String
	var sign types.Bool
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("sign_delimiter"), &delim)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("sign_msg"), &sign)...)
	if resp.Diagnostics.HasError() || delim.IsNull() || sign.IsUnknown() {
		return
	}
	if !sign.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("sign_delimiter"), "sign_delimiter without sign_msg",
			"sign_delimiter only applies to signed messages: set sign_msg = true, or remove sign_delimiter "+
				"(the server discards it when sign_msg is false).")
	}
}

// defaultToInstanceName plans name_inbox as the instance name when the
// configuration leaves it out, which is what the server stores.
type defaultToInstanceName struct{}

func (defaultToInstanceName) Description(context.Context) string {
	return "defaults to instance_name"
}

func (m defaultToInstanceName) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (defaultToInstanceName) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var name types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("instance_name"), &name)...)
	if !name.IsUnknown() && !name.IsNull() {
		resp.PlanValue = name
	}
}

// chatwootHostLabel is a label of a host name the server's URL check
// (validator.js isURL) accepts: no underscores.
var chatwootHostLabel = regexp.MustCompile(`^[A-Za-z0-9\x{00a1}-\x{ffff}]([A-Za-z0-9\x{00a1}-\x{ffff}-]*[A-Za-z0-9\x{00a1}-\x{ffff}])?$`)

// chatwootURL is httpURL plus the server's own check of the host, which
// refuses names such as chatwoot_app that URLs otherwise allow.
func chatwootURL() validator.String { return chatwootURLValidator{} }

type chatwootURLValidator struct{}

func (chatwootURLValidator) Description(context.Context) string {
	return "must be an http:// or https:// URL whose host is a name of letters, digits and hyphens, or an IP address"
}

func (v chatwootURLValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v chatwootURLValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	raw := req.ConfigValue.ValueString()
	if err := checkHTTPURL(raw); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL", fmt.Sprintf("Attribute %s: %s.", req.Path, err))
		return
	}
	u, _ := url.Parse(raw)
	host := u.Hostname()
	if strings.ContainsAny(raw, " \t") || (!isIPHost(host) && !allLabels(strings.TrimSuffix(host, "."))) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL",
			fmt.Sprintf("Attribute %s: %q %s; the server refuses other URLs (url is not valid).", req.Path, raw, v.Description(ctx)))
	}
}

func allLabels(host string) bool {
	for _, l := range strings.Split(host, ".") {
		if !chatwootHostLabel.MatchString(l) {
			return false
		}
	}
	return true
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

// setFromServer records the server's configuration. The listing carries no
// webhook_url and find no number: what an answer lacks stays as it was.
func (m *chatwootModel) setFromServer(ctx context.Context, cw client.Chatwoot, importing, hasNumber bool) diag.Diagnostics {
	m.Enabled = types.BoolValue(cw.Enabled)
	m.AccountID = types.StringValue(cw.AccountID)
	m.Token = secretFromServer(m.Token, m.TokenWOVersion, cw.Token, importing)
	m.URL = types.StringValue(cw.URL)
	m.SignMsg = types.BoolValue(cw.SignMsg)
	m.SignDelimiter = stringFromPtr(cw.SignDelimiter)
	m.ReopenConversation = types.BoolValue(cw.ReopenConversation)
	m.ConversationPending = types.BoolValue(cw.ConversationPending)
	m.NameInbox = optionalString(cw.NameInbox)
	m.ImportContacts = types.BoolValue(cw.ImportContacts)
	m.ImportMessages = types.BoolValue(cw.ImportMessages)
	m.MergeBrazilContacts = types.BoolValue(cw.MergeBrazilContacts)
	m.DaysLimitImportMessages = types.Int64PointerValue(cw.DaysLimitImportMessages)
	if hasNumber {
		m.Number = stringFromPtr(cw.Number)
	}
	m.Organization = stringFromPtr(cw.Organization)
	m.Logo = stringFromPtr(cw.Logo)
	if cw.WebhookURL != "" {
		m.WebhookURL = types.StringValue(cw.WebhookURL)
	}
	if importing || m.AutoCreate.IsNull() {
		m.AutoCreate = types.BoolValue(false)
	}
	jids := cw.IgnoreJids
	if jids == nil {
		jids = []string{}
	}
	set, diags := types.SetValueFrom(ctx, types.StringType, jids)
	m.IgnoreJids = set
	return diags
}

func (m *chatwootModel) secrets() []string {
	if m == nil || m.Token.IsNull() || m.Token.IsUnknown() {
		return nil
	}
	return []string{m.Token.ValueString()}
}

func (r *chatwootResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan chatwootModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultChatwootWriteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if r.write(ctx, req.Config, &plan, plan.AutoCreate.ValueBool(), "save", &resp.Diagnostics) {
		// Saved, even if a step after the save failed: recorded (tainted
		// on error) rather than left behind unknown to Terraform.
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

func (r *chatwootResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state chatwootModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultChatwootWriteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// The inbox is made once: when auto_create turns true, or again after
	// it failed (state then says false).
	autoCreate := plan.AutoCreate.ValueBool() && !state.AutoCreate.ValueBool()
	if r.write(ctx, req.Config, &plan, autoCreate, "update", &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

// write sends the planned configuration and fills plan with what the
// server stored. It reports whether the server saved it, which it may have
// done although diags holds an error.
func (r *chatwootResource) write(ctx context.Context, config tfConfig, plan *chatwootModel, autoCreate bool, action string, diags *diag.Diagnostics) bool {
	name := plan.InstanceName.ValueString()
	token, d := secretToSend(ctx, config, plan.Token, "token")
	diags.Append(d...)
	if diags.HasError() {
		return false
	}
	ctx = maskStrings(ctx, r.client, token)
	inst := instanceForWrite(ctx, r.client, name, plan.InstanceID, chatwootKind.name, diags)
	if inst == nil {
		return false
	}
	want, d := plan.chatwoot(ctx, token)
	diags.Append(d...)
	if diags.HasError() {
		return false
	}
	plan.ID = types.StringValue(name)
	plan.InstanceID = types.StringValue(inst.ID)
	if !plan.TokenWOVersion.IsNull() {
		plan.Token = types.StringNull()
	}
	// The server drops signDelimiter when it creates the configuration, and
	// keeps days_limit_import_messages when it is left out.
	firstSave := !inst.IntegrationsListed || inst.Chatwoot == nil
	if plan.DaysLimitImportMessages.IsUnknown() {
		plan.DaysLimitImportMessages = types.Int64Null()
		if !firstSave {
			plan.DaysLimitImportMessages = types.Int64PointerValue(inst.Chatwoot.DaysLimitImportMessages)
		}
	}

	echo, err := r.client.SetChatwoot(ctx, name, want, autoCreate)
	if err != nil {
		if autoCreate && statusOf(err) >= 500 {
			// The server saves, then calls Chatwoot: the configuration is
			// there, only the inbox is missing. Recorded with auto_create
			// false, so the next apply asks again.
			plan.AutoCreate = types.BoolValue(false)
			plan.NameInbox = types.StringValue(want.NameInbox)
			r.fillAfterFailedAutoCreate(ctx, name, plan)
			diags.AddAttributeError(path.Root("auto_create"), fmt.Sprintf("Chatwoot did not create the inbox of instance %q", name),
				fmt.Sprintf("The server saved the Chatwoot configuration, then failed while creating the inbox %q in Chatwoot "+
					"(auto_create): %s.\n\nThe server calls Chatwoot at url with account_id and token: check that it can reach "+
					"%s and that the token may create inboxes, then apply again; the next apply asks for the inbox again.",
					want.NameInbox, err, want.URL))
			return true
		}
		addChatwootWriteError(diags, action, name, err)
		return false
	}
	plan.NameInbox = types.StringValue(echo.NameInbox)
	plan.WebhookURL = optionalString(echo.WebhookURL)
	if firstSave && want.SignDelimiter != nil {
		if _, err = r.client.SetChatwoot(ctx, name, want, false); err != nil {
			addChatwootWriteError(diags, action, name, err)
			// Saved without its delimiter: recorded so, and the next plan
			// puts it back.
			plan.SignDelimiter = types.StringNull()
			return true
		}
	}
	tflog.Info(ctx, "configured l2msg instance Chatwoot", map[string]any{"instance_name": name, "enabled": want.Enabled})
	if !inst.IntegrationsListed && plan.DaysLimitImportMessages.IsNull() {
		// Without a listing row the old value is unknown: ask.
		if cw, err := r.client.FindChatwoot(ctx, name); err == nil && cw != nil {
			plan.DaysLimitImportMessages = types.Int64PointerValue(cw.DaysLimitImportMessages)
		}
	}
	return true
}

// fillAfterFailedAutoCreate gives the computed values a known value from a
// read, as well as it can.
func (r *chatwootResource) fillAfterFailedAutoCreate(ctx context.Context, name string, plan *chatwootModel) {
	plan.WebhookURL = types.StringNull()
	if cw, err := r.client.FindChatwoot(ctx, name); err == nil && cw != nil {
		plan.WebhookURL = optionalString(cw.WebhookURL)
		plan.DaysLimitImportMessages = types.Int64PointerValue(cw.DaysLimitImportMessages)
	}
}

func addChatwootWriteError(diags *diag.Diagnostics, action, name string, err error) {
	switch {
	case client.IsBadRequest(err) && containsMessage(err, "url is not valid"):
		diags.AddAttributeError(path.Root("url"), fmt.Sprintf("The server refused the Chatwoot url of instance %q", name), err.Error())
	default:
		addIntegrationError(diags, chatwootKind, action, name, err)
	}
}

func (r *chatwootResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state chatwootModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = maskStrings(ctx, r.client, state.secrets()...)
	name := state.InstanceName.ValueString()
	inst, err := r.client.LookupInstance(ctx, name)
	if client.IsNotFound(err) {
		tflog.Warn(ctx, "l2msg instance no longer exists; removing its Chatwoot configuration from state", map[string]any{"instance_name": name})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addIntegrationError(&resp.Diagnostics, chatwootKind, "read", name, err)
		return
	}
	cw := inst.Chatwoot
	// The listing has no webhook_url: an import asks find for it once.
	if !inst.IntegrationsListed || (cw != nil && state.WebhookURL.IsNull()) {
		if cw, err = r.client.FindChatwoot(ctx, name); err != nil {
			addIntegrationError(&resp.Diagnostics, chatwootKind, "read", name, err)
			return
		}
	}
	if cw == nil {
		tflog.Warn(ctx, "l2msg instance has no Chatwoot configuration any more; removing it from state", map[string]any{"instance_name": name})
		resp.State.RemoveResource(ctx)
		return
	}
	importing := state.Enabled.IsNull()
	state.ID = types.StringValue(name)
	state.InstanceID = types.StringValue(inst.ID)
	resp.Diagnostics.Append(state.setFromServer(ctx, *cw, importing, inst.IntegrationsListed && cw == inst.Chatwoot)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *chatwootResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state chatwootModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultChatwootDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ctx = maskStrings(ctx, r.client, state.secrets()...)
	name := state.InstanceName.ValueString()
	// Switching off still needs all seven required fields; the token is
	// blanked so that no credential stays behind.
	off, diags := state.chatwoot(ctx, "")
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	off.Enabled = false
	_, err := r.client.SetChatwoot(ctx, name, off, false)
	switch {
	case err == nil, client.IsNotFound(err):
		// Switched off, or gone with its instance.
	case client.IsBadRequest(err) && strings.Contains(strings.ToLower(err.Error()), "is disabled"):
		resp.Diagnostics.AddWarning(fmt.Sprintf("Chatwoot configuration of instance %q left on the server", name),
			"The server has Chatwoot switched off in its environment (CHATWOOT_ENABLED is not true), so it refuses every "+
				"change, and the configuration was removed from Terraform's state only. It does nothing while Chatwoot is "+
				"off on the server, and becomes active again if it is switched back on.")
	default:
		addIntegrationError(&resp.Diagnostics, chatwootKind, "switch off", name, err)
	}
}

func (r *chatwootResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByInstanceName(ctx, req, resp)
}
