package provider

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

var (
	_ resource.ResourceWithConfigure        = (*proxyResource)(nil)
	_ resource.ResourceWithImportState      = (*proxyResource)(nil)
	_ resource.ResourceWithConfigValidators = (*proxyResource)(nil)
)

// The server tests a proxy before it saves it, by fetching an address on
// the internet through it, and sets no time limit on that test: a proxy
// that accepts connections and never answers holds the request until the
// operating system gives up. These defaults bound a whole create or update.
const (
	defaultProxyWriteTimeout  = 3 * time.Minute
	defaultProxyDeleteTimeout = 2 * time.Minute
	// proxyReadBackMax caps the wait between read-backs of a proxy the
	// server has answered for but may not have written yet: its write is
	// not awaited before the answer.
	proxyReadBackMax = time.Second
	proxyReadBacks   = 5
)

var (
	proxyKind = integrationKind{name: "proxy"}
	// proxyProtocols are the contract's; servers support fewer (see the
	// protocol attribute).
	proxyProtocols = []string{"http", "https", "socks4", "socks5"}
	// proxyHostPattern: a host name or an IPv4 address, or an IPv6 address
	// in brackets; the server writes `protocol://host:port` as is.
	proxyHostPattern = regexp.MustCompile(`^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?|\[[0-9A-Fa-f:.]+\])$`)
	// The server puts the credentials into the proxy URL without escaping
	// them, so these characters end the user name or password early, or
	// are decoded into something else.
	proxyUsernamePattern = regexp.MustCompile(`^[^:/?#\\%\s]*$`)
	proxyPasswordPattern = regexp.MustCompile(`^[^/?#\\%\s]*$`)
)

// NewProxyResource returns the l2msg_instance_proxy resource.
func NewProxyResource() resource.Resource { return &proxyResource{} }

type proxyResource struct {
	client *client.Client
}

