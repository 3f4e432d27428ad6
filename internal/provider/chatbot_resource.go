package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

var (
	_ resource.ResourceWithConfigure        = (*botResource)(nil)
	_ resource.ResourceWithImportState      = (*botResource)(nil)
	_ resource.ResourceWithIdentity         = (*botResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*botResource)(nil)
	_ resource.ResourceWithConfigValidators = (*botResource)(nil)
)

// botResource is every chatbot kind's resource: the lifecycle is the same,
// the kind brings its fields and rules.
type botResource struct {
	resourceBase
	kind *botKind
}

// botValues are a resource's attribute values by name.
type botValues map[string]attr.Value

func (r *botResource) fields() []field {
	return append(slices.Clone(commonBotFields), r.kind.fields...)
}

func (r *botResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.kind.resource
}

func (r *botResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := instanceScopedAttributes("bot")
	for _, f := range r.fields() {
		maps.Copy(attrs, f.schemaAttributes())
	}
	resp.Schema = schema.Schema{
		Description: fmt.Sprintf("%s %s in an instance: it answers the instance's WhatsApp messages that match its trigger "+
			"(`trigger_type`) %s. The server fills the behaviour fields left out of the configuration from the kind's defaults "+
			"(`l2msg_%s`). Before a create or an update, the provider reads the instance's "+
			"%ss and refuses, naming the other bot, a second enabled `all` bot or a trigger another bot already has, as the server "+
			"would with a bare error, and gives the `terraform import` command that adopts it. %s %s of the instance with every configured "+
			"value of this one (what an interrupted create, or one whose answer was lost, leaves) is adopted with a warning instead "+
			"of being created a second time. The server's routes are `/%s/…`. Import with `INSTANCE_NAME/BOT_ID`.",
			article(r.kind.title), r.kind.title, r.kind.does, r.kind.settings, r.kind.title, article(r.kind.title), r.kind.title, r.kind.api.Prefix),
		Attributes: attrs,
	}
}

// instanceScopedAttributes are id, instance_name and instance_id, which
// every resource that lives in an instance has.
func instanceScopedAttributes(what string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{
			Description:   "The server's id of the " + what + ".",
			Computed:      true,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"instance_name": integrationInstanceNameAttribute(),
		"instance_id":   instanceLinkAttribute(),
	}
}

func (r *botResource) attrTypes() map[string]attr.Type {
	out := map[string]attr.Type{"id": types.StringType, "instance_name": types.StringType, "instance_id": types.StringType}
	for _, f := range r.fields() {
		out[f.name] = f.attrType()
		if f.secret {
			out[f.name+"_wo"] = types.StringType
			out[f.name+"_wo_version"] = types.Int64Type
		}
	}
	return out
}

func getValues(ctx context.Context, get func(context.Context, any) diag.Diagnostics) (botValues, diag.Diagnostics) {
	var obj types.Object
	diags := get(ctx, &obj)
	if diags.HasError() {
		return nil, diags
	}
	return maps.Clone(obj.Attributes()), diags
}

// setValues stores values of a table-built schema, typed by attrTypes.
func setValues(ctx context.Context, state *tfsdk.State, attrTypes map[string]attr.Type, v botValues) diag.Diagnostics {
	obj, diags := types.ObjectValue(attrTypes, v)
	if diags.HasError() {
		return diags
	}
	return state.Set(ctx, obj)
}

func (r *botResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	v, diags := getValues(ctx, req.Config.Get)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	add := func(name, msg string) {
		resp.Diagnostics.AddAttributeError(path.Root(name), "Invalid "+r.kind.title+" configuration", msg)
	}
	validateTrigger(v, add)
	if r.kind.rule != nil {
		r.kind.rule(v, add)
	}
}

func (r *botResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	var out []resource.ConfigValidator
	for _, f := range r.fields() {
		if f.secret {
			out = append(out, secretTwinValidators(f.name)...)
		}
	}
	return out
}

