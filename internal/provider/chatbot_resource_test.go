package provider

import (
	"fmt"
	"strings"
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

// botCase is one chatbot kind in the table-driven acceptance tests.
type botCase struct {
	kind    *botKind
	prelude string // resources the bot needs (the OpenAI credential)
	fields  string // the kind's own attributes, in HCL
	wire    map[string]any
	// rotated replaces fields and wire from the second step on: a new
	// write-only secret sent by bumping its version.
	rotated     string
	rotatedWire map[string]any
}

var botCases = []botCase{
	{kind: typebotKind, fields: `url = "https://typebot.example.com"
  typebot = "sales-flow"`, wire: map[string]any{"url": "https://typebot.example.com", "typebot": "sales-flow"}},
	{kind: openaiKind,
		prelude: `resource "l2msg_openai_credential" "c" {
  instance_name      = l2msg_instance.i.instance_name
  instance_id        = l2msg_instance.i.instance_id
  name               = "main-%[1]s"
  api_key_wo         = "sk-test-%[1]s"
  api_key_wo_version = 1
}
`,
		fields: `openai_creds_id = l2msg_openai_credential.c.id
  bot_type = "chatCompletion"
  model = "gpt-4o-mini"
  max_tokens = 300
  system_messages = ["Be brief."]`,
		wire: map[string]any{"botType": "chatCompletion", "model": "gpt-4o-mini", "maxTokens": 300.0, "systemMessages": []any{"Be brief."}}},
	{kind: difyKind, fields: `bot_type = "agent"
  api_url = "https://dify.example.com/v1"
  api_key = "dify-secret"`, wire: map[string]any{"botType": "agent", "apiUrl": "https://dify.example.com/v1", "apiKey": "dify-secret"}},
	{kind: flowiseKind, fields: `api_url = "https://flowise.example.com/api/v1/prediction/abc"
  api_key_wo = "flowise-secret"
  api_key_wo_version = 1`, wire: map[string]any{"apiUrl": "https://flowise.example.com/api/v1/prediction/abc", "apiKey": "flowise-secret"},
		rotated: `api_url = "https://flowise.example.com/api/v1/prediction/abc"
  api_key_wo = "flowise-rotated"
  api_key_wo_version = 2`, rotatedWire: map[string]any{"apiKey": "flowise-rotated"}},
	{kind: n8nKind, fields: `webhook_url = "https://n8n.example.com/webhook/abc"
  basic_auth_user = "bot"
  basic_auth_pass = "n8n-secret"`, wire: map[string]any{"webhookUrl": "https://n8n.example.com/webhook/abc", "basicAuthUser": "bot", "basicAuthPass": "n8n-secret"}},
	{kind: evoaiKind, fields: `agent_url = "https://evoai.example.com/agent"
  api_key = "evoai-secret"`, wire: map[string]any{"agentUrl": "https://evoai.example.com/agent", "apiKey": "evoai-secret"}},
	{kind: evolutionKind, fields: `api_url = "https://bot.example.com/answer"
  api_key = "evo-secret"`, wire: map[string]any{"apiUrl": "https://bot.example.com/answer", "apiKey": "evo-secret"}},
}

// config is an instance, the bot with the given trigger value and extra
// attributes, and the kind's settings with that bot as fallback.
// later is the case as of the second step.
func (c botCase) later() botCase {
	if c.rotated != "" {
		c.fields = c.rotated
		c.wire = c.rotatedWire
	}
	return c
}

func (c botCase) config(url, inst, trigger, botExtra, settingsExtra string) string {
	prelude := ""
	if c.prelude != "" {
		prelude = fmt.Sprintf(c.prelude, inst)
	}
	creds := ""
	if c.kind == openaiKind {
		creds = "openai_creds_id = l2msg_openai_credential.c.id\n  "
	}
	return providerBlock(url) + fmt.Sprintf(`
resource "l2msg_instance" "i" {
  instance_name = %[1]q
}
%[2]s
resource "l2msg_%[3]s" "b" {
  instance_name    = l2msg_instance.i.instance_name
  instance_id      = l2msg_instance.i.instance_id
  trigger_type     = "keyword"
  trigger_operator = "equals"
  trigger_value    = %[4]q
  %[5]s
  %[6]s
}

resource "l2msg_%[7]s" "s" {
  instance_name = l2msg_instance.i.instance_name
  instance_id   = l2msg_instance.i.instance_id
  fallback_id   = l2msg_%[3]s.b.id
  %[8]s%[9]s
}
`, inst, prelude, c.kind.resource, trigger, c.fields, botExtra, c.kind.settings, creds, settingsExtra)
}

func (c botCase) botAddr() string      { return "l2msg_" + c.kind.resource + ".b" }
func (c botCase) settingsAddr() string { return "l2msg_" + c.kind.settings + ".s" }

// onlyBot returns the instance's single bot of the kind.
func onlyBot(emu *emulator.Server, inst string, k *botKind) (map[string]any, error) {
	bots := emu.Chatbots(inst, k.api.Prefix)
	if len(bots) != 1 {
		return nil, fmt.Errorf("%d %s bots on the server, want 1", len(bots), k.api.Prefix)
	}
	return bots[0], nil
}

func checkBotOnServer(emu *emulator.Server, inst string, k *botKind, want map[string]any) resource.TestCheckFunc {
	return func(*terraform.State) error {
		bot, err := onlyBot(emu, inst, k)
		if err != nil {
			return err
		}
		for key, w := range want {
			if fmt.Sprint(bot[key]) != fmt.Sprint(w) {
				return fmt.Errorf("server's %s = %v, want %v", key, bot[key], w)
			}
		}
		return nil
	}
}

// secretNames are the names of the kind's secret fields.
func (k *botKind) secretNames() []string {
	var out []string
	for _, f := range k.fields {
		if f.secret {
			out = append(out, f.name)
		}
	}
	return out
}

func importID(addr string) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return "", fmt.Errorf("%s not in state", addr)
		}
		return rs.Primary.Attributes["instance_name"] + "/" + rs.Primary.ID, nil
	}
}

