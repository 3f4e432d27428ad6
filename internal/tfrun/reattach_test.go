package tfrun

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

func TestReattachLine(t *testing.T) {
	tests := []struct {
		line, want string
		ok         bool
	}{
		{"\tTF_REATTACH_PROVIDERS='{\"a\":{\"Pid\":1}}'", `{"a":{"Pid":1}}`, true},
		{"Provider started. To attach Terraform CLI, set the TF_REATTACH_PROVIDERS environment variable with the following:", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := reattachLine(tt.line)
		if got != tt.want || ok != tt.ok {
			t.Errorf("reattachLine(%q) = %q, %v; want %q, %v", tt.line, got, ok, tt.want, tt.ok)
		}
	}
}

// TestRunReattached proves terraform uses the provider the caller started,
// and that its usage is read when it exits.
func TestRunReattached(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC not set: this runs the terraform CLI")
	}
	ctx := context.Background()
	p, err := BuildProvider(ctx, t.TempDir(), BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	emu, url := emulator.NewTestServer(t, emulator.Options{APIKey: "k"})
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
  instance_name = "reattached"
}
`, url)
	if err := w.WriteFile("main.tf", cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Run(ctx, "init"); err != nil {
		t.Fatal(err)
	}
	_, u, err := w.RunReattached(ctx, p, nil, "apply", "-auto-approve")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := emu.Instance("reattached"); !ok {
		t.Fatal("apply did not create the instance")
	}
	if u.CPU <= 0 || u.MaxRSS <= 0 {
		t.Errorf("provider usage not reported: %+v", u)
	}
	if _, _, err := w.RunReattached(ctx, p, nil, "destroy", "-auto-approve"); err != nil {
		t.Fatal(err)
	}
}
