package provider

// Faults at one chosen request, driven through the terraform CLI against the
// built provider (see helpers_test.go), for what only a saved state file
// shows: a tainted instance, and the steps an update recorded.

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
	"github.com/l2msg/terraform-provider-l2msg/internal/tfrun"
)

func TestAccInstance_partialCreateIsTainted(t *testing.T) {
	t.Parallel()
	ic, url := newInterceptor(t)
	// A webhook disabled at create needs a second call, webhook/set.
	w := cliWorkdir(t, fastRetryProviderBlock(url, 1)+`
resource "l2msg_instance" "p" {
  instance_name = "partial create"
  reject_call   = true
  webhook = {
    url     = "https://hooks.example.com/p"
    enabled = false
    events  = ["CALL"]
  }
}
`)
	ctx := context.Background()
	ic.setRule(func(method, path string) action {
		if method == http.MethodPost && strings.HasPrefix(path, "/webhook/set/") {
			return failBefore
		}
		return forward
	})
	res, err := w.Run(ctx, "apply", "-auto-approve", "-no-color")
	if err == nil || !strings.Contains(res.Stderr, "Could not configure the webhook of instance") {
		t.Fatalf("apply with webhook/set failing: err %v\n%s", err, res.Stderr)
	}
	snap, ok := ic.emu.Instance("partial create")
	if !ok {
		t.Fatal("the instance is not on the server")
	}
	st := cliState(t, w)
	if len(st) != 1 || !st[0].Tainted {
		t.Fatalf("want one tainted resource in state, got %+v", st)
	}
	v := st[0].Values
	hook, _ := v["webhook"].(map[string]any)
	if str(v, "instance_id") != snap.ID || str(v, "apikey") != snap.Token || fmtBool(v, "reject_call") != "true" {
		t.Errorf("state does not record the instance as the server has it: %v", v)
	}
	if hook == nil || fmtBool(hook, "enabled") != "true" || !snap.Webhook.Enabled {
		t.Errorf("state must record the webhook as the create left it (enabled): state %v, server %+v", hook, snap.Webhook)
	}

	ic.setRule(nil)
	if _, err := w.Run(ctx, "apply", "-auto-approve", "-no-color"); err != nil {
		t.Fatal(err)
	}
	again, _ := ic.emu.Instance("partial create")
	if again.ID == snap.ID || again.Webhook == nil || again.Webhook.Enabled || len(ic.emu.Names()) != 1 {
		t.Errorf("the next apply did not replace the tainted instance: %+v (server holds %v)", again, ic.emu.Names())
	}
	assertConvergedAndDestroy(t, ic.emu, w)
}

func TestAccInstance_partialUpdateKeepsDoneSteps(t *testing.T) {
	t.Parallel()
	ic, url := newInterceptor(t)
	cfg := func(reject bool, hookURL string) string {
		return fastRetryProviderBlock(url, 1) + fmt.Sprintf(`
resource "l2msg_instance" "p" {
  instance_name = "partial update"
  reject_call   = %t
  webhook = {
    url    = %q
    events = ["CALL"]
  }
}
`, reject, hookURL)
	}
	w := cliWorkdir(t, cfg(false, "https://hooks.example.com/old"))
	ctx := context.Background()
	if _, err := w.Run(ctx, "apply", "-auto-approve", "-no-color"); err != nil {
		t.Fatal(err)
	}
	first, _ := ic.emu.Instance("partial update")

	// The settings step succeeds, the webhook step fails.
	ic.setRule(func(method, path string) action {
		if method == http.MethodPost && strings.HasPrefix(path, "/webhook/set/") {
			return failBefore
		}
		return forward
	})
	if err := w.WriteFile("main.tf", requiredProviders+cfg(true, "https://hooks.example.com/new")); err != nil {
		t.Fatal(err)
	}
	res, err := w.Run(ctx, "apply", "-auto-approve", "-no-color")
	if err == nil || !strings.Contains(res.Stderr, "Could not update the webhook of instance") {
		t.Fatalf("apply with webhook/set failing: err %v\n%s", err, res.Stderr)
	}
	st := cliState(t, w)
	if len(st) != 1 || st[0].Tainted {
		t.Fatalf("want one untainted resource in state, got %+v", st)
	}
	hook, _ := st[0].Values["webhook"].(map[string]any)
	if fmtBool(st[0].Values, "reject_call") != "true" || hook == nil || str(hook, "url") != "https://hooks.example.com/old" {
		t.Errorf("state must hold the new settings and the old webhook, as the server does: %v", st[0].Values)
	}

	ic.setRule(nil)
	if _, err := w.Run(ctx, "apply", "-auto-approve", "-no-color"); err != nil {
		t.Fatal(err)
	}
	now, _ := ic.emu.Instance("partial update")
	if now.ID != first.ID || now.Webhook.URL != "https://hooks.example.com/new" || !now.Settings.RejectCall {
		t.Errorf("the next apply did not finish the update in place: %+v", now)
	}
	assertConvergedAndDestroy(t, ic.emu, w)
}

// assertConvergedAndDestroy checks the plan is empty, then destroys and
// checks the server is empty.
func assertConvergedAndDestroy(t *testing.T, emu *emulator.Server, w *tfrun.Workdir) {
	t.Helper()
	ctx := context.Background()
	res, err := w.Run(ctx, "plan", "-detailed-exitcode", "-no-color")
	if err != nil || res.ExitCode != 0 {
		t.Errorf("plan not empty (exit %d): %v\n%s", res.ExitCode, err, res.Stdout)
	}
	if _, err := w.Run(ctx, "destroy", "-auto-approve", "-no-color"); err != nil {
		t.Fatal(err)
	}
	if names := emu.Names(); len(names) != 0 {
		t.Errorf("left on the server: %v", names)
	}
}
