package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// A secret that a resource sends to the server (a Chatwoot token, a proxy
// password, …) comes as a pair: `<name>`, Sensitive and kept in state so
// that drift shows, and `<name>_wo`, write-only (Terraform 1.11+), never in
// plan or state, with `<name>_wo_version` to say when it changed. The server
// answers such secrets in clear; a resource using the write-only twin keeps
// `<name>` null whatever the server says.

// secretTwinAttributes returns the three attributes of the secret `name`.
// what describes the secret ("The Chatwoot API access token"); changing
// the secret or the version updates the resource in place.
func secretTwinAttributes(name, what string, validators ...validator.String) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		name: schema.StringAttribute{
			Description: what + ". Sensitive, and kept in state so that a change made outside Terraform shows: prefer `" +
				name + "_wo` on Terraform 1.11 and later. Conflicts with `" + name + "_wo`. Updated in place.",
			Optional:   true,
			Sensitive:  true,
			Validators: validators,
		},
		name + "_wo": schema.StringAttribute{
			Description: "Write-only twin of `" + name + "` (Terraform 1.11 and later): sent to the server, never stored in plan or state, " +
				"so a change made outside Terraform is not seen. Requires `" + name + "_wo_version`; conflicts with `" + name + "`.",
			Optional:   true,
			Sensitive:  true,
			WriteOnly:  true,
			Validators: validators,
		},
		name + "_wo_version": schema.Int64Attribute{
			Description: "Any number you choose for the current `" + name + "_wo`; required with it. Terraform cannot see a change of a " +
				"write-only value: change this number to send a new one. Updated in place.",
			Optional: true,
		},
	}
}

// secretTwinValidators are the rules between the three attributes.
func secretTwinValidators(name string) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.Conflicting(path.MatchRoot(name), path.MatchRoot(name+"_wo")),
		resourcevalidator.RequiredTogether(path.MatchRoot(name+"_wo"), path.MatchRoot(name+"_wo_version")),
	}
}

// secretToSend is the secret to write: the planned `name`, else `name_wo`,
// which only the configuration carries. "" when neither is set.
func secretToSend(ctx context.Context, config tfsdk.Config, plain types.String, name string) (string, diag.Diagnostics) {
	if !plain.IsNull() && !plain.IsUnknown() {
		return plain.ValueString(), nil
	}
	var wo types.String
	diags := config.GetAttribute(ctx, path.Root(name+"_wo"), &wo)
	return wo.ValueString(), diags
}

// secretFromServer is what state holds for a secret the server reports:
// null when the write-only twin manages it (version set) or when the
// configuration does not set it, else the server's value, so drift shows.
// An import cannot tell yet and takes the server's value, so that a
// configuration that sets the same secret plans no change.
func secretFromServer(stateValue types.String, woVersion types.Int64, server string, importing bool) types.String {
	switch {
	case !woVersion.IsNull():
		return types.StringNull()
	case importing:
		return optionalString(server)
	case stateValue.IsNull():
		return types.StringNull()
	}
	return types.StringValue(server)
}
