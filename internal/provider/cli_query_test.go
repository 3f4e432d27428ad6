package provider

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// TestCLIInstanceList_generateConfig is the adoption flow the README shows:
// `terraform query -generate-config-out` writes import and resource blocks
// for every instance found, and they plan as imports with no changes.
func TestCLIInstanceList_generateConfig(t *testing.T) {
	skipCLIBelow(t, "1.14.0", "terraform query")
	emu, url := newEmulator(t, emulator.Options{})
	adoptableAccount(t, emu, url)
	w := cliWorkdir(t, providerBlock(url))
	ctx := context.Background()
	if err := w.WriteFile("adopt.tfquery.hcl", `
list "l2msg_instance" "adopt" {
  provider         = l2msg
  include_resource = true
  config {
    name_prefix = "adopt-"
  }
}
`); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Run(ctx, "query", "-no-color", "-generate-config-out=generated.tf"); err != nil {
		t.Fatal(err)
	}
	gen, err := os.ReadFile(filepath.Join(w.Dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("generated.tf:\n%s", gen)
	for _, want := range []string{`instance_name = "adopt-sales"`, `instance_name = "adopt-support"`, "reject_call", `"https://hooks.example.com/wa"`, "identity"} {
		if !strings.Contains(string(gen), want) {
			t.Errorf("generated.tf lacks %s:\n%s", want, gen)
		}
	}
	if strings.Contains(string(gen), `"other"`) {
		t.Errorf("generated.tf adopts an instance the filter left out:\n%s", gen)
	}
	// The query file stays: plan and apply leave .tfquery.hcl files alone.
	// Each import is an update in place that reads apikey, which an import
	// leaves null (it cannot tell token_wo, whose key must not be stored),
	// and sends nothing.
	plan, err := w.Run(ctx, "plan", "-no-color")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan.Stdout, "Plan: 2 to import, 0 to add, 2 to change, 0 to destroy.") ||
		strings.Count(plan.Stdout, "+ apikey") != 2 || strings.Count(plan.Stdout, "+ ") != 2 || strings.Contains(plan.Stdout, " -> ") {
		t.Fatalf("the generated configuration does not plan as two imports that only read apikey:\n%s\n%s", plan.Stdout, gen)
	}
	before := emu.Stats().Mutating
	if _, err := w.Run(ctx, "apply", "-auto-approve", "-no-color"); err != nil {
		t.Fatal(err)
	}
	if writes := emu.Stats().Mutating - before; writes != 0 {
		t.Errorf("the import's apply sent %d writes", writes)
	}
	again, err := w.Run(ctx, "plan", "-no-color", "-detailed-exitcode")
	if err != nil || again.ExitCode != 0 {
		t.Fatalf("plan after the import is not empty (exit %d): %v\n%s", again.ExitCode, err, again.Stdout)
	}
	for _, r := range cliState(t, w) {
		if r.Values["instance_id"] == "" || r.Tainted {
			t.Errorf("%s not adopted cleanly: %v", r.Address, r.Values)
		}
	}
	if _, err := w.Run(ctx, "destroy", "-auto-approve", "-no-color"); err != nil {
		t.Fatal(err)
	}
	if names := emu.Names(); len(names) != 1 || names[0] != "other" {
		t.Fatalf("destroy should leave only the instance never adopted: %v", names)
	}
}

// `terraform query -json` prints each result's resource object whole, in
// list_resource_found, sensitive values included: the instance's key and
// its webhook header values must not be in it (issue 19, item 6), nor in
// the TRACE logs, nor in the configuration it generates.
func TestCLIInstanceList_queryJSONPrintsNoSecret(t *testing.T) {
	skipCLIBelow(t, "1.14.0", "terraform query")
	_, url := newEmulator(t, emulator.Options{})
	const key, header = "query-KEY-5c2e8a1f7b", "Bearer query-HOOK-4d9b3e6a"
	createOutOfBand(t, url, client.CreateRequest{InstanceName: "queried", Integration: client.IntegrationBaileys, Token: key,
		Webhook: &client.Webhook{Enabled: true, URL: "https://hooks.example.com/q", Headers: map[string]string{"authorization": header}}})
	w := cliWorkdir(t, providerBlock(url))
	if err := w.WriteFile("adopt.tfquery.hcl", `
list "l2msg_instance" "all" {
  provider         = l2msg
  include_resource = true
}
`); err != nil {
		t.Fatal(err)
	}
	tr := newTranscript(t, w)
	res := tr.run(true, "query", "-json")
	if !strings.Contains(res.Stdout, "list_resource_found") || !strings.Contains(res.Stdout, `"queried"`) ||
		!strings.Contains(res.Stdout, "https://hooks.example.com/q") {
		t.Fatalf("query -json did not list the instance with its resource:\n%s", res.Stdout)
	}
	tr.run(true, "query", "-generate-config-out=generated.tf")
	logs, total := tr.scan(map[string]string{"instance key": key, "webhook header": header, "api_key": testAPIKey})
	if len(logs) != tr.n || total == 0 {
		t.Errorf("captured %d logs (%d bytes) of %d commands", len(logs), total, tr.n)
	}
	gen, err := os.ReadFile(filepath.Join(w.Dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(gen), key) || strings.Contains(string(gen), header) || !strings.Contains(string(gen), `"queried"`) {
		t.Errorf("generated.tf:\n%s", gen)
	}
}