type proxyModel struct {
	ID                types.String   `tfsdk:"id"`
	InstanceName      types.String   `tfsdk:"instance_name"`
	InstanceID        types.String   `tfsdk:"instance_id"`
	Enabled           types.Bool     `tfsdk:"enabled"`
	Host              types.String   `tfsdk:"host"`
	Port              types.Int64    `tfsdk:"port"`
	Protocol          types.String   `tfsdk:"protocol"`
	Username          types.String   `tfsdk:"username"`
	Password          types.String   `tfsdk:"password"`
	PasswordWO        types.String   `tfsdk:"password_wo"`
	PasswordWOVersion types.Int64    `tfsdk:"password_wo_version"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

func (r *proxyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instance_proxy"
}

func (r *proxyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

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
				stringvalidator.LengthBetween(1, 100),
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
				stringvalidator.LengthBetween(1, 100),
				stringvalidator.RegexMatches(proxyUsernamePattern, "must not contain : / ? # \\ % or white space: the server puts it into the proxy URL unescaped"),
			},
		},
	}
	passwordValidators := []validator.String{
		stringvalidator.LengthBetween(1, 100),
		secretPatternValidator{pattern: proxyPasswordPattern, rule: "must not contain / ? # \\ % or white space: the server puts it into the proxy URL unescaped"},
	}
	maps.Copy(attrs, secretTwinAttributes("password", "The password the proxy asks for, at most 100 characters, without `/`, `?`, `#`, `\\`, `%` or white space "+
		"(the server writes it into the proxy URL unescaped)", passwordValidators...))
	resp.Schema = schema.Schema{
		Description: "The proxy an instance connects to WhatsApp through (`/proxy/set`). One per instance.\n\n" +
			"Before saving, the server tests the proxy: it fetches a public address directly and through the proxy, and " +
			"refuses the proxy (`Invalid proxy`) unless both work and the addresses differ. That test has no time limit on " +
			"the server, so the provider bounds it with `timeouts` (default " + defaultProxyWriteTimeout.String() + " for create and update). " +
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

// proxy is what the plan asks the server to store.
func (m *proxyModel) proxy(password string) client.Proxy {
	return client.Proxy{
		Enabled:  m.Enabled.ValueBool(),
		Host:     m.Host.ValueString(),
		Port:     strconv.FormatInt(m.Port.ValueInt64(), 10),
		Protocol: m.Protocol.ValueString(),
		Username: m.Username.ValueString(),
		Password: password,
	}
}

// setFromServer records the server's proxy. A disabled proxy is stored
// blank, so the configured values are kept while state says disabled too:
// only the switch can drift then.
func (m *proxyModel) setFromServer(p client.Proxy, importing bool) {
	m.Enabled = types.BoolValue(p.Enabled)
	if !p.Enabled && !importing {
		return
	}
	m.Host = types.StringValue(p.Host)
	port, err := strconv.ParseInt(p.Port, 10, 64)
	if err != nil {
		// Not a port: shown as 0, so the plan puts the configured one back.
		port = 0
	}
	m.Port = types.Int64Value(port)
	m.Protocol = types.StringValue(p.Protocol)
	if p.Username != "" || !m.Username.IsNull() {
		m.Username = optionalString(p.Username)
	}
	m.Password = secretFromServer(m.Password, m.PasswordWOVersion, p.Password, importing)
}

// secrets are the values the logs must never show.
func (m *proxyModel) secrets() []string {
	if m == nil || m.Password.IsNull() || m.Password.IsUnknown() {
		return nil
	}
	return []string{m.Password.ValueString()}
}

func (r *proxyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan proxyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultProxyWriteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r.write(ctx, req.Config, &plan, "create", timeout, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *proxyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan proxyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultProxyWriteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r.write(ctx, req.Config, &plan, "update", timeout, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// write sends the planned proxy and reads it back; on success plan holds
// the state to record.
func (r *proxyResource) write(ctx context.Context, config tfConfig, plan *proxyModel, action string, timeout time.Duration, diags *diag.Diagnostics) {
	name := plan.InstanceName.ValueString()
	password, d := secretToSend(ctx, config, plan.Password, "password")
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	ctx = maskStrings(ctx, r.client, password)
	inst := instanceForWrite(ctx, r.client, name, plan.InstanceID, proxyKind.name, diags)
	if inst == nil {
		return
	}
	want := plan.proxy(password)
	if err := r.client.SetProxy(ctx, name, want); err != nil {
		addProxyWriteError(diags, action, name, want, timeout, err)
		return
	}
	if !r.readBack(ctx, name, want, diags) {
		return
	}
	tflog.Info(ctx, "configured l2msg instance proxy", map[string]any{"instance_name": name, "enabled": want.Enabled})
	plan.ID = types.StringValue(name)
	plan.InstanceID = types.StringValue(inst.ID)
	if !plan.PasswordWOVersion.IsNull() {
		plan.Password = types.StringNull()
	}
}

// readBack checks that the server stored the proxy: it answers before its
// write finishes and never reports a failed one. A few reads, backing off,
// give a slow write time to land.
func (r *proxyResource) readBack(ctx context.Context, name string, want client.Proxy, diags *diag.Diagnostics) bool {
	delay := 100 * time.Millisecond
	var got *client.Proxy
	for i := range proxyReadBacks {
		var err error
		got, err = r.client.FindProxy(ctx, name)
		if err != nil {
			addIntegrationError(diags, proxyKind, "read back", name, err)
			return false
		}
		if got != nil && *got == storedProxy(want) {
			return true
		}
		if i == proxyReadBacks-1 || !sleepCtx(ctx, delay) {
			break
		}
		delay = min(2*delay, proxyReadBackMax)
	}
	diags.AddError(fmt.Sprintf("The server did not store the proxy of instance %q", name),
		"The server accepted the proxy (201) but reading it back shows "+describeProxy(got)+". The server saves proxies "+
			"without checking that the save worked (a value too long for its database, or a database error, is only logged "+
			"on the server). Nothing is recorded in Terraform; check the server's log and apply again.")
	return false
}

// storedProxy is what the server stores for a set: a disabled proxy blank.
func storedProxy(p client.Proxy) client.Proxy {
	if !p.Enabled {
		return client.Proxy{}
	}
	return p
}

func describeProxy(p *client.Proxy) string {
	if p == nil {
		return "no proxy at all"
	}
	return fmt.Sprintf("a different one (enabled %t, host %q, port %q, protocol %q)", p.Enabled, p.Host, p.Port, p.Protocol)
}

func addProxyWriteError(diags *diag.Diagnostics, action, name string, p client.Proxy, timeout time.Duration, err error) {
	switch {
	case isTimeout(err):
		diags.AddError(fmt.Sprintf("The proxy test of instance %q did not finish", name),
			fmt.Sprintf("Before saving a proxy, the server fetches a public address through it, and sets no time limit on that; "+
				"no answer came within %s (timeouts.%s) or the provider's request_timeout. A proxy that accepts connections "+
				"but never answers, or an address that drops them silently, does this. The server saves the proxy only "+
				"after the test passes, so nothing was changed. Check host %q and port %q, or raise timeouts.%s.\n\n%s",
				timeout, action, p.Host, p.Port, action, err))
	case client.IsBadRequest(err) && containsMessage(err, "Invalid proxy"):
		diags.AddAttributeError(path.Root("host"), fmt.Sprintf("The server refused the proxy of instance %q", name),
			fmt.Sprintf("The server tests a proxy before saving it, by fetching a public address directly and through the proxy, "+
				"and the test failed (%s). Either the server could not reach %s://%s:%s or use it (wrong host or port, wrong "+
				"username or password, the proxy refused), the address seen through it did not change, or the server does not "+
				"support protocol %q (Evolution API 2.3.6 supports only http; 2.3.7 adds socks5). Nothing was changed.",
				err, p.Protocol, p.Host, p.Port, p.Protocol))
	default:
		addIntegrationError(diags, proxyKind, action, name, err)
	}
}

func (r *proxyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state proxyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = maskStrings(ctx, r.client, state.secrets()...)
	name := state.InstanceName.ValueString()
	inst, err := r.client.LookupInstance(ctx, name)
	if client.IsNotFound(err) {
		tflog.Warn(ctx, "l2msg instance no longer exists; removing its proxy from state", map[string]any{"instance_name": name})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addIntegrationError(&resp.Diagnostics, proxyKind, "read", name, err)
		return
	}
	p := inst.Proxy
	if !inst.IntegrationsListed {
		if p, err = r.client.FindProxy(ctx, name); err != nil {
			addIntegrationError(&resp.Diagnostics, proxyKind, "read", name, err)
			return
		}
	}
	if p == nil {
		tflog.Warn(ctx, "l2msg instance has no proxy any more; removing it from state", map[string]any{"instance_name": name})
		resp.State.RemoveResource(ctx)
		return
	}
	importing := state.Enabled.IsNull()
	state.ID = types.StringValue(name)
	state.InstanceID = types.StringValue(inst.ID)
	state.setFromServer(*p, importing)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *proxyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state proxyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultProxyDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ctx = maskStrings(ctx, r.client, state.secrets()...)
	name := state.InstanceName.ValueString()
	// Switching off sends every field blank: the server blanks them anyway,
	// and runs no proxy test without a host.
	err := r.client.SetProxy(ctx, name, client.Proxy{Enabled: false})
	if client.IsNotFound(err) {
		return // the instance, and its proxy with it, is gone
	}
	if err != nil {
		addIntegrationError(&resp.Diagnostics, proxyKind, "switch off", name, err)
	}
}

func (r *proxyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByInstanceName(ctx, req, resp)
}
