package provider

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
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
)

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
			Validators:  []validator.String{notBlank(), stringvalidator.UTF8LengthAtMost(100)},
		},
		"url": schema.StringAttribute{
			Description: "The Chatwoot server's http:// or https:// URL, at most 500 characters, for example `https://chatwoot.example.com`.",
			Required:    true,
			Validators:  []validator.String{stringvalidator.UTF8LengthAtMost(500), chatwootURL()},
		},
		"sign_msg": chatwootBool("Sign messages sent from Chatwoot with the agent's name."),
		"sign_delimiter": schema.StringAttribute{
			Description: "What separates the agent's name from the message when `sign_msg` is true (for example `\"\\n\"`), " +
				"at most 100 characters. Only with `sign_msg = true`. Updated in place.",
			Optional:   true,
			Validators: []validator.String{stringvalidator.UTF8LengthBetween(1, 100)},
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
			Validators:    []validator.String{notBlank(), stringvalidator.UTF8LengthAtMost(100)},
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
			Description: "WhatsApp ids (JIDs) whose messages are not sent to Chatwoot, such as `5511999999999@s.whatsapp.net` for a " +
				"contact or `120363000000000000@g.us` for a group; `@g.us` alone stands for every group and `@s.whatsapp.net` alone " +
				"for every contact. Defaults to none. Updated in place.",
			ElementType: types.StringType,
			Optional:    true,
			Computed:    true,
			Default:     setdefault.StaticValue(types.SetValueMust(types.StringType, []attr.Value{})),
			Validators:  []validator.Set{setvalidator.ValueStringsAre(jid(), stringvalidator.UTF8LengthAtMost(255))},
		},
		"number": schema.StringAttribute{
			Description: "The phone number the Chatwoot bot contact greets (`init:<number>`), at most 100 characters. Updated in place.",
			Optional:    true,
			Validators:  []validator.String{stringvalidator.UTF8LengthBetween(1, 100)},
		},
		"organization": schema.StringAttribute{
			Description: "The organization name of the Chatwoot bot contact, at most 100 characters. Updated in place.",
			Optional:    true,
			Validators:  []validator.String{stringvalidator.UTF8LengthBetween(1, 100)},
		},
		"logo": schema.StringAttribute{
			Description: "The http:// or https:// URL of the Chatwoot bot contact's avatar, at most 500 characters. Updated in place.",
			Optional:    true,
			Validators:  []validator.String{stringvalidator.UTF8LengthAtMost(500), httpURL()},
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
		stringvalidator.UTF8LengthBetween(1, 100)))
	resp.Schema = schema.Schema{
		Description: "Sends an instance's conversations to a Chatwoot inbox, where agents answer them. One per instance (`/chatwoot/set`).\n\n" +
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
