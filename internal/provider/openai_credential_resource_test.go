package provider

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// credsConfig: an instance, credential "a" (when nameA is set), an
// optional credential "b", an OpenAI bot on a or b, and optional settings.
func credsConfig(url, nameA, keyA string, withB bool, botOn, settingsOn string) string {
	cfg := providerBlock(url) + `
resource "l2msg_instance" "i" {
  instance_name = "ai"
}
`
	if nameA != "" {
		cfg += fmt.Sprintf(`
resource "l2msg_openai_credential" "a" {
  instance_name = l2msg_instance.i.instance_name
  instance_id   = l2msg_instance.i.instance_id
  name          = %q
  api_key       = %q
}
`, nameA, keyA)
	}
	if withB {
		cfg += `
resource "l2msg_openai_credential" "b" {
  instance_name      = l2msg_instance.i.instance_name
  name               = "second"
  api_key_wo         = "sk-second"
  api_key_wo_version = 1
}
`
	}
	if botOn != "" {
		cfg += fmt.Sprintf(`
resource "l2msg_openai_bot" "bot" {
  instance_name   = l2msg_instance.i.instance_name
  instance_id     = l2msg_instance.i.instance_id
  openai_creds_id = l2msg_openai_credential.%s.id
  bot_type        = "assistant"
  assistant_id    = "asst_123"
  trigger_type    = "all"
}
`, botOn)
	}
	if settingsOn != "" {
		cfg += fmt.Sprintf(`
resource "l2msg_openai_settings" "s" {
  instance_name   = l2msg_instance.i.instance_name
  openai_creds_id = l2msg_openai_credential.%s.id
  speech_to_text  = true
}
`, settingsOn)
	}
	return cfg
}

func credNames(emu *emulator.Server) []string {
	var out []string
	for _, n := range emu.OpenAICreds("ai") {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

func wantCreds(emu *emulator.Server, names ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := credNames(emu); !slices.Equal(got, names) {
			return fmt.Errorf("credentials on the server: %v, want %v", got, names)
		}
		return nil
	}
}

// TestAccOpenAICredential: a change replaces the credential and the bot
// that uses it in one apply; the defaults the first bot made, which held
// the old credential, move to the new one, and the old one is deleted;
// destroy of the whole stack succeeds and leaves nothing. (The rotation
// through the CLI, with its warnings: TestAccOpenAICredential_rotation.)
func TestAccOpenAICredential(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				// The bot creates the defaults, pointing at a.
				Config: credsConfig(url, "main", "sk-main", false, "a", ""),
				Check: resource.ComposeAggregateTestCheckFunc(
					wantCreds(emu, "main"),
					func(*terraform.State) error {
						if _, ok := emu.ChatbotSettings("ai", "openai"); !ok {
							return fmt.Errorf("the first OpenAI bot did not create the defaults")
						}
						return nil
					},
				),
			},
			{
				ResourceName:      "l2msg_openai_credential.a",
				ImportState:       true,
				ImportStateIdFunc: importID("l2msg_openai_credential.a"),
				ImportStateVerify: true,
				// An import leaves the key out of state: it cannot tell
				// whether the configuration uses api_key_wo.
				ImportStateVerifyIgnore: []string{"instance_id", "api_key"},
			},
			{
				// A new key and name: the credential and its bot are replaced.
				// The defaults move to the new credential, and the old one goes.
				Config: credsConfig(url, "rotated", "sk-rotated", false, "a", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("l2msg_openai_credential.a", plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction("l2msg_openai_bot.bot", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					wantCreds(emu, "rotated"),
					func(*terraform.State) error {
						bots := emu.Chatbots("ai", "openai")
						if len(bots) != 1 {
							return fmt.Errorf("%d OpenAI bots", len(bots))
						}
						for id, n := range emu.OpenAICreds("ai") {
							if n == "rotated" && bots[0]["openaiCredsId"] != id {
								return fmt.Errorf("the bot uses %v, not the new credential", bots[0]["openaiCredsId"])
							}
						}
						return nil
					},
				),
			},
			{
				// Defaults moved to b, the bot onto b: a can go for real.
				Config: credsConfig(url, "rotated", "sk-rotated", true, "b", "b"),
			},
			{
				Config: credsConfig(url, "", "", true, "b", "b"),
				Check:  wantCreds(emu, "second"),
			},
		},
	})
}
