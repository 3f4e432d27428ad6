package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// TestAccChatbot_badInputRejectedAtPlan: each rule one resource's
// configuration shows fails at plan, naming the attribute; nothing is sent.
func TestAccChatbot_badInputRejectedAtPlan(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	const inst = `instance_name = "x"`
	typebot := func(body string) string {
		return "resource \"l2msg_typebot\" \"t\" {\n  " + inst + "\n  url = \"https://t.example\"\n  typebot = \"f\"\n  " + body + "\n}\n"
	}
	openai := func(body string) string {
		return "resource \"l2msg_openai_bot\" \"o\" {\n  " + inst + "\n  openai_creds_id = \"c\"\n  trigger_type = \"all\"\n  " + body + "\n}\n"
	}
	cases := []struct{ name, config, want string }{
		{"keyword without operator", typebot(`trigger_type = "keyword"
  trigger_value = "hi"`), `(?s)trigger_operator.*required when trigger_type is "keyword"`},
		{"keyword without value", typebot(`trigger_type = "keyword"
  trigger_operator = "equals"`), `(?s)trigger_value.*required when trigger_type is "keyword"`},
		{"advanced without value", typebot(`trigger_type = "advanced"`), `(?s)trigger_value.*required when trigger_type is "advanced"`},
		{"advanced with operator", typebot(`trigger_type = "advanced"
  trigger_value = "contains:x"
  trigger_operator = "equals"`), `(?s)trigger_operator.*not used with trigger_type "advanced"`},
		{"all with value", typebot(`trigger_type = "all"
  trigger_value = "hi"`), `(?s)trigger_value.*only used with`},
		{"unknown trigger type", typebot(`trigger_type = "sometimes"`), `(?s)trigger_type.*value must be one of`},
		{"unknown operator", typebot(`trigger_type = "keyword"
  trigger_operator = "like"
  trigger_value = "x"`), `(?s)trigger_operator.*value must be one of`},
		{"long description", typebot(`trigger_type = "all"
  description = "` + strings.Repeat("d", 256) + `"`), `(?s)description.*at most 255`},
		{"long keyword_finish in characters", typebot(`trigger_type = "all"
  keyword_finish = "` + strings.Repeat("é", 101) + `"`), `(?s)keyword_finish.*at most 100`},
		{"negative expire", typebot(`trigger_type = "all"
  expire = -1`), `(?s)expire.*between 0 and`},
		{"typebot without url", "resource \"l2msg_typebot\" \"t\" {\n  " + inst + "\n  typebot = \"f\"\n  trigger_type = \"all\"\n}\n", `(?s)"url" is required`},
		{"assistant without id", openai(`bot_type = "assistant"`), `(?s)assistant_id.*required when bot_type is "assistant"`},
		{"chatCompletion without model", openai(`bot_type = "chatCompletion"
  max_tokens = 5`), `(?s)model.*required when bot_type is "chatCompletion"`},
		{"chatCompletion without max_tokens", openai(`bot_type = "chatCompletion"
  model = "m"`), `(?s)max_tokens.*required when bot_type is "chatCompletion"`},
		{"unknown dify bot type", "resource \"l2msg_dify_bot\" \"d\" {\n  " + inst + "\n  trigger_type = \"all\"\n  bot_type = \"chat\"\n}\n", `(?s)bot_type.*value must be one of`},
		{"api_key and api_key_wo", "resource \"l2msg_flowise_bot\" \"f\" {\n  " + inst + "\n  trigger_type = \"all\"\n  api_url = \"https://f.example\"\n  api_key = \"key-plain-1\"\n  api_key_wo = \"key-wo-2\"\n  api_key_wo_version = 1\n}\n", `(?s)cannot be configured together.*api_key.*api_key_wo`},
		{"api_key_wo without version", "resource \"l2msg_evoai_bot\" \"e\" {\n  " + inst + "\n  trigger_type = \"all\"\n  agent_url = \"https://e.example\"\n  api_key_wo = \"key-wo-2\"\n}\n", `(?s)must be configured together.*api_key_wo.*api_key_wo_version`},
		{"slash in instance name", "resource \"l2msg_n8n_bot\" \"n\" {\n  instance_name = \"a/b\"\n  trigger_type = \"all\"\n  webhook_url = \"https://n.example\"\n}\n", `(?s)instance_name.*must not contain a slash`},
		{"settings keyword_finish too long", "resource \"l2msg_typebot_settings\" \"s\" {\n  " + inst + "\n  keyword_finish = \"" + strings.Repeat("k", 101) + "\"\n}\n", `(?s)keyword_finish.*at most 100`},
		{"openai settings without credential", "resource \"l2msg_openai_settings\" \"s\" {\n  " + inst + "\n}\n", `(?s)"openai_creds_id" is required`},
		{"credential without key", "resource \"l2msg_openai_credential\" \"c\" {\n  " + inst + "\n  name = \"n\"\n}\n", `(?s)api_key.*api_key_wo`},
		// Issue 19 item 7: what the server would store and then fail on.
		{"typebot url without scheme", strings.Replace(typebot(allTrigger), "https://t.example", "t.example", 1), `(?s)url.*must start with http:// or https://`},
		{"blank typebot url", strings.Replace(typebot(allTrigger), "https://t.example", "   ", 1), `(?s)url.*must start with http:// or https://`},
		{"dify api_url ftp", "resource \"l2msg_dify_bot\" \"d\" {\n  " + inst + "\n  trigger_type = \"all\"\n  bot_type = \"agent\"\n  api_url = \"ftp://d.example\"\n}\n", `(?s)api_url.*must start with http:// or https://`},
		{"flowise api_url relative", "resource \"l2msg_flowise_bot\" \"f\" {\n  " + inst + "\n  trigger_type = \"all\"\n  api_url = \"/api/v1/prediction/x\"\n}\n", `(?s)api_url.*must start with http:// or https://`},
		{"n8n webhook_url without host", "resource \"l2msg_n8n_bot\" \"n\" {\n  " + inst + "\n  trigger_type = \"all\"\n  webhook_url = \"https://\"\n}\n", `(?s)webhook_url.*has no host`},
		{"evoai agent_url without scheme", "resource \"l2msg_evoai_bot\" \"e\" {\n  " + inst + "\n  trigger_type = \"all\"\n  agent_url = \"evoai:8000/agent\"\n}\n", `(?s)agent_url.*must start with http:// or https://`},
		{"evolution api_url without scheme", "resource \"l2msg_evolution_bot\" \"e\" {\n  " + inst + "\n  trigger_type = \"all\"\n  api_url = \"bot.example/api\"\n}\n", `(?s)api_url.*must start with http:// or https://`},
		{"openai function_url without scheme", openai("bot_type = \"assistant\"\n  assistant_id = \"a\"\n  function_url = \"fn.example\""), `(?s)function_url.*must start with http:// or https://`},
		{"regex trigger that JavaScript refuses", typebot(`trigger_type = "keyword"
  trigger_operator = "regex"
  trigger_value = "(price|cost"`), `(?s)trigger_value.*not a regular expression the server can compile.*missing closing \)`},
		{"regex trigger with Go's inline flags", typebot(`trigger_type = "keyword"
  trigger_operator = "regex"
  trigger_value = "(?i)price"`), `(?s)trigger_value.*\(\?i\) is Go and Perl syntax`},
		{"ignore_jids phone number", typebot(allTrigger + `
  ignore_jids = ["5511999999999"]`), `(?s)ignore_jids.*5511999999999@s.whatsapp.net`},
		{"ignore_jids with a plus", "resource \"l2msg_typebot_settings\" \"s\" {\n  " + inst + "\n  ignore_jids = [\"+5511999999999@s.whatsapp.net\"]\n}\n", `(?s)ignore_jids.*Leave out the \+`},
		{"ignore_jids web form", openai("bot_type = \"assistant\"\n  assistant_id = \"a\"\n  ignore_jids = [\"5511999999999@c.us\"]"), `(?s)ignore_jids.*WhatsApp Web`},
		{"blank typebot id", strings.Replace(typebot(allTrigger), `typebot = "f"`, `typebot = "  "`, 1), `(?s)typebot.*must not be empty or only white space`},
		{"blank openai_creds_id", strings.Replace(openai(`bot_type = "assistant"
  assistant_id = "a"`), `openai_creds_id = "c"`, `openai_creds_id = " "`, 1), `(?s)openai_creds_id.*must not be empty or only white space`},
		{"blank settings openai_creds_id", "resource \"l2msg_openai_settings\" \"s\" {\n  " + inst + "\n  openai_creds_id = \"\t\"\n}\n", `(?s)openai_creds_id.*must not be empty or only white space`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
				Steps: []resource.TestStep{{
					Config:      providerBlock(url) + tc.config,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(strings.ReplaceAll(tc.want, " ", `\s+`)),
				}},
			})
		})
	}
	if st := emu.Stats(); st.Total != 0 {
		t.Fatalf("bad input reached the server: %v", st.ByRoute)
	}
}

