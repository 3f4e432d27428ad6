package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

const chatwootAddr = "l2msg_instance_chatwoot.test"

// fastRetries keeps tests that meet server errors quick.
func fastRetriesBlock(baseURL string) string {
	return fmt.Sprintf("provider \"l2msg\" {\n  base_url = %q\n  api_key  = %q\n  min_retry_delay = \"10ms\"\n  max_retry_delay = \"20ms\"\n}\n", baseURL, testAPIKey)
}

// chatwootConfig is an instance with a Chatwoot configuration; body is
// the configuration's attributes after instance_name and instance_id.
func chatwootConfig(providerHCL, name, body string) string {
	return providerHCL + fmt.Sprintf(`
resource "l2msg_instance" "test" {
  instance_name = %q
}

resource "l2msg_instance_chatwoot" "test" {
  instance_name = l2msg_instance.test.instance_name
  instance_id   = l2msg_instance.test.instance_id
%s
}
`, name, body)
}

func checkChatwoot(emu *emulator.Server, name string, fn func(*emulator.Chatwoot) error) resource.TestCheckFunc {
	return checkServer(emu, name, func(s emulator.Snapshot) error {
		if s.Chatwoot == nil {
			return fmt.Errorf("no Chatwoot configuration on the server")
		}
		return fn(s.Chatwoot)
	})
}

const chatwootFull = `
  account_id          = "7"
  token               = "cw-t0ken-abc"
  url                 = "https://chatwoot.example.com"
  sign_msg            = true
  sign_delimiter      = "\n--\n"
  reopen_conversation = true
  import_contacts     = true
  days_limit_import_messages = 30
  ignore_jids         = ["120363000000000000@g.us"]
  organization        = "Acme"
`

func TestAccChatwoot_lifecycle(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	const name = "support"
	updated := strings.Replace(strings.Replace(chatwootFull, "reopen_conversation = true", "reopen_conversation = false\n  name_inbox = \"Support desk\"", 1),
		`ignore_jids         = ["120363000000000000@g.us"]`, `ignore_jids = []`, 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				Config: chatwootConfig(providerBlock(url), name, chatwootFull),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					// The plan says what the server will store.
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(chatwootAddr, tfjsonpath.New("name_inbox"), knownvalue.StringExact(name)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(chatwootAddr, "id", name),
					resource.TestCheckResourceAttr(chatwootAddr, "webhook_url", url+"/chatwoot/webhook/"+name),
					resource.TestCheckResourceAttrPair(chatwootAddr, "instance_id", "l2msg_instance.test", "instance_id"),
					// The server drops the delimiter on a first save; the
					// provider saved a second time.
					checkChatwoot(emu, name, func(c *emulator.Chatwoot) error {
						if !c.Enabled || c.AccountID != "7" || c.Token != "cw-t0ken-abc" || c.NameInbox != name || !c.ReopenConversation ||
							c.SignDelimiter == nil || *c.SignDelimiter != "\n--\n" || *c.DaysLimitImportMessages != 30 ||
							!slices.Equal(c.IgnoreJids, []string{"120363000000000000@g.us"}) || *c.Organization != "Acme" {
							return fmt.Errorf("chatwoot on the server: %+v", *c)
						}
						return nil
					}),
				),
			},
			{
				Config: chatwootConfig(providerBlock(url), name, updated),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(chatwootAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkChatwoot(emu, name, func(c *emulator.Chatwoot) error {
					if c.ReopenConversation || c.NameInbox != "Support desk" || len(c.IgnoreJids) != 0 || *c.SignDelimiter != "\n--\n" {
						return fmt.Errorf("chatwoot on the server: %+v", *c)
					}
					return nil
				}),
			},
			// Drift made in the panel is put back.
			{
				PreConfig: func() {
					if err := emu.SetChatwoot(name, func(c *emulator.Chatwoot) {
						c.URL = "https://elsewhere.example.com"
						c.NameInbox = "renamed"
						c.Token = "changed-outside"
						c.SignDelimiter = nil
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config: chatwootConfig(providerBlock(url), name, updated),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(chatwootAddr, plancheck.ResourceActionUpdate)},
				},
				Check: checkChatwoot(emu, name, func(c *emulator.Chatwoot) error {
					if c.URL != "https://chatwoot.example.com" || c.NameInbox != "Support desk" || c.Token != "cw-t0ken-abc" || c.SignDelimiter == nil {
						return fmt.Errorf("drift not put back: %+v", *c)
					}
					return nil
				}),
			},
			// Switched off in the configuration: the seven required fields
			// are all sent, and nothing more is planned.
			{
				Config: chatwootConfig(providerBlock(url), name, "  enabled = false\n"+updated),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkChatwoot(emu, name, func(c *emulator.Chatwoot) error {
					if c.Enabled || c.AccountID != "7" {
						return fmt.Errorf("chatwoot on the server: %+v", *c)
					}
					return nil
				}),
			},
			{
				Config: chatwootConfig(providerBlock(url), name, "  enabled = false\n"+updated), ResourceName: chatwootAddr,
				ImportState: true, ImportStateId: name, ImportStateVerify: true,
				// auto_create is not stored by the server; an import says false.
				// An import leaves the token out of state: it cannot tell
				// whether the configuration uses token_wo.
				ImportStateVerifyIgnore: []string{"timeouts", "token"},
			},
			// Removing the resource switches Chatwoot off and blanks the token.
			{
				Config: chatwootConfig(providerBlock(url), name, chatwootFull),
			},
			{
				Config: providerBlock(url) + fmt.Sprintf("resource \"l2msg_instance\" \"test\" {\n  instance_name = %q\n}\n", name),
				Check: checkChatwoot(emu, name, func(c *emulator.Chatwoot) error {
					if c.Enabled || c.Token != "" || c.AccountID != "7" {
						return fmt.Errorf("after destroy: %+v", *c)
					}
					return nil
				}),
			},
		},
	})
}

