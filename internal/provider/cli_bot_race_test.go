package provider

import (
	"context"
	"testing"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// botRaceConfig is two bots of a kind and the kind's settings, for two
// kinds, on one new instance: every write of a kind may make the kind's
// settings row, and terraform sends them together.
func botRaceConfig(url string) string {
	return providerBlock(url) + `
resource "l2msg_instance" "fresh" {
  instance_name = "fresh"
}

resource "l2msg_typebot" "t" {
  count            = 2
  instance_name    = l2msg_instance.fresh.instance_name
  trigger_type     = "keyword"
  trigger_operator = "equals"
  trigger_value    = "typebot ${count.index}"
  url              = "https://typebot.example"
  typebot          = "flow-${count.index}"
}

resource "l2msg_typebot_settings" "t" {
  instance_name  = l2msg_instance.fresh.instance_name
  keyword_finish = "#end"
}

resource "l2msg_evolution_bot" "e" {
  count            = 2
  instance_name    = l2msg_instance.fresh.instance_name
  trigger_type     = "keyword"
  trigger_operator = "equals"
  trigger_value    = "evolution ${count.index}"
  api_url          = "https://bot.example.com/${count.index}"
}

resource "l2msg_evolution_bot_settings" "e" {
  instance_name  = l2msg_instance.fresh.instance_name
  keyword_finish = "#stop"
}
`
}

// TestAccCLIBotSettingsRace: on the real server, bots of one kind and the
// kind's settings created together on a new instance race for the kind's
// settings row, and all but one fail with "Error setting default settings"
// (4 applies out of 4 at the default parallelism). The emulator has the
// race on by default; the provider must not race itself, so one apply at
// -parallelism=10 converges.
func TestAccCLIBotSettingsRace(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{})
	w := cliWorkdir(t, botRaceConfig(url))
	ctx := context.Background()
	if res, err := w.Run(ctx, "apply", "-auto-approve", "-no-color", "-parallelism=10"); err != nil {
		t.Fatalf("apply: %v\n%s", err, errorLines(res.Stderr))
	}
	for kind, finish := range map[string]string{"typebot": "#end", "evolutionBot": "#stop"} {
		if bots := emu.Chatbots("fresh", kind); len(bots) != 2 {
			t.Errorf("%s bots on the server: %v", kind, bots)
		}
		if row, ok := emu.ChatbotSettings("fresh", kind); !ok || row["keywordFinish"] != finish {
			t.Errorf("%s settings on the server: %v", kind, row)
		}
	}
	if res, err := w.Run(ctx, "plan", "-detailed-exitcode", "-no-color"); err != nil {
		t.Fatalf("second plan not empty (exit %d): %v\n%s", res.ExitCode, err, res.Stdout)
	}
	if res, err := w.Run(ctx, "destroy", "-auto-approve", "-no-color", "-parallelism=10"); err != nil {
		t.Fatalf("destroy: %v\n%s", err, errorLines(res.Stderr))
	}
	if names := emu.Names(); len(names) != 0 {
		t.Fatalf("left on the server: %v", names)
	}
}