// TestAccLengthLimitsCountCharacters: a value exactly at a column's limit
// in characters, but over it in bytes, plans cleanly: the server counts
// characters. (The bad-input rows above use values over the limit both
// ways, so they cannot tell the two apart.)
func TestAccLengthLimitsCountCharacters(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	e := strings.Repeat
	config := providerBlock(url) + fmt.Sprintf(`
resource "l2msg_typebot" "t" {
  instance_name  = "x"
  url            = "https://t.example"
  typebot        = "f"
  trigger_type   = "all"
  description    = %q
  keyword_finish = %q
}

resource "l2msg_typebot_settings" "s" {
  instance_name   = "x"
  unknown_message = %q
}

resource "l2msg_instance_proxy" "p" {
  instance_name = "x"
  host          = "proxy.example.com"
  port          = 3128
  username      = %q
  password      = %q
}

resource "l2msg_instance_chatwoot" "c" {
  instance_name = "x"
  account_id    = %q
  token         = %q
  url           = "https://chatwoot.example.com"
}

resource "l2msg_instance_pusher" "p" {
  instance_name = "x"
  app_id        = %q
  key           = %q
  secret        = %q
  cluster       = %q
}
`, e("é", 255), e("é", 100), e("é", 100), e("é", 60), e("é", 100), e("é", 100), e("é", 100),
		e("é", 100), e("é", 100), e("é", 100), e("é", 100))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config:             config,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
	if st := emu.Stats(); st.Mutating != 0 {
		t.Fatalf("a plan wrote to the server: %v", st.ByRoute)
	}
}

