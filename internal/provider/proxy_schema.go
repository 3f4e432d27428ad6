package provider

import (
	"context"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func (r *proxyResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"id":            integrationIDAttribute(),
		"instance_name": integrationInstanceNameAttribute(),
		"instance_id":   instanceLinkAttribute(),
		"enabled": schema.BoolAttribute{
			Description: "Whether the instance connects through the proxy. Defaults to `true`. With `false`, the server " +
				"blanks every field of its proxy; the configured values stay in Terraform. Updated in place.",
			Optional: true,
			Computed: true,
			Default:  booldefault.StaticBool(true),
		},
		"host": schema.StringAttribute{
			Description: "The proxy's host name or IP address, without scheme or port (an IPv6 address in brackets), at most 100 characters.",
			Required:    true,
			Validators: []validator.String{
				// The pattern refuses an empty host: no minimum, so "" gets one error.
				stringvalidator.UTF8LengthAtMost(100),
				stringvalidator.RegexMatches(proxyHostPattern, "must be a host name or an IP address, without scheme, port or path (an IPv6 address in brackets)"),
			},
		},
		"port": schema.Int64Attribute{
			Description: "The proxy's port, 1 to 65535 (the server stores it as text).",
			Required:    true,
			Validators:  []validator.Int64{int64validator.Between(1, 65535)},
		},
		"protocol": schema.StringAttribute{
			Description: "How to talk to the proxy: one of `http`, `https`, `socks4`, `socks5`. Defaults to `http`. " +
				"Servers support fewer: Evolution API 2.3.6 accepts only `http` (2.3.7 adds `socks5`); with another " +
				"protocol the server's proxy test fails and the apply stops with `Invalid proxy`.",
			Optional:   true,
			Computed:   true,
			Default:    stringdefault.StaticString("http"),
			Validators: []validator.String{stringvalidator.OneOf(proxyProtocols...)},
		},
		"username": schema.StringAttribute{
			Description: "The user name the proxy asks for, at most 100 characters. The server writes it into the proxy URL " +
				"unescaped, so it cannot hold `:`, `/`, `?`, `#`, `\\`, `%` or white space. Set it together with `password` (or `password_wo`).",
			Optional: true,
			Validators: []validator.String{
				stringvalidator.UTF8LengthBetween(1, 100),
				stringvalidator.RegexMatches(proxyUsernamePattern, "must not contain : / ? # \\ % or white space: the server puts it into the proxy URL unescaped"),
			},
		},
	}
	passwordValidators := []validator.String{
		stringvalidator.UTF8LengthBetween(1, 100),
		secretPatternValidator{pattern: proxyPasswordPattern, rule: "must not contain / ? # \\ % or white space: the server puts it into the proxy URL unescaped"},
	}
	maps.Copy(attrs, secretTwinAttributes("password", "The password the proxy asks for, at most 100 characters, without `/`, `?`, `#`, `\\`, `%` or white space "+
		"(the server writes it into the proxy URL unescaped)", passwordValidators...))
	resp.Schema = schema.Schema{
		Description: "The proxy an instance connects to WhatsApp through. One per instance (`/proxy/set`).\n\n" +
			"Before saving, the server tests the proxy: it fetches a public address directly and through the proxy, and " +
			"refuses the proxy (`Invalid proxy`) unless both work and the addresses differ. That test has no time limit on " +
			"the server, so the provider bounds it with `timeouts` (default 3 minutes for create and update). " +
			"The server saves the proxy without checking that the save worked; the provider reads it back and fails the apply " +
			"if it was not stored. The new proxy is used from the instance's next connection.\n\n" +
			"The server has no delete route: destroying this resource switches the proxy off (`enabled = false`, which " +
			"blanks every field on the server). Deleting the instance deletes its proxy.",
		Attributes: attrs,
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

func (r *proxyResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return append(secretTwinValidators("password"), credentialsTogether{})
}

// credentialsTogether: the server uses the credentials only when both are
// set, so one without the other would silently connect without them.
type credentialsTogether struct{}

func (credentialsTogether) Description(context.Context) string {
	return "username and password (or password_wo) are set together"
}

func (v credentialsTogether) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (credentialsTogether) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var user, pass, passWO types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("username"), &user)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("password"), &pass)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("password_wo"), &passWO)...)
	if resp.Diagnostics.HasError() || user.IsUnknown() || pass.IsUnknown() || passWO.IsUnknown() {
		return
	}
	hasPass := !pass.IsNull() || !passWO.IsNull()
	switch {
	case !user.IsNull() && !hasPass:
		resp.Diagnostics.AddAttributeError(path.Root("password"), "Missing proxy password",
			"username is set but neither password nor password_wo is: the server uses the credentials only when both are set, "+
				"and would connect without them.")
	case user.IsNull() && hasPass:
		resp.Diagnostics.AddAttributeError(path.Root("username"), "Missing proxy username",
			"A password is set but username is not: the server uses the credentials only when both are set, "+
				"and would connect without them.")
	}
}
