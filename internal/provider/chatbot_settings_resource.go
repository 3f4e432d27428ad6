package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"

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
	_ resource.ResourceWithConfigure   = (*botSettingsResource)(nil)
	_ resource.ResourceWithImportState = (*botSettingsResource)(nil)
	_ resource.ResourceWithIdentity    = (*botSettingsResource)(nil)
)

// builtinDefaults are the values the server answers for a kind's defaults
// when the instance has no settings row: the attributes' defaults, and what
// destroy resets the row to.
var builtinDefaults = map[string]any{
	"expire": int64(300), "keyword_finish": "bye", "delay_message": int64(1000),
	"unknown_message": "Sorry, I dont understand", "listening_from_me": true, "stop_bot_from_me": true,
	"keep_open": false, "debounce_time": int64(1), "ignore_jids": []string{}, "split_messages": false,
	"time_per_char": int64(0),
}

// settingsDescs are the settings' own texts where a bot's would be wrong.
var settingsDescs = map[string]string{
	// The server checks this list on every message before it picks a bot;
	// bots made by this provider always send their own list.
	"ignore_jids": "Chats that no bot of the kind in the instance answers, by JID: `5511999999999@s.whatsapp.net` for a contact, " +
		"`…@g.us` for a group; `@g.us` alone stands for every group and `@s.whatsapp.net` alone for every contact. The server " +
		"checks this list before it looks for a bot. It is also the list a bot created without one starts with, which only " +
		"bots made outside Terraform are: a bot resource always sends its own `ignore_jids`.",
}

// fallbackField is the settings' fallback bot, read and written as fallbackId.
var fallbackField = field{name: "fallback_id", wire: "fallbackId", limit: 100,
	desc: "The id of a bot of the same kind in this instance that answers messages no other bot's trigger matches. Checked against the instance's bots before it is sent."}

// botSettingsResource is a kind's per-instance defaults: one row per
// instance and kind, created by the server with the kind's first bot, with
// no delete route.
type botSettingsResource struct {
	resourceBase
	kind *botKind
}

// fields are the shared behaviour fields, with the server's built-in
// values as defaults, then the fallback and the kind's own.
func (r *botSettingsResource) fields() []field {
	var out []field
	for _, f := range commonBotFields {
		def, ok := builtinDefaults[f.name]
		if !ok {
			continue
		}
		if d, ok := settingsDescs[f.name]; ok {
			f.desc = d
		} else {
			f.desc = "Default for the kind's bots that leave it out: " + f.desc
		}
		f.desc += fmt.Sprintf(" Defaults to `%v` (the server's built-in value).", defaultText(def))
		f.serverFilled, f.def = false, def
		out = append(out, f)
	}
	out = append(out, fallbackField)
	return append(out, r.kind.settingsFields...)
}

func defaultText(v any) string {
	if l, ok := v.([]string); ok && len(l) == 0 {
		return "[]"
	}
	return fmt.Sprint(v)
}

func (r *botSettingsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.kind.settings
}

