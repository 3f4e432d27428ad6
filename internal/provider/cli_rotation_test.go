package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
	"github.com/l2msg/terraform-provider-l2msg/internal/tfrun"
)

// rotationConfig is the documented rotation: the instance, one credential
// (name and write-only key from the generation), the OpenAI defaults and a
// bot on it; number set replaces the instance. Without the credential, the
// defaults and the bot, the instance alone.
func rotationConfig(url string, generation int, number string, withCredential bool) string {
	cfg := providerBlock(url) + `
variable "openai_api_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "l2msg_instance" "i" {
  instance_name = "rotating"
`
	if number != "" {
		cfg += fmt.Sprintf("  number        = %q\n", number)
	}
	cfg += "}\n"
	if !withCredential {
		return cfg
	}
	return cfg + fmt.Sprintf(`
resource "l2msg_openai_credential" "main" {
  instance_name      = l2msg_instance.i.instance_name
  instance_id        = l2msg_instance.i.instance_id
  name               = "rotating-openai-%[1]d"
  api_key_wo         = var.openai_api_key
  api_key_wo_version = %[1]d
}

resource "l2msg_openai_settings" "s" {
  instance_name   = l2msg_instance.i.instance_name
  instance_id     = l2msg_instance.i.instance_id
  openai_creds_id = l2msg_openai_credential.main.id
}

resource "l2msg_openai_bot" "bot" {
  instance_name   = l2msg_instance.i.instance_name
  instance_id     = l2msg_instance.i.instance_id
  openai_creds_id = l2msg_openai_credential.main.id
  bot_type        = "assistant"
  assistant_id    = "asst_123"
  trigger_type    = "all"
}
`, generation)
}

