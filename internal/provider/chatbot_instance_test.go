package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// botInInstance: settings is the settings resource's extra body, or "-"
// to leave the resource out.
func botInInstance(url, number string, settings ...string) string {
	num := ""
	if number != "" {
		num = fmt.Sprintf("number = %q", number)
	}
	extra := ""
	if len(settings) > 0 {
		extra = settings[0]
	}
	settingsBlock := fmt.Sprintf(`
resource "l2msg_evolution_bot_settings" "s" {
  instance_name = l2msg_instance.i.instance_name
  instance_id   = l2msg_instance.i.instance_id
  expire        = 10
  %s
}
`, extra)
	if extra == "-" {
		settingsBlock = ""
	}
	return providerBlock(url) + settingsBlock + fmt.Sprintf(`
resource "l2msg_instance" "i" {
  instance_name = "linked"
  %s
}

resource "l2msg_evolution_bot" "b" {
  instance_name = l2msg_instance.i.instance_name
  instance_id   = l2msg_instance.i.instance_id
  trigger_type  = "all"
  api_url       = "https://bot.example.com"
}

resource "l2msg_instance" "other" {
  instance_name = "other"
}
`, num)
}

// TestAccChatbot_instanceLifecycle: a replaced instance takes its bots and
// settings with it (the server cascades), and one apply re-creates them;
// a bot deleted outside Terraform is planned for creation; a bot of another
// instance cannot be imported as one of this instance's.
func TestAccChatbot_instanceLifecycle(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	var botID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				Config: botInInstance(url, ""),
				Check: func(s *terraform.State) error {
					botID = s.RootModule().Resources["l2msg_evolution_bot.b"].Primary.ID
					return nil
				},
			},
			{
				Config: botInInstance(url, "5511999999999"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("l2msg_instance.i", plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction("l2msg_evolution_bot.b", plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction("l2msg_evolution_bot_settings.s", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: func(*terraform.State) error {
					bots := emu.Chatbots("linked", "evolutionBot")
					if len(bots) != 1 || bots[0]["id"] == botID {
						return fmt.Errorf("bots after the replacement: %v", bots)
					}
					if row, ok := emu.ChatbotSettings("linked", "evolutionBot"); !ok || row["expire"] != 10.0 {
						return fmt.Errorf("settings after the replacement: %v", row)
					}
					return nil
				},
			},
			{
				PreConfig: func() {
					for _, b := range emu.Chatbots("linked", "evolutionBot") {
						emu.RemoveChatbot("evolutionBot", b["id"].(string))
					}
				},
				Config: botInInstance(url, "5511999999999"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("l2msg_evolution_bot.b", plancheck.ResourceActionCreate),
				}},
			},
			{
				// A fallback that is not a bot of this kind in this instance.
				Config:      botInInstance(url, "5511999999999", `fallback_id = "cnotabot"`),
				ExpectError: regexp.MustCompile(`(?s)fallback_id.*"cnotabot" is not a Evolution bot of instance "linked"`),
			},
			{
				// Destroying the settings resets them to the built-in values.
				Config: botInInstance(url, "5511999999999", "-"),
				Check: func(*terraform.State) error {
					row, ok := emu.ChatbotSettings("linked", "evolutionBot")
					want := map[string]any{"expire": 300.0, "keywordFinish": "bye", "delayMessage": 1000.0, "unknownMessage": "Sorry, I dont understand",
						"listeningFromMe": true, "stopBotFromMe": true, "keepOpen": false, "debounceTime": 1.0, "splitMessages": false, "timePerChar": 0.0, "fallbackId": nil}
					for k, v := range want {
						if !ok || row[k] != v {
							return fmt.Errorf("after destroy, settings %s = %v, want %v (row %v)", k, row[k], v, row)
						}
					}
					if jids, isList := row["ignoreJids"].([]any); !isList || len(jids) != 0 {
						return fmt.Errorf("after destroy, ignoreJids = %v, want []", row["ignoreJids"])
					}
					return nil
				},
			},
			{
				// The bot of "linked", imported as one of "other": refused.
				ResourceName: "l2msg_evolution_bot.b",
				ImportState:  true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return "other/" + s.RootModule().Resources["l2msg_evolution_bot.b"].Primary.ID, nil
				},
				ExpectError: regexp.MustCompile(`Cannot import non-existent remote object`),
			},
			{
				ResourceName:  "l2msg_evolution_bot.b",
				ImportState:   true,
				ImportStateId: "linked",
				ExpectError:   regexp.MustCompile(`import ID is <instance_name>/<id>`),
			},
		},
	})
}

