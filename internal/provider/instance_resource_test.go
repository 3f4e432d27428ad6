package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

func TestAccInstance_fullBody(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{{
			Config: fullConfig(url, "sales full"),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "id", "sales full"),
				// qrcode = true starts pairing at once
				resource.TestCheckResourceAttr(addr, "status", "connecting"),
				resource.TestCheckResourceAttrSet(addr, "instance_id"),
				resource.TestCheckResourceAttrSet(addr, "apikey"),
				resource.TestCheckResourceAttr(addr, "webhook.enabled", "true"),
				resource.TestCheckResourceAttr(addr, "webhook.events.#", "3"),
				checkServer(emu, "sales full", func(s emulator.Snapshot) error {
					if s.Integration != "WHATSAPP-BAILEYS" || s.Number != "5511999999999" {
						return fmt.Errorf("integration/number on server: %q %q", s.Integration, s.Number)
					}
					want := emulator.Settings{RejectCall: true, MsgCall: "busy, call later", GroupsIgnore: true,
						AlwaysOnline: true, ReadMessages: true, ReadStatus: true, SyncFullHistory: true}
					if s.Settings != want {
						return fmt.Errorf("settings on server: %+v, want %+v", s.Settings, want)
					}
					w := s.Webhook
					if w == nil || !w.Enabled || w.URL != "https://hooks.example.com/wa" || !w.ByEvents || !w.Base64 {
						return fmt.Errorf("webhook on server: %+v", w)
					}
					if w.Headers["autorization"] != "Bearer s3cr3t-hook-token" || w.Headers["Content-Type"] != "application/json" {
						return fmt.Errorf("webhook headers on server: %v", w.Headers)
					}
					if !sameSet(w.Events, []string{"APPLICATION_STARTUP", "MESSAGES_UPSERT", "CONNECTION_UPDATE"}) {
						return fmt.Errorf("webhook events on server: %v", w.Events)
					}
					return nil
				}),
				func(st *terraform.State) error {
					snap, _ := emu.Instance("sales full")
					rs := st.RootModule().Resources[addr].Primary
					if rs.Attributes["apikey"] != snap.Token || rs.Attributes["instance_id"] != snap.ID {
						return fmt.Errorf("state apikey/instance_id do not match the server")
					}
					return nil
				},
			),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectSensitiveValue(addr, tfjsonpath.New("apikey")),
				statecheck.ExpectSensitiveValue(addr, tfjsonpath.New("webhook").AtMapKey("headers")),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}},
	})
}

func TestAccInstance_minimal(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{{
			Config: minimalConfig(url, "minimal"),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "integration", "WHATSAPP-BAILEYS"),
				resource.TestCheckResourceAttr(addr, "qrcode", "false"),
				resource.TestCheckResourceAttr(addr, "reject_call", "false"),
				resource.TestCheckResourceAttr(addr, "msg_call", ""),
				resource.TestCheckNoResourceAttr(addr, "number"),
				resource.TestCheckNoResourceAttr(addr, "webhook"),
				checkServer(emu, "minimal", func(s emulator.Snapshot) error {
					if s.Webhook != nil {
						return fmt.Errorf("a webhook was stored: %+v", s.Webhook)
					}
					if s.Settings != (emulator.Settings{}) {
						return fmt.Errorf("settings on server: %+v", s.Settings)
					}
					return nil
				}),
			),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}},
	})
}

func TestAccInstance_import(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{Config: fullConfig(url, "impórt me")},
			{
				// terraform import
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     "impórt me",
				ImportStateVerify: true,
				// qrcode only exists at create time and cannot be read back,
				// nor can what its answer held (qrcode_code, qrcode_base64 and
				// pairing_code; "qrcode" covers the first two as a prefix).
				// An import leaves apikey null: it cannot tell whether the
				// configuration uses token_wo, whose key must not be stored.
				ImportStateVerifyIgnore: []string{"qrcode", "pairing_code", "apikey"},
			},
			{
				// an import {} block; qrcode only exists at create time, so
				// an imported instance reads it as false. The plan is an
				// update of apikey alone (see TestAccInstance_importBlockMinimal).
				Config:             strings.Replace(fullConfig(url, "impórt me"), "qrcode            = true", "qrcode            = false", 1),
				ResourceName:       addr,
				ImportState:        true,
				ImportStateId:      "impórt me",
				ImportStateKind:    resource.ImportBlockWithID,
				ExpectNonEmptyPlan: true,
				ImportPlanChecks:   importUpdatesOnlyAPIKey,
			},
		},
	})
}

