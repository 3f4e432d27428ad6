package provider

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
	"github.com/l2msg/terraform-provider-l2msg/internal/tfrun"
)

// A resource with a secret has it twice: `<name>`, Sensitive and in state,
// and `<name>_wo` with `<name>_wo_version`, write-only. Importing either
// form must plan no replacement, send nothing to the server when the
// configured secret is the server's, and (write-only form) never put the
// secret in state or in a saved plan. The resources are found by walking
// the provider's own resource list and schemas, so a resource added later
// is covered as soon as it has a twin (and fails here until it has a body).

// secretTwinResource is one resource type with its secret twins.
type secretTwinResource struct {
	typ    string
	twins  []string // each `<name>` with `<name>_wo` and `<name>_wo_version`
	member bool     // its import ID is <instance_name>/<id>
}

// resourcesWithSecretTwins walks the provider's resources.
func resourcesWithSecretTwins(t *testing.T) []secretTwinResource {
	t.Helper()
	ctx := context.Background()
	p := New("test")()
	var out []secretTwinResource
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var md fwresource.MetadataResponse
		r.Metadata(ctx, fwresource.MetadataRequest{ProviderTypeName: "l2msg"}, &md)
		var sr fwresource.SchemaResponse
		r.Schema(ctx, fwresource.SchemaRequest{}, &sr)
		twins := secretTwinNames(sr.Schema.Attributes)
		if len(twins) == 0 {
			continue
		}
		member := false
		if ri, ok := r.(fwresource.ResourceWithIdentity); ok {
			var ir fwresource.IdentitySchemaResponse
			ri.IdentitySchema(ctx, fwresource.IdentitySchemaRequest{}, &ir)
			_, member = ir.IdentitySchema.Attributes["id"]
		}
		out = append(out, secretTwinResource{typ: md.TypeName, twins: twins, member: member})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].typ < out[j].typ })
	return out
}

// hasSecretTwin reports whether resource type typ has a secret twin.
func hasSecretTwin(t *testing.T, typ string) bool {
	return slices.ContainsFunc(resourcesWithSecretTwins(t), func(r secretTwinResource) bool { return r.typ == typ })
}

// secretTwinBodies are the attributes, other than the secret, of a minimal
// resource of each type in instance l2msg_instance.r ("imp").
var secretTwinBodies = map[string]string{
	"l2msg_instance":          `instance_name = "imp"`,
	"l2msg_instance_proxy":    `host = "proxy.example.com"` + "\n  port = 3128\n  username = \"agent\"",
	"l2msg_instance_chatwoot": `account_id = "1"` + "\n  url = \"https://chatwoot.example.com\"",
	"l2msg_instance_pusher":   `app_id = "1234"` + "\n  key = \"imp-key\"\n  cluster = \"mt1\"",
	"l2msg_openai_credential": `name = "imp-cred"`,
	"l2msg_dify_bot":          `bot_type = "chatBot"` + "\n  api_url = \"https://dify.example.com\"\n  trigger_type = \"all\"",
	"l2msg_flowise_bot":       `api_url = "https://flowise.example.com"` + "\n  trigger_type = \"all\"",
	"l2msg_n8n_bot":           `webhook_url = "https://n8n.example.com/hook"` + "\n  basic_auth_user = \"u\"\n  trigger_type = \"all\"",
	"l2msg_evoai_bot":         `agent_url = "https://evoai.example.com"` + "\n  trigger_type = \"all\"",
	"l2msg_evolution_bot":     `api_url = "https://bot.example.com"` + "\n  trigger_type = \"all\"",
}

func (r secretTwinResource) addr() string { return r.typ + ".r" }

// secret is the value of one twin in one form: distinct everywhere, valid
// for every secret's validators, long enough to search for.
func (r secretTwinResource) secret(twin string, wo bool) string {
	form := "plain"
	if wo {
		form = "wo"
	}
	return fmt.Sprintf("imp-%s-%s-%s-9c41", form, strings.TrimPrefix(r.typ, "l2msg_"), twin)
}

// importSecretsConfig is every resource, each secret in one form (the
// write-only one through an ephemeral variable, so that the configuration
// files a saved plan carries do not hold it), with import blocks when ids
// is not nil.
func importSecretsConfig(url string, rs []secretTwinResource, wo bool, ids map[string]string) (string, []string) {
	return importSecretsConfigWith(url, rs, wo, ids, func(r secretTwinResource, twin string) string { return r.secret(twin, wo) })
}

