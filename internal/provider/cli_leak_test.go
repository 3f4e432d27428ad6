package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
	"github.com/l2msg/terraform-provider-l2msg/internal/emulator/emulatortest"
	"github.com/l2msg/terraform-provider-l2msg/internal/tfrun"
)

// Secrets of the leak test: distinctive, so finding one anywhere means it
// leaked.
const (
	leakAPIKey    = "leak-GLOBAL-key-0c5e9a71d3"
	leakWrongKey  = "leak-WRONG-key-7b2d4f9e15"
	leakHeader    = "Bearer leak-HOOK-secret-5e1d7a3c"
	leakHeaderNew = "Bearer leak-HOOK-rotated-9c3b2f8e"
	leakPusher    = "leak-PUSHER-secret-3f8a1d6b"
)

func leakConfig(url, apiKey, header string) string {
	return fmt.Sprintf(`
provider "l2msg" {
  base_url        = %q
  api_key         = %q
  min_retry_delay = "10ms"
  max_retry_delay = "50ms"
}

resource "l2msg_instance" "leak" {
  instance_name = "leaky"
  msg_call      = "busy"
  webhook = {
    url     = "https://hooks.example.com/leak"
    headers = { authorization = %q }
  }
}

resource "l2msg_instance_pusher" "leak" {
  instance_name = l2msg_instance.leak.instance_name
  app_id        = "1234"
  key           = "leak-key"
  cluster       = "mt1"
  secret        = %q
}
`, url, apiKey, header, leakPusher)
}

// transcript runs terraform commands with TF_LOG=TRACE and keeps all they
// printed and logged, core and provider alike.
type transcript struct {
	t       *testing.T
	w       *tfrun.Workdir
	logDir  string
	outputs []string
	n       int
	// logEnv selects what is logged; see newTranscript.
	logEnv []string
}

// newTranscript logs everything at TRACE. OpenTofu's core, unlike
// Terraform's, logs values it should not: the resource's configuration at
// DEBUG while importing it, and at WARN every value the refresh after an
// import changed ("produced an unexpected new value ... during refresh"),
// sensitive ones included. That is the CLI ignoring the schema's sensitive
// marks, which the provider sets. Under OpenTofu the core log is kept at
// ERROR (where a secret in a provider's diagnostic would show) and the
// provider's at TRACE.
func newTranscript(t *testing.T, w *tfrun.Workdir) *transcript {
	t.Helper()
	tr := &transcript{t: t, w: w, logDir: t.TempDir(), logEnv: []string{"TF_LOG=TRACE"}}
	res, err := w.Run(context.Background(), "version")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(res.Stdout, "OpenTofu") {
		tr.logEnv = []string{"TF_LOG_CORE=ERROR", "TF_LOG_PROVIDER=TRACE"}
	}
	return tr
}

func (tr *transcript) run(wantOK bool, args ...string) tfrun.Result {
	tr.t.Helper()
	tr.n++
	logPath := filepath.Join(tr.logDir, fmt.Sprintf("%02d-%s.log", tr.n, args[0]))
	env := tr.w.Env
	tr.w.Env = append(append(append([]string{}, env...), tr.logEnv...), "TF_LOG_PATH="+logPath)
	res, err := tr.w.Run(context.Background(), append(args, "-no-color")...)
	tr.w.Env = env
	tr.outputs = append(tr.outputs, fmt.Sprintf("terraform %v: stdout\n%s\nstderr\n%s", args, res.Stdout, res.Stderr))
	if wantOK && err != nil {
		tr.t.Fatal(err)
	}
	if !wantOK && err == nil {
		tr.t.Fatalf("terraform %v succeeded; the test wants it to fail", args)
	}
	return res
}

