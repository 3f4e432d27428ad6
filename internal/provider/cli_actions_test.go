package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// TestCLIInstanceActions_invoke runs the actions the way a user does by
// hand: `terraform apply -invoke=action.…`.
func TestCLIInstanceActions_invoke(t *testing.T) {
	skipCLIBelow(t, "1.14.0", "actions")
	emu, url := newEmulator(t, emulator.Options{})
	w := cliWorkdir(t, providerBlock(url)+`
resource "l2msg_instance" "test" {
  instance_name = "invoked"
}

action "l2msg_instance_restart" "it" {
  config {
    instance_name = "invoked"
  }
}

action "l2msg_instance_logout" "it" {
  config {
    instance_name = "invoked"
  }
}
`)
	ctx := context.Background()
	if _, err := w.Run(ctx, "apply", "-auto-approve", "-no-color"); err != nil {
		t.Fatal(err)
	}
	if err := emu.MarkPaired("invoked"); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"restart", "logout"} {
		if _, err := w.Run(ctx, "apply", "-auto-approve", "-no-color", "-invoke=action.l2msg_instance_"+a+".it"); err != nil {
			t.Fatal(err)
		}
	}
	st := emu.Stats()
	if st.ByRoute["POST /instance/restart/:name"] != 1 || st.ByRoute["DELETE /instance/logout/:name"] != 1 {
		t.Fatalf("each action should have called its route once: %v", st.ByRoute)
	}
	if s, _ := emu.Instance("invoked"); s.Status != emulator.StateClose {
		t.Fatalf("state after logout = %q", s.Status)
	}
	res, err := w.Run(ctx, "apply", "-auto-approve", "-no-color", "-invoke=action.l2msg_instance_logout.it")
	if err == nil || !strings.Contains(res.Stderr, "it is not connected") {
		t.Fatalf("a second logout should fail clearly; err=%v stderr=%s", err, res.Stderr)
	}
	if _, err := w.Run(ctx, "destroy", "-auto-approve", "-no-color"); err != nil {
		t.Fatal(err)
	}
}