// importSecretsConfigWith is importSecretsConfig with the secrets secret
// gives.
func importSecretsConfigWith(url string, rs []secretTwinResource, wo bool, ids map[string]string,
	secret func(r secretTwinResource, twin string) string) (string, []string) {
	var b strings.Builder
	var env []string
	b.WriteString(providerBlock(url))
	for _, r := range rs {
		fmt.Fprintf(&b, "\nresource %q \"r\" {\n  %s\n", r.typ, secretTwinBodies[r.typ])
		if r.typ != "l2msg_instance" {
			b.WriteString("  instance_name = l2msg_instance.r.instance_name\n")
		}
		for _, twin := range r.twins {
			if !wo {
				fmt.Fprintf(&b, "  %s = %q\n", twin, secret(r, twin))
				continue
			}
			v := strings.TrimPrefix(r.typ, "l2msg_") + "_" + twin
			fmt.Fprintf(&b, "  %s_wo = var.%s\n  %s_wo_version = 1\n", twin, v, twin)
			env = append(env, "TF_VAR_"+v+"="+secret(r, twin))
		}
		b.WriteString("}\n")
		if wo {
			for _, twin := range r.twins {
				v := strings.TrimPrefix(r.typ, "l2msg_") + "_" + twin
				fmt.Fprintf(&b, "variable %q {\n  type      = string\n  sensitive = true\n  ephemeral = true\n}\n", v)
			}
		}
		if id, ok := ids[r.addr()]; ok {
			fmt.Fprintf(&b, "import {\n  to = %s\n  id = %q\n}\n", r.addr(), id)
		}
	}
	return b.String(), env
}

// TestAccImportSecretTwins_differentSecret: after an import, a configured
// secret that is not the server's is sent, by an update in place (the
// OpenAI credential, which has no update route, is replaced; the instance
// keeps its key, which would replace it), in both forms. The import of the
// server's own secret, which sends nothing and stores no write-only secret,
// is the contract check import_keeps_secrets (contract_import_test.go).
func TestAccImportSecretTwins_differentSecret(t *testing.T) {
	t.Parallel()
	rs := resourcesWithSecretTwins(t)
	var missing []string
	for _, r := range rs {
		if _, ok := secretTwinBodies[r.typ]; !ok {
			missing = append(missing, r.typ)
		}
	}
	if len(missing) != 0 {
		t.Fatalf("resources with a secret twin but no body in secretTwinBodies: %v", missing)
	}
	if len(rs) < 10 {
		t.Fatalf("found %d resources with a secret twin, want at least 10: the schema walk is broken", len(rs))
	}
	for _, wo := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "write-only"}[wo], func(t *testing.T) {
			testImportSecretTwins(t, rs, wo)
		})
	}
}