// TestAccChatbot_lifecycle runs every kind's bot and settings through
// create, update in place, drift of both, import and destroy.
func TestAccChatbot_lifecycle(t *testing.T) {
	t.Parallel()
	for _, c := range botCases {
		t.Run(c.kind.resource, func(t *testing.T) {
			emu, url := newEmulator(t, emulator.Options{})
			inst := "bots-" + strings.ReplaceAll(c.kind.resource, "_", "-")
			prefix := c.kind.api.Prefix
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
				CheckDestroy:             checkDestroyed(emu),
				Steps: []resource.TestStep{
					{
						Config: c.config(url, inst, "hello", `description = "first"`, ""),
						Check: resource.ComposeAggregateTestCheckFunc(
							checkBotOnServer(emu, inst, c.kind, c.wire),
							checkBotOnServer(emu, inst, c.kind, map[string]any{"triggerValue": "hello", "description": "first", "enabled": true}),
							func(*terraform.State) error {
								bot, _ := onlyBot(emu, inst, c.kind)
								row, ok := emu.ChatbotSettings(inst, prefix)
								if !ok || row["fallbackId"] != bot["id"] {
									return fmt.Errorf("settings fallback %v, want the bot %v", row["fallbackId"], bot["id"])
								}
								if row["expire"] != 300.0 || row["keywordFinish"] != "bye" {
									return fmt.Errorf("settings not the configured defaults: %v", row)
								}
								return nil
							},
						),
						ConfigStateChecks: []statecheck.StateCheck{
							// Filled in by the server, known after the apply.
							statecheck.ExpectKnownValue(c.botAddr(), tfjsonpath.New("expire"), knownvalue.NotNull()),
							statecheck.ExpectKnownValue(c.botAddr(), tfjsonpath.New("time_per_char"), knownvalue.NotNull()),
							statecheck.ExpectKnownValue(c.botAddr(), tfjsonpath.New("id"), knownvalue.NotNull()),
							statecheck.ExpectKnownValue(c.settingsAddr(), tfjsonpath.New("id"), knownvalue.StringExact(inst)),
						},
					},
					{
						Config: c.later().config(url, inst, "hi there", `description = "second"
  expire = 45
  keyword_finish = "#stop"
  ignore_jids = ["123@g.us"]`, "expire = 20\n  keep_open = true"),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(c.botAddr(), plancheck.ResourceActionUpdate),
							plancheck.ExpectResourceAction(c.settingsAddr(), plancheck.ResourceActionUpdate),
						}},
						Check: resource.ComposeAggregateTestCheckFunc(
							checkBotOnServer(emu, inst, c.kind, map[string]any{"triggerValue": "hi there", "description": "second", "expire": 45, "keywordFinish": "#stop", "ignoreJids": []any{"123@g.us"}}),
							checkBotOnServer(emu, inst, c.kind, c.later().wire),
							func(*terraform.State) error {
								row, _ := emu.ChatbotSettings(inst, prefix)
								if row["expire"] != 20.0 || row["keepOpen"] != true {
									return fmt.Errorf("settings %v", row)
								}
								return nil
							},
						),
					},
					{
						// Drift: both changed behind Terraform's back, reverted by the next apply.
						PreConfig: func() {
							bot, err := onlyBot(emu, inst, c.kind)
							if err != nil {
								t.Fatal(err)
							}
							if err := emu.UpdateChatbot(prefix, bot["id"].(string), func(row map[string]any) {
								row["triggerValue"], row["description"] = "drifted", "changed by hand"
							}); err != nil {
								t.Fatal(err)
							}
							if err := emu.UpdateChatbotSettings(inst, prefix, func(row map[string]any) { row["expire"] = 1; row["fallbackId"] = "" }); err != nil {
								t.Fatal(err)
							}
						},
						Config: c.later().config(url, inst, "hi there", `description = "second"
  expire = 45
  keyword_finish = "#stop"
  ignore_jids = ["123@g.us"]`, "expire = 20\n  keep_open = true"),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(c.botAddr(), plancheck.ResourceActionUpdate),
							plancheck.ExpectResourceAction(c.settingsAddr(), plancheck.ResourceActionUpdate),
						}},
						Check: checkBotOnServer(emu, inst, c.kind, map[string]any{"triggerValue": "hi there", "description": "second"}),
					},
					{
						ResourceName:      c.botAddr(),
						ImportState:       true,
						ImportStateIdFunc: importID(c.botAddr()),
						ImportStateVerify: true,
						// An import leaves every secret out of state: it cannot
						// tell whether the configuration uses the write-only twin.
						ImportStateVerifyIgnore: c.kind.secretNames(),
					},
					{
						ResourceName:      c.settingsAddr(),
						ImportState:       true,
						ImportStateId:     inst,
						ImportStateVerify: true,
					},
				},
			})
		})
	}
}

