package provider

import (
	"context"
	"crypto/subtle"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/helpers/validatordiag"
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
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// instanceSchema is l2msg_instance's schema: every attribute, its validators
// and its plan modifiers.
func instanceSchema(ctx context.Context) schema.Schema {
	return schema.Schema{
		Description: "A WhatsApp instance (one phone number) on l2msg or an Evolution API server, " +
			"with its call/read settings and webhook. Changing `instance_name`, `integration` or `number` " +
			"replaces the instance; settings and the webhook are updated in place.\n\n" +
			"Creating never makes a second instance, leaves one Terraform does not know, or takes someone else's. Every " +
			"create carries the instance's key (`token`, `token_wo`, or else a random key the provider makes), which " +
			"makes the instance recognisably this create's. A name already taken is refused by the server, and the " +
			"apply stops with an error that shows how to `terraform import` it (a replacement with " +
			"`create_before_destroy` meets that error too: a name is unique, so the new instance cannot be created " +
			"before its old instance is destroyed). The server frees a deleted instance's name a moment after it " +
			"stops listing the instance: a create of a name this run deleted is sent again for a few seconds while " +
			"the server still refuses it. A create is not retried blindly: when " +
			"it fails in a way that leaves the outcome unknown (a timeout, a 5xx answer, a dropped connection, a success " +
			"answer without the instance), the provider looks the name up. An instance that answers to this create's " +
			"key is adopted into state and its settings and webhook are applied; one that does not was created by " +
			"someone else meanwhile, is left alone, and the apply stops with an error that says so; no instance, and " +
			"the create is sent again, at most `max_retries` times. If even the look-up fails, the name is recorded in " +
			"state as tainted, so the next apply finds the instance and replaces it, or creates it.\n\n" +
			"State is saved after each step of a create or an update (the instance, then its webhook; the settings, then " +
			"the webhook), so a failure part-way leaves state that matches the server: a half-made instance is kept, " +
			"tainted, and replaced by the next apply; a half-done update is finished by the next apply.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "The instance name; also the import ID.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"instance_name": schema.StringAttribute{
				Description:   "The instance's unique name. Must not be empty or contain `/`. Changing it replaces the instance.",
				Required:      true,
				Validators:    instanceNameValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"integration": schema.StringAttribute{
				Description: "The WhatsApp integration: one of `" + strings.Join(client.Integrations, "`, `") +
					"`. Defaults to `" + client.IntegrationBaileys + "`. `WHATSAPP-BUSINESS` needs `number` and `token` (or `token_wo`). Changing it replaces the instance.",
				Optional:      true,
				Computed:      true,
				Default:       stringdefault.StaticString(client.IntegrationBaileys),
				Validators:    []validator.String{stringvalidator.OneOf(client.Integrations...)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"number": schema.StringAttribute{
				Description: "The phone number that owns the instance, digits only with the country code first " +
					"and no `+` (for example `5511999999999`). Changing it replaces the instance.",
				Optional:      true,
				Validators:    numberValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"qrcode": schema.BoolAttribute{
				Description: "Whether the server generates a QR code right after creation, into `qrcode_code` and `qrcode_base64` " +
					"(and `pairing_code` with a `number`). Defaults to `false`. " +
					"Only used at create time: changing it later touches nothing on the server.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"keep_webhook_on_destroy": schema.BoolAttribute{
				Description: "Leave the webhook on when the instance is destroyed or replaced, so that its receiver gets " +
					"`REMOVE_INSTANCE`. Defaults to `false`: just before the delete, a webhook that would receive that event " +
					"(enabled, with `REMOVE_INSTANCE` in `events`, or `events` omitted or empty, which is every event) is switched " +
					"off, with one request. The server delivers `REMOVE_INSTANCE` before it deletes the instance and waits for " +
					"the delivery: a receiver that is down, unresolvable, refusing or answering 5xx is retried 10 times over about " +
					"20 minutes, while the instance stays listed and its name taken, and the destroy or replacement would wait " +
					"for it (or fail when `timeouts.delete` runs out). Set `true` when your receiver needs the event, and make " +
					"sure it is up, or raise `timeouts.delete`. Read from state, so a change applies from the next destroy or " +
					"replacement; changing it touches nothing on the server.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"reject_call": boolSetting("Reject WhatsApp calls automatically."),
			"msg_call": schema.StringAttribute{
				Description: "The message sent when a call is rejected automatically, at most 100 characters (the server's column). " +
					"Defaults to `\"\"`. Updated in place.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(""),
				Validators: []validator.String{stringvalidator.UTF8LengthAtMost(maxMsgCallLen)},
			},
			"groups_ignore":     boolSetting("Ignore group messages."),
			"always_online":     boolSetting("Keep WhatsApp always online."),
			"read_messages":     boolSetting("Send read receipts for received messages."),
			"read_status":       boolSetting("Show the read status of sent messages."),
			"sync_full_history": boolSetting("Synchronize the full WhatsApp history."),
			"webhook":           webhookSchema(),
			"token": schema.StringAttribute{
				Description: "A custom key for the instance, used instead of a random one the provider makes; `WHATSAPP-BUSINESS` " +
					"instances need it (the Meta access token). It becomes the instance's API key, so `apikey` equals it. " +
					"Stored in state (Sensitive): prefer `token_wo` on Terraform 1.11 and later. Conflicts with `token_wo`. " +
					"Changing it replaces the instance; adding one equal to the current key (after an import) does not.",
				Optional:      true,
				Sensitive:     true,
				Validators:    []validator.String{tokenValidator{}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(tokenNeedsReplace, tokenReplaceDoc, tokenReplaceDoc)},
			},
			"token_wo": schema.StringAttribute{
				Description: "Write-only twin of `token` (Terraform 1.11 and later): sent at create and never stored in plan or state. " +
					"Because the server's key is this token, `apikey` stays null for such an instance. Requires `token_wo_version`; " +
					"conflicts with `token`. Terraform cannot see a change of a write-only value: change `token_wo_version` to apply one.",
				Optional:   true,
				Sensitive:  true,
				WriteOnly:  true,
				Validators: []validator.String{tokenValidator{}},
			},
			"token_wo_version": schema.Int64Attribute{
				Description: "Any number you choose for the current `token_wo`; required with it. Changing it replaces the instance " +
					"(the key cannot change otherwise). Removing it, together with `token_wo`, keeps the instance and its key, and `apikey` stays null.",
				Optional:      true,
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplaceIf(tokenWOVersionNeedsReplace, tokenReplaceDoc, tokenReplaceDoc)},
			},
			"wait_for_connection": schema.StringAttribute{
				Description: "How long the create waits for a phone to pair, as a duration such as `30s`, `5m` or `1h`. " +
					"Defaults to not waiting. The wait ends early when the instance reports `open`; when it runs out, the apply " +
					"fails and the instance stays in state, marked tainted, so the next apply replaces it (showing a fresh QR code) " +
					"unless you run `terraform untaint`. Bounded by `timeouts.create` (default 5m). Only used at create time. " +
					"Terraform shows nothing of this apply until the wait ends, outputs included, so the QR or pairing code must " +
					"reach the phone's owner another way: the webhook's `QRCODE_UPDATED` events, or the l2msg dashboard.",
				Optional:   true,
				Validators: []validator.String{positiveDuration()},
			},
			"pairing_code": createAnswerAttribute("The code to type on the phone (WhatsApp > Linked devices > Link with phone number) " +
				"when the instance was created with `qrcode = true` and a `number`; null otherwise."),
			"qrcode_code": createAnswerAttribute("The QR code's text from the create answer when `qrcode = true`, for " +
				"`provider::l2msg::qr_text` to draw it in a terminal; null otherwise."),
			"qrcode_base64": createAnswerAttribute("The QR code from the create answer as a PNG data URI " +
				"(`data:image/png;base64,…`) when `qrcode = true`; null otherwise."),
			"instance_id": schema.StringAttribute{
				Description:   "The server's unique identifier (a UUID) for the instance.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"status": schema.StringAttribute{
				Description:   statusDescription,
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"apikey": schema.StringAttribute{
				Description: "The instance's own API key, which works on every route of this instance only. Null when the key " +
					"was set with `token_wo`, since it is that write-only value. An import leaves it null (it cannot tell whether the " +
					"configuration uses `token_wo`); the next apply reads it, sending nothing, unless the configuration uses `token_wo`. Sensitive.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

func boolSetting(description string) schema.BoolAttribute {
	return schema.BoolAttribute{
		Description: description + " Defaults to `false`. Updated in place.",
		Optional:    true,
		Computed:    true,
		Default:     booldefault.StaticBool(false),
	}
}

const shortLived = " Short-lived: WhatsApp rotates the code within a minute or so and it is kept from the create answer, never " +
	"fetched again, so it is only useful right after the apply that created the instance. For a fresh one, use the " +
	"`l2msg_instance_connect` ephemeral resource. Sensitive."

func createAnswerAttribute(description string) schema.StringAttribute {
	return schema.StringAttribute{
		Description:   description + shortLived,
		Computed:      true,
		Sensitive:     true,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

func webhookSchema() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Description: "The webhook that receives the instance's events. Updated in place; removing the block turns the server's webhook off " +
			"(the server has no way to delete one). A destroy or replacement switches a webhook that would receive " +
			"`REMOVE_INSTANCE` off just before the delete, so the delete never waits for the receiver; " +
			"`keep_webhook_on_destroy` leaves it on.",
		Optional: true,
		Attributes: map[string]schema.Attribute{
			"url": schema.StringAttribute{
				Description: "The http:// or https:// URL that receives the events, at most 500 characters (the server's column).",
				Required:    true,
				Validators:  []validator.String{httpURL(), stringvalidator.UTF8LengthAtMost(maxWebhookURLLen)},
			},
			"enabled": schema.BoolAttribute{
				Description: "Whether the webhook sends events. Defaults to `true`.",
				Optional:    true,
				Computed:    true,
				Default:     booldefault.StaticBool(true),
			},
			"by_events": schema.BoolAttribute{
				Description: "Send each event to its own path under `url` (for example `/messages-upsert`). Defaults to `false`.",
				Optional:    true,
				Computed:    true,
				Default:     booldefault.StaticBool(false),
			},
			"base64": schema.BoolAttribute{
				Description: "Send media as base64 in the payload when available. Defaults to `false`.",
				Optional:    true,
				Computed:    true,
				Default:     booldefault.StaticBool(false),
			},
			"headers": schema.MapAttribute{
				Description: "HTTP headers sent with every webhook call, such as an `authorization` token. Sensitive.",
				ElementType: types.StringType,
				Optional:    true,
				Sensitive:   true,
			},
			"events": schema.SetAttribute{
				Description: "The events to send. Leave it out for every event, as the server reports it; when set, " +
					"at least one of: " + "`" + strings.Join(client.Events, "`, `") + "`.",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringvalidator.OneOf(client.Events...)),
					v1OnlyEvents(),
				},
				PlanModifiers: []planmodifier.Set{allEventsWhenOmitted()},
			},
		},
	}
}

// tokenPattern: the key travels in the apikey header, so it must be visible
// ASCII; the server caps it at 255 characters.
var tokenPattern = regexp.MustCompile(`^[!-~]{1,255}$`)

// tokenValidator checks the key's shape without ever echoing it: an error
// message is printed, and a mistyped key is still mostly the key.
type tokenValidator struct{}

func (tokenValidator) Description(context.Context) string {
	return "must be 1 to 255 visible ASCII characters without spaces"
}

func (v tokenValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v tokenValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || tokenPattern.MatchString(req.ConfigValue.ValueString()) {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid token",
		fmt.Sprintf("Attribute %s %s, because the server uses it as the apikey header; got %d characters. "+
			"The value is not shown: it is secret.", req.Path, v.Description(ctx), utf8.RuneCountInString(req.ConfigValue.ValueString())))
}

const tokenReplaceDoc = "Replaces the instance when the key it asks for differs from the instance's key."

// tokenNeedsReplace: removing token keeps the instance and its key. Adding
// one to an instance that had none in state (an import, a server-made key,
// or a move from token_wo) only needs a new instance when it differs from
// the current key.
func tokenNeedsReplace(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	switch {
	case req.PlanValue.IsNull():
		return
	case req.PlanValue.IsUnknown() || !req.StateValue.IsNull():
		resp.RequiresReplace = true
		return
	}
	same, diags := isCurrentKey(ctx, req.State, req.Private, req.PlanValue)
	resp.Diagnostics.Append(diags...)
	resp.RequiresReplace = !same
}

// tokenWOVersionNeedsReplace: a new version asks for a new key. Setting a
// version on an instance that had none (an import, or a move from token to
// token_wo) only replaces it when token_wo differs from the current key.
func tokenWOVersionNeedsReplace(ctx context.Context, req planmodifier.Int64Request, resp *int64planmodifier.RequiresReplaceIfFuncResponse) {
	switch {
	case req.PlanValue.IsNull():
		return
	case !req.StateValue.IsNull():
		resp.RequiresReplace = true
		return
	}
	var wo types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("token_wo"), &wo)...)
	same, diags := isCurrentKey(ctx, req.State, req.Private, wo)
	resp.Diagnostics.Append(diags...)
	resp.RequiresReplace = !same
}

// keyHashKey is the private state entry that holds a salted hash of the
// instance's key (secretHash, secret_twin.go). apikey is null when the key
// was set write-only or imported, so the hash is the only way to tell, at
// plan, that a key moved between token_wo and token is the same key: a
// replacement would unpair the phone.
const keyHashKey = "key_sha256"

// recordKey keeps a salted hash of the instance's key in private state.
func recordKey(ctx context.Context, private privateState, key string) diag.Diagnostics {
	return recordSecretHash(ctx, private, keyHashKey, key)
}

// isCurrentKey reports whether key is the instance's key: apikey when state
// shows it, else the hash recordKey kept.
func isCurrentKey(ctx context.Context, state tfsdk.State, private privateState, key types.String) (bool, diag.Diagnostics) {
	var current types.String
	diags := state.GetAttribute(ctx, path.Root("apikey"), &current)
	if diags.HasError() || key.IsNull() || key.IsUnknown() {
		return false, diags
	}
	if !current.IsNull() && !current.IsUnknown() {
		return sameKey(current, key), diags
	}
	// An import keeps the hash under the token's entry (rememberServerSecrets).
	for _, entry := range []string{keyHashKey, serverSecretEntry("token")} {
		same, d := matchesSecretHash(ctx, private, entry, key.ValueString())
		diags.Append(d...)
		if same {
			return true, diags
		}
	}
	return false, diags
}

func sameKey(a, b types.String) bool {
	if a.IsNull() || a.IsUnknown() || b.IsNull() || b.IsUnknown() {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(a.ValueString()), []byte(b.ValueString())) == 1
}

// tokenChoice: token and token_wo exclude each other, and token_wo comes
// with its version. resourcevalidator.Conflicting and RequiredTogether say
// the same, in the same words, but match their path expressions by walking
// the whole configuration: terraform validates every instance's
// configuration in each walk, and the two took 40% of the validation's CPU
// in a plan of 500 instances.
type tokenChoice struct{}

func (tokenChoice) Description(context.Context) string {
	return "token and token_wo cannot be configured together; token_wo and token_wo_version must be configured together"
}

func (v tokenChoice) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (tokenChoice) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var token, tokenWO types.String
	var version types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("token"), &token)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("token_wo"), &tokenWO)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("token_wo_version"), &version)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// One diagnostic each, on the first path configured, as the library
	// validators report it.
	configured := func(v attr.Value) bool { return !v.IsNull() && !v.IsUnknown() }
	if configured(token) && configured(tokenWO) {
		resp.Diagnostics.Append(validatordiag.InvalidAttributeCombinationDiagnostic(path.Root("token"),
			"These attributes cannot be configured together: [token,token_wo]"))
	}
	if tokenWO.IsUnknown() || version.IsUnknown() || tokenWO.IsNull() == version.IsNull() {
		return
	}
	first := path.Root("token_wo")
	if tokenWO.IsNull() {
		first = path.Root("token_wo_version")
	}
	resp.Diagnostics.Append(validatordiag.InvalidAttributeCombinationDiagnostic(first,
		"These attributes must be configured together: [token_wo,token_wo_version]"))
}

// businessNeedsCredentials: a WHATSAPP-BUSINESS instance is Meta's API,
// which needs the business number and the Meta access token.
type businessNeedsCredentials struct{}

func (businessNeedsCredentials) Description(context.Context) string {
	return "a " + client.IntegrationBusiness + " instance needs number and token (or token_wo)"
}

func (v businessNeedsCredentials) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (businessNeedsCredentials) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var integration, number, token, tokenWO types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("integration"), &integration)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("number"), &number)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("token"), &token)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("token_wo"), &tokenWO)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if integration.ValueString() == client.IntegrationBusiness && number.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("number"), "Missing number",
			"The "+client.IntegrationBusiness+" integration requires the business phone number in number.")
	}
	if integration.ValueString() == client.IntegrationBusiness && token.IsNull() && tokenWO.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("token"), "Missing token",
			"The "+client.IntegrationBusiness+" integration requires the Meta access token in token (or token_wo); it also becomes the instance's API key.")
	}
}

// waitNeedsPairing warns when wait_for_connection waits for a phone that
// cannot pair: a Baileys instance created without qrcode starts no pairing
// session, so only something outside this apply (the l2msg dashboard) could
// start one.
type waitNeedsPairing struct{}

func (waitNeedsPairing) Description(context.Context) string {
	return "wait_for_connection on a WHATSAPP-BAILEYS instance needs qrcode = true"
}

func (v waitNeedsPairing) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (waitNeedsPairing) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var wait, integration types.String
	var qrcode types.Bool
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("wait_for_connection"), &wait)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("integration"), &integration)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("qrcode"), &qrcode)...)
	if resp.Diagnostics.HasError() || wait.IsNull() || qrcode.IsUnknown() || qrcode.ValueBool() {
		return
	}
	if !integration.IsNull() && integration.ValueString() != client.IntegrationBaileys {
		return // API-backed integrations start open
	}
	resp.Diagnostics.AddAttributeWarning(path.Root("wait_for_connection"), "Nothing starts pairing",
		"Attribute wait_for_connection waits for a phone, but without qrcode = true the server starts no pairing "+
			"session at create, so no phone can pair unless something outside this apply starts one (the l2msg "+
			"dashboard). Set qrcode = true.")
}
