package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
	"github.com/l2msg/terraform-provider-l2msg/internal/emulator/emulatortest"
)

// Chatbot secrets of the leak test. The server returns every one of them
// in clear from its find, create and update routes.
const (
	leakCredKey     = "sk-leak-CRED-8d41c0a7e3"
	leakDifyKey     = "leak-DIFY-key-2f9b6d1c04"
	leakN8nPass     = "leak-N8N-pass-6a0e3b9d72"
	leakFlowiseWO   = "leak-FLOWISE-wo-4c8f1a2e95"
	leakDifyKeyNew  = "leak-DIFY-rotated-0b7c5e1f33"
	leakCredWOKey   = "sk-leak-CREDWO-1e6d9a4b20"
	leakN8nPassNext = "leak-N8N-rotated-9f2a7c6e18"
)

func chatbotLeakConfig(url, difyKey, n8nPass, trigger string) string {
	return fmt.Sprintf(`
provider "l2msg" {
  base_url        = %[1]q
  api_key         = %[2]q
  min_retry_delay = "10ms"
  max_retry_delay = "50ms"
}

resource "l2msg_instance" "i" {
  instance_name = "leaky-bots"
}

resource "l2msg_openai_credential" "c" {
  instance_name = l2msg_instance.i.instance_name
  name          = "leak"
  api_key       = %[3]q
}

resource "l2msg_openai_credential" "wo" {
  instance_name      = l2msg_instance.i.instance_name
  name               = "leak-wo"
  api_key_wo         = %[4]q
  api_key_wo_version = 1
}

resource "l2msg_dify_bot" "d" {
  instance_name    = l2msg_instance.i.instance_name
  bot_type         = "chatBot"
  api_url          = "https://dify.example.com"
  api_key          = %[5]q
  trigger_type     = "keyword"
  trigger_operator = "equals"
  trigger_value    = %[8]q
}

resource "l2msg_n8n_bot" "n" {
  instance_name   = l2msg_instance.i.instance_name
  webhook_url     = "https://n8n.example.com/hook"
  basic_auth_user = "u"
  basic_auth_pass = %[6]q
  trigger_type    = "all"
}

resource "l2msg_flowise_bot" "f" {
  instance_name      = l2msg_instance.i.instance_name
  api_url            = "https://flowise.example.com"
  api_key_wo         = %[7]q
  api_key_wo_version = 1
  trigger_type       = "advanced"
  trigger_value      = "contains:price"
}
`, url, leakAPIKey, leakCredKey, leakCredWOKey, difyKey, n8nPass, leakFlowiseWO, trigger)
}

// TestAccLeakChatbots runs the chatbot resources' life cycle (apply, plan,
// import, secret rotation, a refused update, destroy) with TF_LOG=TRACE and
// looks for every secret in all that terraform and the provider printed or
// logged, and in state outside the Sensitive attributes that hold them. A
// write-only secret must not be in state at all.
func TestAccLeakChatbots(t *testing.T) {
	t.Parallel()
	emu, url := emulatortest.NewServer(t, emulator.Options{APIKey: leakAPIKey})
	w := cliWorkdir(t, chatbotLeakConfig(url, leakDifyKey, leakN8nPass, "hi"))
	tr := newTranscript(t, w)
	secrets := map[string]string{"api_key": leakAPIKey, "credential key": leakCredKey, "write-only credential key": leakCredWOKey,
		"dify key": leakDifyKey, "n8n password": leakN8nPass, "flowise write-only key": leakFlowiseWO,
		"rotated dify key": leakDifyKeyNew, "rotated n8n password": leakN8nPassNext}
	write := func(cfg string) {
		t.Helper()
		if err := w.WriteFile("main.tf", requiredProviders+cfg); err != nil {
			t.Fatal(err)
		}
	}

	tr.run(true, "apply", "-auto-approve")
	if res := tr.run(true, "plan", "-detailed-exitcode"); res.ExitCode != 0 {
		t.Fatalf("plan after apply not empty:\n%s", res.Stdout)
	}
	var difyID string
	for _, b := range emu.Chatbots("leaky-bots", "dify") {
		difyID = b["id"].(string)
	}
	tr.run(true, "state", "rm", "l2msg_dify_bot.d")
	tr.run(true, "import", "l2msg_dify_bot.d", "leaky-bots/"+difyID)

	write(chatbotLeakConfig(url, leakDifyKeyNew, leakN8nPassNext, "hi"))
	res := tr.run(true, "apply", "-auto-approve")
	if !strings.Contains(res.Stdout, "(sensitive value)") {
		t.Errorf("the secret change was not shown as a sensitive value:\n%s", res.Stdout)
	}
	checkChatbotState(t, readStateFile(t, w), secrets)

	// A refused update: the dify bot's new trigger belongs to a bot made
	// by hand, whose answer carries the dify key in clear.
	body := `{"enabled":true,"triggerType":"keyword","triggerOperator":"equals","triggerValue":"taken","botType":"agent","apiUrl":"https://other.example.com","apiKey":"` + leakDifyKeyNew + `","ignoreJids":[]}`
	if code := postJSON(t, url+"/dify/create/leaky-bots", leakAPIKey, body); code != 201 {
		t.Fatalf("hand-made bot: %d", code)
	}
	write(chatbotLeakConfig(url, leakDifyKeyNew, leakN8nPassNext, "taken"))
	res = tr.run(false, "apply", "-auto-approve")
	if !strings.Contains(res.Stderr, "already has the trigger") {
		t.Errorf("the refused update did not explain itself:\n%s", res.Stderr)
	}
	write(chatbotLeakConfig(url, leakDifyKeyNew, leakN8nPassNext, "hi"))
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

// checkChatbotState allows a secret only in the attribute that holds it,
// marked sensitive; write-only secrets nowhere.
func postJSON(t *testing.T, url, key, body string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("apikey", key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func checkChatbotState(t *testing.T, raw []byte, secrets map[string]string) {
	t.Helper()
	for _, wo := range []string{leakCredWOKey, leakFlowiseWO, leakAPIKey} {
		if strings.Contains(string(raw), wo) {
			t.Errorf("the state file holds a value it must never store (%.12s…)", wo)
		}
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
	for _, r := range st.Resources {
		for _, inst := range r.Instances {
			sensitive := string(mustMarshal(t, inst.SensitiveAttributes))
			walkStrings(inst.Attributes, "", func(path, v string) {
				for what, s := range secrets {
					if !strings.Contains(v, s) {
						continue
					}
					name := strings.TrimPrefix(path, ".")
					if (name != "api_key" && name != "basic_auth_pass") || !strings.Contains(sensitive, `"`+name+`"`) {
						t.Errorf("%s attribute %s holds the %s", r.Type, path, what)
					}
				}
			})
		}
	}
}