// validateTrigger checks at plan what the server checks on every write:
// keyword needs an operator and a value, advanced a value; and what it
// silently ignores, an operator or value the trigger type does not use.
func validateTrigger(v botValues, add func(attr, msg string)) {
	if isUnknown(v["trigger_type"]) {
		return
	}
	tt := stringOf(v["trigger_type"])
	hasOp, hasVal := !v["trigger_operator"].IsNull(), !v["trigger_value"].IsNull()
	switch tt {
	case "keyword":
		if !hasOp {
			add("trigger_operator", `trigger_operator is required when trigger_type is "keyword".`)
		}
		if !hasVal {
			add("trigger_value", `trigger_value is required when trigger_type is "keyword".`)
		}
		// The server accepts any text, then compiles every regex trigger of
		// the kind on each message (new RegExp(value)): one it cannot
		// compile throws there, and no regex, startsWith, endsWith or
		// contains trigger of the kind in the instance matches again.
		if hasOp && hasVal && !isUnknown(v["trigger_operator"]) && !isUnknown(v["trigger_value"]) && stringOf(v["trigger_operator"]) == "regex" {
			if why := jsRegexProblem(stringOf(v["trigger_value"])); why != "" {
				add("trigger_value", fmt.Sprintf("trigger_value %q is not a regular expression the server can compile (it uses JavaScript's RegExp): %s.",
					stringOf(v["trigger_value"]), why))
			}
		}
	case "advanced":
		if !hasVal {
			add("trigger_value", `trigger_value is required when trigger_type is "advanced" (for example "contains:price,cost").`)
		}
		if hasOp {
			add("trigger_operator", `trigger_operator is not used with trigger_type "advanced": the operators are part of trigger_value.`)
		}
	case "all", "none":
		if hasOp {
			add("trigger_operator", fmt.Sprintf("trigger_operator is only used with trigger_type \"keyword\", not %q.", tt))
		}
		if hasVal {
			add("trigger_value", fmt.Sprintf("trigger_value is only used with trigger_type \"keyword\" or \"advanced\", not %q.", tt))
		}
	}
}

func stringOf(v attr.Value) string {
	if s, ok := v.(types.String); ok {
		return s.ValueString()
	}
	return ""
}

func isNullValue(v attr.Value) bool { return v == nil || v.IsNull() }

func isUnknown(v attr.Value) bool { return v != nil && v.IsUnknown() }

// body is the JSON body of a create (update=false) or an update. Secrets
// set write-only come from the configuration, the only place they are.
func (r *botResource) body(ctx context.Context, plan, config botValues, update bool) map[string]any {
	out := map[string]any{}
	for _, f := range r.fields() {
		v, ok := f.toWire(ctx, plan[f.name])
		if !ok && f.secret {
			v, ok = f.toWire(ctx, config[f.name+"_wo"])
		}
		switch {
		case ok:
			out[f.wire] = v
		case update && !f.required && !f.serverFilled && f.def == nil && !f.noClear:
			out[f.wire] = f.clearValue()
		}
	}
	return out
}

// fromBot is the state for the server's row; prior supplies what the
// server does not return (write-only versions, the instance name).
func (r *botResource) fromBot(prior botValues, bot *client.Bot) (botValues, error) {
	v := maps.Clone(prior)
	v["id"] = types.StringValue(bot.ID)
	v["instance_id"] = optionalString(bot.InstanceID)
	for _, f := range r.fields() {
		if f.secret {
			v[f.name+"_wo"] = types.StringNull()
			plain, _ := prior[f.name].(types.String)
			version, _ := prior[f.name+"_wo_version"].(types.Int64)
			server, _ := bot.Fields[f.wire].(string)
			v[f.name] = secretFromServer(plain, version, server)
			continue
		}
		val, err := f.fromWire(bot.Fields[f.wire])
		if err != nil {
			return nil, err
		}
		v[f.name] = val
	}
	// The server keeps a trigger the bot no longer uses (it cannot be
	// cleared); it does not belong to the bot's configuration.
	switch stringOf(v["trigger_type"]) {
	case "all", "none":
		v["trigger_operator"], v["trigger_value"] = types.StringNull(), types.StringNull()
	case "advanced":
		v["trigger_operator"] = types.StringNull()
	}
	return v, nil
}