func TestAccInstance_importBlockMinimal(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{Config: minimalConfig(url, "blocky")},
			{
				// An import leaves apikey null (it cannot tell whether the
				// configuration uses token_wo, whose key must not be stored),
				// so the plan is an update in place that reads it, and sends
				// nothing (TestAccImportSecretTwins).
				ResourceName:       addr,
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithID,
				ExpectNonEmptyPlan: true,
				ImportPlanChecks:   importUpdatesOnlyAPIKey,
			},
		},
	})
}

// importUpdatesOnlyAPIKey: the plan of an instance's import block updates
// it in place, apikey becoming known after apply.
var importUpdatesOnlyAPIKey = resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
	plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
	plancheck.ExpectUnknownValue(addr, tfjsonpath.New("apikey")),
}}

func TestAccInstance_importUnknownName(t *testing.T) {
	_, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config:        minimalConfig(url, "ghost"),
			ResourceName:  addr,
			ImportState:   true,
			ImportStateId: "ghost",
			ExpectError:   regexp.MustCompile(`Cannot import non-existent remote object`),
		}},
	})
}

func settingsConfig(url string, reject bool, msg string) string {
	return providerBlock(url) + fmt.Sprintf(`
resource "l2msg_instance" "test" {
  instance_name = "settings"
  reject_call   = %t
  msg_call      = %q
  read_status   = true
}
`, reject, msg)
}

func TestAccInstance_updateSettingsInPlace(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	var firstID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				Config: settingsConfig(url, false, ""),
				Check: checkServer(emu, "settings", func(s emulator.Snapshot) error {
					firstID = s.ID
					return nil
				}),
			},
			{
				Config: settingsConfig(url, true, "call me later"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: checkServer(emu, "settings", func(s emulator.Snapshot) error {
					if s.ID != firstID {
						return fmt.Errorf("the instance was re-created")
					}
					if !s.Settings.RejectCall || s.Settings.MsgCall != "call me later" || !s.Settings.ReadStatus {
						return fmt.Errorf("settings on server: %+v", s.Settings)
					}
					return nil
				}),
			},
		},
	})
}

func webhookConfig(url, hook string) string {
	return providerBlock(url) + fmt.Sprintf(`
resource "l2msg_instance" "test" {
  instance_name = "hooked"
%s
}
`, hook)
}

