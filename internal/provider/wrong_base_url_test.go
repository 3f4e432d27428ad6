package provider

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// A base_url that serves no API (the server without its /whatsapp prefix,
// a gateway in front) answers 404 to everything. That is not "the instance
// is gone": plan, apply and destroy must fail, and every instance stay in
// state, instead of refresh dropping them and leaving them orphaned.

// wrongPlaces are base URLs that answer 404 to every route, next to the
// emulator's right one.
func wrongPlaces(t *testing.T, url string) map[string]string {
	t.Helper()
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"message":"no Route matched with those values"}`)
	}))
	t.Cleanup(gateway.Close)
	html := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(html.Close)
	return map[string]string{
		// Evolution's own answer for a route it does not have.
		"without /whatsapp": strings.TrimSuffix(url, "/whatsapp"),
		"a gateway":         gateway.URL,
		"a plain 404 page":  html.URL,
	}
}

const twoInstances = `
resource "l2msg_instance" "a" {
  instance_name = "kept-a"
}

resource "l2msg_instance" "b" {
  instance_name = "kept-b"
}
`

// wrongPlace is the start of the error for a 404 that is not about an
// instance; terraform wraps long lines.
var wrongPlace = regexp.MustCompile(`(?s)404\s+Not\s+Found\s+from.*check\s+base_url`)

func checkStateHolds(addrs ...string) resource.TestCheckFunc {
	return func(st *terraform.State) error {
		for _, a := range addrs {
			if _, ok := st.RootModule().Resources[a]; !ok {
				return fmt.Errorf("%s left the state", a)
			}
		}
		return nil
	}
}

func TestAccWrongBaseURL_keepsEveryInstance(t *testing.T) {
	for _, what := range []string{"without /whatsapp", "a gateway", "a plain 404 page"} {
		t.Run(what, func(t *testing.T) {
			emu, url := newEmulator(t, emulator.Options{Prefix: "/whatsapp"})
			wrong := wrongPlaces(t, url)[what]
			right, bad := providerBlock(url)+twoInstances, fastRetryProviderBlock(wrong, 0)+twoInstances
			onServer := func(*terraform.State) error {
				if names := emu.Names(); len(names) != 2 {
					return fmt.Errorf("server holds %v, want both instances", names)
				}
				return nil
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             checkDestroyed(emu),
				Steps: []resource.TestStep{
					{Config: right, Check: onServer},
					{Config: bad, PlanOnly: true, ExpectError: wrongPlace},
					{Config: bad, ExpectError: wrongPlace},
					{Config: bad, Destroy: true, ExpectError: wrongPlace},
					// Back at the right URL: both are still in state and
					// match the server, so the plan is empty (PlanOnly
					// fails on any change).
					{Config: right, PlanOnly: true},
					{Config: right, Check: resource.ComposeAggregateTestCheckFunc(onServer, checkStateHolds("l2msg_instance.a", "l2msg_instance.b"))},
				},
			})
		})
	}
}

// The data sources and the ephemeral resource fail the same way, naming
// base_url, rather than reporting the instance missing.
func TestAccWrongBaseURL_readsFail(t *testing.T) {
	_, url := newEmulator(t, emulator.Options{Prefix: "/whatsapp"})
	configs := map[string]string{
		"data source l2msg_instance":  `data "l2msg_instance" "x" { instance_name = "kept-a" }`,
		"data source l2msg_instances": `data "l2msg_instances" "all" {}`,
		"ephemeral resource":          `ephemeral "l2msg_instance_connect" "x" { instance_name = "kept-a" }`,
	}
	for where, wrong := range wrongPlaces(t, url) {
		for what, cfg := range configs {
			t.Run(where+"/"+what, func(t *testing.T) {
				resource.ParallelTest(t, resource.TestCase{
					ProtoV6ProviderFactories: testAccProviders,
					Steps: []resource.TestStep{{
						Config:      fastRetryProviderBlock(wrong, 0) + cfg,
						PlanOnly:    true,
						ExpectError: wrongPlace,
					}},
				})
			})
		}
	}
}

// A create whose outcome cannot be known (a gateway answering 502 to the
// create and to the look-up after it) leaves the name in state as a tainted
// placeholder: the error says so, and what the next apply does with it.
func TestAccWrongBaseURL_unresolvedCreateSaysStateHoldsIt(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	var broken atomic.Bool
	broken.Store(true)
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if broken.Load() {
			_, _ = io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(gw.Close)
	base := gw.URL + strings.TrimPrefix(url, strings.TrimSuffix(url, emu.Prefix()))
	cfg := fastRetryProviderBlock(base, 0) + `
resource "l2msg_instance" "test" {
  instance_name = "unresolved"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				Config:      cfg,
				ExpectError: regexp.MustCompile(`(?s)state\s+now\s+holds\s+instance\s+"unresolved".*tainted.*base_url`),
			},
			{
				PreConfig: func() { broken.Store(false) },
				Config:    cfg,
				Check:     checkStateHolds("l2msg_instance.test"),
			},
		},
	})
}
