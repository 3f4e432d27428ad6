package provider

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"
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
				name + "_wo` on Terraform 1.11 and later. Conflicts with `" + name + "_wo`. Updated in place. An import leaves it " +
				"out of state (it cannot tell which of the two the configuration uses): the next apply records it, and sends it " +
				"only if it differs from the server's.",
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
// null when the write-only twin manages it (version set) or when state does
// not show it, else the server's value, so drift shows. An import starts
// with nothing in state and so stores no secret: it cannot tell whether the
// configuration uses the write-only twin, and the secret must then reach
// neither state nor a saved plan. rememberServerSecrets keeps a salted hash
// instead, so that the plan and apply after the import can see that the
// configured secret is the server's (adoptImportedSecrets).
func secretFromServer(stateValue types.String, woVersion types.Int64, server string) types.String {
	if !woVersion.IsNull() || stateValue.IsNull() {
		return types.StringNull()
	}
	return types.StringValue(server)
}

// secretTwinNames returns the secrets that have a write-only twin: each
// `<name>` with `<name>_wo` (write-only) and `<name>_wo_version`. It takes
// a schema's attributes, the framework's or a resource schema's.
func secretTwinNames[A interface{ IsWriteOnly() bool }](attrs map[string]A) []string {
	var out []string
	for name, a := range attrs {
		base, ok := strings.CutSuffix(name, "_wo")
		if !ok || !a.IsWriteOnly() {
			continue
		}
		_, plain := attrs[base]
		_, version := attrs[base+"_wo_version"]
		if plain && version {
			out = append(out, base)
		}
	}
	slices.Sort(out)
	return out
}

// privateState is what resources keep in the framework's private state.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// secretHash is a salted SHA-256 of a secret, kept in private state where a
// secret is known to the server but not shown in state.
type secretHash struct {
	Salt   string `json:"salt"`
	SHA256 string `json:"sha256"`
}

func hashSecret(secret string, salt []byte) secretHash {
	sum := sha256.Sum256(append(append([]byte{}, salt...), secret...))
	return secretHash{Salt: hex.EncodeToString(salt), SHA256: hex.EncodeToString(sum[:])}
}

// recordSecretHash keeps a salted hash of secret under entry; "" keeps nothing.
func recordSecretHash(ctx context.Context, private privateState, entry, secret string) diag.Diagnostics {
	if secret == "" || private == nil {
		return nil
	}
	salt := make([]byte, 16)
	_, _ = rand.Read(salt) // never fails (crypto/rand)
	b, err := json.Marshal(hashSecret(secret, salt))
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Could not record a secret's hash", err.Error())
		return diags
	}
	return private.SetKey(ctx, entry, b)
}

// matchesSecretHash reports whether entry holds the hash of secret.
func matchesSecretHash(ctx context.Context, private privateState, entry, secret string) (bool, diag.Diagnostics) {
	if private == nil {
		return false, nil
	}
	raw, diags := private.GetKey(ctx, entry)
	var stored secretHash
	if len(raw) == 0 || json.Unmarshal(raw, &stored) != nil {
		return false, diags
	}
	salt, err := hex.DecodeString(stored.Salt)
	if err != nil {
		return false, diags
	}
	got := hashSecret(secret, salt)
	return subtle.ConstantTimeCompare([]byte(got.SHA256), []byte(stored.SHA256)) == 1, diags
}

// serverSecretEntry is the private state entry with the hash of the
// server's value of secret name, kept from an import until state shows
// the secret or its write-only version.
func serverSecretEntry(name string) string { return name + "_server_sha256" }

// rememberServerSecrets is Read's step for the secrets state does not
// show (neither the secret nor its write-only version is in state): an
// import records the hash of each server value, and later reads keep it
// current until the secret is managed. server maps each twin to the
// server's value.
func rememberServerSecrets(ctx context.Context, private privateState, state tfsdk.State, importing bool, server map[string]string) diag.Diagnostics {
	var diags diag.Diagnostics
	if private == nil || state.Raw.IsNull() {
		return diags
	}
	twins := secretTwinNames(state.Schema.GetAttributes())
	for name, value := range server {
		if !slices.Contains(twins, name) {
			continue
		}
		entry := serverSecretEntry(name)
		var plain types.String
		var version types.Int64
		diags.Append(state.GetAttribute(ctx, path.Root(name), &plain)...)
		diags.Append(state.GetAttribute(ctx, path.Root(name+"_wo_version"), &version)...)
		if diags.HasError() {
			return diags
		}
		raw, d := private.GetKey(ctx, entry)
		diags.Append(d...)
		switch {
		case !plain.IsNull() || !version.IsNull() || value == "":
			if len(raw) != 0 {
				diags.Append(private.SetKey(ctx, entry, nil)...)
			}
		case importing || len(raw) != 0:
			if same, d := matchesSecretHash(ctx, private, entry, value); !same {
				diags.Append(d...)
				diags.Append(recordSecretHash(ctx, private, entry, value)...)
			}
		}
	}
	return diags
}

