package provider

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// Hostile conditions seen through the terraform CLI, as a user sees them:
// every line terraform prints, and every TRACE log line of terraform and
// the provider, not only the first error that matches.

const (
	hostileToken   = "hostile-KEY-9d3f7a2c51"
	hostileHeader1 = "Bearer hostile-HOOK-1e8b4c7d"
	hostileHeader2 = "Bearer hostile-HOOK-6a2f9e3b"
)

func hostileConfig(url, keyLine, header string) string {
	return fmt.Sprintf(`
provider "l2msg" {
  base_url        = %q
  api_key         = %q
  max_retries     = 0
  min_retry_delay = "10ms"
  max_retry_delay = "50ms"
}

resource "l2msg_instance" "echoed" {
  instance_name = "echoed"
  %s
  webhook = {
    url     = "https://hooks.example.com/echoed"
    headers = { authorization = %q }
  }
}
`, url, testAPIKey, keyLine, header)
}

// A server that echoes the request back in its errors (create, then an
// update of the webhook) gets no secret onto the screen or into the logs:
// not the API key, not token_wo or token, not a webhook header value.
func TestAccHostile_echoedSecretsNeverShown(t *testing.T) {
	t.Parallel()
	ic, url := newInterceptor(t)
	wo := fmt.Sprintf("token_wo = %q\n  token_wo_version = 1", hostileToken)
	plain := fmt.Sprintf("token = %q", hostileToken)
	w := cliWorkdir(t, hostileConfig(url, wo, hostileHeader1))
	tr := newTranscript(t, w)
	write := func(cfg string) {
		if err := w.WriteFile("main.tf", requiredProviders+cfg); err != nil {
			t.Fatal(err)
		}
	}

	ic.setRule(func(method, path string) action {
		if method == http.MethodPost && path == "/instance/create" {
			return echoBack
		}
		return forward
	})
	res := tr.run(false, "apply", "-auto-approve")
	if !strings.Contains(res.Stderr, "(redacted)") {
		t.Errorf("the echoed create is not shown, redacted:\n%s", res.Stderr)
	}
	write(hostileConfig(url, plain, hostileHeader1))
	tr.run(false, "apply", "-auto-approve")

	ic.setRule(func(method, path string) action {
		if method == http.MethodPost && strings.HasPrefix(path, "/webhook/set/") {
			return echoBack
		}
		return forward
	})
	tr.run(true, "apply", "-auto-approve")
	write(hostileConfig(url, plain, hostileHeader2))
	res = tr.run(false, "apply", "-auto-approve")
	if !strings.Contains(res.Stderr, "(redacted)") {
		t.Errorf("the echoed webhook update is not shown, redacted:\n%s", res.Stderr)
	}
	ic.setRule(nil)
	tr.run(true, "destroy", "-auto-approve")

	secrets := map[string]string{"api_key": testAPIKey, "token": hostileToken,
		"webhook header": hostileHeader1, "new webhook header": hostileHeader2}
	for _, out := range tr.outputs {
		assertNoSecrets(t, "output of "+strings.SplitN(out, ":", 2)[0], out, secrets)
	}
	logs, err := os.ReadDir(tr.logDir)
	if err != nil || len(logs) != tr.n {
		t.Fatalf("captured %d logs of %d runs: %v", len(logs), tr.n, err)
	}
	for _, e := range logs {
		b, err := os.ReadFile(filepath.Join(tr.logDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		assertNoSecrets(t, "log "+e.Name(), string(b), secrets)
		if !strings.Contains(string(b), "provider.terraform-provider-l2msg") {
			t.Errorf("log %s lacks the provider's lines", e.Name())
		}
	}
}

// A create whose outcome cannot be resolved (stored, answered 500, and
// every look-up fails) is saved complete: tainted, with nothing unknown.
// Terraform otherwise reports "Provider returned invalid result object
// after apply", three times per instance.
func TestAccHostile_unresolvedCreateSavesCompleteState(t *testing.T) {
	t.Parallel()
	ic, url := newInterceptor(t)
	// Each create is stored and answered 500, and the look-up that follows
	// it fails too (the rule sees no query, so it counts: one look-up per
	// create with max_retries = 0, one instance at a time).
	pending := 0
	ic.setRule(func(method, path string) action {
		switch {
		case method == http.MethodPost && path == "/instance/create":
			pending++
			return failAfter
		case path == "/instance/fetchInstances" && pending > 0:
			pending--
			return failBefore
		}
		return forward
	})
	cfg := fmt.Sprintf(`
provider "l2msg" {
  base_url        = %q
  api_key         = %q
  max_retries     = 0
  min_retry_delay = "10ms"
  max_retry_delay = "50ms"
}

resource "l2msg_instance" "a" {
  instance_name = "unresolved-a"
  qrcode        = true
}

resource "l2msg_instance" "b" {
  instance_name = "unresolved-b"
  webhook = { url = "https://hooks.example.com/b" }
}
`, url, testAPIKey)
	w := cliWorkdir(t, cfg)
	res, err := w.Run(context.Background(), "apply", "-auto-approve", "-no-color", "-parallelism=1")
	if err == nil {
		t.Fatal("apply succeeded; the test wants the creates to fail")
	}
	out := res.Stdout + res.Stderr
	// A diagnostic is its summary line, a blank line, and the address it is about.
	if n := len(regexp.MustCompile(`(?m)^Error: [^\n]*\n\n  with `).FindAllString(out, -1)); n != 2 {
		t.Errorf("%d errors, want one per instance:\n%s", n, out)
	}
	if n := strings.Count(out, "Error: Could not create instance"); n != 2 {
		t.Errorf("%d create errors, want 2:\n%s", n, out)
	}
	for _, bad := range []string{"invalid result object", "bug in the provider", "clear text"} {
		if strings.Contains(out, bad) {
			t.Errorf("output holds %q:\n%s", bad, out)
		}
	}
	state := cliState(t, w)
	if len(state) != 2 {
		t.Fatalf("state holds %d resources, want both instances", len(state))
	}
	for _, r := range state {
		if !r.Tainted || str(r.Values, "id") == "" {
			t.Errorf("%s: tainted %v, id %q; want recorded by name, tainted", r.Address, r.Tainted, str(r.Values, "id"))
		}
	}

	// The next apply finds both instances and replaces them.
	ic.setRule(nil)
	if _, err := w.Run(context.Background(), "apply", "-auto-approve", "-no-color"); err != nil {
		t.Fatal(err)
	}
	if names := ic.emu.Names(); len(names) != 2 {
		t.Errorf("server holds %v, want the two instances once each", names)
	}
	if _, err := w.Run(context.Background(), "destroy", "-auto-approve", "-no-color"); err != nil {
		t.Fatal(err)
	}
}

// Plan-time warnings: a key sent in clear text beyond this machine, and a
// webhook event v2 servers refuse. The plan sends nothing.
func TestAccHostile_planWarnings(t *testing.T) {
	t.Parallel()
	w := cliWorkdir(t, fmt.Sprintf(`
provider "l2msg" {
  base_url = "http://192.0.2.10:8080/whatsapp"
  api_key  = %q
}

resource "l2msg_instance" "warned" {
  instance_name = "warned"
  webhook = {
    url    = "https://hooks.example.com/w"
    events = ["CALL", "NEW_JWT_TOKEN"]
  }
}
`, testAPIKey))
	res, err := w.Run(context.Background(), "plan", "-no-color")
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, res.Stderr)
	}
	out := res.Stdout + res.Stderr
	for _, want := range []string{"Warning: API key sent in clear text", "192.0.2.10", "Warning: Event only v1 servers accept", "NEW_JWT_TOKEN"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, testAPIKey) {
		t.Error("plan output holds the API key")
	}
}

