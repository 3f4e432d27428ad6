package tfrun

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
	"github.com/l2msg/terraform-provider-l2msg/internal/emulator/emulatortest"
)

// TestTryingByHand runs CONTRIBUTING's "Trying the provider by hand" as
// written: `eval "$(make -s dev-mirror)"`, then terraform init and apply of
// examples/modules/fleet/example against an emulator, then destroy. It needs
// no network: the mirror serves l2msg/l2msg, the only provider the example
// uses. The target runs twice, as a contributor who rebuilds does.
func TestTryingByHand(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC not set: this runs the terraform CLI")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not on PATH")
	}
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	mirror := t.TempDir()
	var cfg string
	for range 2 {
		cmd := exec.CommandContext(ctx, "bash", "-c", `eval "$(make -s dev-mirror DEV_MIRROR="$1")" && printf %s "$TF_CLI_CONFIG_FILE"`, "bash", mirror)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE=")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf(`eval "$(make -s dev-mirror)": %v: %s`, err, exitStderr(err))
		}
		cfg = string(out)
	}
	if !strings.HasPrefix(cfg, mirror) {
		t.Fatalf("TF_CLI_CONFIG_FILE = %q, want a file under DEV_MIRROR %s", cfg, mirror)
	}

	emu, url := emulatortest.NewServer(t, emulator.Options{APIKey: "dev"})
	work := t.TempDir()
	for _, pattern := range []string{"examples/modules/fleet/*.tf", "examples/modules/fleet/example/*.tf"} {
		files, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: %v (no files)", pattern, err)
		}
		rel, _ := filepath.Rel(filepath.Join(root, "examples/modules/fleet"), filepath.Dir(files[0]))
		if err := os.MkdirAll(filepath.Join(work, rel), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			copyFile(t, f, filepath.Join(work, rel, filepath.Base(f)))
		}
	}
	w, err := NewWorkdir(filepath.Join(work, "example"), nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Env = []string{"TF_CLI_CONFIG_FILE=" + cfg, "L2MSG_BASE_URL=" + url, "L2MSG_API_KEY=dev"}
	for _, args := range [][]string{{"init"}, {"apply", "-auto-approve", "-var", "hook_token=x"}} {
		if _, err := w.Run(ctx, args...); err != nil {
			t.Fatal(err)
		}
	}
	if names := emu.Names(); len(names) != 3 {
		t.Fatalf("apply made %v, want the example's three instances", names)
	}
	if _, err := w.Run(ctx, "destroy", "-auto-approve", "-var", "hook_token=x"); err != nil {
		t.Fatal(err)
	}
}

func exitStderr(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(ee.Stderr)
	}
	return ""
}