func TestAccInstance_webhookChanges(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	update := resource.ConfigPlanChecks{
		PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
	}
	webhook := func(fn func(*emulator.Webhook) error) resource.TestCheckFunc {
		return checkServer(emu, "hooked", func(s emulator.Snapshot) error {
			if s.Webhook == nil {
				return fmt.Errorf("no webhook on the server")
			}
			return fn(s.Webhook)
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				// events omitted: every event, as the server reports it
				Config: webhookConfig(url, `  webhook = { url = "https://a.example.com/hook" }`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "webhook.events.#", fmt.Sprint(len(client.CurrentEvents))),
					resource.TestCheckNoResourceAttr(addr, "webhook.headers"),
					webhook(func(w *emulator.Webhook) error {
						if !w.Enabled || w.URL != "https://a.example.com/hook" || !sameSet(w.Events, client.CurrentEvents) {
							return fmt.Errorf("webhook: %+v", w)
						}
						return nil
					}),
				),
			},
			{
				Config: webhookConfig(url, `  webhook = {
    url     = "https://b.example.com/hook"
    events  = ["MESSAGES_UPSERT", "CALL"]
    headers = { authorization = "Bearer one" }
  }`),
				ConfigPlanChecks: update,
				Check: webhook(func(w *emulator.Webhook) error {
					if w.URL != "https://b.example.com/hook" || !sameSet(w.Events, []string{"MESSAGES_UPSERT", "CALL"}) ||
						w.Headers["authorization"] != "Bearer one" {
						return fmt.Errorf("webhook: %+v", w)
					}
					return nil
				}),
			},
			{
				// headers removed must clear them on the server (webhook/set is an upsert)
				Config: webhookConfig(url, `  webhook = {
    url    = "https://b.example.com/hook"
    events = ["CALL"]
  }`),
				ConfigPlanChecks: update,
				Check: webhook(func(w *emulator.Webhook) error {
					if len(w.Headers) != 0 || !sameSet(w.Events, []string{"CALL"}) {
						return fmt.Errorf("webhook: %+v", w)
					}
					return nil
				}),
			},
			{
				// an unrelated change must not touch the webhook's omitted events
				Config: webhookConfig(url, `  reject_call = true
  webhook = { url = "https://b.example.com/hook" }`),
				ConfigPlanChecks: update,
				Check: webhook(func(w *emulator.Webhook) error {
					if !sameSet(w.Events, client.CurrentEvents) {
						return fmt.Errorf("events should mean all again: %v", w.Events)
					}
					return nil
				}),
			},
			{
				Config: webhookConfig(url, `  reject_call = true
  webhook = {
    url     = "https://b.example.com/hook"
    enabled = false
  }`),
				ConfigPlanChecks: update,
				Check: webhook(func(w *emulator.Webhook) error {
					if w.Enabled {
						return fmt.Errorf("webhook still enabled")
					}
					return nil
				}),
			},
			{
				// removing the block turns the server's webhook off
				Config:           webhookConfig(url, `  reject_call = true`),
				ConfigPlanChecks: update,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckNoResourceAttr(addr, "webhook"),
					webhook(func(w *emulator.Webhook) error {
						if w.Enabled || w.URL != "https://b.example.com/hook" {
							return fmt.Errorf("webhook after removal: %+v", w)
						}
						return nil
					}),
				),
			},
			{
				// and adding it back turns it on
				Config:           webhookConfig(url, `  webhook = { url = "https://c.example.com/hook" }`),
				ConfigPlanChecks: update,
				Check: webhook(func(w *emulator.Webhook) error {
					if !w.Enabled || w.URL != "https://c.example.com/hook" {
						return fmt.Errorf("webhook: %+v", w)
					}
					return nil
				}),
			},
		},
	})
}

// Removing an enabled webhook's block turns it off on the server. In
// TestAccInstance_webhookChanges the removal follows enabled = false, so
// there it would pass even if the removal sent nothing.
func TestAccInstance_webhookBlockRemoved(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	enabled := func(want bool) resource.TestCheckFunc {
		return checkServer(emu, "hooked", func(s emulator.Snapshot) error {
			if s.Webhook == nil || s.Webhook.Enabled != want || s.Webhook.URL != "https://a.example.com/hook" {
				return fmt.Errorf("want the webhook stored with enabled = %t, server has %+v", want, s.Webhook)
			}
			return nil
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				Config: webhookConfig(url, `  webhook = {
    url    = "https://a.example.com/hook"
    events = ["CALL"]
  }`),
				Check: enabled(true),
			},
			{
				Config:           webhookConfig(url, ""),
				ConfigPlanChecks: expectUpdate,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckNoResourceAttr(addr, "webhook"),
					enabled(false),
				),
			},
		},
	})
}

func TestAccInstance_disabledAtCreate(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{{
			Config: webhookConfig(url, `  webhook = {
    url     = "https://a.example.com/hook"
    enabled = false
    events  = ["CALL"]
  }`),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "webhook.enabled", "false"),
				checkServer(emu, "hooked", func(s emulator.Snapshot) error {
					if s.Webhook == nil || s.Webhook.Enabled {
						return fmt.Errorf("webhook should be stored disabled: %+v", s.Webhook)
					}
					return nil
				}),
			),
		}},
	})
}

func replaceConfig(url, name, number, integration string) string {
	return providerBlock(url) + fmt.Sprintf(`
resource "l2msg_instance" "test" {
  instance_name = %q
  number        = %q
  integration   = %q
}
`, name, number, integration)
}

