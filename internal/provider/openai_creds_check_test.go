package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// credsCheckConfig: instances "ai" and "other", each with a credential,
// and an OpenAI bot and/or defaults on "ai" using the credentials given (HCL expressions).
func credsCheckConfig(url, botCreds, settingsCreds string) string {
	cfg := providerBlock(url) + `
resource "l2msg_instance" "ai" {
  instance_name = "ai"
}

resource "l2msg_instance" "other" {
  instance_name = "other"
}

resource "l2msg_openai_credential" "mine" {
  instance_name = l2msg_instance.ai.instance_name
  name          = "mine"
  api_key       = "sk-mine"
}

resource "l2msg_openai_credential" "theirs" {
  instance_name = l2msg_instance.other.instance_name
  name          = "theirs"
  api_key       = "sk-theirs"
}
`
	if botCreds != "" {
		cfg += fmt.Sprintf(`
resource "l2msg_openai_bot" "bot" {
  instance_name   = l2msg_instance.ai.instance_name
  openai_creds_id = %s
  bot_type        = "assistant"
  assistant_id    = "asst_1"
  trigger_type    = "all"
  depends_on      = [l2msg_openai_credential.mine, l2msg_openai_credential.theirs]
}
`, botCreds)
	}
	if settingsCreds != "" {
		cfg += fmt.Sprintf(`
resource "l2msg_openai_settings" "s" {
  instance_name   = l2msg_instance.ai.instance_name
  openai_creds_id = %s
  depends_on      = [l2msg_openai_credential.mine, l2msg_openai_credential.theirs]
}
`, settingsCreds)
	}
	return cfg
}

// TestAccOpenAI_credentialOfTheInstance (issue 19 item 7): an
// openai_creds_id that is not a credential of the bot's instance (another
// instance's, or no credential at all) is refused at apply, naming the
// attribute, before the bot or the defaults are sent. The server would
// take another instance's credential, and answer an unknown one with a
// bare 500 "Error setting default settings".
func TestAccOpenAI_credentialOfTheInstance(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	writes := func() int {
		n := 0
		for route, c := range emu.Stats().ByRoute {
			if strings.HasPrefix(route, "POST /openai/create/") || strings.HasPrefix(route, "POST /openai/settings/") ||
				strings.HasPrefix(route, "PUT /openai/update/") {
				n += c
			}
		}
		return n
	}
	notMine := func(id string) *regexp.Regexp {
		return regexp.MustCompile(`(?s)Unknown OpenAI credential.*openai_creds_id.*` + id + `.*is\s+not\s+an\s+OpenAI\s+credential\s+of\s+instance\s+"ai".*nothing\s+was\s+sent`)
	}
	sent := func(want int) func() {
		return func() {
			if got := writes(); got != want {
				t.Fatalf("%d OpenAI bot or defaults writes reached the server, want %d", got, want)
			}
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				Config:      credsCheckConfig(url, "l2msg_openai_credential.theirs.id", ""),
				ExpectError: notMine(`"[^"]+"`),
			},
			{
				PreConfig:   sent(0),
				Config:      credsCheckConfig(url, "", "l2msg_openai_credential.theirs.id"),
				ExpectError: notMine(`"[^"]+"`),
			},
			{
				PreConfig:   sent(0),
				Config:      credsCheckConfig(url, `"no-such-credential"`, ""),
				ExpectError: notMine(`"no-such-credential"`),
			},
			{
				// The instance's own credential passes, for both.
				PreConfig: sent(0),
				Config:    credsCheckConfig(url, "l2msg_openai_credential.mine.id", "l2msg_openai_credential.mine.id"),
			},
		},
	})
}
