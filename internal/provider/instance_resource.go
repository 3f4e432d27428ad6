package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// l2msg_instance: the type, its interface checks and its methods. The
// schema is in instance_schema.go, the model in instance_model.go, and the
// mapping from server data shared with the data sources in
// instance_facts.go.

var (
	_ resource.ResourceWithConfigure        = (*instanceResource)(nil)
	_ resource.ResourceWithImportState      = (*instanceResource)(nil)
	_ resource.ResourceWithIdentity         = (*instanceResource)(nil)
	_ resource.ResourceWithConfigValidators = (*instanceResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*instanceResource)(nil)
)

const (
	defaultCreateTimeout = 5 * time.Minute
	defaultUpdateTimeout = 5 * time.Minute
	// Deletes are asynchronous on the server and can take minutes.
	defaultDeleteTimeout = 10 * time.Minute
	// pairingPollMax caps the backoff between connectionState polls while
	// waiting for a phone: a person scanning a code notices seconds, not less.
	pairingPollMax = 5 * time.Second
)

// NewInstanceResource returns the l2msg_instance resource.
func NewInstanceResource() resource.Resource { return &instanceResource{} }

type instanceResource struct {
	resourceBase
}

func (r *instanceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instance"
}

func (r *instanceResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = instanceSchema(ctx)
}

// ConfigValidators holds the checks across attributes; the checks of one
// attribute sit on it in the schema.
func (r *instanceResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		tokenChoice{},
		businessNeedsCredentials{},
		waitNeedsPairing{},
	}
}

// ModifyPlan keeps a write-only key out of apikey from the first plan on
// (on create, and after an import), and after an import that left apikey
// null plans it known after apply when the configuration does not use
// token_wo: the import could not tell, the plan can.
func (r *instanceResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !req.State.Raw.IsNull() {
		// Whether this plan keeps the instance, for the OpenAI credentials
		// that it destroys and that the instance's defaults hold
		// (warnCredsLeft). A replacement of the instance replaces the
		// credentials linked to it, and deletes the others.
		var name types.String
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("instance_name"), &name)...)
		plan := instanceKept
		if req.Plan.Raw.IsNull() {
			plan = instanceGoing
		}
		if creds := r.walk.planInstance(name.ValueString(), plan); plan == instanceKept {
			warnCredsLeft(ctx, r.client, r.walk, name.ValueString(), creds, &resp.Diagnostics)
		}
	}
	if req.Plan.Raw.IsNull() {
		return
	}
	var version types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("token_wo_version"), &version)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !version.IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("apikey"), types.StringNull())...)
		return
	}
	var planned types.String
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("apikey"), &planned)...)
	imported, diags := req.Private.GetKey(ctx, serverSecretEntry("token"))
	resp.Diagnostics.Append(diags...)
	if planned.IsNull() && len(imported) != 0 {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("apikey"), types.StringUnknown())...)
	}
}

