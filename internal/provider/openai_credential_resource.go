package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

var (
	_ resource.ResourceWithConfigure        = (*openaiCredentialResource)(nil)
	_ resource.ResourceWithImportState      = (*openaiCredentialResource)(nil)
	_ resource.ResourceWithIdentity         = (*openaiCredentialResource)(nil)
	_ resource.ResourceWithConfigValidators = (*openaiCredentialResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*openaiCredentialResource)(nil)
)

// NewOpenAICredentialResource returns l2msg_openai_credential.
func NewOpenAICredentialResource() resource.Resource { return &openaiCredentialResource{} }

type openaiCredentialResource struct {
	resourceBase
}

type openaiCredentialModel struct {
	ID              types.String `tfsdk:"id"`
	InstanceName    types.String `tfsdk:"instance_name"`
	InstanceID      types.String `tfsdk:"instance_id"`
	Name            types.String `tfsdk:"name"`
	APIKey          types.String `tfsdk:"api_key"`
	APIKeyWO        types.String `tfsdk:"api_key_wo"`
	APIKeyWOVersion types.Int64  `tfsdk:"api_key_wo_version"`
}

func (r *openaiCredentialResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_openai_credential"
}

func (r *openaiCredentialResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := instanceScopedAttributes("credential")
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	attrs["name"] = schema.StringAttribute{
		Description: "The credential's name. The server requires it to be unique among all its instances' credentials. " +
			"Changing it replaces the credential.",
		Required:      true,
		Validators:    []validator.String{notBlank(), stringvalidator.UTF8LengthAtMost(255)},
		PlanModifiers: replace,
	}
	attrs["api_key"] = schema.StringAttribute{
		Description: "The OpenAI API key. The server requires it to be unique among all its instances' credentials, stores it in " +
			"clear and returns it: prefer `api_key_wo` on Terraform 1.11 and later. Sensitive. Exactly one of `api_key` and " +
			"`api_key_wo` is required. Changing it replaces the credential; setting the key the credential already has (after an " +
			"import, or moving it from `api_key_wo`) only records it.",
		Optional: true, Sensitive: true,
		Validators: []validator.String{stringvalidator.UTF8LengthBetween(1, 255)},
		PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(credKeyNeedsReplace,
			credKeyReplaceDoc, credKeyReplaceDoc)},
	}
	attrs["api_key_wo"] = schema.StringAttribute{
		Description: "Write-only twin of `api_key` (Terraform 1.11 and later): sent at create, never stored in plan or state. " +
			"Requires `api_key_wo_version`.",
		Optional: true, Sensitive: true, WriteOnly: true,
		Validators: []validator.String{stringvalidator.UTF8LengthBetween(1, 255)},
	}
	attrs["api_key_wo_version"] = schema.Int64Attribute{
		Description: "Any number you choose for the current `api_key_wo`; required with it. Changing it replaces the credential " +
			"(the server has no update route); setting it with the key the credential already has (after an import, or moving " +
			"the key from `api_key`) only records it.",
		Optional:   true,
		Validators: []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("api_key_wo"))},
		PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplaceIf(credVersionNeedsReplace,
			credKeyReplaceDoc, credKeyReplaceDoc)},
	}
	resp.Schema = schema.Schema{
		Description: "An OpenAI API key registered in an instance, for its `l2msg_openai_bot`s and " +
			"`l2msg_openai_settings`. The server (`/openai/creds`) has no update route: any change replaces the credential, and the bots that " +
			"use it are replaced with it in the same apply (the server deletes them with it).\n\n" +
			"The OpenAI defaults of an instance always point at a credential (the first OpenAI bot sets them to its own), and " +
			"the server refuses to delete that credential for as long as the instance lives.\n\n" +
			"**Rotating the key**: change the `name` and the key (`api_key`, or `api_key_wo` with a new `api_key_wo_version`) " +
			"of the same resource, in one apply. Names and keys are unique on the server, hence the new name. The apply deletes " +
			"the old credential's bots, creates the new credential, moves the defaults to it, deletes the old credential, " +
			"re-creates the bots and updates `l2msg_openai_settings` on the new `id`: nothing is left on the server. Do not use " +
			"`create_before_destroy` for this: it spreads to the instance, whose replacement then fails on its own name.\n\n" +
			"Deleting or replacing the instance deletes its credentials with it. A plan that destroys the credential the " +
			"defaults hold, while it keeps the instance and creates no other credential in it, warns that the credential will " +
			"stay on the server (Terraform forgets it): point `l2msg_openai_settings` at another credential first.\n\n" +
			"A credential of the instance with this name and key (what an interrupted create, or one whose answer was lost, " +
			"leaves) is adopted with a warning; one with only the name or only the key is refused before anything is sent, " +
			"with the `terraform import` command that adopts it.\n\n" +
			"Import with `INSTANCE_NAME/CREDENTIAL_ID`.",
		Attributes: attrs,
	}
}

