package tfrun

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
	"github.com/l2msg/terraform-provider-l2msg/internal/emulator/emulatortest"
)

// TestInitApplyDestroy proves the mirror set-up works end to end: a real
// init finds the built provider, and apply and destroy reach the emulator.
func TestInitApplyDestroy(t *testing.T) {
	ctx := context.Background()
	emu, w, _ := newOneInstanceWorkdir(t, "tfrun")
	for _, args := range [][]string{{"init"}, {"apply", "-auto-approve"}} {
		if _, err := w.Run(ctx, args...); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := emu.Instance("tfrun"); !ok {
		t.Fatal("apply did not create the instance")
	}
	res, err := w.Run(ctx, "plan", "-detailed-exitcode")
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("second plan not empty (exit %d): %v", res.ExitCode, err)
	}
	if res.CPU <= 0 || !strings.Contains(res.Stdout, "No changes") {
		t.Fatalf("unexpected plan result: cpu=%v stdout=%s", res.CPU, res.Stdout)
	}
	if _, err := w.Run(ctx, "destroy", "-auto-approve"); err != nil {
		t.Fatal(err)
	}
	if names := emu.Names(); len(names) != 0 {
		t.Fatalf("left on the server: %v", names)
	}
}

// newOneInstanceWorkdir builds the provider and prepares a working
// directory whose configuration manages one instance named name on a fresh
// emulator.
func newOneInstanceWorkdir(t *testing.T, name string) (*emulator.Server, *Workdir, *Provider) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC not set: this runs the terraform CLI")
	}
	p, err := BuildProvider(context.Background(), t.TempDir(), BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	emu, url := emulatortest.NewServer(t, emulator.Options{APIKey: "k"})
	w, err := NewWorkdir(t.TempDir(), p)
	if err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`
terraform {
  required_providers {
    l2msg = { source = "l2msg/l2msg" }
  }
}
provider "l2msg" {
  base_url = %q
  api_key  = "k"
}
resource "l2msg_instance" "x" {
  instance_name = %q
}
`, url, name)
	if err := w.WriteFile("main.tf", cfg); err != nil {
		t.Fatal(err)
	}
	return emu, w, p
}
