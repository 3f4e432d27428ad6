package provider

// Deletes as the real server does them, through the terraform CLI against
// the emulator: the name freed a moment after the listing lets the
// instance go, and REMOVE_INSTANCE delivered to the webhook before the
// delete, with retries for about 20 minutes when the receiver is down.

import (
	"context"
	"fmt"
	"testing"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
	"github.com/l2msg/terraform-provider-l2msg/internal/tfrun"
)

// Replacements in a row with the emulator's default, measured delete lag:
// the create of the old name meets the server still freeing it and waits,
// instead of telling the user to import an instance it deleted. The real
// server held a name after its listing let go in 2 of 20 replacements; the
// emulator holds it after every delete, but the poll that sees the listing
// let go may come after that hold is over. So the test replaces at least
// three times in a row, and on until two creates have met the hold (a create
// answered 403 and sent again), up to twenty replacements.
func TestAccDeletes_replacementsInARowWithTheMeasuredLag(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{})
	const name = "renumbered"
	w := cliWorkdir(t, providerBlock(url)+fmt.Sprintf(`
variable "number" {
  type = string
}

resource "l2msg_instance" "test" {
  instance_name = %q
  number        = var.number
}
`, name))
	ctx := context.Background()
	lastID := ""
	const minApplies, maxApplies, wantHeld = 4, 21, 2 // a create, then 3 to 20 replacements
	held, applies := 0, 0
	for applies < minApplies || (applies < maxApplies && held < wantHeld) {
		// No refresh: the replacement is what is tested, and each
		// apply's own refresh would only add a request.
		if _, err := w.Run(ctx, "apply", "-auto-approve", "-no-color", "-refresh=false", fmt.Sprintf("-var=number=55119%08d", applies)); err != nil {
			t.Fatalf("apply %d: %v", applies, err)
		}
		applies++
		s, ok := emu.Instance(name)
		if !ok || s.ID == lastID || s.PendingDelete {
			t.Fatalf("apply %d did not replace the instance: %+v", applies, s)
		}
		lastID = s.ID
		// One create per apply; each further one met the held name.
		held = emu.Stats().ByRoute["POST /instance/create"] - applies
	}
	t.Logf("%d applies, %d creates met the name still held", applies, held)
	if held < wantHeld {
		t.Errorf("%d of %d creates met the name still held, want %d: the test did not exercise what it claims", held, applies, wantHeld)
	}
	if _, err := w.Run(ctx, "destroy", "-auto-approve", "-no-color", "-var=number=5511900000000"); err != nil {
		t.Fatal(err)
	}
	if names := emu.Names(); len(names) != 0 {
		t.Errorf("left on the server: %v", names)
	}
}

// receiverDownConfig is an instance whose webhook gets every event (events
// omitted) and whose receiver the emulator cannot reach (.invalid). Deleting
// it with the webhook on, the server would retry REMOVE_INSTANCE for 1215 s
// before it deletes: timeouts.delete turns that into an error.
func receiverDownConfig(url, number string) string {
	return providerBlock(url) + fmt.Sprintf(`
resource "l2msg_instance" "test" {
  instance_name = "hooked"
  number        = %q
  webhook = {
    url = "https://receiver.invalid/hook"
  }
  timeouts {
    delete = "1m"
  }
}
`, number)
}

// A destroy and a replacement of an instance whose webhook receiver is
// down finish well within timeouts.delete.
func TestAccDeletes_webhookReceiverDown(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{})
	w := cliWorkdir(t, receiverDownConfig(url, "5511911111111"))
	ctx := context.Background()
	if _, err := w.Run(ctx, "apply", "-auto-approve", "-no-color"); err != nil {
		t.Fatal(err)
	}
	before, _ := emu.Instance("hooked")
	if before.Webhook == nil || !before.Webhook.Enabled || len(before.Webhook.Events) != len(emulator.AllEvents) {
		t.Fatalf("webhook on the server: %+v", before.Webhook)
	}

	t.Run("replacement", func(t *testing.T) {
		if err := w.WriteFile("main.tf", requiredProviders+receiverDownConfig(url, "5511922222222")); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Run(ctx, "apply", "-auto-approve", "-no-color"); err != nil {
			t.Fatal(err)
		}
		after, ok := emu.Instance("hooked")
		if !ok || after.ID == before.ID || after.Webhook == nil || !after.Webhook.Enabled {
			t.Fatalf("not replaced with its webhook on: %+v", after)
		}
		assertEmptyPlan(t, w)
	})
	t.Run("destroy", func(t *testing.T) {
		if _, err := w.Run(ctx, "destroy", "-auto-approve", "-no-color"); err != nil {
			t.Fatal(err)
		}
		if names := emu.Names(); len(names) != 0 {
			t.Errorf("left on the server: %v", names)
		}
	})
}

// assertEmptyPlan fails unless a plan of w shows no change.
func assertEmptyPlan(t *testing.T, w *tfrun.Workdir) {
	t.Helper()
	res, err := w.Run(context.Background(), "plan", "-detailed-exitcode", "-no-color")
	if err != nil || res.ExitCode != 0 {
		t.Errorf("plan not empty (exit %d): %v\n%s", res.ExitCode, err, res.Stdout)
	}
}