// TestAccChatbot_switchedOff: an integration switched off on the server is
// an error that names the switch, for bots and settings alike.
func TestAccChatbot_switchedOff(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{Disabled: []string{emulator.SwitchTypebot}})
	config := providerBlock(url) + `
resource "l2msg_instance" "i" {
  instance_name = "off"
}

resource "l2msg_typebot" "b" {
  instance_name = l2msg_instance.i.instance_name
  trigger_type  = "all"
  url           = "https://t.example"
  typebot       = "f"
}
`
	settings := providerBlock(url) + `
resource "l2msg_instance" "i" {
  instance_name = "off"
}

resource "l2msg_typebot_settings" "s" {
  instance_name = l2msg_instance.i.instance_name
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{Config: config, ExpectError: regexp.MustCompile(`(?s)Typebot is disabled.*switched off: set TYPEBOT_ENABLED=true`)},
			{Config: settings, ExpectError: regexp.MustCompile(`(?s)Typebot is disabled.*TYPEBOT_ENABLED=true`)},
			{
				// Switched on: the same configuration applies.
				PreConfig: func() { emu.SetSwitch(emulator.SwitchTypebot, true) },
				Config:    config,
			},
			{
				// Switched off again: reading the bot fails clearly too.
				PreConfig:   func() { emu.SetSwitch(emulator.SwitchTypebot, false) },
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)TYPEBOT_ENABLED=true`),
			},
			{
				PreConfig: func() { emu.SetSwitch(emulator.SwitchTypebot, true) },
				Config:    config,
			},
		},
	})
}

// TestAccChatbot_createdThenFailed: the server makes the bot but the
// answer is a bare 500. The provider finds the bot it made and adopts it,
// rather than failing and leaving an orphan whose trigger blocks the retry.
func TestAccChatbot_createdThenFailed(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	config := providerBlock(url) + `
resource "l2msg_instance" "i" {
  instance_name = "flaky"
}

resource "l2msg_n8n_bot" "b" {
  instance_name    = l2msg_instance.i.instance_name
  trigger_type     = "keyword"
  trigger_operator = "equals"
  trigger_value    = "order"
  webhook_url      = "https://n8n.example.com/hook"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{{
			PreConfig: func() {
				emu.SetFaults(emulator.FaultConfig{Rate: 1, Seed: 1, Kinds: []emulator.FaultKind{emulator.FaultCreatedThenFailed}})
			},
			Config: config,
			Check: func(s *terraform.State) error {
				emu.SetFaults(emulator.FaultConfig{})
				bots := emu.Chatbots("flaky", "n8n")
				if len(bots) != 1 {
					return fmt.Errorf("%d n8n bots on the server, want 1", len(bots))
				}
				if got := s.RootModule().Resources["l2msg_n8n_bot.b"].Primary.ID; got != bots[0]["id"] {
					return fmt.Errorf("state holds %q, the server %v", got, bots[0]["id"])
				}
				if n := emu.Stats().FaultsInjected[string(emulator.FaultCreatedThenFailed)]; n < 1 {
					return fmt.Errorf("no create failed: the test proves nothing")
				}
				return nil
			},
		}},
	})
}