const credKeyReplaceDoc = "Replaces the credential when the key it asks for differs from the credential's key."

// credKeyNeedsReplace: a credential cannot change its key, but api_key set
// to the key it has (after an import, which leaves api_key null, or a move
// from api_key_wo) changes nothing on the server.
func credKeyNeedsReplace(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !credKeyIsCurrent(ctx, req.State, req.Plan, req.Config, req.Private, &resp.Diagnostics)
}

// credVersionNeedsReplace: a new version asks for a new key; a version set
// where there was none (an import, or a move from api_key) only replaces
// the credential when api_key_wo is not its key.
func credVersionNeedsReplace(ctx context.Context, req planmodifier.Int64Request, resp *int64planmodifier.RequiresReplaceIfFuncResponse) {
	if !req.StateValue.IsNull() {
		resp.RequiresReplace = true
		return
	}
	resp.RequiresReplace = !credKeyIsCurrent(ctx, req.State, req.Plan, req.Config, req.Private, &resp.Diagnostics)
}

// credKeyIsCurrent reports whether the key the plan asks for is the
// credential's key, as state shows it or as the import's hash knows it.
func credKeyIsCurrent(ctx context.Context, state tfsdk.State, plan tfsdk.Plan, config tfsdk.Config, private privateState, diags *diag.Diagnostics) bool {
	key, d := plannedSecret(ctx, plan, config, "api_key")
	diags.Append(d...)
	same, d := isServerSecret(ctx, state, private, "api_key", key)
	diags.Append(d...)
	return same
}

func (r *openaiCredentialResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("api_key"), path.MatchRoot("api_key_wo")),
		resourcevalidator.RequiredTogether(path.MatchRoot("api_key_wo"), path.MatchRoot("api_key_wo_version")),
	}
}

func (r *openaiCredentialResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer memberIdentity.sync(ctx, resp.Identity, &resp.Diagnostics, &resp.State)
	var plan openaiCredentialModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var wo types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("api_key_wo"), &wo)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := plan.APIKey.ValueString()
	if plan.APIKey.IsNull() {
		key = wo.ValueString()
	}
	name := plan.InstanceName.ValueString()
	inst := instanceForWrite(ctx, r.client, name, plan.InstanceID, "OpenAI credential", &resp.Diagnostics)
	if inst == nil {
		return
	}
	creds, err := r.createOrAdopt(ctx, name, plan.Name.ValueString(), key, &resp.Diagnostics)
	if creds == nil {
		r.reportLeft(name, &resp.Diagnostics)
		if err != nil {
			detail := describeChatbotError(openaiKind, err)
			if client.ServerMessage(err) == "Error creating openai creds" {
				detail += "\n\nAnother instance on this server has a credential with this name: names are unique across instances."
			}
			if strings.Contains(client.ServerMessage(err), "API key is already registered") {
				detail += "\n\nA credential of another instance on this server has this key: keys are unique across instances."
			}
			resp.Diagnostics.AddError(fmt.Sprintf("Could not create OpenAI credential %q in instance %q", plan.Name.ValueString(), name),
				detail+createFailedNote("credential", err))
		}
		return
	}
	tflog.Info(ctx, "created OpenAI credential", map[string]any{"instance_name": name, "id": creds.ID})
	plan.ID = types.StringValue(creds.ID)
	plan.InstanceID = types.StringValue(inst.ID)
	plan.APIKeyWO = types.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	r.walk.credCreated(name, creds.ID)
	r.takeOverDefaults(ctx, name, creds.ID, &resp.Diagnostics)
}

