package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// fleetConfig is n instances, each with a webhook, as agencies manage them.
// It counts rather than using for_each, whose string keys the testing
// framework's state checks cannot address.
func fleetConfig(providerHCL string, n int) string {
	return providerHCL + fmt.Sprintf(`
resource "l2msg_instance" "fleet" {
  count         = %d
  instance_name = format("fleet-%%02d", count.index)
  webhook = {
    url    = "https://hooks.example.com/fleet-${format("%%02d", count.index)}"
    events = ["MESSAGES_UPSERT"]
  }
}
`, n)
}

func fleetAddr(i int) string { return fmt.Sprintf("l2msg_instance.fleet[%d]", i) }

// A refresh of 30 instances reads them all from one listing: one request
// for the listing, one webhook/find each, where reading each instance alone
// would take 60.
func TestAccInstance_fleetRefreshUsesOneListing(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	const n = 30
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{Config: fleetConfig(providerBlock(url), n)},
			{
				PreConfig:    emu.ResetStats,
				RefreshState: true,
				Check: func(*terraform.State) error {
					st := emu.Stats()
					if st.Total > n+2 {
						return fmt.Errorf("a refresh of %d instances made %d requests, want at most %d: %v", n, st.Total, n+2, st.ByRoute)
					}
					if got := st.ByRoute["GET /instance/fetchInstances"]; got != 1 {
						return fmt.Errorf("fetchInstances called %d times, want once: %v", got, st.ByRoute)
					}
					return nil
				},
			},
		},
	})
}

// Changes made outside Terraform to a few instances among 30 still show:
// settings and webhook from the shared listing and webhook/find, and an
// instance missing from the listing is re-created.
func TestAccInstance_fleetDriftIsDetected(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	cfg := fleetConfig(providerBlock(url), 30)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					if err := emu.SetSettings("fleet-17", func(s *emulator.Settings) { s.RejectCall = true }); err != nil {
						t.Fatal(err)
					}
					if err := emu.SetWebhook("fleet-23", func(w *emulator.Webhook) { w.URL = "https://elsewhere.example.com" }); err != nil {
						t.Fatal(err)
					}
					if !emu.Remove("fleet-05") {
						t.Fatal("fleet-05 was not on the server")
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(fleetAddr(17), plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(fleetAddr(23), plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(fleetAddr(5), plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(fleetAddr(0), plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction(fleetAddr(29), plancheck.ResourceActionNoop),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkServer(emu, "fleet-17", func(s emulator.Snapshot) error {
						if s.Settings.RejectCall {
							return fmt.Errorf("reject_call was not put back")
						}
						return nil
					}),
					checkServer(emu, "fleet-23", func(s emulator.Snapshot) error {
						if s.Webhook == nil || s.Webhook.URL != "https://hooks.example.com/fleet-23" {
							return fmt.Errorf("webhook was not put back: %+v", s.Webhook)
						}
						return nil
					}),
					checkServer(emu, "fleet-05", func(emulator.Snapshot) error { return nil }),
				),
			},
		},
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
			// The burst is one request.
			if most > rps+1 {
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
			if most, total := stamps.maxInWindow(time.Second); total <= rps+1 || most > rps+1 {
				return fmt.Errorf("%d of %d requests within one second, limit %d/s from %s", most, total, rps, EnvRequestsPerSecond)
			}
			return nil
		},
		Steps: []resource.TestStep{{Config: fleetConfig(providerBlock(url), 6)}},
	})
}