func twoTypebots(url, triggerA, triggerB string) string {
	return providerBlock(url) + `
resource "l2msg_instance" "i" {
  instance_name = "rules"
}

resource "l2msg_typebot" "a" {
  instance_name = l2msg_instance.i.instance_name
  description   = "bot A"
  url           = "https://t.example"
  typebot       = "a"
  ` + triggerA + `
}

resource "l2msg_typebot" "b" {
  depends_on    = [l2msg_typebot.a]
  instance_name = l2msg_instance.i.instance_name
  description   = "bot B"
  url           = "https://t.example"
  typebot       = "b"
  ` + triggerB + `
}
`
}

const allTrigger = `trigger_type = "all"`

func keyword(v string) string {
	return fmt.Sprintf("trigger_type = \"keyword\"\n  trigger_operator = \"equals\"\n  trigger_value = %q", v)
}

func typebotCount(emu *emulator.Server, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := len(emu.Chatbots("rules", "typebot")); got != want {
			return fmt.Errorf("%d typebots on the server, want %d", got, want)
		}
		return nil
	}
}

// TestAccChatbot_crossBotRules: the rules between bots of a kind are
// checked against the instance's bots before anything is sent, and the
// message names the other bot. Two such bots in one configuration meet
// at apply: the first is made, the second fails clearly, and state
// matches the server.
func TestAccChatbot_crossBotRules(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	updates := func() int { return emu.Stats().ByRoute["PUT /typebot/update/:id/:name"] }
	var putsBefore int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				Config:      twoTypebots(url, allTrigger, allTrigger),
				ExpectError: regexp.MustCompile(`(?s)conflicts with another bot.*"bot A".*is\s+enabled\s+with\s+trigger_type\s+"all"`),
			},
			{
				// The first bot is in state and on the server once; only the
				// second is still to create.
				PreConfig: func() {
					if n := len(emu.Chatbots("rules", "typebot")); n != 1 {
						t.Fatalf("%d typebots after the failed apply, want 1", n)
					}
				},
				Config: twoTypebots(url, allTrigger, keyword("hi")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("l2msg_typebot.a", plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("l2msg_typebot.b", plancheck.ResourceActionCreate),
				}},
				Check: typebotCount(emu, 2),
			},
			{
				// a moves to "yo" first, then b's move to "yo" is refused
				// before its PUT is sent.
				PreConfig:   func() { putsBefore = updates() },
				Config:      twoTypebots(url, keyword("yo"), keyword("yo")),
				ExpectError: regexp.MustCompile(`(?s)trigger_value.*"bot A".*already\s+has\s+the\s+trigger\s+equals\s+"yo"`),
			},
			{
				PreConfig: func() {
					if n := updates() - putsBefore; n != 1 {
						t.Fatalf("%d updates sent, want 1 (bot A's)", n)
					}
					for _, b := range emu.Chatbots("rules", "typebot") {
						if b["description"] == "bot B" && b["triggerValue"] != "hi" {
							t.Fatalf("bot B changed on the server: %v", b["triggerValue"])
						}
					}
				},
				Config: twoTypebots(url, keyword("yo"), keyword("hey")),
			},
			{
				// A disabled "all" bot does not block another one.
				Config: twoTypebots(url, allTrigger+"\n  enabled = false", allTrigger),
				Check:  typebotCount(emu, 2),
			},
		},
	})
}