// A credential the instance's OpenAI defaults hold cannot be deleted (the
// server can move that link, never clear it), and Terraform deletes a
// replaced credential before it creates the new one, and before
// l2msg_openai_settings moves to it. So a rotation (a new name and key)
// would leave the old credential, its key in clear, on the server. Instead
// the refused Delete notes the credential for the rest of the walk
// (walkNotes.leaveCred), and the Create that follows moves the defaults to
// the new credential and deletes the old one (takeOverDefaults). Deleting
// the instance deletes its credentials too. What really stays is said at
// plan (warnCredsLeft): a credential the plan destroys, of an instance it
// keeps, that the defaults hold, with no credential created to take them.

// ModifyPlan notes what the plan does with the credential, for
// warnCredsLeft.
func (r *openaiCredentialResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var instance, id types.String
	from := req.Plan.Raw
	if req.Plan.Raw.IsNull() {
		from = req.State.Raw
	}
	if from.IsNull() {
		return
	}
	raw := tfsdk.Plan{Schema: req.Plan.Schema, Raw: from}
	resp.Diagnostics.Append(raw.GetAttribute(ctx, path.Root("instance_name"), &instance)...)
	resp.Diagnostics.Append(raw.GetAttribute(ctx, path.Root("id"), &id)...)
	if resp.Diagnostics.HasError() || instance.IsUnknown() {
		return
	}
	inst, creds := r.walk.planCred(instance.ValueString(), id.ValueString(), req.Plan.Raw.IsNull())
	if inst == instanceKept {
		warnCredsLeft(ctx, r.client, r.walk, instance.ValueString(), creds, &resp.Diagnostics)
	}
}

// warnCredsLeft warns, at plan, of a credential of an instance the plan
// keeps that it destroys while the instance's OpenAI defaults hold it, with
// no credential of the instance created to take them over: the server will
// refuse the delete, and Terraform forgets it. The instance's plan and its
// credentials' come in either order; whichever comes last calls it.
func warnCredsLeft(ctx context.Context, c *client.Client, walk *walkNotes, instance string, creds credPlans, diags *diag.Diagnostics) {
	if c == nil || creds.created || len(creds.destroyed) == 0 {
		return
	}
	settings, err := c.FetchBotSettings(ctx, client.OpenAI, instance)
	if err != nil || !settings.Exists {
		return
	}
	held := fmt.Sprint(settings.Fields["openaiCredsId"])
	if !slices.Contains(creds.destroyed, held) || !walk.warnOnce(instance, held) {
		return
	}
	diags.AddWarning("OpenAI credential left on the server",
		fmt.Sprintf("This plan destroys OpenAI credential %q of instance %q, but the instance's OpenAI defaults point at it, and the "+
			"server can move that link but never clear it: it will refuse the delete, and the credential, its key in clear, stays "+
			"on the server after Terraform forgets it, unless a credential that this apply adds to the instance takes the defaults "+
			"over. To remove it, keep a credential in the instance (a new one takes the "+
			"defaults over: rotate a key by changing the name and key of the same l2msg_openai_credential), point "+
			"l2msg_openai_settings at another credential first, or delete the instance.", held, instance))
}