// Removing fallback_id from the configuration clears the fallback on the
// server (the settings are sent with fallbackId: null, since the server
// keeps a field left out), and the plan after is empty. The body is built
// the same way for every kind; the typebot stands for them.
func TestAccChatbotSettings_fallbackRemoved(t *testing.T) {
	c := botCases[0]
	emu, url := newEmulator(t, emulator.Options{})
	inst := "bots-fallback-removed"
	withFallback := c.config(url, inst, "hello", "", "")
	without := strings.Replace(withFallback, "fallback_id   = "+c.botAddr()+".id\n", "", 1)
	if without == withFallback {
		t.Fatal("the configuration has no fallback_id line to remove")
	}
	fallback := func(want bool) resource.TestCheckFunc {
		return func(*terraform.State) error {
			row, ok := emu.ChatbotSettings(inst, c.kind.api.Prefix)
			if !ok {
				return fmt.Errorf("no %s settings on the server", c.kind.api.Prefix)
			}
			if has := row["fallbackId"] != nil && row["fallbackId"] != ""; has != want {
				return fmt.Errorf("server's fallbackId = %v, want a fallback: %v", row["fallbackId"], want)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{Config: withFallback, Check: fallback(true)},
			{
				Config: without,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(c.settingsAddr(), plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(fallback(false),
					resource.TestCheckNoResourceAttr(c.settingsAddr(), "fallback_id")),
			},
		},
	})
}
