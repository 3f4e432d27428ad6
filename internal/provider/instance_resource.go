package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
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
	_ resource.ResourceWithConfigValidators = (*instanceResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*instanceResource)(nil)
)

const (
	defaultCreateTimeout = 5 * time.Minute
	defaultUpdateTimeout = 5 * time.Minute
	// Deletes are asynchronous on the server and can take minutes.
	defaultDeleteTimeout = 10 * time.Minute
	deletePollMax        = 5 * time.Second
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
		resourcevalidator.Conflicting(path.MatchRoot("token"), path.MatchRoot("token_wo")),
		resourcevalidator.RequiredTogether(path.MatchRoot("token_wo"), path.MatchRoot("token_wo_version")),
		businessNeedsCredentials{},
		waitNeedsPairing{},
	}
}

// ModifyPlan keeps a write-only key out of apikey from the first plan on:
// on create, and on the plan after an import (which read the key from the
// server, since an import has no configuration to tell it not to).
func (r *instanceResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var version types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("token_wo_version"), &version)...)
	if resp.Diagnostics.HasError() || version.IsNull() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("apikey"), types.StringNull())...)
}

func (r *instanceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
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
	ctx = r.masked(ctx, &plan)

	name := plan.InstanceName.ValueString()
	webhook, diags := plan.webhook(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	token, diags := createToken(ctx, req.Config, &plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	out, err := r.createOrAdopt(ctx, client.CreateRequest{
		InstanceName: name,
		Integration:  plan.Integration.ValueString(),
		Token:        token,
		QRCode:       plan.QRCode.ValueBool(),
		Number:       plan.Number.ValueString(),
		Settings:     plan.settings(),
		Webhook:      webhook,
	})
	if err != nil {
		addCreateError(ctx, &resp.Diagnostics, &resp.State, plan, err)
		return
	}

	// Everything the create call itself applied goes into state at once:
	// if a later step fails, the instance is recorded (and tainted), never
	// orphaned on the server.
	state := plan
	state.ID = types.StringValue(name)
	adopted := out.adopted != nil
	if adopted {
		state.InstanceID = types.StringValue(out.adopted.ID)
		state.Status = types.StringValue(out.adopted.Status)
		state.setAPIKey(out.adopted.Token, false)
		// An adopted instance's create answer, with its pairing
		// challenge, was lost: the connect route gives a fresh one.
		state.setQRCode(nil)
		if out.adopted.Settings != nil {
			state.setSettings(*out.adopted.Settings)
		}
	} else {
		tflog.Info(ctx, "created l2msg instance", map[string]any{"instance_name": name, "instance_id": out.created.Instance.ID})
		state.InstanceID = types.StringValue(out.created.Instance.ID)
		state.Status = types.StringValue(out.created.Instance.Status)
		state.setAPIKey(out.created.APIKey, false)
		state.setQRCode(out.created.QRCode)
		if out.created.Settings != nil {
			state.setSettings(*out.created.Settings)
		}
	}
	ctx = r.masked(ctx, &state)
	// create always stores the webhook enabled; and an adopted instance's
	// create may have stopped half-way, so it gets the webhook again.
	needsWebhookSet := webhook != nil && (!webhook.Enabled || adopted)
	if state.webhookEventsUnknown() || needsWebhookSet {
		// Saved as the create stored it; corrected below once known.
		resp.Diagnostics.Append(state.setWebhook(ctx, createdWebhook(webhook))...)
	}
	// Saving state is costly at fleet scale, so the early save that keeps a
	// created instance recorded is made only when more calls follow.
	readBack := webhook != nil && (plan.webhookEventsUnknown() || needsWebhookSet)
	waits := !state.WaitForConnection.IsNull() && !state.WaitForConnection.IsUnknown()
	if adopted || needsWebhookSet || readBack || waits {
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}

	if adopted {
		if err := r.client.SetSettings(ctx, name, plan.settings()); err != nil {
			addAPIError(&resp.Diagnostics, "configure the settings of", name, err)
			return
		}
		state.setSettings(plan.settings())
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	}
	if needsWebhookSet {
		if err := r.client.SetWebhook(ctx, name, *webhook); err != nil {
			addAPIError(&resp.Diagnostics, "configure the webhook of", name, err)
			return
		}
		resp.Diagnostics.Append(state.setWebhook(ctx, webhook)...)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	}
	if readBack {
		state.Webhook = plan.Webhook
		if !r.readBackWebhook(ctx, name, &state, &resp.Diagnostics) {
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	if !resp.Diagnostics.HasError() && r.awaitPairing(ctx, &state, &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	}
}

// createdWebhook is the webhook as the create call stores it: enabled.
func createdWebhook(w *client.Webhook) *client.Webhook {
	if w == nil {
		return nil
	}
	c := *w
	c.Enabled = true
	return &c
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
// write-only token_wo, which only the configuration carries.
func createToken(ctx context.Context, config tfsdk.Config, plan *instanceModel) (string, diag.Diagnostics) {
	if !plan.Token.IsNull() {
		return plan.Token.ValueString(), nil
	}
	var wo types.String
	diags := config.GetAttribute(ctx, path.Root("token_wo"), &wo)
	return wo.ValueString(), diags
}

// createOutcome is how a create ended: the server answered it, or its
// answer was lost and the instance was found on the server afterwards.
type createOutcome struct {
	created *client.CreateResult
	adopted *client.Instance
}

// nameTakenError: the name exists before this apply creates anything.
type nameTakenError struct{ name string }

func (e *nameTakenError) Error() string {
	return fmt.Sprintf("an instance named %q already exists on the server", e.name)
}

// unresolvedCreateError: the create may have happened and the look-up that
// should tell failed too. The caller records the name so the next refresh
// finds out.
type unresolvedCreateError struct{ create, lookup error }

func (e *unresolvedCreateError) Error() string {
	return fmt.Sprintf("%v; looking the name up afterwards failed too: %v", e.create, e.lookup)
}

func (e *unresolvedCreateError) Unwrap() []error { return []error{e.create, e.lookup} }

// createOrAdopt creates the instance without ever making two or losing
// one. A create is not safe to repeat, so the name must be free first;
// after a failure that leaves the outcome unknown (5xx, dropped
// connection, timeout) the name is looked up: found, it is this create's
// instance and is adopted; not found, the create is tried again, at most
// max_retries times.
func (r *instanceResource) createOrAdopt(ctx context.Context, req client.CreateRequest) (createOutcome, error) {
	name := req.InstanceName
	switch _, err := r.client.FetchInstance(ctx, name); {
	case err == nil:
		return createOutcome{}, &nameTakenError{name: name}
	case !client.IsNotFound(err):
		return createOutcome{}, fmt.Errorf("checking that the name is free: %w", err)
	}
	for attempt := 0; ; attempt++ {
		res, err := r.client.CreateInstance(ctx, req)
		if err == nil {
			return createOutcome{created: res}, nil
		}
		// The name was free before the first attempt, so a later attempt
		// that finds it taken is meeting an earlier attempt's instance.
		takenByUs := attempt > 0 && client.IsForbidden(err)
		if !client.IsAmbiguous(err) && !takenByUs {
			return createOutcome{}, err
		}
		tflog.Warn(ctx, "l2msg instance create failed with an unknown outcome; looking the name up",
			map[string]any{"instance_name": name, "attempt": attempt + 1, "error": err.Error()})
		inst, lerr := r.client.FetchInstance(ctx, name)
		if lerr == nil {
			tflog.Info(ctx, "the failed create did make the l2msg instance; adopting it",
				map[string]any{"instance_name": name, "instance_id": inst.ID})
			return createOutcome{adopted: inst}, nil
		}
		if !client.IsNotFound(lerr) {
			return createOutcome{}, &unresolvedCreateError{create: err, lookup: lerr}
		}
		if attempt >= r.client.MaxRetries() {
			return createOutcome{}, err
		}
		if berr := r.client.Backoff(ctx, attempt); berr != nil {
			return createOutcome{}, errors.Join(err, berr)
		}
	}
}

// addCreateError reports a failed create. When the outcome is unknown the
// name alone goes into state: Terraform keeps it tainted, and the next
// refresh either finds the instance (then replaces it) or drops it (then
// creates it). Nothing is left on the server that Terraform does not know.
func addCreateError(ctx context.Context, diags *diag.Diagnostics, state *tfsdk.State, plan instanceModel, err error) {
	name := plan.InstanceName.ValueString()
	var taken *nameTakenError
	if errors.As(err, &taken) {
		diags.AddAttributeError(path.Root("instance_name"), "Instance already exists",
			fmt.Sprintf("An instance named %q already exists on the server, and Terraform does not manage it. "+
				"To manage it with Terraform, import it: terraform import <address> %q, or an import block with id = %q. "+
				"Otherwise choose another instance_name.", name, name, name))
		return
	}
	addAPIError(diags, "create", name, err)
	var unresolved *unresolvedCreateError
	if !errors.As(err, &unresolved) {
		return
	}
	placeholder := plan
	placeholder.ID = types.StringValue(name)
	placeholder.InstanceID = types.StringNull()
	placeholder.Status = types.StringNull()
	placeholder.APIKey = types.StringNull()
	placeholder.Webhook = types.ObjectNull(webhookAttrTypes)
	diags.Append(state.Set(ctx, &placeholder)...)
	diags.AddWarning("Instance recorded as tainted", fmt.Sprintf(
		"The create of instance %q may have happened on the server. It is recorded in state as tainted, so the next "+
			"apply looks it up: if it exists it is replaced, otherwise it is created.", name))
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
	var state instanceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = r.masked(ctx, &state)
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

	// An import starts from the name alone; then every immutable attribute
	// comes from the server. Otherwise they stay as created: the server
	// cannot change them, and some servers fill number in after pairing.
	importing := state.InstanceID.IsNull()
	server := ri.summary()
	state.ID = server.InstanceName
	state.InstanceName = server.InstanceName
	state.InstanceID = server.InstanceID
	state.Status = server.Status
	state.setAPIKey(ri.Token, importing)
	if importing || state.Integration.IsNull() {
		state.Integration = server.Integration
	}
	if importing {
		state.Number = server.Number
	}
	if state.QRCode.IsNull() {
		state.QRCode = types.BoolValue(false)
	}
	state.settingsValues = server.settingsValues
	resp.Diagnostics.Append(state.setWebhook(ctx, ri.Webhook)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *instanceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
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
	ctx = r.masked(ctx, &plan, &state)
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
	ctx = r.masked(ctx, &state)
	name := state.InstanceName.ValueString()

	err := r.client.DeleteInstance(ctx, name)
	if client.IsNotFound(err) {
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "delete", name, err)
		return
	}
	// The server deletes asynchronously and keeps the name taken until it
	// is done; a replace that re-creates the same name must wait for that.
	if err := r.client.WaitForDeletion(ctx, name, deletePollMax); err != nil {
		resp.Diagnostics.AddError("Instance not deleted in time",
			fmt.Sprintf("The server accepted the delete of instance %q but still lists it: %s. "+
				"Raise timeouts.delete if your server is slow to delete.", name, err))
	}
}

func (r *instanceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	name := req.ID
	if strings.TrimSpace(name) == "" || strings.Contains(name, "/") {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("The import ID is the instance name: not empty and without a slash; got %q.", name))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("instance_name"), name)...)
}
