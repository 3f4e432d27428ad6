package provider

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

var (
	_ resource.ResourceWithConfigure        = (*proxyResource)(nil)
	_ resource.ResourceWithImportState      = (*proxyResource)(nil)
	_ resource.ResourceWithConfigValidators = (*proxyResource)(nil)
	_ resource.ResourceWithIdentity         = (*proxyResource)(nil)
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
	resourceBase
}

func (r *proxyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instance_proxy"
}

func (r *proxyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer instanceIdentity.sync(ctx, resp.Identity, &resp.Diagnostics, &resp.State)
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
	defer instanceIdentity.sync(ctx, resp.Identity, &resp.Diagnostics, &resp.State)
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
				"username or password, the proxy refused), the address seen through it did not change, the server itself has "+
				"no access to the internet, or it does not support protocol %q (Evolution API 2.3.6 supports only http; "+
				"2.3.7 adds socks5). Nothing was changed.",
				err, p.Protocol, p.Host, p.Port, p.Protocol))
	default:
		addIntegrationError(diags, proxyKind, action, name, err)
	}
}

func (r *proxyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer instanceIdentity.sync(ctx, resp.Identity, &resp.Diagnostics, &resp.State, &req.State)
	var state proxyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.InstanceName.ValueString()
	inst := instanceForRead(ctx, r.client, name, proxyKind, resp)
	if inst == nil {
		return
	}
	var err error
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
	resp.Diagnostics.Append(rememberServerSecrets(ctx, resp.Private, resp.State, importing, map[string]string{"password": p.Password})...)
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

// IdentitySchema: one per instance, known by the instance's name, as its
// import ID is.
func (r *proxyResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = instanceIdentity.schema()
}

func (r *proxyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	instanceIdentity.importState(ctx, req, resp)
}