func (r *botResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer memberIdentity.sync(ctx, resp.Identity, &resp.Diagnostics, &resp.State)
	plan, diags := getValues(ctx, req.Plan.Get)
	resp.Diagnostics.Append(diags...)
	config, diags := getValues(ctx, req.Config.Get)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := stringOf(plan["instance_name"])
	if !r.checkLink(ctx, plan, name, &resp.Diagnostics) {
		return
	}
	body := r.body(ctx, plan, config, false)

	bot, err := r.createOrAdopt(ctx, name, body, &resp.Diagnostics)
	if bot == nil {
		if err != nil {
			r.addWriteError(ctx, &resp.Diagnostics, "create", name, "", body, err)
		}
		return
	}
	tflog.Info(ctx, "created chatbot", map[string]any{"kind": r.kind.api.Prefix, "instance_name": name, "id": bot.ID})
	state, err := r.fromBot(plan, bot)
	if err != nil {
		resp.Diagnostics.AddError("Unexpected answer from the server", err.Error())
		return
	}
	resp.Diagnostics.Append(setValues(ctx, &resp.State, r.attrTypes(), state)...)
}

// createOrAdopt creates the bot, or adopts the one an earlier create of
// this configuration left on the server (memberCreate). A bot in the way
// that is not identical is refused before anything is sent, as the server
// would refuse it with a bare 500, and named with the command that adopts
// it. Both results are nil when the diagnostics already say why.
func (r *botResource) createOrAdopt(ctx context.Context, name string, body map[string]any, diags *diag.Diagnostics) (*client.Bot, error) {
	bots, err := r.client.ListBots(ctx, r.kind.api, name)
	if err != nil {
		r.addReadError(diags, name, err)
		return nil, nil
	}
	before := make([]string, len(bots))
	for i, b := range bots {
		before[i] = b.ID
	}
	return memberCreate[client.Bot]{
		what: r.kind.title, instance: name, existing: bots,
		id:        func(b *client.Bot) string { return b.ID },
		identical: func(b *client.Bot) bool { return b.Has(body) },
		check:     func(diags *diag.Diagnostics) bool { return r.refuseConflict(name, bots, "", body, diags) },
		claims:    r.claims,
		create: func(ctx context.Context) (*client.Bot, bool, error) {
			return r.client.CreateBotOrAdopt(ctx, r.kind.api, name, body, before)
		},
	}.run(ctx, diags)
}

// checkLink looks the instance up before a write: it must exist, a
// configured instance_id must be its id, and an OpenAI bot's credential
// must be one of its credentials.
func (r *botResource) checkLink(ctx context.Context, plan botValues, name string, diags *diag.Diagnostics) bool {
	link, _ := plan["instance_id"].(types.String)
	return instanceForWrite(ctx, r.client, name, link, r.kind.title, diags) != nil &&
		checkOpenAICreds(ctx, r.client, r.kind, name, plan, diags)
}

// checkSiblings reads the instance's bots of the kind before an update,
// and refuses what the server would refuse with a bare 500.
func (r *botResource) checkSiblings(ctx context.Context, name, selfID string, body map[string]any, diags *diag.Diagnostics) bool {
	bots, err := r.client.ListBots(ctx, r.kind.api, name)
	if err != nil {
		r.addReadError(diags, name, err)
		return false
	}
	return r.refuseConflict(name, bots, selfID, body, diags)
}

// refuseConflict reports whether no other bot of the instance is in the
// way of body; otherwise it says which one, and on a create (no selfID)
// how to adopt it instead.
func (r *botResource) refuseConflict(name string, bots []client.Bot, selfID string, body map[string]any, diags *diag.Diagnostics) bool {
	attr, msg, other := r.kind.conflict(bots, selfID, body, selfID != "")
	if msg == "" {
		return true
	}
	if selfID == "" {
		msg += fmt.Sprintf(" If that bot is the one this resource should manage, adopt it: %s.", importCommand(name, other.ID))
	}
	diags.AddAttributeError(path.Root(attr), r.kind.title+" conflicts with another bot", msg)
	return false
}

