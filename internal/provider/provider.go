// Package provider implements the l2msg Terraform provider on
// terraform-plugin-framework.
package provider

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// Environment variables read when the provider block leaves a value out.
const (
	EnvAPIKey  = "L2MSG_API_KEY"
	EnvBaseURL = "L2MSG_BASE_URL"
)

var _ provider.Provider = (*l2msgProvider)(nil)

type l2msgProvider struct {
	version string
}

// New returns a constructor for the provider, as providerserver wants.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &l2msgProvider{version: version}
	}
}

type providerModel struct {
	APIKey  types.String `tfsdk:"api_key"`
	BaseURL types.String `tfsdk:"base_url"`

	RequestsPerSecond types.Float64 `tfsdk:"requests_per_second"`
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

			"requests_per_second": requestsPerSecondAttribute(),
		},
	}
}

func (p *l2msgProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if cfg.APIKey.IsUnknown() {
		resp.Diagnostics.AddAttributeError(path.Root("api_key"), "Unknown l2msg API key",
			"The provider cannot be configured with an API key that is only known after apply. "+
				"Set it to a known value, or leave it out and set the "+EnvAPIKey+" environment variable.")
	}
	if cfg.BaseURL.IsUnknown() {
		resp.Diagnostics.AddAttributeError(path.Root("base_url"), "Unknown l2msg base URL",
			"The provider cannot be configured with a base URL that is only known after apply. "+
				"Set it to a known value, or leave it out and set the "+EnvBaseURL+" environment variable.")
	}
	if resp.Diagnostics.HasError() {
		return
	}

	apiKey := os.Getenv(EnvAPIKey)
	if !cfg.APIKey.IsNull() {
		apiKey = cfg.APIKey.ValueString()
	}
	baseURL := os.Getenv(EnvBaseURL)
	if !cfg.BaseURL.IsNull() {
		baseURL = cfg.BaseURL.ValueString()
	}
	rps, diags := requestsPerSecond(cfg.RequestsPerSecond)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	if apiKey == "" {
		resp.Diagnostics.AddAttributeError(path.Root("api_key"), "Missing l2msg API key",
			"Set api_key in the provider block or the "+EnvAPIKey+" environment variable.")
		return
	}

	c, err := client.New(client.Config{
		BaseURL:   baseURL,
		APIKey:    apiKey,
		UserAgent: fmt.Sprintf("terraform-provider-l2msg/%s terraform/%s", p.version, req.TerraformVersion),

		RequestsPerSecond: rps,
	})
	if err != nil {
		// A bad L2MSG_BASE_URL gets here: the schema validator only sees
		// the provider block.
		resp.Diagnostics.AddAttributeError(path.Root("base_url"), "Invalid l2msg base URL", err.Error())
		return
	}
	resp.ResourceData = c
	resp.DataSourceData = c
	resp.EphemeralResourceData = c
}

func (p *l2msgProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewInstanceResource,
	}
}

func (p *l2msgProvider) DataSources(context.Context) []func() datasource.DataSource {
	return nil
}