func TestAccInstance_replacements(t *testing.T) {
	// With a delete delay the old instance stays listed for a while; the
	// request log shows the replace saw that and waited.
	emu, url := newEmulator(t, emulator.Options{DeleteDelay: 1500 * time.Millisecond, LogRequests: true})
	replace := resource.ConfigPlanChecks{
		PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
	}
	var lastID string
	idChanged := func(name string) resource.TestCheckFunc {
		return checkServer(emu, name, func(s emulator.Snapshot) error {
			if s.ID == lastID {
				return fmt.Errorf("instance %q was not re-created", name)
			}
			lastID = s.ID
			return nil
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{Config: replaceConfig(url, "one", "5511911111111", "WHATSAPP-BAILEYS"), Check: idChanged("one")},
			{
				PreConfig:        emu.ResetStats,
				Config:           replaceConfig(url, "one", "5511922222222", "WHATSAPP-BAILEYS"),
				ConfigPlanChecks: replace,
				Check:            resource.ComposeAggregateTestCheckFunc(idChanged("one"), createdAfterDeleteDone(emu, "one")),
			},
			{
				PreConfig:        emu.ResetStats,
				Config:           replaceConfig(url, "one", "5511922222222", "EVOLUTION"),
				ConfigPlanChecks: replace,
				Check: resource.ComposeAggregateTestCheckFunc(idChanged("one"), createdAfterDeleteDone(emu, "one"),
					checkServer(emu, "one", func(s emulator.Snapshot) error {
						if s.Integration != "EVOLUTION" {
							return fmt.Errorf("integration %q", s.Integration)
						}
						return nil
					})),
			},
			{
				Config:           replaceConfig(url, "two", "5511922222222", "EVOLUTION"),
				ConfigPlanChecks: replace,
				Check: resource.ComposeAggregateTestCheckFunc(idChanged("two"),
					func(*terraform.State) error {
						if _, ok := emu.Instance("one"); ok {
							if s, _ := emu.Instance("one"); !s.PendingDelete {
								return fmt.Errorf("the old name is still on the server")
							}
						}
						return nil
					}),
			},
		},
	})
}

// createdAfterDeleteDone checks, from the server's request log, what a
// replace observed: after its delete was accepted it still found the name
// listed (deleting), and it sent the create only after a look-up found the
// name gone.
func createdAfterDeleteDone(emu *emulator.Server, name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		deleted, listedDeleting, gone := -1, -1, -1
		var seen []string
		for i, rq := range emu.Requests() {
			if rq.Name != name {
				continue
			}
			seen = append(seen, fmt.Sprintf("%s %d", rq.Route, rq.Status))
			lookup := rq.Route == "GET /instance/fetchInstances"
			switch {
			case rq.Route == "DELETE /instance/delete/:name" && rq.Status == http.StatusOK:
				deleted = i
			case deleted >= 0 && lookup && rq.Status == http.StatusOK:
				listedDeleting = i
			case listedDeleting >= 0 && lookup && rq.Status == http.StatusNotFound:
				gone = i
			case rq.Route == "POST /instance/create":
				if deleted < 0 || listedDeleting < 0 || gone < 0 {
					return fmt.Errorf("create of %q sent before its old instance was seen deleting and then gone; requests for it: %v", name, seen)
				}
				return nil
			}
		}
		return fmt.Errorf("no create of %q; requests for it: %v", name, seen)
	}
}

func TestAccInstance_qrcodeChangeTouchesNothing(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	cfg := func(qr bool) string {
		return providerBlock(url) + fmt.Sprintf(`
resource "l2msg_instance" "test" {
  instance_name = "qr"
  qrcode        = %t
}
`, qr)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{Config: cfg(false)},
			{
				PreConfig: emu.ResetStats,
				Config:    cfg(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					if n := emu.Stats().Mutating; n != 0 {
						return fmt.Errorf("changing qrcode sent %d mutating requests", n)
					}
					return nil
				},
			},
		},
	})
}

