package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// Environment variables read when the provider block leaves a value out.
const (
	EnvAPIKey            = "L2MSG_API_KEY"
	EnvBaseURL           = "L2MSG_BASE_URL"
	EnvMaxRetries        = "L2MSG_MAX_RETRIES"
	EnvRequestTimeout    = "L2MSG_REQUEST_TIMEOUT"
	EnvMinRetryDelay     = "L2MSG_MIN_RETRY_DELAY"
	EnvMaxRetryDelay     = "L2MSG_MAX_RETRY_DELAY"
	EnvRequestsPerSecond = "L2MSG_REQUESTS_PER_SECOND"
)

type providerModel struct {
	APIKey         types.String `tfsdk:"api_key"`
	BaseURL        types.String `tfsdk:"base_url"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
	MinRetryDelay  types.String `tfsdk:"min_retry_delay"`
	MaxRetryDelay  types.String `tfsdk:"max_retry_delay"`

	RequestsPerSecond types.Float64 `tfsdk:"requests_per_second"`
}

func maxRetriesAttribute() schema.Int64Attribute {
	return schema.Int64Attribute{
		Description: fmt.Sprintf("How many times a failed API request is tried again: rate limits (429, honouring Retry-After), "+
			"502/503/504, and 500s and dropped connections of requests that are safe to repeat. A create is never repeated blindly: "+
			"see the `l2msg_instance` resource. `0` turns retries off. Defaults to the `%s` environment variable, then to `%d`.",
			EnvMaxRetries, client.DefaultMaxRetries),
		Optional:   true,
		Validators: []validator.Int64{int64validator.AtLeast(0)},
	}
}

func durationAttribute(what, env string, def time.Duration) schema.StringAttribute {
	return schema.StringAttribute{
		Description: fmt.Sprintf("%s, as a Go duration such as `500ms`, `30s` or `2m`. Defaults to the `%s` environment variable, then to `%s`.",
			what, env, def),
		Optional:   true,
		Validators: []validator.String{positiveDuration()},
	}
}

// retryDelaysOrdered checks the retry delays of the provider block against
// each other; clientConfig checks them again once the environment is in.
type retryDelaysOrdered struct{}

func (retryDelaysOrdered) Description(context.Context) string {
	return "max_retry_delay must not be shorter than min_retry_delay"
}

func (v retryDelaysOrdered) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (retryDelaysOrdered) ValidateProvider(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var minDelay, maxDelay types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("min_retry_delay"), &minDelay)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("max_retry_delay"), &maxDelay)...)
	if resp.Diagnostics.HasError() {
		return
	}
	minD, errMin := parsePositiveDuration(minDelay.ValueString())
	maxD, errMax := parsePositiveDuration(maxDelay.ValueString())
	if errMin == nil && errMax == nil && minD > maxD {
		resp.Diagnostics.AddAttributeError(path.Root("max_retry_delay"), "Invalid retry delays",
			fmt.Sprintf("Attribute max_retry_delay (%s) must not be shorter than min_retry_delay (%s).", maxD, minD))
	}
}

// clientConfig turns the provider block and the environment into the
// client's configuration: a value in the block wins over its environment
// variable, which wins over the default. Errors carry the attribute path
// and name the environment variable when that is where the value came from.
func clientConfig(m providerModel, getenv func(string) string) (client.Config, diag.Diagnostics) {
	var diags diag.Diagnostics
	for _, a := range []struct {
		name, env string
		unknown   bool
	}{
		{"api_key", EnvAPIKey, m.APIKey.IsUnknown()},
		{"base_url", EnvBaseURL, m.BaseURL.IsUnknown()},
		{"max_retries", EnvMaxRetries, m.MaxRetries.IsUnknown()},
		{"request_timeout", EnvRequestTimeout, m.RequestTimeout.IsUnknown()},
		{"min_retry_delay", EnvMinRetryDelay, m.MinRetryDelay.IsUnknown()},
		{"max_retry_delay", EnvMaxRetryDelay, m.MaxRetryDelay.IsUnknown()},
		{"requests_per_second", EnvRequestsPerSecond, m.RequestsPerSecond.IsUnknown()},
	} {
		if a.unknown {
			diags.AddAttributeError(path.Root(a.name), "Unknown "+a.name,
				fmt.Sprintf("The provider cannot be configured with a %s that is only known after apply. "+
					"Set it to a known value, or leave it out and set the %s environment variable.", a.name, a.env))
		}
	}
	if diags.HasError() {
		return client.Config{}, diags
	}

	cfg := client.Config{
		APIKey:  stringSetting(m.APIKey, getenv(EnvAPIKey)),
		BaseURL: stringSetting(m.BaseURL, getenv(EnvBaseURL)),
	}
	if cfg.APIKey == "" {
		diags.AddAttributeError(path.Root("api_key"), "Missing l2msg API key",
			"Set api_key in the provider block or the "+EnvAPIKey+" environment variable.")
	}

	cfg.MaxRetries = client.DefaultMaxRetries
	if !m.MaxRetries.IsNull() {
		cfg.MaxRetries = int(m.MaxRetries.ValueInt64())
	} else if v := strings.TrimSpace(getenv(EnvMaxRetries)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			diags.AddAttributeError(path.Root("max_retries"), "Invalid "+EnvMaxRetries,
				fmt.Sprintf("The %s environment variable (used for max_retries) must be a whole number, 0 or more; got %q.", EnvMaxRetries, v))
		}
		cfg.MaxRetries = n
	}

	cfg.RequestTimeout = durationSetting(&diags, "request_timeout", EnvRequestTimeout, m.RequestTimeout, getenv, client.DefaultRequestTimeout)
	cfg.MinRetryDelay = durationSetting(&diags, "min_retry_delay", EnvMinRetryDelay, m.MinRetryDelay, getenv, client.DefaultMinRetryDelay)
	cfg.MaxRetryDelay = durationSetting(&diags, "max_retry_delay", EnvMaxRetryDelay, m.MaxRetryDelay, getenv, client.DefaultMaxRetryDelay)
	if !diags.HasError() && cfg.MinRetryDelay > cfg.MaxRetryDelay {
		diags.AddAttributeError(path.Root("max_retry_delay"), "Invalid retry delays",
			fmt.Sprintf("max_retry_delay (%s, from the provider block or %s) must not be shorter than min_retry_delay (%s, from the provider block or %s).",
				cfg.MaxRetryDelay, EnvMaxRetryDelay, cfg.MinRetryDelay, EnvMinRetryDelay))
	}
	cfg.RequestsPerSecond = rateSetting(&diags, m.RequestsPerSecond, getenv)
	return cfg, diags
}

func stringSetting(v types.String, env string) string {
	if !v.IsNull() {
		return v.ValueString()
	}
	return env
}

// durationSetting reads a duration attribute, else its environment
// variable, else def. The attribute was validated at plan time; the
// variable is checked here.
func durationSetting(diags *diag.Diagnostics, name, env string, v types.String, getenv func(string) string, def time.Duration) time.Duration {
	if !v.IsNull() {
		d, _ := parsePositiveDuration(v.ValueString())
		return d
	}
	raw := strings.TrimSpace(getenv(env))
	if raw == "" {
		return def
	}
	d, err := parsePositiveDuration(raw)
	if err != nil {
		diags.AddAttributeError(path.Root(name), "Invalid "+env,
			fmt.Sprintf("The %s environment variable (used for %s) %s.", env, name, err))
	}
	return d
}

// rateSetting reads requests_per_second, else its environment variable;
// 0 means no limit.
func rateSetting(diags *diag.Diagnostics, v types.Float64, getenv func(string) string) float64 {
	if !v.IsNull() {
		return v.ValueFloat64()
	}
	raw := strings.TrimSpace(getenv(EnvRequestsPerSecond))
	if raw == "" {
		return 0
	}
	rps, err := strconv.ParseFloat(raw, 64)
	if err != nil || !validRate(rps) {
		diags.AddAttributeError(path.Root("requests_per_second"), "Invalid "+EnvRequestsPerSecond,
			fmt.Sprintf("The %s environment variable must be a number greater than 0 (requests per second), got %q. "+
				"Unset it for no limit.", EnvRequestsPerSecond, raw))
		return 0
	}
	return rps
}
