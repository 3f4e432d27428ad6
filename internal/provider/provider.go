// Package provider implements the l2msg Terraform provider on
// terraform-plugin-framework.
package provider

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"

	// Aliased: the tests have a type named action.
	fwaction "github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

var (
	_ provider.Provider                       = (*l2msgProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*l2msgProvider)(nil)
	_ provider.ProviderWithFunctions          = (*l2msgProvider)(nil)
	_ provider.ProviderWithConfigValidators   = (*l2msgProvider)(nil)
	_ provider.ProviderWithActions            = (*l2msgProvider)(nil)
	_ provider.ProviderWithListResources      = (*l2msgProvider)(nil)
)

type l2msgProvider struct {
	version string
}

// New returns a constructor for the provider, as providerserver wants.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &l2msgProvider{version: version}
	}
}

func (p *l2msgProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "l2msg"
	resp.Version = p.version
}

func (p *l2msgProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Manages WhatsApp instances on l2msg, the hosted WhatsApp API, or on any self-hosted Evolution API server.",
		Attributes: map[string]schema.Attribute{
			"api_key": schema.StringAttribute{
				Description: "The global API key, sent as the `apikey` header. Defaults to the `" + EnvAPIKey + "` environment variable. " +
					"Prefer the environment variable so the key stays out of configuration files.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{notBlank()},
			},
			"base_url": schema.StringAttribute{
				Description: "The API's base URL. Defaults to the `" + EnvBaseURL + "` environment variable, then to `" + client.DefaultBaseURL + "`. " +
					"For a self-hosted Evolution API server use its root, such as `http://localhost:8080`.",
				Optional:   true,
				Validators: []validator.String{httpURL()},
			},
			"max_retries":     maxRetriesAttribute(),
			"request_timeout": durationAttribute("How long one API request may take before it is abandoned (and retried when safe)", EnvRequestTimeout, client.DefaultRequestTimeout),
			"min_retry_delay": durationAttribute("The first wait before a retry; each later wait doubles, with jitter", EnvMinRetryDelay, client.DefaultMinRetryDelay),
			"max_retry_delay": durationAttribute("The longest wait before a retry, also the cap on a server's Retry-After; at least min_retry_delay", EnvMaxRetryDelay, client.DefaultMaxRetryDelay),

			"requests_per_second": schema.Float64Attribute{
				Description: "The most API requests per second the provider sends, spread evenly, so that a large apply " +
					"with a high -parallelism stays under the server's rate limit instead of collecting 429 answers. " +
					"A number greater than 0, such as 20 or 0.5. Defaults to the `" + EnvRequestsPerSecond + "` environment " +
					"variable, then to no limit.",
				Optional:   true,
				Validators: []validator.Float64{positiveRate()},
			},
		},
	}
}

// ConfigValidators checks what one attribute's validator cannot: the retry
// delays against each other. Values from the environment are checked in
// Configure.
func (p *l2msgProvider) ConfigValidators(context.Context) []provider.ConfigValidator {
	return []provider.ConfigValidator{retryDelaysOrdered{}}
}

func (p *l2msgProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cc, diags := clientConfig(cfg, os.Getenv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	cc.UserAgent = fmt.Sprintf("terraform-provider-l2msg/%s terraform/%s", p.version, req.TerraformVersion)
	cc.Log = clientLog

	c, err := client.New(cc)
	if err != nil {
		// A bad L2MSG_BASE_URL gets here: the schema validator only sees
		// the provider block.
		resp.Diagnostics.AddAttributeError(path.Root("base_url"), "Invalid l2msg base URL",
			"Attribute base_url (or the "+EnvBaseURL+" environment variable): "+err.Error()+".")
		return
	}
	if host, clear := clearTextHost(c.BaseURL()); clear {
		resp.Diagnostics.AddAttributeWarning(path.Root("base_url"), "API key sent in clear text",
			fmt.Sprintf("base_url (or the %s environment variable) is http:// to %s, which is not this machine: every request "+
				"carries the API key, and instance keys and webhook headers travel in the bodies, unencrypted, for anyone "+
				"on the way to read. Use https:// unless the network between here and %s is yours.", EnvBaseURL, host, host))
	}
	data := &providerData{client: c, settings: cc, claims: &claims{}, walk: newWalkNotes()}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
	resp.ActionData = data
	resp.ListResourceData = data
}

// Resources are every resource, each in the one lifecycle (lifecycle.go)
// that masks and redacts its secrets: a resource added here is covered.
func (p *l2msgProvider) Resources(context.Context) []func() resource.Resource {
	return wrapResources(append([]func() resource.Resource{
		NewInstanceResource,
		NewProxyResource,
		NewChatwootResource,
	}, slices.Concat(streamResources(), chatbotResources())...))
}

func (p *l2msgProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewInstanceDataSource,
		NewInstancesDataSource,
		NewProxyDataSource,
		NewChatwootDataSource,
	}
}

func (p *l2msgProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewInstanceConnectEphemeralResource,
	}
}

func (p *l2msgProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewInstanceListResource,
	}
}

func (p *l2msgProvider) Actions(context.Context) []func() fwaction.Action {
	return []func() fwaction.Action{
		NewInstanceRestartAction,
		NewInstanceLogoutAction,
	}
}

func (p *l2msgProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{
		NewQRTextFunction,
	}
}

// clearTextHost reports a base URL that sends the key unencrypted beyond
// this machine: http:// to a host that is not loopback.
func clearTextHost(base string) (string, bool) {
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "http" {
		return "", false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return host, false
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return host, false
	}
	return host, true
}