// TestAccChatbot_staleTrigger: the server keeps a bot's old keyword when
// it becomes an "all" bot, and still counts it; the message says so.
func TestAccChatbot_staleTrigger(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{Config: twoTypebots(url, keyword("hi"), keyword("yo"))},
			{Config: twoTypebots(url, allTrigger, keyword("yo"))},
			{
				Config:      twoTypebots(url, allTrigger, keyword("hi")),
				ExpectError: regexp.MustCompile(`(?s)already\s+has\s+the\s+trigger\s+equals\s+"hi"\s+\(kept\s+by\s+the\s+server`),
			},
			{Config: twoTypebots(url, allTrigger, keyword("yo"))},
		},
	})
}

// The server collapses every update failure into "Error updating X"; the
// provider reads the bots again and names the rule and the other bot.
func TestChatbotCollapsedUpdateErrorIsExplained(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	c, err := client.New(client.Config{BaseURL: url, APIKey: testAPIKey})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.CreateInstance(ctx, client.CreateRequest{InstanceName: "x"}); err != nil {
		t.Fatal(err)
	}
	body := func(trigger string) map[string]any {
		return map[string]any{"enabled": true, "triggerType": "keyword", "triggerOperator": "equals", "triggerValue": trigger,
			"url": "https://t.example", "typebot": trigger, "ignoreJids": []string{}, "description": "bot " + trigger}
	}
	if _, err := c.CreateBot(ctx, client.Typebot, "x", body("one")); err != nil {
		t.Fatal(err)
	}
	two, err := c.CreateBot(ctx, client.Typebot, "x", body("two"))
	if err != nil {
		t.Fatal(err)
	}
	clash := body("one")
	_, err = c.UpdateBot(ctx, client.Typebot, "x", two.ID, clash)
	if client.ServerMessage(err) != "Error updating Typebot" {
		t.Fatalf("the server answered %v", err)
	}
	r := &botResource{kind: typebotKind}
	r.client = c
	var diags diag.Diagnostics
	r.addWriteError(ctx, &diags, "update", "x", two.ID, clash, err)
	if got := diagSummary(diags); !strings.Contains(got, `"bot one"`) || !strings.Contains(got, "Error updating Typebot") {
		t.Fatalf("diagnostic: %s", got)
	}
	// Gone behind Terraform's back: said so.
	emu.RemoveChatbot("typebot", two.ID)
	_, err = c.UpdateBot(ctx, client.Typebot, "x", two.ID, body("three"))
	diags = nil
	r.addWriteError(ctx, &diags, "update", "x", two.ID, body("three"), err)
	if got := diagSummary(diags); !strings.Contains(got, "deleted outside Terraform") {
		t.Fatalf("diagnostic: %s", got)
	}
}

// "Error setting default settings" means the settings row's race for every
// kind, and for OpenAI also a credential the row cannot link to; only
// OpenAI's explanation names openai_creds_id.
func TestChatbotDefaultSettingsErrorIsExplained(t *testing.T) {
	for _, k := range botKinds {
		err := &client.APIError{StatusCode: 500, Method: "POST", Path: "/" + k.api.Prefix + "/create/x",
			Messages: []string{"Error setting default settings"}, Enveloped: true}
		var diags diag.Diagnostics
		(&botResource{kind: k}).addWriteError(context.Background(), &diags, "create", "x", "", nil, err)
		got := diagSummary(diags)
		if !strings.Contains(got, "at the same moment") || !strings.Contains(got, "l2msg_"+k.settings) {
			t.Errorf("%s: the race is not explained: %s", k.title, got)
		}
		if names := strings.Contains(got, "openai_creds_id"); names != (k == openaiKind) {
			t.Errorf("%s: names openai_creds_id %v: %s", k.title, names, got)
		}
		if strings.Contains(got, "No other bot of the instance conflicts") {
			t.Errorf("%s: explained as a rule: %s", k.title, got)
		}
	}
}