func (r *botResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer memberIdentity.sync(ctx, resp.Identity, &resp.Diagnostics, &resp.State, &req.State)
	prior, diags := getValues(ctx, req.State.Get)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name, id := stringOf(prior["instance_name"]), stringOf(prior["id"])
	bots, err := r.client.ListBots(ctx, r.kind.api, name)
	if client.IsNotFound(err) {
		tflog.Warn(ctx, "instance no longer exists; removing the bot from state", map[string]any{"instance_name": name, "id": id})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		r.addReadError(&resp.Diagnostics, name, err)
		return
	}
	// The instance's own list: a bot of another instance is never ours.
	i := slices.IndexFunc(bots, func(b client.Bot) bool { return b.ID == id })
	if i < 0 {
		tflog.Warn(ctx, "bot no longer exists; removing it from state", map[string]any{"instance_name": name, "id": id})
		resp.State.RemoveResource(ctx)
		return
	}
	state, err := r.fromBot(prior, &bots[i])
	if err != nil {
		resp.Diagnostics.AddError("Unexpected answer from the server", err.Error())
		return
	}
	resp.Diagnostics.Append(setValues(ctx, &resp.State, r.attrTypes(), state)...)
	// An import starts from the id alone: nothing else is known yet.
	importing := isNullValue(prior["trigger_type"])
	server := map[string]string{}
	for _, f := range r.fields() {
		if f.secret {
			server[f.name], _ = bots[i].Fields[f.wire].(string)
		}
	}
	resp.Diagnostics.Append(rememberServerSecrets(ctx, resp.Private, resp.State, importing, server)...)
}

func (r *botResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer memberIdentity.sync(ctx, resp.Identity, &resp.Diagnostics, &resp.State)
	plan, diags := getValues(ctx, req.Plan.Get)
	resp.Diagnostics.Append(diags...)
	config, diags := getValues(ctx, req.Config.Get)
	resp.Diagnostics.Append(diags...)
	prior, diags := getValues(ctx, req.State.Get)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name, id := stringOf(prior["instance_name"]), stringOf(prior["id"])
	if !r.checkLink(ctx, plan, name, &resp.Diagnostics) {
		return
	}
	body := r.body(ctx, plan, config, true)
	if !r.checkSiblings(ctx, name, id, body, &resp.Diagnostics) {
		return
	}
	bot, err := r.client.UpdateBot(ctx, r.kind.api, name, id, body)
	if err != nil {
		r.addWriteError(ctx, &resp.Diagnostics, "update", name, id, body, err)
		return
	}
	plan["id"] = prior["id"]
	state, err := r.fromBot(plan, bot)
	if err != nil {
		resp.Diagnostics.AddError("Unexpected answer from the server", err.Error())
		return
	}
	resp.Diagnostics.Append(setValues(ctx, &resp.State, r.attrTypes(), state)...)
}

func (r *botResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	prior, diags := getValues(ctx, req.State.Get)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name, id := stringOf(prior["instance_name"]), stringOf(prior["id"])
	err := r.client.DeleteBot(ctx, r.kind.api, name, id)
	if err == nil || client.IsNotFound(err) {
		return
	}
	// The server answers "already gone" like any other failure: look.
	bots, lerr := r.client.ListBots(ctx, r.kind.api, name)
	if client.IsNotFound(lerr) || (lerr == nil && !slices.ContainsFunc(bots, func(b client.Bot) bool { return b.ID == id })) {
		return
	}
	resp.Diagnostics.AddError(fmt.Sprintf("Could not delete %s %q of instance %q", r.kind.title, id, name), r.describe(err))
}

// IdentitySchema: see identity.go.
func (r *botResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = memberIdentity.schema()
}

func (r *botResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	memberIdentity.importState(ctx, req, resp)
}

