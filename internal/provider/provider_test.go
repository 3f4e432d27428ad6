package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

func TestProviderSchemaMarksAPIKeySensitive(t *testing.T) {
	p := New("test")()
	var resp provider.SchemaResponse
	p.Schema(context.Background(), provider.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	attr, ok := resp.Schema.Attributes["api_key"]
	if !ok || !attr.IsSensitive() {
		t.Fatalf("api_key must exist and be Sensitive, got %#v", attr)
	}
	if d := resp.Schema.Attributes["base_url"]; d == nil || d.IsSensitive() {
		t.Fatalf("base_url must exist and not be sensitive")
	}
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
				EnvMinRetryDelay: "100ms", EnvMaxRetryDelay: "2m", EnvRequestsPerSecond: "10"}),
			want: client.Config{APIKey: "k", BaseURL: "http://h:8080", MaxRetries: 0, RequestTimeout: 5 * time.Second,
				MinRetryDelay: 100 * time.Millisecond, MaxRetryDelay: 2 * time.Minute, RequestsPerSecond: 10},
		},
		{
			name: "the provider block wins over the environment",
			model: providerModel{APIKey: types.StringValue("block"), MaxRetries: types.Int64Value(7),
				RequestTimeout: types.StringValue("1m"), MinRetryDelay: types.StringValue("2s"), MaxRetryDelay: types.StringValue("3s"),
				RequestsPerSecond: types.Float64Value(20)},
			env: withKey(map[string]string{EnvMaxRetries: "1", EnvRequestTimeout: "5s", EnvMinRetryDelay: "junk", EnvMaxRetryDelay: "junk",
				EnvRequestsPerSecond: "junk"}),
			want: client.Config{APIKey: "block", MaxRetries: 7, RequestTimeout: time.Minute, MinRetryDelay: 2 * time.Second, MaxRetryDelay: 3 * time.Second,
				RequestsPerSecond: 20},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, diags := clientConfig(tt.model, envOf(tt.env))
			if diags.HasError() {
				t.Fatal(diags)
			}
			if got.APIKey != tt.want.APIKey || got.BaseURL != tt.want.BaseURL || got.MaxRetries != tt.want.MaxRetries ||
				got.RequestTimeout != tt.want.RequestTimeout || got.MinRetryDelay != tt.want.MinRetryDelay || got.MaxRetryDelay != tt.want.MaxRetryDelay ||
				got.RequestsPerSecond != tt.want.RequestsPerSecond {
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

func TestAccProvider_configErrors(t *testing.T) {
	_, url := newEmulator(t, emulator.Options{})
	t.Setenv(EnvAPIKey, "")
	t.Setenv(EnvBaseURL, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:      fmt.Sprintf("provider \"l2msg\" {\n  base_url = %q\n}\n", url) + `resource "l2msg_instance" "test" { instance_name = "x" }`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Missing l2msg API key.*L2MSG_API_KEY`),
			},
			{
				Config:      "provider \"l2msg\" {\n  base_url = \"localhost:8080\"\n  api_key = \"k\"\n}\n" + `resource "l2msg_instance" "test" { instance_name = "x" }`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)base_url.*must\s+start\s+with\s+http://\s+or\s+https://`),
			},
			{
				Config:      fmt.Sprintf("provider \"l2msg\" {\n  base_url = %q\n  api_key = \"wrong\"\n}\n", url) + `resource "l2msg_instance" "test" { instance_name = "x" }`,
				ExpectError: regexp.MustCompile(`(?s)401.*check api_key or the L2MSG_API_KEY`),
			},
		},
	})
}

func TestAccProvider_envVars(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{Prefix: "/whatsapp"})
	t.Setenv(EnvAPIKey, testAPIKey)
	t.Setenv(EnvBaseURL, url)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{{
			Config: `resource "l2msg_instance" "test" { instance_name = "from env" }`,
			Check:  checkServer(emu, "from env", func(emulator.Snapshot) error { return nil }),
		}},
	})
}

// requests_per_second, from the block or the environment, is the limit of
// the client every resource gets. That the client holds its limit is
// client.TestRateLimitHoldsRate, measured where the limiter lets requests
// go: timestamps taken at a server would bunch on a loaded machine.
func TestConfigureLimitsTheClientsRate(t *testing.T) {
	ctx := context.Background()
	p := New("test")()
	var sresp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &sresp)
	typ := sresp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	configure := func(rps *float64) (*client.Client, diag.Diagnostics) {
		vals := map[string]tftypes.Value{}
		for name, at := range typ.AttributeTypes {
			vals[name] = tftypes.NewValue(at, nil)
		}
		vals["base_url"] = tftypes.NewValue(tftypes.String, "http://127.0.0.1:1")
		vals["api_key"] = tftypes.NewValue(tftypes.String, "k")
		if rps != nil {
			vals["requests_per_second"] = tftypes.NewValue(tftypes.Number, *rps)
		}
		var resp provider.ConfigureResponse
		p.Configure(ctx, provider.ConfigureRequest{Config: tfsdk.Config{Schema: sresp.Schema, Raw: tftypes.NewValue(typ, vals)}}, &resp)
		if resp.Diagnostics.HasError() {
			return nil, resp.Diagnostics
		}
		return resp.ResourceData.(*providerData).client, nil
	}
	twenty := 20.0
	for _, tt := range []struct {
		name  string
		block *float64
		env   string
		want  float64
	}{
		{"none", nil, "", 0},
		{"block", &twenty, "", 20},
		{"environment", nil, "10", 10},
		{"block over environment", &twenty, "10", 20},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(EnvRequestsPerSecond, tt.env)
			c, diags := configure(tt.block)
			if diags.HasError() {
				t.Fatal(diags)
			}
			if got := c.RequestsPerSecond(); got != tt.want {
				t.Errorf("the client's limit is %v/s, want %v", got, tt.want)
			}
		})
	}
}

func TestAccProvider_requestsPerSecondRejected(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	resourceHCL := `resource "l2msg_instance" "test" { instance_name = "x" }`
	withRate := func(v string) string {
		return fmt.Sprintf("provider \"l2msg\" {\n  base_url = %q\n  api_key  = %q\n  requests_per_second = %s\n}\n", url, testAPIKey, v)
	}
	for _, tc := range []struct {
		name, provider, env, want string
	}{
		{"zero", withRate("0"), "", `(?s)requests_per_second.*greater\s+than\s+0`},
		{"negative", withRate("-5"), "", `(?s)requests_per_second.*greater\s+than\s+0`},
		{"env not a number", providerBlock(url), "fast", `(?s)Invalid L2MSG_REQUESTS_PER_SECOND.*"fast"`},
		{"env zero", providerBlock(url), "0", `(?s)L2MSG_REQUESTS_PER_SECOND.*greater\s+than\s+0`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(EnvRequestsPerSecond, tc.env)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []resource.TestStep{{
					Config:      tc.provider + resourceHCL,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
	if st := emu.Stats(); st.Total != 0 {
		t.Fatalf("a rejected rate reached the server: %d requests (%v)", st.Total, st.ByRoute)
	}
}
