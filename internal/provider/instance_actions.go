package provider

import (
	"context"
	"errors"
	"fmt"

	// Aliased: the tests have a type named action.
	fwaction "github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// The instance actions (Terraform 1.14+) run one call on one instance, with
// `terraform apply -invoke=fwaction.<type>.<name>` or from a resource's
// action_trigger. They change nothing Terraform stores: a resource's status
// catches up on its next refresh.

var _ fwaction.ActionWithConfigure = (*instanceAction)(nil)

// NewInstanceRestartAction returns the l2msg_instance_restart fwaction.
func NewInstanceRestartAction() fwaction.Action {
	return &instanceAction{
		suffix: "_instance_restart",
		verb:   "restart",
		description: "Restarts the WhatsApp session of an instance: the server closes " +
			"the socket and connects again with the stored session, so a paired phone stays paired. " +
			"Use it when an instance is stuck `connecting` or stopped receiving messages. " +
			"Fails when the instance is not connected (state `close`): there is no session to restart. " +
			"The server's route is `POST /instance/restart`.",
		call: (*client.Client).Restart,
	}
}

// NewInstanceLogoutAction returns the l2msg_instance_logout fwaction.
func NewInstanceLogoutAction() fwaction.Action {
	return &instanceAction{
		suffix: "_instance_logout",
		verb:   "log out",
		description: "Logs an instance out of WhatsApp: the session ends and the phone is " +
			"unlinked. The instance itself stays, in state `close`, with its settings and webhook; a phone must pair " +
			"again (for example with the `l2msg_instance_connect` ephemeral resource). " +
			"Fails when the instance is not connected (never paired, or already logged out). " +
			"The server's route is `DELETE /instance/logout`.",
		call: (*client.Client).Logout,
	}
}

type instanceAction struct {
	suffix      string
	verb        string
	description string
	call        func(*client.Client, context.Context, string) error
	actionBase
}

type instanceActionModel struct {
	InstanceName types.String `tfsdk:"instance_name"`
}

func (a *instanceAction) Metadata(_ context.Context, req fwaction.MetadataRequest, resp *fwaction.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + a.suffix
}

func (a *instanceAction) Schema(_ context.Context, _ fwaction.SchemaRequest, resp *fwaction.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: a.description,
		Attributes: map[string]schema.Attribute{
			"instance_name": schema.StringAttribute{
				Description: "The name of the instance to " + a.verb + ".",
				Required:    true,
				Validators:  instanceNameValidators(),
			},
		},
	}
}

func (a *instanceAction) Invoke(ctx context.Context, req fwaction.InvokeRequest, resp *fwaction.InvokeResponse) {
	var m instanceActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := m.InstanceName.ValueString()
	ctx = a.masked(ctx)
	if err := a.call(a.client, ctx, name); err != nil {
		if errors.Is(err, client.ErrNotConnected) {
			resp.Diagnostics.AddError(fmt.Sprintf("Could not %s instance %q: it is not connected", a.verb, name),
				fmt.Sprintf("Instance %q has no WhatsApp session (its status is close): no phone was ever paired with it, "+
					"or it was logged out. There is nothing to %s, and nothing was changed. Pair a phone first, for example "+
					"with the l2msg_instance_connect ephemeral resource.\n\nThe server said: %s", name, a.verb, err))
			return
		}
		addAPIError(&resp.Diagnostics, a.verb, name, err)
		return
	}
	if resp.SendProgress != nil {
		resp.SendProgress(fwaction.InvokeProgressEvent{Message: fmt.Sprintf("l2msg: %s of instance %q done", a.verb, name)})
	}
}