// Delete on its own: a destroy that skips the refresh sends the delete to
// a base_url serving no API. Its 404 must not read as "already gone".
func TestAccHostile_deleteAtAWrongBaseURL(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{Prefix: "/whatsapp"})
	cfg := func(base string) string {
		return fastRetryProviderBlock(base, 0) + `resource "l2msg_instance" "kept" { instance_name = "kept" }` + "\n"
	}
	w := cliWorkdir(t, cfg(url))
	ctx := context.Background()
	if _, err := w.Run(ctx, "apply", "-auto-approve", "-no-color"); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFile("main.tf", requiredProviders+cfg(strings.TrimSuffix(url, "/whatsapp"))); err != nil {
		t.Fatal(err)
	}
	res, err := w.Run(ctx, "destroy", "-refresh=false", "-auto-approve", "-no-color")
	if err == nil || !strings.Contains(res.Stderr, "check base_url") {
		t.Fatalf("destroy at the wrong base_url: err %v\n%s\n%s", err, res.Stdout, res.Stderr)
	}
	if st := cliState(t, w); len(st) != 1 {
		t.Fatalf("state holds %d resources after the failed destroy, want the instance", len(st))
	}
	if names := emu.Names(); len(names) != 1 {
		t.Fatalf("server holds %v", names)
	}
	if err := w.WriteFile("main.tf", requiredProviders+cfg(url)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Run(ctx, "destroy", "-auto-approve", "-no-color"); err != nil {
		t.Fatal(err)
	}
}
