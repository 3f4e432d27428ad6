package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

const proxyAddr = "l2msg_instance_proxy.test"

// proxyConfig is an instance with a proxy; body is the proxy's attributes
// after instance_name and instance_id.
func proxyConfig(baseURL, name, body string) string {
	return providerBlock(baseURL) + fmt.Sprintf(`
resource "l2msg_instance" "test" {
  instance_name = %q
}

resource "l2msg_instance_proxy" "test" {
  instance_name = l2msg_instance.test.instance_name
  instance_id   = l2msg_instance.test.instance_id
%s
}
`, name, body)
}

// checkProxy compares the emulator's proxy row with want.
func checkProxy(emu *emulator.Server, name string, want *emulator.Proxy) resource.TestCheckFunc {
	return checkServer(emu, name, func(s emulator.Snapshot) error {
		switch {
		case want == nil && s.Proxy != nil:
			return fmt.Errorf("proxy on the server: %+v, want none", *s.Proxy)
		case want != nil && (s.Proxy == nil || *s.Proxy != *want):
			return fmt.Errorf("proxy on the server: %+v, want %+v", s.Proxy, *want)
		}
		return nil
	})
}

func TestAccProxy_lifecycle(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	const name = "proxied"
	full := `
  host     = "proxy.example.com"
  port     = 3128
  username = "agent"
  password = "pr0xy-pass"
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				Config: proxyConfig(url, name, full),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(proxyAddr, "id", name),
					resource.TestCheckResourceAttr(proxyAddr, "enabled", "true"),
					resource.TestCheckResourceAttr(proxyAddr, "protocol", "http"),
					resource.TestCheckResourceAttr(proxyAddr, "port", "3128"),
					resource.TestCheckResourceAttrPair(proxyAddr, "instance_id", "l2msg_instance.test", "instance_id"),
					checkProxy(emu, name, &emulator.Proxy{Enabled: true, Host: "proxy.example.com", Port: "3128", Protocol: "http", Username: "agent", Password: "pr0xy-pass"}),
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			// In place: a new port and no credentials (sent blank, not left out).
			{
				Config: proxyConfig(url, name, "  host = \"proxy.example.com\"\n  port = 8080\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(proxyAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkProxy(emu, name, &emulator.Proxy{Enabled: true, Host: "proxy.example.com", Port: "8080", Protocol: "http"}),
			},
			// Drift: changed in the panel, put back by the next apply.
			{
				PreConfig: func() {
					if err := emu.SetProxy(name, func(p *emulator.Proxy) { p.Port = "9999"; p.Host = "other.example.com" }); err != nil {
						t.Fatal(err)
					}
				},
				Config: proxyConfig(url, name, "  host = \"proxy.example.com\"\n  port = 8080\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(proxyAddr, plancheck.ResourceActionUpdate)},
				},
				Check: checkProxy(emu, name, &emulator.Proxy{Enabled: true, Host: "proxy.example.com", Port: "8080", Protocol: "http"}),
			},
			// Switched off: the server blanks it; the configuration keeps
			// its values and plans nothing more.
			{
				Config: proxyConfig(url, name, "  enabled = false\n  host = \"proxy.example.com\"\n  port = 8080\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkProxy(emu, name, &emulator.Proxy{}),
			},
			{
				Config:            proxyConfig(url, name, full),
				ResourceName:      proxyAddr,
				ImportState:       true,
				ImportStateId:     name,
				ImportStateVerify: true,
				// The import reads what the server has: the proxy is off.
				ImportStateVerifyIgnore: []string{"enabled", "host", "port", "protocol", "username", "password", "timeouts"},
			},
			// Destroying only the proxy switches it off.
			{
				Config: proxyConfig(url, name, full),
				Check:  checkProxy(emu, name, &emulator.Proxy{Enabled: true, Host: "proxy.example.com", Port: "3128", Protocol: "http", Username: "agent", Password: "pr0xy-pass"}),
			},
			{
				Config: providerBlock(url) + fmt.Sprintf("resource \"l2msg_instance\" \"test\" {\n  instance_name = %q\n}\n", name),
				Check:  checkProxy(emu, name, &emulator.Proxy{}),
			},
		},
	})
}

func TestAccProxy_import(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	const name = "imported proxy"
	body := "  host = \"10.0.0.5\"\n  port = 1080\n  username = \"u\"\n  password = \"p4ss\"\n"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{Config: proxyConfig(url, name, body)},
			{
				Config: proxyConfig(url, name, body), ResourceName: proxyAddr, ImportState: true, ImportStateId: name,
				// An import leaves the password out of state: it cannot tell
				// whether the configuration uses password_wo.
				ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts", "password"},
			},
			{
				Config: proxyConfig(url, name, body), ResourceName: proxyAddr, ImportState: true, ImportStateId: "a/b",
				ExpectError: regexp.MustCompile(`(?s)Invalid import ID.*<instance_name>`),
			},
		},
	})
}

// The instance is replaced (its number changes): the server deletes the
// proxy with it, and the same apply re-creates the proxy.
func TestAccProxy_replacedWithTheInstance(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	const name = "replaced"
	cfg := func(number string) string {
		return providerBlock(url) + fmt.Sprintf(`
resource "l2msg_instance" "test" {
  instance_name = %q
  number        = %q
}

resource "l2msg_instance_proxy" "test" {
  instance_name = l2msg_instance.test.instance_name
  instance_id   = l2msg_instance.test.instance_id
  host          = "proxy.example.com"
  port          = 3128
}
`, name, number)
	}
	var firstID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				Config: cfg("5511999990001"),
				Check: func(*terraform.State) error {
					snap, _ := emu.Instance(name)
					firstID = snap.ID
					return nil
				},
			},
			{
				Config: cfg("5511999990002"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("l2msg_instance.test", plancheck.ResourceActionDestroyBeforeCreate),
						plancheck.ExpectResourceAction(proxyAddr, plancheck.ResourceActionDestroyBeforeCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkProxy(emu, name, &emulator.Proxy{Enabled: true, Host: "proxy.example.com", Port: "3128", Protocol: "http"}),
					checkServer(emu, name, func(s emulator.Snapshot) error {
						if s.ID == firstID {
							return fmt.Errorf("the instance was not replaced")
						}
						return nil
					}),
				),
			},
		},
	})
}

// The server's quirks, met by the user only as clear errors.
func TestAccProxy_serverRefusesOrHangs(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				Config:      proxyConfig(url, "refused", "  host = \"proxy.example.invalid\"\n  port = 3128\n"),
				ExpectError: regexp.MustCompile(`(?s)refused the proxy.*Invalid proxy.*Nothing was changed`),
			},
			{
				Config:      proxyConfig(url, "refused", "  host = \"proxy.example.com\"\n  port = 3128\n  protocol = \"socks5\"\n"),
				ExpectError: regexp.MustCompile(`(?s)refused the proxy.*does\s+not\s+support\s+protocol\s+"socks5"`),
			},
			// An address that never answers: the server's test has no time
			// limit, the provider's timeouts bound it.
			{
				Config:      proxyConfig(url, "refused", "  host = \"192.0.2.10\"\n  port = 3128\n  timeouts {\n    create = \"1s\"\n  }\n"),
				ExpectError: regexp.MustCompile(`(?s)proxy test of instance "refused" did not finish.*timeouts.create`),
				Check:       checkProxy(emu, "refused", nil),
			},
		},
	})
}

// password_wo reaches the server and never state; its version sends it again.
func TestAccProxy_writeOnlyPassword(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	const name = "wo proxy"
	cfg := func(pass string, version int) string {
		return proxyConfig(url, name, fmt.Sprintf("  host = \"proxy.example.com\"\n  port = 3128\n  username = \"u\"\n  password_wo = %q\n  password_wo_version = %d\n", pass, version))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				Config: cfg("wo-secret-1", 1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(proxyAddr, tfjsonpath.New("password"), knownvalue.Null()),
					statecheck.ExpectKnownValue(proxyAddr, tfjsonpath.New("password_wo"), knownvalue.Null()),
				},
				Check:            checkProxy(emu, name, &emulator.Proxy{Enabled: true, Host: "proxy.example.com", Port: "3128", Protocol: "http", Username: "u", Password: "wo-secret-1"}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: cfg("wo-secret-2", 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(proxyAddr, plancheck.ResourceActionUpdate)},
				},
				Check: checkProxy(emu, name, &emulator.Proxy{Enabled: true, Host: "proxy.example.com", Port: "3128", Protocol: "http", Username: "u", Password: "wo-secret-2"}),
			},
		},
	})
}

func TestAccProxy_badInputSendsNothing(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{})
	// The cases run in parallel, after this function returns.
	t.Cleanup(func() {
		if st := emu.Stats(); st.Total != 0 {
			t.Errorf("bad input reached the server: %v", st.ByRoute)
		}
	})
	for _, tc := range []struct{ name, body, want string }{
		{"port zero", "  host = \"h.example.com\"\n  port = 0\n", `(?s)port.*between 1 and 65535`},
		{"port too high", "  host = \"h.example.com\"\n  port = 65536\n", `(?s)port.*between 1 and 65535`},
		{"port as a word", "  host = \"h.example.com\"\n  port = \"http\"\n", `(?s)port.*(number is required|a number is required)`},
		{"protocol", "  host = \"h.example.com\"\n  port = 1\n  protocol = \"ftp\"\n", `(?s)protocol.*value must be one of`},
		{"host with a scheme", "  host = \"http://h.example.com\"\n  port = 1\n", `(?s)host.*host name or an IP address`},
		{"host too long", "  host = \"" + strings.Repeat("a", 101) + "\"\n  port = 1\n", `(?s)host.*character count must be at most 100`},
		{"username without password", "  host = \"h.example.com\"\n  port = 1\n  username = \"u\"\n", `(?s)Missing proxy password`},
		{"password without username", "  host = \"h.example.com\"\n  port = 1\n  password = \"pw-plain-1\"\n", `(?s)Missing proxy username`},
		{"colon in the username", "  host = \"h.example.com\"\n  port = 1\n  username = \"a:b\"\n  password = \"pw-plain-1\"\n", `(?s)username.*must not contain`},
		{"slash in the password", "  host = \"h.example.com\"\n  port = 1\n  username = \"u\"\n  password = \"se/cret\"\n", `(?s)password must not contain.*not shown`},
		{"password too long", "  host = \"h.example.com\"\n  port = 1\n  username = \"u\"\n  password = \"" + strings.Repeat("p", 101) + "\"\n", `(?s)password.*character count must be between 1 and 100`},
		{"both passwords", "  host = \"h.example.com\"\n  port = 1\n  username = \"u\"\n  password = \"pw-plain-1\"\n  password_wo = \"pw-wo-2\"\n  password_wo_version = 1\n", `(?s)password.*cannot be configured together|Invalid Attribute Combination`},
		{"write-only without version", "  host = \"h.example.com\"\n  port = 1\n  username = \"u\"\n  password_wo = \"pw-wo-2\"\n", `(?s)password_wo_version`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []resource.TestStep{{
					Config:      proxyConfig(url, "bad", tc.body),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

// The server answers a proxy set before its write and never reports a
// failed one: a proxy that was not stored must fail the apply, not be
// recorded as if it were.
func TestAccProxy_unsavedProxyIsAnError(t *testing.T) {
	emu := emulator.New(emulator.Options{APIKey: testAPIKey})
	var dropWrites atomic.Bool
	dropWrites.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if dropWrites.Load() && r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/proxy/set/") {
			// What the server answers when its un-awaited write fails.
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"proxy":{"instanceName":"unsaved","proxy":{}}}`))
			return
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	body := "  host = \"proxy.example.com\"\n  port = 3128\n"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				Config:      proxyConfig(srv.URL, "unsaved", body),
				ExpectError: regexp.MustCompile(`(?s)did not store the proxy.*no\s+proxy\s+at\s+all`),
			},
			{
				PreConfig: func() { dropWrites.Store(false) },
				Config:    proxyConfig(srv.URL, "unsaved", body),
				Check:     checkProxy(emu, "unsaved", &emulator.Proxy{Enabled: true, Host: "proxy.example.com", Port: "3128", Protocol: "http"}),
			},
		},
	})
}