// reportLeft warns of the credentials a failed create leaves to nothing.
func (r *openaiCredentialResource) reportLeft(instance string, diags *diag.Diagnostics) {
	for _, old := range r.walk.takeLeftCreds(instance) {
		diags.AddWarning("OpenAI credential left on the server",
			fmt.Sprintf("Credential %q of instance %q, which this apply replaced or removed, stays on the server: the OpenAI defaults "+
				"hold it (the server can move that link but never clear it), and the credential that was to take them over could "+
				"not be created. It is no longer in Terraform's state: once the create succeeds, delete it by hand, or import it "+
				"again.", old, instance))
	}
}

// takeOverDefaults deals with the credentials of the instance whose delete
// the server refused earlier in this walk because the OpenAI defaults held
// them: the defaults move to the credential just created, and those
// credentials are deleted. One that cannot be is reported as left.
func (r *openaiCredentialResource) takeOverDefaults(ctx context.Context, instance, id string, diags *diag.Diagnostics) {
	left := r.walk.takeLeftCreds(instance)
	if len(left) == 0 {
		return
	}
	settings, err := r.client.FetchBotSettings(ctx, client.OpenAI, instance)
	if err == nil && settings.Exists && slices.Contains(left, fmt.Sprint(settings.Fields["openaiCredsId"])) {
		body := map[string]any{"fallbackId": nil}
		if settings.FallbackID != "" {
			body["fallbackId"] = settings.FallbackID
		}
		for _, f := range (&botSettingsResource{kind: openaiKind}).fields() {
			if v, ok := settings.Fields[f.wire]; ok {
				body[f.wire] = v
			}
		}
		body["openaiCredsId"] = id
		if _, err = r.client.SetBotSettings(ctx, client.OpenAI, instance, body); err == nil {
			tflog.Info(ctx, "moved the OpenAI defaults to the new credential", map[string]any{"instance_name": instance, "id": id})
		}
	}
	for _, old := range left {
		if err == nil {
			err = r.client.DeleteOpenAICreds(ctx, instance, old)
			if client.IsNotFound(err) || client.ServerMessage(err) == "Openai Creds not found" {
				err = nil // gone with a replaced instance
			}
		}
		if err != nil {
			diags.AddWarning("OpenAI credential left on the server",
				fmt.Sprintf("Credential %q of instance %q, which this apply replaced or removed, could not be deleted after the OpenAI "+
					"defaults moved to credential %q: %s. It is no longer in Terraform's state: delete it by hand, or import it "+
					"again.", old, instance, id, describeChatbotError(openaiKind, err)))
			err = nil
			continue
		}
		tflog.Info(ctx, "deleted the OpenAI credential the defaults held", map[string]any{"instance_name": instance, "id": old})
	}
}

// createOrAdopt registers the key, or adopts the credential of the same
// name and key that an earlier create left on the server (memberCreate).
// A credential of the instance with this name or this key, but not both,
// is refused before anything is sent, and named with the command that
// adopts it. Both results are nil when the diagnostics already say why.
func (r *openaiCredentialResource) createOrAdopt(ctx context.Context, instance, name, key string, diags *diag.Diagnostics) (*client.OpenAICreds, error) {
	list, err := r.client.ListOpenAICreds(ctx, instance)
	if err != nil {
		diags.AddError(fmt.Sprintf("Could not read the OpenAI credentials of instance %q", instance), describeChatbotError(openaiKind, err))
		return nil, nil
	}
	check := func(diags *diag.Diagnostics) bool {
		for _, c := range list {
			var attr, what string
			switch {
			case c.Name == name:
				attr, what = "name", "this name"
			case c.Is(c.Name, key):
				attr, what = "api_key", "this API key"
			default:
				continue
			}
			diags.AddAttributeError(path.Root(attr), "OpenAI credential conflicts with another one",
				fmt.Sprintf("Credential %q (%q) of instance %q already has %s, and the server allows each name and key once. "+
					"If that credential is the one this resource should manage, adopt it: %s. Otherwise choose another name and key.",
					c.ID, c.Name, instance, what, importCommand(instance, c.ID)))
			return false
		}
		return true
	}
	return memberCreate[client.OpenAICreds]{
		what: "OpenAI credential", instance: instance, existing: list,
		id:        func(c *client.OpenAICreds) string { return c.ID },
		identical: func(c *client.OpenAICreds) bool { return c.Is(name, key) },
		check:     check,
		claims:    r.claims,
		create: func(ctx context.Context) (*client.OpenAICreds, bool, error) {
			return r.client.CreateOpenAICredsOrAdopt(ctx, instance, name, key)
		},
	}.run(ctx, diags)
}