func (r *botSettingsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := instanceScopedAttributes("settings")
	attrs["id"] = schema.StringAttribute{
		Description:   "The instance name: the settings are one per instance and kind.",
		Computed:      true,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	for _, f := range r.fields() {
		maps.Copy(attrs, f.schemaAttributes())
	}
	resp.Schema = schema.Schema{
		Description: fmt.Sprintf("The defaults of an instance's %ss: the values a bot created without them takes, the chats no "+
			"bot of the kind answers (`ignore_jids`) and the bot that answers what no trigger matches (`fallback_id`). The server "+
			"keeps one row per instance (`/%s/settings`), made by itself with the first bot if not before: "+
			"creating this resource adopts that row. Every attribute is always sent. There is no delete route: destroy resets the "+
			"settings to the server's built-in values (those of the defaults below) and clears `fallback_id`%s. "+
			"Import with the instance name.", r.kind.title, r.kind.api.Prefix, r.destroyNote()),
		Attributes: attrs,
	}
}

func (r *botSettingsResource) destroyNote() string {
	if r.kind == openaiKind {
		return "; `openai_creds_id` stays, since the server cannot clear it"
	}
	return ""
}

func (r *botSettingsResource) attrTypes() map[string]attr.Type {
	out := map[string]attr.Type{"id": types.StringType, "instance_name": types.StringType, "instance_id": types.StringType}
	for _, f := range r.fields() {
		out[f.name] = f.attrType()
	}
	return out
}

// body is every attribute; a null fallback_id clears the fallback.
func (r *botSettingsResource) body(ctx context.Context, v botValues) map[string]any {
	out := map[string]any{}
	for _, f := range r.fields() {
		if val, ok := f.toWire(ctx, v[f.name]); ok {
			out[f.wire] = val
		}
	}
	if _, ok := out["fallbackId"]; !ok {
		out["fallbackId"] = nil
	}
	if _, ok := out["ignoreJids"]; !ok {
		// Never null: the server stores it, and the kind's next bot then fails.
		out["ignoreJids"] = []string{}
	}
	return out
}

func (r *botSettingsResource) fromSettings(prior botValues, s *client.BotSettings) (botValues, error) {
	v := maps.Clone(prior)
	name := stringOf(prior["instance_name"])
	v["id"] = types.StringValue(name)
	for _, f := range r.fields() {
		if f.name == "fallback_id" {
			v[f.name] = optionalString(s.FallbackID)
			continue
		}
		val, err := f.fromWire(s.Fields[f.wire])
		if err != nil {
			return nil, err
		}
		v[f.name] = val
	}
	if s.InstanceID != "" {
		v["instance_id"] = types.StringValue(s.InstanceID)
	}
	return v, nil
}

func (r *botSettingsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer instanceIdentity.sync(ctx, resp.Identity, &resp.Diagnostics, &resp.State)
	r.write(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

func (r *botSettingsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer instanceIdentity.sync(ctx, resp.Identity, &resp.Diagnostics, &resp.State)
	r.write(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

// write upserts the settings: create adopts a row the server already made.
func (r *botSettingsResource) write(ctx context.Context, p tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics) {
	plan, d := getValues(ctx, p.Get)
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	name := stringOf(plan["instance_name"])
	link, _ := plan["instance_id"].(types.String)
	if instanceForWrite(ctx, r.client, name, link, r.kind.title+" defaults", diags) == nil ||
		!checkOpenAICreds(ctx, r.client, r.kind, name, plan, diags) {
		return
	}
	if fb := stringOf(plan["fallback_id"]); fb != "" {
		bots, err := r.client.ListBots(ctx, r.kind.api, name)
		if err != nil {
			diags.AddError(fmt.Sprintf("Could not read the %ss of instance %q", r.kind.title, name), describeChatbotError(r.kind, err))
			return
		}
		if !slices.ContainsFunc(bots, func(b client.Bot) bool { return b.ID == fb }) {
			diags.AddAttributeError(path.Root("fallback_id"), "Unknown fallback bot",
				fmt.Sprintf("fallback_id %q is not a %s of instance %q. Use the id of a bot of the same kind in the same instance "+
					"(for example l2msg_%s.<name>.id).", fb, r.kind.title, name, r.kind.resource))
			return
		}
	}
	got, err := r.client.SetBotSettings(ctx, r.kind.api, name, r.body(ctx, plan))
	if err != nil {
		detail := describeChatbotError(r.kind, err)
		if client.ServerMessage(err) == errDefaultSettings {
			detail += "\n\n" + defaultSettingsHint(r.kind)
		}
		diags.AddError(fmt.Sprintf("Could not set the %s defaults of instance %q", r.kind.title, name), detail)
		return
	}
	v, err := r.fromSettings(plan, got)
	if err != nil {
		diags.AddError("Unexpected answer from the server", err.Error())
		return
	}
	diags.Append(setValues(ctx, state, r.attrTypes(), v)...)
}

func (r *botSettingsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer instanceIdentity.sync(ctx, resp.Identity, &resp.Diagnostics, &resp.State, &req.State)
	prior, diags := getValues(ctx, req.State.Get)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := stringOf(prior["instance_name"])
	got, err := r.client.FetchBotSettings(ctx, r.kind.api, name)
	if client.IsNotFound(err) {
		tflog.Warn(ctx, "instance no longer exists; removing its bot settings from state", map[string]any{"instance_name": name})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Could not read the %s defaults of instance %q", r.kind.title, name), describeChatbotError(r.kind, err))
		return
	}
	if !got.Exists {
		// Only the instance's deletion removes the row.
		resp.State.RemoveResource(ctx)
		return
	}
	v, err := r.fromSettings(prior, got)
	if err != nil {
		resp.Diagnostics.AddError("Unexpected answer from the server", err.Error())
		return
	}
	resp.Diagnostics.Append(setValues(ctx, &resp.State, r.attrTypes(), v)...)
}

// Delete resets the defaults to the server's built-in values: there is no
// delete route.
func (r *botSettingsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	prior, diags := getValues(ctx, req.State.Get)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := stringOf(prior["instance_name"])
	body := map[string]any{"fallbackId": nil}
	for _, f := range r.fields() {
		if def, ok := builtinDefaults[f.name]; ok {
			body[f.wire] = def
		}
	}
	if r.kind == openaiKind {
		// The link can move but never be cleared.
		body["openaiCredsId"] = stringOf(prior["openai_creds_id"])
		body["speechToText"] = false
	}
	_, err := r.client.SetBotSettings(ctx, r.kind.api, name, body)
	if err == nil || client.IsNotFound(err) {
		return
	}
	resp.Diagnostics.AddError(fmt.Sprintf("Could not reset the %s defaults of instance %q", r.kind.title, name), describeChatbotError(r.kind, err))
}

// IdentitySchema: see identity.go.
func (r *botSettingsResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = instanceIdentity.schema()
}

func (r *botSettingsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByInstanceName(ctx, req, resp)
}