// isServerSecret reports whether secret is the server's value of the twin
// name: the value state shows, else the hash an import kept.
func isServerSecret(ctx context.Context, state tfsdk.State, private privateState, name string, secret types.String) (bool, diag.Diagnostics) {
	var current types.String
	diags := state.GetAttribute(ctx, path.Root(name), &current)
	if diags.HasError() || secret.IsNull() || secret.IsUnknown() {
		return false, diags
	}
	if !current.IsNull() && !current.IsUnknown() {
		return sameKey(current, secret), diags
	}
	same, d := matchesSecretHash(ctx, private, serverSecretEntry(name), secret.ValueString())
	diags.Append(d...)
	return same, diags
}

// plannedSecret is the secret an update or a replacement would send for
// twin name: the planned `name`, else the configured `name_wo` when the
// plan sets its version.
func plannedSecret(ctx context.Context, plan tfsdk.Plan, config tfsdk.Config, name string) (types.String, diag.Diagnostics) {
	var plain, wo types.String
	var version types.Int64
	diags := plan.GetAttribute(ctx, path.Root(name), &plain)
	if !plain.IsNull() || diags.HasError() {
		return plain, diags
	}
	diags.Append(plan.GetAttribute(ctx, path.Root(name+"_wo_version"), &version)...)
	if version.IsNull() || diags.HasError() {
		return types.StringNull(), diags
	}
	diags.Append(config.GetAttribute(ctx, path.Root(name+"_wo"), &wo)...)
	return wo, diags
}

// adoptImportedSecrets is the first step of the Update of a resource with
// secret twins. After an import, state shows no secret, so a configuration
// that sets one plans an update even when it is the server's value. When
// every secret the update sets is the server's (by the hash the import
// kept) and nothing else changes, there is nothing to send: it records the
// plan's secrets in state and reports true, and the Update is done.
func adoptImportedSecrets(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) bool {
	twins := secretTwinNames(req.Plan.Schema.GetAttributes())
	var plan, state map[string]tftypes.Value
	if len(twins) == 0 || req.Plan.Raw.As(&plan) != nil || req.State.Raw.As(&state) != nil {
		return false
	}
	// timeouts only tell this provider how long to wait: nothing to send.
	mine := map[string]bool{"timeouts": true}
	adopted := 0
	for _, name := range twins {
		version := name + "_wo_version"
		mine[name], mine[name+"_wo"], mine[version] = true, true, true
		if plan[name].Equal(state[name]) && plan[version].Equal(state[version]) {
			continue
		}
		if !state[name].IsNull() || !state[version].IsNull() {
			return false // a secret state shows changes: send it
		}
		secret, diags := plannedSecret(ctx, req.Plan, req.Config, name)
		if diags.HasError() || secret.IsNull() || secret.IsUnknown() {
			return false
		}
		if same, _ := matchesSecretHash(ctx, req.Private, serverSecretEntry(name), secret.ValueString()); !same {
			return false
		}
		adopted++
	}
	if adopted == 0 {
		return false
	}
	for name, v := range plan {
		// An unknown value is one the server computes: with nothing sent,
		// it keeps the value state has.
		if !mine[name] && v.IsKnown() && !v.Equal(state[name]) {
			return false
		}
	}
	for _, name := range twins {
		state[name], state[name+"_wo_version"] = plan[name], plan[name+"_wo_version"]
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, serverSecretEntry(name), nil)...)
	}
	if t, ok := plan["timeouts"]; ok {
		state["timeouts"] = t
	}
	resp.State.Raw = tftypes.NewValue(req.State.Raw.Type(), state)
	tflog.Info(ctx, "the configured secrets are the server's: nothing to send", map[string]any{"secrets": twins})
	return true
}