// TestAccOpenAICredential_rotation (issue 19 item 5): rotating the key the
// documented way (a new name and key on the same resource) leaves no
// credential on the server and warns of nothing, in one apply; so do an
// instance replacement and `terraform destroy`. Removing the credential
// and the defaults while the instance stays leaves it (the server cannot
// clear the defaults' link), and says so.
func TestAccOpenAICredential_rotation(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{})
	w := cliWorkdir(t, rotationConfig(url, 1, "", true))
	ctx := context.Background()
	run := func(wantOK bool, key string, args ...string) tfrun.Result {
		t.Helper()
		w.Env = append(w.Env, "TF_VAR_openai_api_key="+key)
		res, err := w.Run(ctx, append(args, "-no-color")...)
		if (err == nil) != wantOK {
			t.Fatalf("terraform %v: %v\n%s%s", args, err, res.Stdout, res.Stderr)
		}
		return res
	}
	write := func(cfg string) {
		t.Helper()
		if err := w.WriteFile("main.tf", requiredProviders+cfg); err != nil {
			t.Fatal(err)
		}
	}
	const leftWarning = "credential left on the server"
	creds := func() []string {
		var out []string
		for _, n := range emu.OpenAICreds("rotating") {
			out = append(out, n)
		}
		slices.Sort(out)
		return out
	}
	// usesOnly checks that the defaults and the one bot use the credential
	// of that name, the only one on the server.
	usesOnly := func(step, name string) {
		t.Helper()
		if got := creds(); !slices.Equal(got, []string{name}) {
			t.Errorf("%s: credentials on the server: %v, want only %s", step, got, name)
		}
		var id string
		for i, n := range emu.OpenAICreds("rotating") {
			if n == name {
				id = i
			}
		}
		if s, ok := emu.ChatbotSettings("rotating", "openai"); !ok || s["openaiCredsId"] != id {
			t.Errorf("%s: the OpenAI defaults use %v, want %s (%s)", step, s["openaiCredsId"], id, name)
		}
		if bots := emu.Chatbots("rotating", "openai"); len(bots) != 1 || bots[0]["openaiCredsId"] != id {
			t.Errorf("%s: the OpenAI bots: %v, want one on %s", step, bots, id)
		}
	}
	quiet := func(step string, res tfrun.Result) {
		t.Helper()
		if out := res.Stdout + res.Stderr; strings.Contains(strings.ToLower(out), leftWarning) {
			t.Errorf("%s warned of a credential left on the server, and left none:\n%s", step, out)
		}
		if res, _ := w.Run(ctx, "plan", "-no-color", "-detailed-exitcode"); res.ExitCode != 0 {
			t.Errorf("%s: the next plan is not empty:\n%s%s", step, res.Stdout, res.Stderr)
		}
	}

	run(true, "sk-rotating-1", "apply", "-auto-approve")
	usesOnly("create", "rotating-openai-1")

	// The rotation: a new name and key, one apply.
	write(rotationConfig(url, 2, "", true))
	res := run(true, "sk-rotating-2", "apply", "-auto-approve")
	usesOnly("rotation", "rotating-openai-2")
	quiet("the rotation", res)

	// The instance is replaced: every credential goes with it.
	write(rotationConfig(url, 2, "5511999999999", true))
	res = run(true, "sk-rotating-2", "apply", "-auto-approve")
	usesOnly("instance replacement", "rotating-openai-2")
	quiet("the instance replacement", res)

	// The credential and the defaults removed, the instance kept: the
	// defaults still hold the credential, which stays, and the apply says
	// so.
	write(rotationConfig(url, 2, "5511999999999", false))
	res = run(true, "sk-rotating-2", "apply", "-auto-approve")
	if !strings.Contains(strings.ToLower(res.Stdout+res.Stderr), leftWarning) {
		t.Errorf("the credential stays on the server, and the apply did not say so:\n%s%s", res.Stdout, res.Stderr)
	}
	if got := creds(); !slices.Equal(got, []string{"rotating-openai-2"}) {
		t.Errorf("credentials on the server: %v, want rotating-openai-2 (the defaults hold it)", got)
	}

	// Managed again under a new name, then the whole stack destroyed:
	// no warning, nothing left.
	write(rotationConfig(url, 3, "5511999999999", true))
	run(true, "sk-rotating-3", "apply", "-auto-approve")
	res = run(true, "sk-rotating-3", "destroy", "-auto-approve")
	if out := res.Stdout + res.Stderr; strings.Contains(strings.ToLower(out), leftWarning) {
		t.Errorf("terraform destroy warned of a credential left on the server:\n%s", out)
	}
	if names := emu.Names(); len(names) != 0 {
		t.Errorf("left on the server after destroy: %v", names)
	}
}

// TestAccOpenAICredential_toAnotherResource: the defaults and the bot moved
// to a new credential resource while the old one leaves the configuration,
// in one apply, leave only the new one, whichever order the apply takes.
// (The plan may warn that the old one stays: the instance's plan, which
// decides, cannot yet see the new credential.)
func TestAccOpenAICredential_toAnotherResource(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{})
	cfg := func(slot string) string {
		return providerBlock(url) + `
resource "l2msg_instance" "i" {
  instance_name = "two"
}
resource "l2msg_openai_credential" "` + slot + `" {
  instance_name = l2msg_instance.i.instance_name
  name          = "cred-` + slot + `"
  api_key       = "sk-key-` + slot + `-123"
}
resource "l2msg_openai_settings" "s" {
  instance_name   = l2msg_instance.i.instance_name
  openai_creds_id = l2msg_openai_credential.` + slot + `.id
}
resource "l2msg_openai_bot" "bot" {
  instance_name   = l2msg_instance.i.instance_name
  openai_creds_id = l2msg_openai_credential.` + slot + `.id
  bot_type        = "assistant"
  assistant_id    = "asst_123"
  trigger_type    = "all"
}
`
	}
	w := cliWorkdir(t, cfg("a"))
	ctx := context.Background()
	if _, err := w.Run(ctx, "apply", "-auto-approve"); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFile("main.tf", requiredProviders+cfg("b")); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Run(ctx, "apply", "-auto-approve", "-no-color"); err != nil {
		t.Fatal(err)
	}
	if got := emu.OpenAICreds("two"); len(got) != 1 {
		t.Errorf("credentials on the server: %v, want only cred-b", got)
	}
}