// describe is an error's text, with the fix when the integration is
// switched off on the server.
func (r *botResource) describe(err error) string {
	return describeChatbotError(r.kind, err)
}

func describeChatbotError(k *botKind, err error) string {
	detail := err.Error()
	if client.IsDisabled(err) && k.api.Env != "" {
		detail += fmt.Sprintf("\n\nThe server has the %s integration switched off: set %s=true in its environment and restart it.",
			k.api.Name, k.api.Env)
	}
	if client.IsUnauthorized(err) {
		detail += "\n\nThe server refused the API key: check api_key or the L2MSG_API_KEY environment variable."
	}
	return detail
}

func (r *botResource) addReadError(diags *diag.Diagnostics, name string, err error) {
	diags.AddError(fmt.Sprintf("Could not read the %ss of instance %q", r.kind.title, name), r.describe(err))
}

// addWriteError explains a failed create or update. The server's rules
// come back as bare 500s, and every update failure as "Error updating X":
// the instance's bots are read again to say which rule it was.
func (r *botResource) addWriteError(ctx context.Context, diags *diag.Diagnostics, action, name, id string, body map[string]any, err error) {
	summary := fmt.Sprintf("Could not %s %s in instance %q", action, r.kind.title, name)
	detail := r.describe(err)
	msg := client.ServerMessage(err)
	if client.IsRuleAnswer(err) && strings.HasPrefix(msg, "Error ") && msg != errDefaultSettings {
		bots, lerr := r.client.ListBots(ctx, r.kind.api, name)
		switch {
		case lerr != nil:
		case id != "" && !slices.ContainsFunc(bots, func(b client.Bot) bool { return b.ID == id }):
			detail += fmt.Sprintf("\n\nThe bot %q no longer exists in the instance: it was deleted outside Terraform. "+
				"Run terraform apply again to re-create it.", id)
		default:
			if attr, why, _ := r.kind.conflict(bots, id, body, id != ""); why != "" {
				diags.AddAttributeError(path.Root(attr), summary, why+"\n\n(The server answered: "+msg+".)")
				return
			}
			detail += "\n\nNo other bot of the instance conflicts with this one. The server also refuses a value longer than " +
				"its column allows or a credential of another instance."
		}
	}
	if hint := ruleHint(r.kind, msg); hint != "" {
		detail += "\n\n" + hint
	}
	diags.AddError(summary, detail+createFailedNote("bot", err))
}

// ruleHint says what to change for the server's rule messages.
func ruleHint(k *botKind, msg string) string {
	switch {
	case strings.Contains(msg, "Trigger already exists"):
		return "Another bot of this kind in the instance has the same trigger (even a disabled one, or one whose trigger type no longer uses it)."
	case strings.Contains(msg, `"All" trigger`):
		return `Only one enabled bot of a kind may have trigger_type "all": disable the other one or change this trigger.`
	case strings.Contains(msg, "already exists"):
		return "Another bot of this kind in the instance points at the same endpoint and key."
	case msg == errDefaultSettings:
		return defaultSettingsHint(k)
	}
	return ""
}

// errDefaultSettings is what a bot create or a settings set answers when the
// server could not make the kind's settings row.
const errDefaultSettings = "Error setting default settings"

// defaultSettingsHint says why the server could not make the kind's
// settings row: another write made it at the same moment (this provider
// sends its own one at a time, see client/settings_row.go), or for OpenAI
// a credential the row cannot link to.
func defaultSettingsHint(k *botKind) string {
	hint := fmt.Sprintf("The server makes an instance's %s defaults (l2msg_%s) on the first write that needs them, and gives this "+
		"answer when another write of the same instance and kind made them at the same moment: another program or Terraform run "+
		"creating a %s or setting those defaults in this instance at once. Nothing was created or changed: run terraform apply again.",
		k.title, k.settings, k.title)
	if k == openaiKind {
		hint += " It also gives it when openai_creds_id is not a credential the server knows, or is one that another instance's " +
			"OpenAI defaults use."
	}
	return hint
}