// TestAccLeak runs a whole life cycle (apply, plan, import, update, failed
// refreshes, wrong key, destroy) with TF_LOG=TRACE and looks for every
// secret in everything terraform and the provider printed or logged, and in
// the state file outside the attributes that hold them.
func TestAccLeak(t *testing.T) {
	t.Parallel()
	emu, url := emulatortest.NewServer(t, emulator.Options{APIKey: leakAPIKey, DeleteDelay: 50 * time.Millisecond})
	w := cliWorkdir(t, leakConfig(url, leakAPIKey, leakHeader))
	tr := newTranscript(t, w)

	tr.run(true, "apply", "-auto-approve")
	snap, ok := emu.Instance("leaky")
	if !ok || snap.Token == "" {
		t.Fatal("apply did not create the instance")
	}
	secrets := map[string]string{"api_key": leakAPIKey, "wrong api_key": leakWrongKey,
		"webhook header": leakHeader, "rotated webhook header": leakHeaderNew, "instance apikey": snap.Token,
		"pusher secret": leakPusher}

	if res := tr.run(true, "plan", "-detailed-exitcode"); res.ExitCode != 0 {
		t.Fatalf("plan after apply not empty:\n%s", res.Stdout)
	}
	tr.run(true, "state", "rm", "l2msg_instance.leak", "l2msg_instance_pusher.leak")
	tr.run(true, "import", "l2msg_instance.leak", "leaky")
	tr.run(true, "import", "l2msg_instance_pusher.leak", "leaky")

	if err := w.WriteFile("main.tf", requiredProviders+leakConfig(url, leakAPIKey, leakHeaderNew)); err != nil {
		t.Fatal(err)
	}
	res := tr.run(true, "apply", "-auto-approve")
	if !strings.Contains(res.Stdout, "(sensitive value)") {
		t.Errorf("the header change was not shown as a sensitive value:\n%s", res.Stdout)
	}
	if res := tr.run(true, "plan", "-detailed-exitcode"); res.ExitCode != 0 {
		t.Fatalf("plan after update not empty:\n%s", res.Stdout)
	}
	checkStateFile(t, readStateFile(t, w), secrets)

	// Errors: a server failing every request, then a refused key.
	emu.SetFaults(emulator.FaultConfig{Rate: 1, Seed: 1, Kinds: []emulator.FaultKind{emulator.Fault500}})
	res = tr.run(false, "plan")
	if !strings.Contains(res.Stderr, "500") {
		t.Errorf("the failed plan did not show the server error:\n%s", res.Stderr)
	}
	emu.SetFaults(emulator.FaultConfig{})
	if err := w.WriteFile("main.tf", requiredProviders+leakConfig(url, leakWrongKey, leakHeaderNew)); err != nil {
		t.Fatal(err)
	}
	res = tr.run(false, "plan")
	if !strings.Contains(res.Stderr, "401") {
		t.Errorf("the plan with a wrong key did not show the 401:\n%s", res.Stderr)
	}
	if err := w.WriteFile("main.tf", requiredProviders+leakConfig(url, leakAPIKey, leakHeaderNew)); err != nil {
		t.Fatal(err)
	}
	tr.run(true, "destroy", "-auto-approve")
	if names := emu.Names(); len(names) != 0 {
		t.Fatalf("left on the server: %v", names)
	}

	logs, total := tr.scan(secrets)
	// The logs must be real TRACE logs of both processes, or the test
	// proves nothing.
	all := strings.Join(tr.outputs, "\n")
	if total < 100_000 || len(logs) != tr.n {
		t.Errorf("captured %d log files, %d bytes: TF_LOG_PATH did not capture the runs", len(logs), total)
	}
	checkLogsHaveProvider(t, tr.logDir)
	t.Logf("scanned %d commands, %d bytes of TRACE logs, %d bytes of output", tr.n, total, len(all))
}