func (r *instanceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer instanceIdentity.sync(ctx, resp.Identity, &resp.Diagnostics, &resp.State)
	var plan instanceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	webhook, diags := plan.webhook(ctx)
	resp.Diagnostics.Append(diags...)
	token, diags := createToken(ctx, req.Config, &plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = withMasks(ctx, token)

	// The client never makes two instances, loses one or adopts someone
	// else's (client.CreateOrAdopt).
	res, err := r.client.CreateOrAdopt(ctx, plan.createRequest(token, webhook))
	if err != nil {
		addCreateError(ctx, &resp.Diagnostics, &resp.State, plan, err)
		return
	}
	if res.Adopted {
		warnAdoptedAfterFailure(&resp.Diagnostics, "Instance", fmt.Sprintf("instance %q", plan.InstanceName.ValueString()))
	}
	state, diags := plan.created(ctx, res, webhook)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(recordKey(ctx, resp.Private, res.APIKey)...)
	ctx = withMasks(ctx, res.APIKey)
	// Then one call per step, each recorded in state before the next: a
	// failure leaves the instance in state (tainted), never orphaned.
	for _, step := range r.afterCreate(&plan, res, webhook) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		if resp.Diagnostics.HasError() || !step(ctx, &state, &resp.Diagnostics) {
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// createStep is one call that follows a create, which records its effect in
// m. It reports whether the create may go on.
type createStep func(ctx context.Context, m *instanceModel, diags *diag.Diagnostics) bool

// afterCreate lists the calls a create still needs once the instance
// exists. A plain create needs none: saving state is costly at fleet scale,
// so it is then saved once.
func (r *instanceResource) afterCreate(plan *instanceModel, res *client.CreateResult, webhook *client.Webhook) []createStep {
	name := plan.InstanceName.ValueString()
	var steps []createStep
	if res.Adopted {
		// The lost create may have stopped before it stored the settings.
		steps = append(steps, func(ctx context.Context, m *instanceModel, diags *diag.Diagnostics) bool {
			if err := r.client.SetSettings(ctx, name, plan.settings()); err != nil {
				addAPIError(diags, "configure the settings of", name, err)
				return false
			}
			m.setSettings(plan.settings())
			return true
		})
	}
	// Create always stores the webhook enabled, and an adopted instance's
	// may be missing.
	setWebhook := webhook != nil && (!webhook.Enabled || res.Adopted)
	if setWebhook {
		steps = append(steps, func(ctx context.Context, m *instanceModel, diags *diag.Diagnostics) bool {
			if err := r.client.SetWebhook(ctx, name, *webhook); err != nil {
				addAPIError(diags, "configure the webhook of", name, err)
				return false
			}
			diags.Append(m.setWebhook(ctx, webhook)...)
			return !diags.HasError()
		})
	}
	if webhook != nil && (plan.webhookEventsUnknown() || setWebhook) {
		steps = append(steps, func(ctx context.Context, m *instanceModel, diags *diag.Diagnostics) bool {
			m.Webhook = plan.Webhook
			return r.readBackWebhook(ctx, name, m, diags)
		})
	}
	if !plan.WaitForConnection.IsNull() && !plan.WaitForConnection.IsUnknown() {
		steps = append(steps, r.awaitPairing)
	}
	return steps
}

// readBackWebhook fills the webhook from the server, for values the plan
// left to the server (events omitted means "every event, as the server
// reports it").
func (r *instanceResource) readBackWebhook(ctx context.Context, name string, m *instanceModel, diags *diag.Diagnostics) bool {
	w, err := r.client.FindWebhook(ctx, name)
	if err != nil {
		addAPIError(diags, "read the webhook of", name, err)
		return false
	}
	diags.Append(m.setWebhook(ctx, w)...)
	return !diags.HasError()
}

// createToken is the key to create the instance with: token, else the
// write-only token_wo, which only the configuration carries. Empty lets the
// client choose a random one.
func createToken(ctx context.Context, config tfsdk.Config, plan *instanceModel) (string, diag.Diagnostics) {
	if !plan.Token.IsNull() {
		return plan.Token.ValueString(), nil
	}
	var wo types.String
	diags := config.GetAttribute(ctx, path.Root("token_wo"), &wo)
	return wo.ValueString(), diags
}

// addCreateError reports a failed create. When the outcome is unknown the
// name alone goes into state: Terraform keeps it tainted, and the next
// refresh either finds the instance (then replaces it) or drops it (then
// creates it). Nothing is left on the server that Terraform does not know.
func addCreateError(ctx context.Context, diags *diag.Diagnostics, state *tfsdk.State, plan instanceModel, err error) {
	name := plan.InstanceName.ValueString()
	var taken *client.NameTakenError
	switch {
	case errors.As(err, &taken) && taken.DuringRetry:
		diags.AddAttributeError(path.Root("instance_name"), "Instance name taken by someone else",
			fmt.Sprintf("The create of instance %q failed in a way that left its outcome unknown, and before it could "+
				"be tried again someone else created an instance of that name. That instance does not answer to this "+
				"create's key, so it is not this create's: Terraform left it alone and recorded nothing. Choose another "+
				"instance_name, or find out who owns %q.\n\n%s", name, name, err))
		return
	case errors.As(err, &taken) && taken.Deleted:
		diags.AddAttributeError(path.Root("instance_name"), "Instance name not yet freed",
			fmt.Sprintf("This run deleted the instance named %q and saw the server stop listing it, but the server "+
				"still refused to create an instance of that name after waiting for it to free the name. Nothing "+
				"was created, and nothing is left to import: run the apply again.\n\n%s", name, err))
		return
	case errors.As(err, &taken):
		diags.AddAttributeError(path.Root("instance_name"), "Instance already exists", nameTakenAdvice(name))
		return
	}
	var unresolved *client.UnresolvedCreateError
	if !errors.As(err, &unresolved) {
		addAPIError(diags, "create", name, err)
		return
	}
	// Said in the error itself: a warning next to it is easily missed, and
	// the user must know that state now holds something.
	diags.Append(plan.recordUnresolved(ctx, state)...)
	diags.AddError(fmt.Sprintf("Could not create instance %q", name), err.Error()+apiErrorHint("create", name, err)+
		fmt.Sprintf("\n\nThe create may have happened on the server, and looking for the instance afterwards failed, so "+
			"Terraform state now holds instance %q, marked tainted, with only its name. The next apply looks the name "+
			"up: if the instance exists it is replaced, otherwise it is created. If both requests failed because "+
			"base_url is wrong (a gateway, a missing /whatsapp), correct base_url first; if you know nothing was "+
			"created, `terraform state rm` with this resource's address drops the placeholder.", name))
}

// nameTakenAdvice is what to do about a create the server refused because
// the name is in use. Terraform's own create_before_destroy replacement gets
// that answer too: the old instance still holds the name.
func nameTakenAdvice(name string) string {
	return fmt.Sprintf("An instance named %q already exists on the server. If Terraform is replacing an instance of "+
		"that name with lifecycle { create_before_destroy = true }, that is the old instance: instance names are "+
		"unique, so the new instance cannot be created before its old instance is destroyed. Remove "+
		"create_before_destroy from this resource (or give the new instance another instance_name). Otherwise "+
		"Terraform does not manage that instance: to manage it with Terraform, import it: terraform import "+
		"<address> %q, or an import block with id = %q. Or choose another instance_name.", name, name, name)
}

// awaitPairing waits, when wait_for_connection asks for it, until a phone
// has paired with the new instance, and records the state it saw last. It
// reports whether the create may finish without error.
func (r *instanceResource) awaitPairing(ctx context.Context, m *instanceModel, diags *diag.Diagnostics) bool {
	if m.WaitForConnection.IsNull() || m.WaitForConnection.IsUnknown() {
		return true
	}
	wait, err := time.ParseDuration(m.WaitForConnection.ValueString())
	if err != nil { // validated at plan; a value known only at apply lands here
		diags.AddAttributeError(path.Root("wait_for_connection"), "Invalid wait_for_connection", fmt.Sprintf("Attribute wait_for_connection: %s.", err))
		return false
	}
	name := m.InstanceName.ValueString()
	waitCtx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	tflog.Info(ctx, "waiting for a phone to pair with the l2msg instance", map[string]any{"instance_name": name, "wait": wait.String()})
	last, err := r.client.WaitForState(waitCtx, name, client.StateOpen, pairingPollMax)
	if last != "" {
		m.Status = types.StringValue(last)
	}
	switch {
	case err == nil:
		return true
	case ctx.Err() != nil:
		diags.AddError(fmt.Sprintf("Instance %q not paired before timeouts.create", name),
			fmt.Sprintf("The create timeout ended before wait_for_connection (%s) did; the instance's last state was %q. "+
				"Raise timeouts.create above wait_for_connection. %s", wait, last, taintAdvice))
	case waitCtx.Err() != nil:
		diags.AddError(fmt.Sprintf("No phone paired with instance %q within %s", name, wait),
			fmt.Sprintf("wait_for_connection ran out while the instance's state was %q. Pair a phone sooner, or raise "+
				"wait_for_connection. %s", last, taintAdvice))
	default:
		addAPIError(diags, "wait for a phone to pair with", name, err)
	}
	return false
}

const taintAdvice = "The instance was created and is kept in state, marked tainted: the next apply replaces it, which " +
	"shows a fresh QR code. To keep it instead, run `terraform untaint` with this resource's address (for example " +
	"terraform untaint l2msg_instance.main) and pair it with the l2msg_instance_connect ephemeral resource."

func (r *instanceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer instanceIdentity.sync(ctx, resp.Identity, &resp.Diagnostics, &resp.State, &req.State)
	var state instanceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.InstanceName.ValueString()
	if name == "" {
		name = state.ID.ValueString()
	}

	ri, action, err := readInstance(ctx, r.client, name)
	if client.IsNotFound(err) {
		tflog.Warn(ctx, "l2msg instance no longer exists; removing it from state", map[string]any{"instance_name": name})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, action, name, err)
		return
	}
	// A key set with token_wo is not in state, but the listing shows it.
	ctx = withMasks(ctx, ri.Token)

	importing := state.InstanceID.IsNull()
	resp.Diagnostics.Append(state.readFrom(ctx, ri)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(rememberServerSecrets(ctx, resp.Private, resp.State, importing, map[string]string{"token": ri.Token})...)
}

// readFrom records what the server reports about the instance: Read's
// mapping, and the list resource's for an instance found by a query. An
// import (or a query) starts from the name alone; then every immutable
// attribute comes from the server. Otherwise they stay as created: the
// server cannot change them, and some servers fill number in after pairing.
func (m *instanceModel) readFrom(ctx context.Context, ri *remoteInstance) diag.Diagnostics {
	importing := m.InstanceID.IsNull()
	server := ri.summary()
	m.ID = server.InstanceName
	m.InstanceName = server.InstanceName
	m.InstanceID = server.InstanceID
	m.Status = server.Status
	m.setAPIKey(ri.Token, importing)
	if importing || m.Integration.IsNull() {
		m.Integration = server.Integration
	}
	if importing {
		m.Number = server.Number
	}
	if m.QRCode.IsNull() {
		m.QRCode = types.BoolValue(false)
	}
	if m.KeepWebhookOnDestroy.IsNull() {
		m.KeepWebhookOnDestroy = types.BoolValue(false)
	}
	m.settingsValues = server.settingsValues
	return m.setWebhook(ctx, ri.Webhook)
}

func (r *instanceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer instanceIdentity.sync(ctx, resp.Identity, &resp.Diagnostics, &resp.State)
	var plan, state instanceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	name := state.InstanceName.ValueString()

	// Each step that succeeds is recorded before the next one runs, so a
	// failure part-way leaves state that matches the server.
	if plan.settings() != state.settings() {
		if err := r.client.SetSettings(ctx, name, plan.settings()); err != nil {
			addAPIError(&resp.Diagnostics, "update the settings of", name, err)
			return
		}
		state.setSettings(plan.settings())
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	}

	if !plan.Webhook.Equal(state.Webhook) {
		if err := r.applyWebhook(ctx, name, &plan, &state); err != nil {
			addAPIError(&resp.Diagnostics, "update the webhook of", name, err)
			return
		}
		state.Webhook = plan.Webhook
		if plan.webhookEventsUnknown() {
			// Recorded as sent first: if the read-back fails, state must
			// still hold known values.
			sent, diags := plan.webhook(ctx)
			resp.Diagnostics.Append(diags...)
			resp.Diagnostics.Append(state.setWebhook(ctx, sent)...)
			if !r.readBackWebhook(ctx, name, &state, &resp.Diagnostics) {
				resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
				return
			}
		}
	}

	// Attributes that touch nothing remote, and computed values the
	// server keeps, come from plan and state respectively.
	state.QRCode = plan.QRCode
	state.Timeouts = plan.Timeouts
	state.takePlannedLocals(&plan)
	if plan.APIKey.IsUnknown() {
		// Imported: the key is shown now that the configuration does not
		// use token_wo (ModifyPlan).
		inst, err := r.client.LookupInstance(ctx, name)
		if err != nil {
			resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
			addAPIError(&resp.Diagnostics, "read the key of", name, err)
			return
		}
		ctx = withMasks(ctx, inst.Token)
		state.APIKey = optionalString(inst.Token)
	}
	// A key moved between token and token_wo is the instance's key (the
	// plan would otherwise have replaced it): keep its hash for the next
	// move, since apikey may now be null.
	key, diags := createToken(ctx, req.Config, &plan)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(recordKey(ctx, resp.Private, key)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// applyWebhook sends the planned webhook, or turns the server's webhook off
// when the block was removed: there is no delete route, and disabling needs
// the old URL.
func (r *instanceResource) applyWebhook(ctx context.Context, name string, plan, state *instanceModel) error {
	want, diags := plan.webhook(ctx)
	if diags.HasError() {
		return fmt.Errorf("reading the planned webhook: %s", diagSummary(diags))
	}
	if want == nil {
		old, diags := state.webhook(ctx)
		if diags.HasError() {
			return fmt.Errorf("reading the prior webhook: %s", diagSummary(diags))
		}
		if old == nil {
			return nil
		}
		return r.client.SetWebhook(ctx, name, client.Webhook{Enabled: false, URL: old.URL, Events: []string{}})
	}
	return r.client.SetWebhook(ctx, name, *want)
}

func (r *instanceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state instanceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	name := state.InstanceName.ValueString()

	if !r.switchOffRemoveEvent(ctx, name, &state, &resp.Diagnostics) {
		return
	}
	deleteErr, waitErr := r.client.DeleteAndConfirm(ctx, name)
	if deleteErr != nil && !client.IsNotFound(deleteErr) {
		addAPIError(&resp.Diagnostics, "delete", name, deleteErr)
	}
	var unconfirmed *client.UnconfirmedDeletesError
	if errors.As(waitErr, &unconfirmed) {
		addUnconfirmedDeletes(&resp.Diagnostics, name, unconfirmed)
	}
}

// switchOffRemoveEvent turns the webhook off before the delete when, as
// state knows it, the webhook would receive REMOVE_INSTANCE (every event
// does): the server delivers that event before it deletes and, when the
// receiver is down, retries it for 10 to 22 minutes while the instance
// stays listed and its name taken, so a destroy or a replacement would
// wait for the user's receiver. Only such a webhook costs the request, and
// keep_webhook_on_destroy leaves it on, for a receiver that needs the event. It
// reports whether the delete may go on; when it may not, the instance stays
// in state (its webhook may then be off: the next plan turns it back on).
func (r *instanceResource) switchOffRemoveEvent(ctx context.Context, name string, state *instanceModel, diags *diag.Diagnostics) bool {
	if state.KeepWebhookOnDestroy.ValueBool() {
		return true
	}
	w, d := state.webhook(ctx)
	diags.Append(d...)
	if diags.HasError() {
		return false
	}
	if !w.GetsRemoveEvent() {
		return true
	}
	tflog.Debug(ctx, "switching the l2msg instance's webhook off before deleting it, so the delete does not wait for REMOVE_INSTANCE to reach the receiver",
		map[string]any{"instance_name": name})
	err := r.client.SetWebhook(ctx, name, client.Webhook{Enabled: false, URL: w.URL, Events: []string{}})
	switch {
	case err == nil, client.IsNotFound(err):
		// Gone already: the delete says so.
		return true
	}
	addAPIError(diags, "switch off, before deleting it, the webhook of", name, err)
	return false
}

// addUnconfirmedDeletes reports deletes the server accepted and was not
// seen finishing. The server removes instances in the background and keeps
// a name taken until it is done; the delete of this resource may have been
// confirming those of others too, which have left state already (see
// client.DeleteAndConfirm), so they are named here.
func addUnconfirmedDeletes(diags *diag.Diagnostics, name string, e *client.UnconfirmedDeletesError) {
	summary, why := "Could not confirm the delete", fmt.Sprintf("confirming it failed: %s", e.Err)
	switch {
	case errors.Is(e.Err, context.Canceled):
		// Terraform cancels the context on Ctrl-C.
		summary, why = "Wait for the delete interrupted", "the wait for that to finish was interrupted"
	case errors.Is(e.Err, context.DeadlineExceeded):
		summary, why = "Instance not deleted in time",
			"timeouts.delete ran out first (raise it if your server is slow to delete)"
	}
	var detail []string
	if e.Has(name) {
		detail = append(detail, fmt.Sprintf("The server accepted the delete of instance %q and removes it in the "+
			"background, but %s. The instance stays in state: run the command again, and the next refresh finds "+
			"it gone, or waits for it.", name, why))
	}
	if others := e.Others(name); len(others) > 0 {
		detail = append(detail, fmt.Sprintf("This delete was also confirming the deletes of %s, accepted earlier "+
			"in this run; they have left state already, and %s. If the server still lists them once it is done, "+
			"delete them again, or import them back into state.", client.NameList(others), why))
	}
	diags.AddError(summary, strings.Join(detail, "\n\n")+apiErrorHint("confirm the delete of", name, e.Err))
}

// IdentitySchema: an instance is known by its name, as its import ID is.
func (r *instanceResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = instanceIdentity.schema()
}

// ImportState takes the name from the import ID or the import block's
// identity; Read fills in the rest, or reports that no such instance exists.
func (r *instanceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	instanceIdentity.importState(ctx, req, resp)
}