// A stale or mistyped instance_id never configures the instance that now
// carries the name: the write stops before anything is sent.
func TestAccProxy_wrongInstanceIDSendsNothing(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	cfg := providerBlock(url) + `
resource "l2msg_instance" "test" {
  instance_name = "linked"
}

resource "l2msg_instance_proxy" "test" {
  instance_name = l2msg_instance.test.instance_name
  instance_id   = "00000000-0000-4000-8000-000000000000"
  host          = "proxy.example.com"
  port          = 3128
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{{
			Config:      cfg,
			ExpectError: regexp.MustCompile(`(?s)Instance id does not match.*instance_id is\s+"00000000-0000-4000-8000-000000000000"`),
			Check:       checkProxy(emu, "linked", nil),
		}},
	})
	if n := emu.Stats().ByRoute["POST /proxy/set/:name"]; n != 0 {
		t.Fatalf("%d proxy sets reached the server", n)
	}
}

// Terraform 1.12+: the proxy and the Chatwoot configuration are known by
// their instance's name, and import blocks can use that identity.
func TestAccIntegrations_identity(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	cfg := chatwootConfig(providerBlock(url), "idént", "  account_id = \"1\"\n  token = \"cw-test-token\"\n  url = \"https://cw.example.com\"\n") + `
resource "l2msg_instance_proxy" "test" {
  instance_name = l2msg_instance.test.instance_name
  instance_id   = l2msg_instance.test.instance_id
  host          = "proxy.example.com"
  port          = 3128
}
`
	identityIs := func(addr string) statecheck.StateCheck {
		return statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{"instance_name": knownvalue.StringExact("idént")})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   identityChecks,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				Config:            cfg,
				ConfigStateChecks: []statecheck.StateCheck{identityIs(proxyAddr), identityIs(chatwootAddr)},
			},
			{Config: cfg, ResourceName: proxyAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
			// The token, which an import leaves out of state, is recorded
			// by an update in place.
			{Config: cfg, ResourceName: chatwootAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity,
				ExpectNonEmptyPlan: true, ImportPlanChecks: importedInPlace(chatwootAddr)},
		},
	})
}