func (r *openaiCredentialResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer memberIdentity.sync(ctx, resp.Identity, &resp.Diagnostics, &resp.State, &req.State)
	var state openaiCredentialModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name, id := state.InstanceName.ValueString(), state.ID.ValueString()
	list, err := r.client.ListOpenAICreds(ctx, name)
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Could not read the OpenAI credentials of instance %q", name), describeChatbotError(openaiKind, err))
		return
	}
	i := slices.IndexFunc(list, func(c client.OpenAICreds) bool { return c.ID == id })
	if i < 0 {
		tflog.Warn(ctx, "OpenAI credential no longer exists; removing it from state", map[string]any{"instance_name": name, "id": id})
		resp.State.RemoveResource(ctx)
		return
	}
	importing := state.Name.IsNull()
	state.Name = types.StringValue(list[i].Name)
	state.APIKey = secretFromServer(state.APIKey, state.APIKeyWOVersion, list[i].APIKey)
	if state.InstanceID.IsNull() {
		if inst, err := r.client.LookupInstance(ctx, name); err == nil {
			state.InstanceID = types.StringValue(inst.ID)
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(rememberServerSecrets(ctx, resp.Private, resp.State, importing, map[string]string{"api_key": list[i].APIKey})...)
}

// Update is never called with a change the server could apply (every
// attribute replaces); it only records the plan.
func (r *openaiCredentialResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer memberIdentity.sync(ctx, resp.Identity, &resp.Diagnostics, &resp.State)
	var plan openaiCredentialModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	plan.APIKeyWO = types.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *openaiCredentialResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state openaiCredentialModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name, id := state.InstanceName.ValueString(), state.ID.ValueString()
	err := r.client.DeleteOpenAICreds(ctx, name, id)
	if err == nil || client.IsNotFound(err) {
		return
	}
	switch client.ServerMessage(err) {
	case "Openai Creds not found":
		return
	case "Error deleting openai creds":
		if settings, serr := r.client.FetchBotSettings(ctx, client.OpenAI, name); serr == nil && settings.Exists && settings.Fields["openaiCredsId"] == id {
			// A credential created in the instance in this walk takes the
			// defaults over and deletes it: one created already, now, or
			// else one created later; the deletion of the instance deletes
			// it; otherwise the plan said it stays (warnCredsLeft).
			r.walk.leaveCred(name, id)
			if created := r.walk.createdCred(name); created != "" {
				r.takeOverDefaults(ctx, name, created, &resp.Diagnostics)
				return
			}
			tflog.Info(ctx, "the OpenAI defaults hold the credential: left to the rest of the apply", map[string]any{"instance_name": name, "id": id})
			return
		}
	}
	resp.Diagnostics.AddError(fmt.Sprintf("Could not delete OpenAI credential %q of instance %q", id, name), describeChatbotError(openaiKind, err))
}

// IdentitySchema: see identity.go.
func (r *openaiCredentialResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = memberIdentity.schema()
}

func (r *openaiCredentialResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	memberIdentity.importState(ctx, req, resp)
}
