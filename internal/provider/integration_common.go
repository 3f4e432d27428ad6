package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

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

// Plumbing shared by the resources that configure one object inside an
// instance (its proxy, its Chatwoot inbox, …): the instance's name and id
// attributes, the look-up before a write, import by instance name, and
// errors that say what the server meant.

// integrationIDAttribute is the id of a singleton: the instance's name.
func integrationIDAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Description:   "The instance name; also the import ID.",
		Computed:      true,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

// integrationInstanceNameAttribute names the instance the object lives in.
func integrationInstanceNameAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Description:   "The name of the instance this belongs to. Changing it replaces this resource.",
		Required:      true,
		Validators:    instanceNameValidators(),
		PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

// instanceForWrite looks the instance up by name right before a write, so
// that a configured instance_id is checked before anything is sent, and
// the id can be recorded. It asks for this name only: a write has just
// dropped the shared listing, and refetching every instance for each write
// of an apply would cost more than it saves.
func instanceForWrite(ctx context.Context, c *client.Client, name string, link types.String, kind string, diags *diag.Diagnostics) *client.Instance {
	inst, err := c.FetchInstance(ctx, name)
	if client.IsNotFound(err) {
		diags.AddAttributeError(path.Root("instance_name"), "Instance not found",
			fmt.Sprintf("There is no instance named %q on the server to hold the %s; nothing was sent. "+
				"Create it first (l2msg_instance), and refer to it so Terraform orders the two: "+
				"instance_name = l2msg_instance.<name>.instance_name.", name, kind))
		return nil
	}
	if err != nil {
		addAPIError(diags, "look up", name, err)
		return nil
	}
	checkInstanceLink(link, name, inst.ID, diags)
	if diags.HasError() {
		return nil
	}
	return inst
}

// integrationKind names an integration in messages, with the environment
// switch that turns it off on the server.
type integrationKind struct {
	// name is how messages call it: "proxy", "Chatwoot configuration".
	name string
	// envSwitch is the server's variable (CHATWOOT_ENABLED); "" when the
	// server has none.
	envSwitch string
}

// instanceForRead looks up the instance a singleton integration belongs to,
// for its Read. A gone instance took the integration with it (the server
// deletes both): the resource is removed from state and nil returned, as on
// any error, which is then in resp.
func instanceForRead(ctx context.Context, c *client.Client, name string, kind integrationKind, resp *resource.ReadResponse) *client.Instance {
	inst, err := c.LookupInstance(ctx, name)
	if client.IsNotFound(err) {
		tflog.Warn(ctx, "l2msg instance no longer exists; removing its "+kind.name+" from state", map[string]any{"instance_name": name})
		resp.State.RemoveResource(ctx)
		return nil
	}
	if err != nil {
		addIntegrationError(&resp.Diagnostics, kind, "read", name, err)
		return nil
	}
	return inst
}

// addIntegrationError turns a client error about an integration into a
// diagnostic that names the action, the instance and, for the errors a user
// can fix, what to do.
func addIntegrationError(diags *diag.Diagnostics, kind integrationKind, action, name string, err error) {
	summary := fmt.Sprintf("Could not %s the %s of instance %q", action, kind.name, name)
	detail := err.Error()
	switch {
	case kind.envSwitch != "" && client.IsBadRequest(err) && strings.Contains(strings.ToLower(err.Error()), "is disabled"):
		detail += fmt.Sprintf("\n\nThe server has this integration switched off in its environment: set %s=true on the server "+
			"and restart it. Nothing was changed.", kind.envSwitch)
	case client.IsUnauthorized(err):
		detail += "\n\nThe server refused the API key: check api_key or the L2MSG_API_KEY environment variable."
	case client.IsNotFound(err):
		detail += fmt.Sprintf("\n\nThe instance %q does not exist (any more) on the server.", name)
	}
	diags.AddError(summary, detail)
}

// isTimeout reports a request that ended without an answer in time: the
// operation's deadline, or the provider's request_timeout.
func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// tfConfig is the configuration a write reads write-only values from.
type tfConfig = tfsdk.Config

// containsMessage reports whether the server's error carries msg.
func containsMessage(err error, msg string) bool {
	var apiErr *client.APIError
	return errors.As(err, &apiErr) && slices.Contains(apiErr.Messages, msg)
}

// sleepCtx waits d or until ctx ends; it reports whether the wait completed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// statusOf is the HTTP status of a server's error answer, 0 for others.
func statusOf(err error) int {
	var apiErr *client.APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
}

// importByInstanceName imports a resource an instance has at most one of,
// whose id is the instance name, by import ID or (with identity) by
// identity: instanceIdentity.importState, then the id.
func importByInstanceName(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	instanceIdentity.importState(ctx, req, resp)
	if resp.Diagnostics.HasError() {
		return
	}
	var name types.String
	resp.Diagnostics.Append(resp.State.GetAttribute(ctx, path.Root("instance_name"), &name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), name)...)
}