func TestAccInstance_deletedOutsideIsRecreated(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	var firstID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				Config: fullConfig(url, "vanishing"),
				Check: checkServer(emu, "vanishing", func(s emulator.Snapshot) error {
					firstID = s.ID
					return nil
				}),
			},
			{
				PreConfig: func() {
					if !emu.Remove("vanishing") {
						t.Fatal("could not remove the instance out of band")
					}
				},
				Config: fullConfig(url, "vanishing"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				Check: checkServer(emu, "vanishing", func(s emulator.Snapshot) error {
					if s.ID == firstID {
						return fmt.Errorf("not re-created")
					}
					if s.Webhook == nil || s.Settings.MsgCall != "busy, call later" {
						return fmt.Errorf("re-created without its configuration: %+v", s)
					}
					return nil
				}),
			},
		},
	})
}

// driftCase changes one field of the instance on the server, as someone
// in the l2msg panel would, and names the planned value that reverts it.
type driftCase struct {
	attr    *tfjsonpath.Path
	back    knownvalue.Check
	setting func(*emulator.Settings)
	webhook func(*emulator.Webhook)
}

// Drift of each field alone must be detected and reverted in place: a test
// drifting two at once cannot tell which one was seen.
func TestAccInstance_driftOfEachFieldIsReverted(t *testing.T) {
	hook := func(name string) *tfjsonpath.Path { p := tfjsonpath.New("webhook").AtMapKey(name); return &p }
	root := func(name string) *tfjsonpath.Path { p := tfjsonpath.New(name); return &p }
	cases := []driftCase{
		{attr: root("reject_call"), back: knownvalue.Bool(true), setting: func(s *emulator.Settings) { s.RejectCall = false }},
		{attr: root("msg_call"), back: knownvalue.StringExact("busy, call later"), setting: func(s *emulator.Settings) { s.MsgCall = "changed in the panel" }},
		{attr: root("groups_ignore"), back: knownvalue.Bool(true), setting: func(s *emulator.Settings) { s.GroupsIgnore = false }},
		{attr: root("always_online"), back: knownvalue.Bool(true), setting: func(s *emulator.Settings) { s.AlwaysOnline = false }},
		{attr: root("read_messages"), back: knownvalue.Bool(true), setting: func(s *emulator.Settings) { s.ReadMessages = false }},
		{attr: root("read_status"), back: knownvalue.Bool(true), setting: func(s *emulator.Settings) { s.ReadStatus = false }},
		{attr: root("sync_full_history"), back: knownvalue.Bool(true), setting: func(s *emulator.Settings) { s.SyncFullHistory = false }},
		{attr: hook("url"), back: knownvalue.StringExact("https://hooks.example.com/wa"), webhook: func(w *emulator.Webhook) { w.URL = "https://evil.example.com/" }},
		{attr: hook("enabled"), back: knownvalue.Bool(true), webhook: func(w *emulator.Webhook) { w.Enabled = false }},
		{attr: hook("by_events"), back: knownvalue.Bool(true), webhook: func(w *emulator.Webhook) { w.ByEvents = false }},
		{attr: hook("base64"), back: knownvalue.Bool(true), webhook: func(w *emulator.Webhook) { w.Base64 = false }},
		{attr: hook("headers"), back: knownvalue.MapExact(map[string]knownvalue.Check{
			"autorization": knownvalue.StringExact("Bearer s3cr3t-hook-token"),
			"Content-Type": knownvalue.StringExact("application/json"),
		}), webhook: func(w *emulator.Webhook) { w.Headers = map[string]string{"autorization": "Bearer stolen"} }},
		{attr: hook("events"), back: knownvalue.SetExact([]knownvalue.Check{
			knownvalue.StringExact("APPLICATION_STARTUP"), knownvalue.StringExact("MESSAGES_UPSERT"), knownvalue.StringExact("CONNECTION_UPDATE"),
		}), webhook: func(w *emulator.Webhook) { w.Events = []string{"CALL"} }},
	}
	emu, url := newEmulator(t, emulator.Options{})
	steps := []resource.TestStep{{Config: fullConfig(url, "drifty"), Check: checkServer(emu, "drifty", matchesFullConfig)}}
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			PreConfig: func() {
				var err error
				if c.setting != nil {
					err = emu.SetSettings("drifty", c.setting)
				} else {
					err = emu.SetWebhook("drifty", c.webhook)
				}
				if err != nil {
					t.Fatal(err)
				}
			},
			Config: fullConfig(url, "drifty"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{named{c.attr.String(), plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					plancheck.ExpectKnownValue(addr, *c.attr, c.back)},
			},
			Check: checkServer(emu, "drifty", matchesFullConfig),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps:                    steps,
	})
}

