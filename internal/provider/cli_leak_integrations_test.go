package provider

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// Secrets of the integrations' leak test.
const (
	leakProxyPass    = "leak-PROXY-pass-3f9a1c"
	leakProxyPassNew = "leak-PROXY-rotated-8d2e4b"
	leakCWToken      = "leak-CW-token-6b1f0e"
	leakCWTokenNew   = "leak-CW-rotated-2a7c9d"
)

func leakIntegrationsConfig(url, pass, token string, version int, port int) string {
	return fmt.Sprintf(`
provider "l2msg" {
  base_url        = %q
  api_key         = %q
  min_retry_delay = "10ms"
  max_retry_delay = "50ms"
}

resource "l2msg_instance" "leak" {
  instance_name = "leaky"
}

resource "l2msg_instance_proxy" "leak" {
  instance_name = l2msg_instance.leak.instance_name
  instance_id   = l2msg_instance.leak.instance_id
  host          = "proxy.example.com"
  port          = %d
  username      = "agent"
  password      = %q
}

resource "l2msg_instance_chatwoot" "leak" {
  instance_name    = l2msg_instance.leak.instance_name
  instance_id      = l2msg_instance.leak.instance_id
  account_id       = "1"
  url              = "https://chatwoot.example.com"
  token_wo         = %q
  token_wo_version = %d
}

data "l2msg_instance_proxy" "leak" {
  instance_name    = l2msg_instance_proxy.leak.instance_name
  include_password = true
}

data "l2msg_instance_chatwoot" "leak" {
  instance_name = l2msg_instance_chatwoot.leak.instance_name
  include_token = true
}
`, url, leakAPIKey, port, pass, token, version)
}

// echoingServer is the emulator behind a switch that makes the integration
// set routes fail with a 500 quoting the request, as a database error
// quoting the row it could not write does.
func echoingServer(t *testing.T, emu *emulator.Server, echo *atomic.Bool) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if echo.Load() && r.Method == http.MethodPost && (strings.HasPrefix(r.URL.Path, "/proxy/set/") || strings.HasPrefix(r.URL.Path, "/chatwoot/set/")) {
			body, _ := io.ReadAll(r.Body)
			msg, _ := json.Marshal("Invalid `prisma.upsert()` invocation: " + string(body))
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = fmt.Fprintf(w, `{"status":500,"error":"Internal Server Error","response":{"message":%s}}`, msg)
			return
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestAccLeakIntegrations runs the proxy and Chatwoot resources and data
// sources through create, import, rotation, a server error that quotes the
// secrets, and destroy, with TF_LOG=TRACE, and looks for the secrets in all
// that terraform and the provider printed or logged, and in the state file
// outside the Sensitive attributes that hold them. The write-only token may
// not be in state at all.
func TestAccLeakIntegrations(t *testing.T) {
	t.Parallel()
	emu := emulator.New(emulator.Options{APIKey: leakAPIKey})
	var echo atomic.Bool
	url := echoingServer(t, emu, &echo)
	w := cliWorkdir(t, leakIntegrationsConfig(url, leakProxyPass, leakCWToken, 1, 3128))
	tr := newTranscript(t, w)
	write := func(cfg string) {
		t.Helper()
		if err := w.WriteFile("main.tf", requiredProviders+cfg); err != nil {
			t.Fatal(err)
		}
	}
	secrets := map[string]string{"api_key": leakAPIKey, "proxy password": leakProxyPass, "rotated proxy password": leakProxyPassNew,
		"chatwoot token": leakCWToken, "rotated chatwoot token": leakCWTokenNew}

	tr.run(true, "apply", "-auto-approve")
	snap, _ := emu.Instance("leaky")
	if snap.Proxy == nil || snap.Proxy.Password != leakProxyPass || snap.Chatwoot == nil || snap.Chatwoot.Token != leakCWToken {
		t.Fatalf("apply did not configure the integrations: %+v", snap.IntegrationsSnapshot)
	}
	if res := tr.run(true, "plan", "-detailed-exitcode"); res.ExitCode != 0 {
		t.Fatalf("plan after apply not empty:\n%s", res.Stdout)
	}
	tr.run(true, "state", "rm", "l2msg_instance_proxy.leak", "l2msg_instance_chatwoot.leak")
	tr.run(true, "import", "l2msg_instance_proxy.leak", "leaky")
	tr.run(true, "import", "l2msg_instance_chatwoot.leak", "leaky")

	write(leakIntegrationsConfig(url, leakProxyPassNew, leakCWTokenNew, 2, 3128))
	res := tr.run(true, "apply", "-auto-approve")
	if !strings.Contains(res.Stdout, "(sensitive value)") {
		t.Errorf("the password change was not shown as a sensitive value:\n%s", res.Stdout)
	}
	if snap, _ := emu.Instance("leaky"); snap.Proxy.Password != leakProxyPassNew || snap.Chatwoot.Token != leakCWTokenNew {
		t.Fatal("the rotated secrets did not reach the server")
	}
	if res := tr.run(true, "plan", "-detailed-exitcode"); res.ExitCode != 0 {
		t.Fatalf("plan after rotation not empty:\n%s", res.Stdout)
	}
	checkIntegrationsStateFile(t, readStateFile(t, w), secrets)

	// The server fails the writes with messages that quote the secrets.
	echo.Store(true)
	write(leakIntegrationsConfig(url, leakProxyPassNew, leakCWTokenNew, 3, 8080))
	res = tr.run(false, "apply", "-auto-approve")
	if !strings.Contains(res.Stderr, "prisma.upsert") || !strings.Contains(res.Stderr, "(redacted)") {
		t.Errorf("the failed apply did not show the server's (redacted) error:\n%s", res.Stderr)
	}
	echo.Store(false)
	tr.run(true, "destroy", "-auto-approve")
	if names := emu.Names(); len(names) != 0 {
		t.Fatalf("left on the server: %v", names)
	}

	logs, total := tr.scan(secrets)
	if total < 100_000 || len(logs) != tr.n {
		t.Errorf("captured %d log files, %d bytes: TF_LOG_PATH did not capture the runs", len(logs), total)
	}
	t.Logf("scanned %d commands, %d bytes of TRACE logs", tr.n, total)
}

// checkIntegrationsStateFile allows the proxy password only in the
// resource's and the data source's password attributes, and the Chatwoot
// token only in the data source's token (the resource uses token_wo).
func checkIntegrationsStateFile(t *testing.T, raw []byte, secrets map[string]string) {
	t.Helper()
	var st struct {
		Resources []struct {
			Mode      string `json:"mode"`
			Type      string `json:"type"`
			Instances []struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{
		"managed l2msg_instance_proxy.password": true,
		"data l2msg_instance_proxy.password":    true,
		"data l2msg_instance_chatwoot.token":    true,
		"managed l2msg_instance.apikey":         true,
	}
	for _, r := range st.Resources {
		for _, inst := range r.Instances {
			walkStrings(inst.Attributes, "", func(p, v string) {
				if allowed[r.Mode+" "+r.Type+p] {
					return
				}
				for what, s := range secrets {
					if strings.Contains(v, s) {
						t.Errorf("state attribute %s %s%s holds the %s", r.Mode, r.Type, p, what)
					}
				}
			})
		}
	}
	if !strings.Contains(string(raw), `"password"`) {
		t.Error("no password attribute in state")
	}
}