func TestAccChatwoot_minimalDefaults(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	const name = "cw minimal"
	body := "  account_id = \"1\"\n  token = \"cw-test-token\"\n  url = \"http://localhost:3000\"\n"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				Config: chatwootConfig(providerBlock(url), name, body),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(chatwootAddr, tfjsonpath.New("name_inbox"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(chatwootAddr, tfjsonpath.New("days_limit_import_messages"), knownvalue.Null()),
					statecheck.ExpectKnownValue(chatwootAddr, tfjsonpath.New("ignore_jids"), knownvalue.SetSizeExact(0)),
					statecheck.ExpectKnownValue(chatwootAddr, tfjsonpath.New("auto_create"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(chatwootAddr, tfjsonpath.New("webhook_url"), knownvalue.StringExact(url+"/chatwoot/webhook/cw%20minimal")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			// Set outside Terraform, a value the configuration leaves out is
			// kept and planned as the server's.
			{
				PreConfig: func() {
					if err := emu.SetChatwoot(name, func(c *emulator.Chatwoot) { days := 9; c.DaysLimitImportMessages = &days }); err != nil {
						t.Fatal(err)
					}
				},
				Config:           chatwootConfig(providerBlock(url), name, body),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccChatwoot_autoCreate(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	const name = "cw auto"
	body := func(host string) string {
		return fmt.Sprintf("  account_id = \"1\"\n  token = \"cw-test-token\"\n  url = \"https://%s\"\n  name_inbox = \"Sales\"\n  auto_create = true\n", host)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			// Chatwoot cannot be reached: the server saved the configuration
			// and then failed. The apply fails, and says so.
			{
				Config:      chatwootConfig(fastRetriesBlock(url), name, body("chatwoot.down.invalid")),
				ExpectError: regexp.MustCompile(`(?s)Chatwoot did not create the inbox.*server saved the Chatwoot configuration.*ENOTFOUND`),
				Check: checkChatwoot(emu, name, func(c *emulator.Chatwoot) error {
					if c.URL != "https://chatwoot.down.invalid" {
						return fmt.Errorf("chatwoot on the server: %+v", *c)
					}
					return nil
				}),
			},
			// Recorded (tainted): the next apply tries again.
			{
				Config: chatwootConfig(fastRetriesBlock(url), name, body("chatwoot.example.com")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(chatwootAddr, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(chatwootAddr, "auto_create", "true"),
					checkServer(emu, name, func(s emulator.Snapshot) error {
						if !slices.Equal(s.ChatwootInboxes, []string{"Sales"}) {
							return fmt.Errorf("inboxes %v", s.ChatwootInboxes)
						}
						return nil
					}),
				),
			},
			// An update that fails the same way keeps the configuration and
			// plans auto_create again.
			{
				Config: chatwootConfig(fastRetriesBlock(url), name, strings.Replace(body("chatwoot.down.invalid"), "auto_create = true", "auto_create = false", 1)),
				Check:  resource.TestCheckResourceAttr(chatwootAddr, "auto_create", "false"),
			},
			{
				Config:      chatwootConfig(fastRetriesBlock(url), name, body("chatwoot.down.invalid")),
				ExpectError: regexp.MustCompile(`(?s)Chatwoot did not create the inbox`),
			},
			{
				Config:             chatwootConfig(fastRetriesBlock(url), name, body("chatwoot.down.invalid")),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

func TestAccChatwoot_disabledOnTheServer(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{Disabled: []string{emulator.SwitchChatwoot}})
	body := "  account_id = \"1\"\n  token = \"cw-test-token\"\n  url = \"https://cw.example.com\"\n"
	instanceOnly := fastRetriesBlock(url) + "resource \"l2msg_instance\" \"test\" {\n  instance_name = \"cw off\"\n}\n"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				Config:      chatwootConfig(fastRetriesBlock(url), "cw off", body),
				ExpectError: regexp.MustCompile(`(?s)Chatwoot is disabled.*set\s+CHATWOOT_ENABLED=true\s+on\s+the\s+server`),
			},
			{
				PreConfig: func() { emu.SetSwitch(emulator.SwitchChatwoot, true) },
				Config:    chatwootConfig(fastRetriesBlock(url), "cw off", body),
			},
			// Switched off on the server after the fact: the refresh still
			// reads the configuration (the listing shows it whatever the
			// switch says), and removing the resource warns instead of
			// failing, since the server refuses every change.
			{
				PreConfig: func() { emu.SetSwitch(emulator.SwitchChatwoot, false) },
				Config:    instanceOnly,
				Check: checkChatwoot(emu, "cw off", func(c *emulator.Chatwoot) error {
					if !c.Enabled {
						return fmt.Errorf("the server changed a configuration while Chatwoot is off")
					}
					return nil
				}),
			},
		},
	})
}

// Deleting the instance behind Terraform's back takes its proxy and
// Chatwoot configuration with it: the next plan re-creates all three.
func TestAccIntegrations_instanceRemovedOutside(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	cfg := chatwootConfig(providerBlock(url), "gone", "  account_id = \"1\"\n  token = \"cw-test-token\"\n  url = \"https://cw.example.com\"\n") + `
resource "l2msg_instance_proxy" "test" {
  instance_name = l2msg_instance.test.instance_name
  instance_id   = l2msg_instance.test.instance_id
  host          = "proxy.example.com"
  port          = 3128
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					if !emu.Remove("gone") {
						t.Fatal("instance not on the server")
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("l2msg_instance.test", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(proxyAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(chatwootAddr, plancheck.ResourceActionCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkProxy(emu, "gone", &emulator.Proxy{Enabled: true, Host: "proxy.example.com", Port: "3128", Protocol: "http"}),
					checkChatwoot(emu, "gone", func(c *emulator.Chatwoot) error { return nil }),
				),
			},
		},
	})
}

// Replacing the instance deletes its Chatwoot configuration on the server;
// the same apply configures the new instance.
func TestAccChatwoot_replacedWithTheInstance(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	const name = "cw replaced"
	cfg := func(number string) string {
		return providerBlock(url) + fmt.Sprintf(`
resource "l2msg_instance" "test" {
  instance_name = %q
  number        = %q
}

resource "l2msg_instance_chatwoot" "test" {
  instance_name  = l2msg_instance.test.instance_name
  instance_id    = l2msg_instance.test.instance_id
  account_id     = "1"
  token          = "cw-test-token"
  url            = "https://cw.example.com"
  sign_msg       = true
  sign_delimiter = ":"
}
`, name, number)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{Config: cfg("5511999990001")},
			{
				Config: cfg("5511999990002"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(chatwootAddr, plancheck.ResourceActionDestroyBeforeCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkChatwoot(emu, name, func(c *emulator.Chatwoot) error {
					if !c.Enabled || c.SignDelimiter == nil || *c.SignDelimiter != ":" {
						return fmt.Errorf("chatwoot of the new instance: %+v", *c)
					}
					return nil
				}),
			},
		},
	})
}

func TestAccChatwoot_writeOnlyToken(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	const name = "cw wo"
	cfg := func(tok string, v int) string {
		return chatwootConfig(providerBlock(url), name, fmt.Sprintf("  account_id = \"1\"\n  url = \"https://cw.example.com\"\n  token_wo = %q\n  token_wo_version = %d\n", tok, v))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				Config: cfg("wo-cw-1", 1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(chatwootAddr, tfjsonpath.New("token"), knownvalue.Null()),
				},
				Check:            checkChatwoot(emu, name, func(c *emulator.Chatwoot) error { return expectToken(c, "wo-cw-1") }),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: cfg("wo-cw-2", 2),
				Check:  checkChatwoot(emu, name, func(c *emulator.Chatwoot) error { return expectToken(c, "wo-cw-2") }),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(chatwootAddr, tfjsonpath.New("token"), knownvalue.Null()),
				},
			},
		},
	})
}

func expectToken(c *emulator.Chatwoot, want string) error {
	if c.Token != want {
		return fmt.Errorf("token on the server is not the write-only one")
	}
	return nil
}

func TestAccChatwoot_badInputSendsNothing(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{})
	base := "  account_id = \"1\"\n  token = \"cw-test-token\"\n  url = \"https://cw.example.com\"\n"
	// The cases run in parallel, after this function returns.
	t.Cleanup(func() {
		if st := emu.Stats(); st.Total != 0 {
			t.Errorf("bad input reached the server: %v", st.ByRoute)
		}
	})
	for _, tc := range []struct{ name, body, want string }{
		{"delimiter without sign_msg", base + "  sign_delimiter = \"-\"\n", `(?s)sign_delimiter without sign_msg`},
		{"delimiter with sign_msg false", base + "  sign_msg = false\n  sign_delimiter = \"-\"\n", `(?s)sign_delimiter without sign_msg`},
		{"no token", "  account_id = \"1\"\n  url = \"https://cw.example.com\"\n", `(?s)token`},
		{"account_id too long", strings.Replace(base, `"1"`, `"`+strings.Repeat("1", 101)+`"`, 1), `(?s)account_id.*character count must be at most 100`},
		{"token too long", strings.Replace(base, `token = "cw-test-token"`, `token = "`+strings.Repeat("t", 101)+`"`, 1), `(?s)token.*character count must be between 1 and 100`},
		{"url without scheme", strings.Replace(base, "https://cw.example.com", "cw.example.com", 1), `(?s)url.*must start with http`},
		{"url with an underscore host", strings.Replace(base, "cw.example.com", "chatwoot_app:3000", 1), `(?s)url.*letters, digits and\s+hyphens`},
		{"url too long", strings.Replace(base, "cw.example.com", "cw.example.com/"+strings.Repeat("p", 500), 1), `(?s)url.*character count must be at most 500`},
		{"name_inbox too long", base + "  name_inbox = \"" + strings.Repeat("n", 101) + "\"\n", `(?s)name_inbox.*character count must be at most 100`},
		{"negative days", base + "  days_limit_import_messages = -1\n", `(?s)days_limit_import_messages.*between 0 and`},
		{"empty jid", base + "  ignore_jids = [\"\"]\n", `(?s)ignore_jids`},
		{"logo not a URL", base + "  logo = \"logo.png\"\n", `(?s)logo.*must start with http`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []resource.TestStep{{
					Config:      chatwootConfig(providerBlock(url), "bad", tc.body),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}
