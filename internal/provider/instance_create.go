package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// createOutcome is how a create ended: the server answered it, or its
// answer was lost and the instance was found on the server afterwards.
type createOutcome struct {
	created *client.CreateResult
	adopted *client.Instance
}

// createOrAdopt runs the client's create protocol (client.CreateOrAdopt):
// it never makes two instances, loses one or adopts someone else's.
func (r *instanceResource) createOrAdopt(ctx context.Context, req client.CreateRequest) (createOutcome, error) {
	res, err := r.client.CreateOrAdopt(ctx, req)
	switch {
	case err != nil:
		return createOutcome{}, err
	case res.Adopted:
		return createOutcome{adopted: &res.Instance}, nil
	}
	return createOutcome{created: res}, nil
}

// addCreateError reports a failed create. When the outcome is unknown the
// name alone goes into state: Terraform keeps it tainted, and the next
// refresh either finds the instance (then replaces it) or drops it (then
// creates it). Nothing is left on the server that Terraform does not know.
func addCreateError(ctx context.Context, diags *diag.Diagnostics, state *tfsdk.State, plan instanceModel, err error) {
	name := plan.InstanceName.ValueString()
	var taken *client.NameTakenError
	if errors.As(err, &taken) && taken.DuringRetry {
		diags.AddAttributeError(path.Root("instance_name"), "Instance name taken by someone else",
			fmt.Sprintf("The create of instance %q failed in a way that left its outcome unknown, and before it could be "+
				"tried again someone else created an instance of that name: it does not answer to this create's key, so "+
				"Terraform left it alone and recorded nothing. Choose another instance_name, or find out who owns %q. (%s)",
				name, name, err))
		return
	}
	if errors.As(err, &taken) {
		diags.AddAttributeError(path.Root("instance_name"), "Instance already exists",
			fmt.Sprintf("An instance named %q already exists on the server, and Terraform does not manage it. "+
				"To manage it with Terraform, import it: terraform import <address> %q, or an import block with id = %q. "+
				"Otherwise choose another instance_name.", name, name, name))
		return
	}
	addAPIError(diags, "create", name, err)
	var unresolved *client.UnresolvedCreateError
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