// named says which drift case a failed plan check belongs to.
type named struct {
	name  string
	check plancheck.PlanCheck
}

func (n named) CheckPlan(ctx context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	n.check.CheckPlan(ctx, req, resp)
	if resp.Error != nil {
		resp.Error = fmt.Errorf("drift of %s: %w", n.name, resp.Error)
	}
}

// matchesFullConfig checks the server holds what fullConfig sets.
func matchesFullConfig(s emulator.Snapshot) error {
	want := emulator.Settings{RejectCall: true, MsgCall: "busy, call later", GroupsIgnore: true, AlwaysOnline: true,
		ReadMessages: true, ReadStatus: true, SyncFullHistory: true}
	if s.Settings != want {
		return fmt.Errorf("settings on the server: %+v", s.Settings)
	}
	w := s.Webhook
	if w == nil || !w.Enabled || w.URL != "https://hooks.example.com/wa" || !w.ByEvents || !w.Base64 ||
		len(w.Headers) != 2 || w.Headers["autorization"] != "Bearer s3cr3t-hook-token" || w.Headers["Content-Type"] != "application/json" ||
		!sameSet(w.Events, []string{"APPLICATION_STARTUP", "MESSAGES_UPSERT", "CONNECTION_UPDATE"}) {
		return fmt.Errorf("webhook on the server: %+v", w)
	}
	return nil
}

func TestAccInstance_existingNameIsAClearError(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{Config: minimalConfig(url, "taken")},
			{
				Config: minimalConfig(url, "taken") + `
resource "l2msg_instance" "dup" {
  instance_name = "taken"
}
`,
				ExpectError: regexp.MustCompile(`(?s)already exists.*terraform import`),
			},
		},
	})
}

// A replacement with create_before_destroy creates the new instance while
// the old one still holds the name: the error says that this cannot work,
// not only that the name is someone else's to import.
func TestAccInstance_createBeforeDestroyIsExplained(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	cfg := func(number, lifecycle string) string {
		return providerBlock(url) + fmt.Sprintf(`
resource "l2msg_instance" "test" {
  instance_name = "cbd"
  number        = %q
%s}
`, number, lifecycle)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{Config: cfg("5511911111111", "")},
			{
				Config:      cfg("5511922222222", "  lifecycle {\n    create_before_destroy = true\n  }\n"),
				ExpectError: regexp.MustCompile(`(?s)create_before_destroy.*cannot\s+be\s+created\s+before\s+its\s+old\s+instance\s+is\s+destroyed`),
			},
		},
	})
}

// keep_webhook_on_destroy leaves a webhook that gets REMOVE_INSTANCE on
// through the delete, so the receiver gets the event: the destroy then
// waits for the server's retries (shortened here) instead of switching the
// webhook off first.
func TestAccInstance_keepWebhookOnDestroy(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{WebhookRetry: 10 * time.Millisecond, LogRequests: true})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(checkDestroyed(emu), func(*terraform.State) error {
			for _, rq := range emu.Requests() {
				if rq.Route == "POST /webhook/set/:name" {
					return fmt.Errorf("the webhook was set (switched off?) although keep_webhook_on_destroy is true")
				}
			}
			return nil
		}),
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + `
resource "l2msg_instance" "test" {
  instance_name           = "kept-hook"
  keep_webhook_on_destroy = true
  webhook = {
    url = "https://receiver.invalid/hook"
  }
}
`,
			Check: resource.TestCheckResourceAttr(addr, "keep_webhook_on_destroy", "true"),
		}},
	})
}
