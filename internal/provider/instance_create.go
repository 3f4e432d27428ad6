package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

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
