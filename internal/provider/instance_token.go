package provider

import (
	"context"
	"crypto/subtle"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The server's instance key *is* the token given at create. A key set
// through token_wo must therefore never reach state, not even through the
// computed apikey: apikey stays null for such instances, also after a
// refresh, and is planned null whenever the configuration uses token_wo.

var (
	_ resource.ResourceWithConfigValidators = (*instanceResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*instanceResource)(nil)
)

// tokenPattern: the key travels in the apikey header, so it must be visible
// ASCII; the server caps it at 255 characters.
var tokenPattern = regexp.MustCompile(`^[!-~]{1,255}$`)

type tokenModel struct {
	Token          types.String `tfsdk:"token"`
	TokenWO        types.String `tfsdk:"token_wo"`
	TokenWOVersion types.Int64  `tfsdk:"token_wo_version"`
}

// tokenValidator checks the key's shape without ever echoing it: an error
// message is printed, and a mistyped key is still mostly the key.
type tokenValidator struct{}

func (tokenValidator) Description(context.Context) string {
	return "must be 1 to 255 visible ASCII characters without spaces"
}

func (v tokenValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v tokenValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || tokenPattern.MatchString(req.ConfigValue.ValueString()) {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid token",
		fmt.Sprintf("Attribute %s %s, because the server uses it as the apikey header; got %d characters. "+
			"The value is not shown: it is secret.", req.Path, v.Description(ctx), len(req.ConfigValue.ValueString())))
}

func tokenAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"token": schema.StringAttribute{
			Description: "A custom key for the instance, used instead of one the server generates; `WHATSAPP-BUSINESS` " +
				"instances need it (the Meta access token). It becomes the instance's API key, so `apikey` equals it. " +
				"Stored in state (Sensitive): prefer `token_wo` on Terraform 1.11 and later. Conflicts with `token_wo`. " +
				"Changing it replaces the instance; adding one equal to the current key (after an import) does not.",
			Optional:      true,
			Sensitive:     true,
			Validators:    []validator.String{tokenValidator{}},
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(tokenNeedsReplace, tokenReplaceDoc, tokenReplaceDoc)},
		},
		"token_wo": schema.StringAttribute{
			Description: "Write-only twin of `token` (Terraform 1.11 and later): sent at create and never stored in plan or state. " +
				"Because the server's key is this token, `apikey` stays null for such an instance. Requires `token_wo_version`; " +
				"conflicts with `token`. Terraform cannot see a change of a write-only value: change `token_wo_version` to apply one.",
			Optional:   true,
			Sensitive:  true,
			WriteOnly:  true,
			Validators: []validator.String{tokenValidator{}},
		},
		"token_wo_version": schema.Int64Attribute{
			Description: "Any number you choose for the current `token_wo`; required with it. Changing it replaces the instance " +
				"(the key cannot change otherwise). Removing it, together with `token_wo`, keeps the instance and its key, and `apikey` stays null.",
			Optional:      true,
			PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplaceIf(tokenWOVersionNeedsReplace, tokenReplaceDoc, tokenReplaceDoc)},
		},
	}
}

const tokenReplaceDoc = "Replaces the instance when the key it asks for differs from the instance's key."

func (r *instanceResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.Conflicting(path.MatchRoot("token"), path.MatchRoot("token_wo")),
		resourcevalidator.RequiredTogether(path.MatchRoot("token_wo"), path.MatchRoot("token_wo_version")),
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

// tokenNeedsReplace: removing token keeps the instance and its key. Adding
// one to an instance that had none in state (an import, or a server-made
// key) only needs a new instance when it differs from the current key.
func tokenNeedsReplace(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	switch {
	case req.PlanValue.IsNull():
		return
	case req.PlanValue.IsUnknown() || !req.StateValue.IsNull():
		resp.RequiresReplace = true
		return
	}
	var key types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("apikey"), &key)...)
	resp.RequiresReplace = !sameKey(key, req.PlanValue)
}

// tokenWOVersionNeedsReplace: a new version asks for a new key. Setting a
// version on an instance that had none (an import, or a move from token to
// token_wo) only replaces it when token_wo differs from the current key.
func tokenWOVersionNeedsReplace(ctx context.Context, req planmodifier.Int64Request, resp *int64planmodifier.RequiresReplaceIfFuncResponse) {
	switch {
	case req.PlanValue.IsNull():
		return
	case !req.StateValue.IsNull():
		resp.RequiresReplace = true
		return
	}
	var key, wo types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("apikey"), &key)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("token_wo"), &wo)...)
	resp.RequiresReplace = !sameKey(key, wo)
}

func sameKey(a, b types.String) bool {
	if a.IsNull() || a.IsUnknown() || b.IsNull() || b.IsUnknown() {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(a.ValueString()), []byte(b.ValueString())) == 1
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

// setAPIKey records the instance's key as the server reports it, unless it
// must stay hidden: the key was set write-only (token_wo_version in state),
// or apikey was already null in a state that is not a fresh import (the
// instance once had a write-only key, and still has it).
func (m *instanceModel) setAPIKey(key string, importing bool) {
	switch {
	case !m.TokenWOVersion.IsNull() || (!importing && m.APIKey.IsNull()):
		m.APIKey = types.StringNull()
	case key != "":
		m.APIKey = types.StringValue(key)
	case m.APIKey.IsUnknown():
		m.APIKey = types.StringNull()
	}
}

// takePlannedLocals copies from the plan what an update does not send to the
// server: attributes that only matter at create, and apikey once the plan
// hides it (after an import, or a move from token to token_wo).
func (m *instanceModel) takePlannedLocals(plan *instanceModel) {
	m.Token = plan.Token
	m.TokenWOVersion = plan.TokenWOVersion
	m.WaitForConnection = plan.WaitForConnection
	if plan.APIKey.IsNull() {
		m.APIKey = plan.APIKey
	}
}
