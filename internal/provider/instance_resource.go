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
	var integration, number types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("integration"), &integration)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("number"), &number)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if integration.ValueString() == client.IntegrationBusiness && number.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("number"), "Missing number",
			"The "+client.IntegrationBusiness+" integration requires the business phone number in number.")
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

	name := plan.InstanceName.ValueString()
	webhook, diags := plan.webhook(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	created, err := r.client.CreateInstance(ctx, client.CreateRequest{
		InstanceName: name,
		Integration:  plan.Integration.ValueString(),
		QRCode:       plan.QRCode.ValueBool(),
		Number:       plan.Number.ValueString(),
		Settings:     plan.settings(),
		Webhook:      webhook,
	})
	if err != nil {
		addAPIError(&resp.Diagnostics, "create", name, err)
		return
	}
	tflog.Info(ctx, "created l2msg instance", map[string]any{"instance_name": name, "instance_id": created.Instance.ID})

	// Everything the create call itself applied goes into state at once:
	// if a later step fails, the instance is recorded (and tainted), never
	// orphaned on the server.
	state := plan
	state.ID = types.StringValue(name)
	state.InstanceID = types.StringValue(created.Instance.ID)
	state.Status = types.StringValue(created.Instance.Status)
	state.APIKey = types.StringValue(created.APIKey)
	if created.Settings != nil {
		state.setSettings(*created.Settings)
	}
	needsWebhookSet := webhook != nil && !webhook.Enabled // create always stores it enabled
	if state.webhookEventsUnknown() || needsWebhookSet {
		// Saved as the create stored it; corrected below once known.
		resp.Diagnostics.Append(state.setWebhook(ctx, createdWebhook(webhook))...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if needsWebhookSet {
		if err := r.client.SetWebhook(ctx, name, *webhook); err != nil {
			addAPIError(&resp.Diagnostics, "configure the webhook of", name, err)
			return
		}
	}
	if webhook != nil && (plan.webhookEventsUnknown() || needsWebhookSet) {
		state.Webhook = plan.Webhook
		if !r.readBackWebhook(ctx, name, &state, &resp.Diagnostics) {
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
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
	name := state.InstanceName.ValueString()
	if name == "" {
		name = state.ID.ValueString()
	}

	inst, err := r.client.LookupInstance(ctx, name)
	if client.IsNotFound(err) {
		tflog.Warn(ctx, "l2msg instance no longer exists; removing it from state", map[string]any{"instance_name": name})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "read", name, err)
		return
	}
	settings := inst.Settings
	if settings == nil {
		// Older servers leave settings out of fetchInstances.
		if settings, err = r.client.FindSettings(ctx, name); err != nil {
			addAPIError(&resp.Diagnostics, "read the settings of", name, err)
			return
		}
	}
	webhook, err := r.client.FindWebhook(ctx, name)
	if client.IsNotFound(err) {
		// Deleted after the shared listing was taken.
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "read the webhook of", name, err)
		return
	}

	// An import starts from the name alone; then every immutable attribute
	// comes from the server. Otherwise they stay as created: the server
	// cannot change them, and some servers fill number in after pairing.
	importing := state.InstanceID.IsNull()
	state.ID = types.StringValue(inst.Name)
	state.InstanceName = types.StringValue(inst.Name)
	state.InstanceID = types.StringValue(inst.ID)
	state.Status = types.StringValue(inst.Status)
	if inst.Token != "" {
		state.APIKey = types.StringValue(inst.Token)
	}
	if importing || state.Integration.IsNull() {
		if inst.Integration != "" {
			state.Integration = types.StringValue(inst.Integration)
		} else {
			state.Integration = types.StringValue(client.IntegrationBaileys)
		}
	}
	if importing {
		state.Number = optionalString(inst.Number)
	}
	if state.QRCode.IsNull() {
		state.QRCode = types.BoolValue(false)
	}
	if settings != nil {
		state.setSettings(*settings)
	} else {
		state.setSettings(client.Settings{})
	}
	resp.Diagnostics.Append(state.setWebhook(ctx, webhook)...)
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
		if plan.webhookEventsUnknown() && !r.readBackWebhook(ctx, name, &state, &resp.Diagnostics) {
			resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
			return
		}
	}

	// Attributes that touch nothing remote, and computed values the
	// server keeps, come from plan and state respectively.
	state.QRCode = plan.QRCode
	state.Timeouts = plan.Timeouts
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