// scan looks for every secret in the runs' logs and outputs; it returns
// the log files and their size, which callers check to prove the logs were
// captured at all.
func (tr *transcript) scan(secrets map[string]string) ([]os.DirEntry, int) {
	t := tr.t
	t.Helper()
	logs, err := os.ReadDir(tr.logDir)
	if err != nil {
		t.Fatal(err)
	}
	var total int
	for _, e := range logs {
		b, err := os.ReadFile(filepath.Join(tr.logDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		total += len(b)
		assertNoSecrets(t, "log "+e.Name(), string(b), secrets)
	}
	for _, out := range tr.outputs {
		assertNoSecrets(t, "output of "+strings.SplitN(out, ":", 2)[0], out, secrets)
	}
	return logs, total
}

func assertNoSecrets(t *testing.T, where, text string, secrets map[string]string) {
	t.Helper()
	for what, s := range secrets {
		if i := strings.Index(text, s); i >= 0 {
			from, to := max(0, i-300), min(len(text), i+len(s)+100)
			t.Errorf("%s holds the %s:\n…%s…", where, what, text[from:to])
		}
	}
}

// checkLogsHaveProvider proves the provider's own debug lines, requests
// included, are in the logs that were scanned.
func checkLogsHaveProvider(t *testing.T, dir string) {
	t.Helper()
	var all strings.Builder
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		all.Write(b)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`sending l2msg API request.*path=/instance/create`),
		regexp.MustCompile(`l2msg API request failed; retrying`),
		regexp.MustCompile(`provider\.terraform-provider-l2msg`),
	} {
		if !want.MatchString(all.String()) {
			t.Errorf("the TRACE logs lack %s", want)
		}
	}
}

// leakSecretHomes are where each resource type keeps secrets on purpose,
// marked sensitive: attribute paths, or path prefixes ending in a dot.
var leakSecretHomes = map[string][]string{
	"l2msg_instance":        {".apikey", ".webhook.headers."},
	"l2msg_instance_pusher": {".secret"},
}

// checkStateFile allows secrets only where the schema keeps them, marked
// sensitive (leakSecretHomes). The global key must not be in state at all.
func checkStateFile(t *testing.T, raw []byte, secrets map[string]string) {
	t.Helper()
	if strings.Contains(string(raw), leakAPIKey) {
		t.Error("the provider's api_key is in the state file")
	}
	var st struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []struct {
				Attributes          map[string]any    `json:"attributes"`
				SensitiveAttributes []json.RawMessage `json:"sensitive_attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatal(err)
	}
	if len(st.Resources) != len(leakSecretHomes) {
		t.Fatalf("state holds %d resources, want %d", len(st.Resources), len(leakSecretHomes))
	}
	for _, res := range st.Resources {
		homes, ok := leakSecretHomes[res.Type]
		if !ok || len(res.Instances) != 1 {
			t.Fatalf("state holds %d %s", len(res.Instances), res.Type)
		}
		inst := res.Instances[0]
		sensitive := string(mustMarshal(t, inst.SensitiveAttributes))
		for _, home := range homes {
			if want := `"` + strings.Split(strings.TrimPrefix(home, "."), ".")[0] + `"`; !strings.Contains(sensitive, want) {
				t.Errorf("%s sensitive_attributes lacks %s: %s", res.Type, want, sensitive)
			}
		}
		walkStrings(inst.Attributes, "", func(path, v string) {
			for _, home := range homes {
				if path == home || (strings.HasSuffix(home, ".") && strings.HasPrefix(path, home)) {
					return
				}
			}
			for what, s := range secrets {
				if strings.Contains(v, s) {
					t.Errorf("%s state attribute %s holds the %s", res.Type, path, what)
				}
			}
		})
	}
}

func walkStrings(v any, path string, fn func(path, v string)) {
	switch t := v.(type) {
	case string:
		fn(path, t)
	case map[string]any:
		for k, e := range t {
			walkStrings(e, path+"."+k, fn)
		}
	case []any:
		for i, e := range t {
			walkStrings(e, fmt.Sprintf("%s[%d]", path, i), fn)
		}
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