func testImportSecretTwins(t *testing.T, rs []secretTwinResource, wo bool) {
	emu, url := newEmulator(t, emulator.Options{})
	cfg, env := importSecretsConfig(url, rs, wo, nil)
	w := cliWorkdir(t, cfg)
	w.Env = append(w.Env, env...)
	ctx := context.Background()
	run := func(args ...string) tfrun.Result {
		t.Helper()
		res, err := w.Run(ctx, args...)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	write := func(cfg string) {
		t.Helper()
		if err := w.WriteFile("main.tf", requiredProviders+cfg); err != nil {
			t.Fatal(err)
		}
	}
	// importIDs reads each resource's import ID from state.
	importIDs := func() (map[string]string, []string) {
		t.Helper()
		ids := map[string]string{}
		var addrs []string
		for _, res := range cliState(t, w) {
			i := slices.IndexFunc(rs, func(r secretTwinResource) bool { return r.addr() == res.Address })
			if i < 0 {
				continue
			}
			id := str(res.Values, "instance_name")
			if rs[i].member {
				id += "/" + str(res.Values, "id")
			}
			ids[res.Address] = id
			addrs = append(addrs, res.Address)
		}
		if len(ids) != len(rs) {
			t.Fatalf("state has %v, want every one of %d resources", ids, len(rs))
		}
		return ids, addrs
	}
	run("apply", "-auto-approve", "-no-color")
	ids, addrs := importIDs()
	// A configured secret that is not the server's is sent after the
	// import (the credential, which has no update route, is replaced; the
	// instance keeps its key, which would replace it).
	run(append([]string{"state", "rm"}, addrs...)...)
	changed := func(r secretTwinResource, twin string) string {
		if r.typ == "l2msg_instance" {
			return r.secret(twin, wo)
		}
		return r.secret(twin, wo) + "-new"
	}
	cfg, env = importSecretsConfigWith(url, rs, wo, ids, changed)
	write(cfg)
	w.Env = append(w.Env, env...)
	run("plan", "-no-color", "-out=tfplan")
	want := map[string][]string{}
	for _, addr := range addrs {
		want[addr] = []string{"update"}
	}
	want["l2msg_openai_credential.r"] = []string{"delete", "create"}
	checkPlanActions(t, "a new secret", run("show", "-json", "tfplan").Stdout, want)
	before := emu.Stats().Mutating
	run("apply", "-no-color", "tfplan")
	if emu.Stats().Mutating == before {
		t.Error("a new secret after the import sent nothing to the server")
	}
	// The plain secret is read back from the server: an empty plan shows
	// that it has the new one.
	if res, _ := w.Run(ctx, "plan", "-no-color", "-detailed-exitcode"); !wo && res.ExitCode != 0 {
		t.Errorf("the plan after sending the new secrets is not empty (exit %d):\n%s%s", res.ExitCode, res.Stdout, res.Stderr)
	}
}

type planChange struct {
	Address string `json:"address"`
	Change  struct {
		Actions []string `json:"actions"`
	} `json:"change"`
}

// planActions returns the actions of each resource change of a plan shown
// with `terraform show -json`.
func planActions(t *testing.T, planJSON string) map[string][]string {
	t.Helper()
	var plan struct {
		ResourceChanges []planChange `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(planJSON), &plan); err != nil {
		t.Fatalf("terraform show -json: %v", err)
	}
	out := map[string][]string{}
	for _, c := range plan.ResourceChanges {
		out[c.Address] = c.Change.Actions
	}
	return out
}

// checkPlanNoReplace fails for each of addrs that the plan does anything
// to but nothing or an update in place.
func checkPlanNoReplace(t *testing.T, how, planJSON string, addrs []string) {
	t.Helper()
	actions := planActions(t, planJSON)
	for _, addr := range addrs {
		a, ok := actions[addr]
		switch {
		case !ok:
			t.Errorf("%s: %s is not in the plan", how, addr)
		case !slices.Equal(a, []string{"no-op"}) && !slices.Equal(a, []string{"update"}):
			t.Errorf("%s: the plan after the import does %v to %s; want nothing or an update in place", how, a, addr)
		}
	}
}

// checkPlanActions fails for each address the plan does not do want to.
func checkPlanActions(t *testing.T, how, planJSON string, want map[string][]string) {
	t.Helper()
	actions := planActions(t, planJSON)
	for addr, w := range want {
		if a := actions[addr]; !slices.Equal(a, w) {
			t.Errorf("%s: the plan does %v to %s, want %v", how, a, addr, w)
		}
	}
}

// secretsInFile returns the secrets that a file holds, looking inside a
// saved plan's zip entries (compressed, a plain search would miss them).
func secretsInFile(t *testing.T, file string, secrets []string) []string {
	t.Helper()
	var contents [][]byte
	if zr, err := zip.OpenReader(file); err == nil {
		defer func() { _ = zr.Close() }()
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(rc)
			_ = rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			contents = append(contents, b)
		}
		if len(contents) == 0 {
			t.Fatalf("%s: an empty plan file", file)
		}
	} else {
		b, err := readFileIfExists(file)
		if err != nil {
			t.Fatal(err)
		}
		contents = append(contents, b)
	}
	var out []string
	for _, s := range secrets {
		for _, b := range contents {
			if strings.Contains(string(b), s) {
				out = append(out, fmt.Sprintf("%.12s…", s))
				break
			}
		}
	}
	return out
}

// readFileIfExists reads a file; a missing one is empty.
func readFileIfExists(file string) ([]byte, error) {
	b, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return b, err
}

// importedInPlace is the plan check of an import block's step: the
// imported resource is left alone or updated in place, never replaced. An
// import leaves secrets out of state (it cannot tell whether the
// configuration uses their write-only twin), so the plan of a resource
// with one records it, sending nothing (TestAccImportSecretTwins).
func importedInPlace(addr string) resource.ImportPlanChecks {
	return resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{noReplace(addr)}}
}

// noReplace passes when the plan does nothing to addr or updates it in
// place.
func noReplace(addr string) plancheck.PlanCheck { return noReplaceCheck(addr) }

type noReplaceCheck string

func (c noReplaceCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != string(c) {
			continue
		}
		if !rc.Change.Actions.NoOp() && !rc.Change.Actions.Update() {
			resp.Error = fmt.Errorf("%s: planned %v, want nothing or an update in place", c, rc.Change.Actions)
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", c)
}
