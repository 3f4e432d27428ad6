package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

var (
	_ resource.ResourceWithConfigure      = (*instanceResource)(nil)
	_ resource.ResourceWithImportState    = (*instanceResource)(nil)
	_ resource.ResourceWithValidateConfig = (*instanceResource)(nil)
)

const (
	defaultCreateTimeout = 5 * time.Minute
	defaultUpdateTimeout = 5 * time.Minute
	// Deletes are asynchronous on the server and can take minutes.
	defaultDeleteTimeout = 10 * time.Minute
	deletePollMax        = 5 * time.Second
)

// NewInstanceResource returns the l2msg_instance resource.
func NewInstanceResource() resource.Resource { return &instanceResource{} }

type instanceResource struct {
	client *client.Client
}

func (r *instanceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instance"
}

func (r *instanceResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	c, ok := req.ProviderData.(*client.Client)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *client.Client, got %T. This is a bug in the provider; please report it.", req.ProviderData))
		return
	}
	r.client = c
}

func (r *instanceResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
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
	ctx = withMasks(ctx, r.client, &plan)

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
	ctx = withMasks(ctx, nil, &state)
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

func (r *instanceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state instanceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = withMasks(ctx, r.client, &state)
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
	ctx = withMasks(ctx, r.client, &plan, &state)
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
	ctx = withMasks(ctx, r.client, &state)
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
