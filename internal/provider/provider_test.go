package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

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

// stampedServer serves an emulator and records when each API request
// arrived.
type stampedServer struct {
	mu    sync.Mutex
	times []time.Time
}

func newStampedEmulator(t *testing.T) (*emulator.Server, string, *stampedServer) {
	t.Helper()
	emu := emulator.New(emulator.Options{APIKey: testAPIKey})
	st := &stampedServer{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/__emulator") {
			st.mu.Lock()
			st.times = append(st.times, time.Now())
			st.mu.Unlock()
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return emu, srv.URL, st
}

// maxInWindow returns the most requests that arrived within any window of
// length w.
func (s *stampedServer) maxInWindow(w time.Duration) (most, total int) {
	s.mu.Lock()
	ts := slices.Clone(s.times)
	s.mu.Unlock()
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	lo := 0
	for hi := range ts {
		for ts[hi].Sub(ts[lo]) >= w {
			lo++
		}
		most = max(most, hi-lo+1)
	}
	return most, len(ts)
}

// rateSlack is what a one-second window over a whole test may hold beyond
// the rate: the burst (one request), and one more where one walk (refresh,
// plan, apply, destroy) ends and the next begins within the same second,
// since each walk configures its own client, whose limiter starts with its
// burst token. OpenTofu moves from walk to walk fast enough to show it.
const rateSlack = 2

// The limit is checked on when the requests reached the server, not on how
// long the test took: a slow machine only spreads them further.
func TestAccProvider_requestsPerSecondHoldsRate(t *testing.T) {
	const rps = 20
	emu, url, stamps := newStampedEmulator(t)
	providerHCL := fmt.Sprintf("provider \"l2msg\" {\n  base_url = %q\n  api_key  = %q\n  requests_per_second = %d\n}\n", url, testAPIKey, rps)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy: func(s *terraform.State) error {
			if err := checkDestroyed(emu)(s); err != nil {
				return err
			}
			most, total := stamps.maxInWindow(time.Second)
			// Unlimited, the ten creates alone would land together.
			if total <= rps+1 {
				return fmt.Errorf("only %d requests: too few to test a limit of %d/s", total, rps)
			}
			if most > rps+rateSlack {
				return fmt.Errorf("%d requests arrived within one second, limit %d/s (burst 1)", most, rps)
			}
			return nil
		},
		Steps: []resource.TestStep{{Config: fleetConfig(providerHCL, 10)}},
	})
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

// The environment variable applies when the block leaves the attribute out.
func TestAccProvider_requestsPerSecondFromEnv(t *testing.T) {
	const rps = 10
	emu, url, stamps := newStampedEmulator(t)
	t.Setenv(EnvRequestsPerSecond, fmt.Sprint(rps))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy: func(s *terraform.State) error {
			if err := checkDestroyed(emu)(s); err != nil {
				return err
			}
			if most, total := stamps.maxInWindow(time.Second); total <= rps+1 || most > rps+rateSlack {
				return fmt.Errorf("%d of %d requests within one second, limit %d/s from %s", most, total, rps, EnvRequestsPerSecond)
			}
			return nil
		},
		Steps: []resource.TestStep{{Config: fleetConfig(providerBlock(url), 6)}},
	})
}
