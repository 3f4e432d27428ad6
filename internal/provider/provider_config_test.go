package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestClientConfig(t *testing.T) {
	withKey := func(m map[string]string) map[string]string {
		out := map[string]string{EnvAPIKey: "k"}
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	tests := []struct {
		name  string
		model providerModel
		env   map[string]string
		want  client.Config
	}{
		{
			name: "defaults",
			env:  withKey(nil),
			want: client.Config{APIKey: "k", MaxRetries: 4, RequestTimeout: 30 * time.Second, MinRetryDelay: time.Second, MaxRetryDelay: 30 * time.Second},
		},
		{
			name: "environment",
			env: withKey(map[string]string{EnvBaseURL: "http://h:8080", EnvMaxRetries: " 0 ", EnvRequestTimeout: "5s",
				EnvMinRetryDelay: "100ms", EnvMaxRetryDelay: "2m"}),
			want: client.Config{APIKey: "k", BaseURL: "http://h:8080", MaxRetries: 0, RequestTimeout: 5 * time.Second,
				MinRetryDelay: 100 * time.Millisecond, MaxRetryDelay: 2 * time.Minute},
		},
		{
			name: "the provider block wins over the environment",
			model: providerModel{APIKey: types.StringValue("block"), MaxRetries: types.Int64Value(7),
				RequestTimeout: types.StringValue("1m"), MinRetryDelay: types.StringValue("2s"), MaxRetryDelay: types.StringValue("3s")},
			env:  withKey(map[string]string{EnvMaxRetries: "1", EnvRequestTimeout: "5s", EnvMinRetryDelay: "junk", EnvMaxRetryDelay: "junk"}),
			want: client.Config{APIKey: "block", MaxRetries: 7, RequestTimeout: time.Minute, MinRetryDelay: 2 * time.Second, MaxRetryDelay: 3 * time.Second},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, diags := clientConfig(tt.model, envOf(tt.env))
			if diags.HasError() {
				t.Fatal(diags)
			}
			if got.APIKey != tt.want.APIKey || got.BaseURL != tt.want.BaseURL || got.MaxRetries != tt.want.MaxRetries ||
				got.RequestTimeout != tt.want.RequestTimeout || got.MinRetryDelay != tt.want.MinRetryDelay || got.MaxRetryDelay != tt.want.MaxRetryDelay {
				t.Errorf("clientConfig = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestClientConfigErrors(t *testing.T) {
	tests := []struct {
		name   string
		model  providerModel
		env    map[string]string
		path   string
		detail string
	}{
		{"no key", providerModel{}, nil, "api_key", "L2MSG_API_KEY"},
		{"unknown key", providerModel{APIKey: types.StringUnknown()}, nil, "api_key", "L2MSG_API_KEY"},
		{"unknown retries", providerModel{MaxRetries: types.Int64Unknown()}, map[string]string{EnvAPIKey: "k"}, "max_retries", "L2MSG_MAX_RETRIES"},
		{"unknown timeout", providerModel{RequestTimeout: types.StringUnknown()}, map[string]string{EnvAPIKey: "k"}, "request_timeout", "L2MSG_REQUEST_TIMEOUT"},
		{"retries not a number", providerModel{}, map[string]string{EnvAPIKey: "k", EnvMaxRetries: "lots"}, "max_retries", `L2MSG_MAX_RETRIES environment variable (used for max_retries) must be a whole number, 0 or more; got "lots"`},
		{"negative retries", providerModel{}, map[string]string{EnvAPIKey: "k", EnvMaxRetries: "-1"}, "max_retries", "L2MSG_MAX_RETRIES"},
		{"timeout without a unit", providerModel{}, map[string]string{EnvAPIKey: "k", EnvRequestTimeout: "30"}, "request_timeout", `L2MSG_REQUEST_TIMEOUT environment variable (used for request_timeout) must be a positive Go duration`},
		{"zero min delay", providerModel{}, map[string]string{EnvAPIKey: "k", EnvMinRetryDelay: "0s"}, "min_retry_delay", "L2MSG_MIN_RETRY_DELAY"},
		{"negative max delay", providerModel{}, map[string]string{EnvAPIKey: "k", EnvMaxRetryDelay: "-5s"}, "max_retry_delay", "L2MSG_MAX_RETRY_DELAY"},
		{"min above max from the environment", providerModel{}, map[string]string{EnvAPIKey: "k", EnvMinRetryDelay: "1m"}, "max_retry_delay", "must not be shorter than min_retry_delay"},
		{"min above max across block and environment", providerModel{MaxRetryDelay: types.StringValue("1s")}, map[string]string{EnvAPIKey: "k", EnvMinRetryDelay: "5s"}, "max_retry_delay", "L2MSG_MIN_RETRY_DELAY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := clientConfig(tt.model, envOf(tt.env))
			if !hasAttributeError(diags, tt.path, tt.detail) {
				t.Errorf("want an error at %s mentioning %q, got %v", tt.path, tt.detail, diags)
			}
		})
	}
}

func hasAttributeError(diags diag.Diagnostics, path, detail string) bool {
	for _, d := range diags.Errors() {
		dp, ok := d.(diag.DiagnosticWithPath)
		if ok && dp.Path().String() == path && strings.Contains(d.Summary()+" "+d.Detail(), detail) {
			return true
		}
	}
	return false
}
