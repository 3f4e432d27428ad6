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
	_ resource.ResourceWithConfigure        = (*chatwootResource)(nil)
	_ resource.ResourceWithImportState      = (*chatwootResource)(nil)
	_ resource.ResourceWithConfigValidators = (*chatwootResource)(nil)
	_ resource.ResourceWithIdentity         = (*chatwootResource)(nil)
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
	resourceBase
}

func (r *chatwootResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instance_chatwoot"
}

func (r *chatwootResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer instanceIdentity.sync(ctx, resp.Identity, &resp.Diagnostics, &resp.State)
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
	defer instanceIdentity.sync(ctx, resp.Identity, &resp.Diagnostics, &resp.State)
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
	defer instanceIdentity.sync(ctx, resp.Identity, &resp.Diagnostics, &resp.State, &req.State)
	var state chatwootModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.InstanceName.ValueString()
	inst := instanceForRead(ctx, r.client, name, chatwootKind, resp)
	if inst == nil {
		return
	}
	var err error
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
	resp.Diagnostics.Append(rememberServerSecrets(ctx, resp.Private, resp.State, importing, map[string]string{"token": cw.Token})...)
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

// IdentitySchema: one per instance, known by the instance's name, as its
// import ID is.
func (r *chatwootResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = instanceIdentity.schema()
}

func (r *chatwootResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	instanceIdentity.importState(ctx, req, resp)
}
