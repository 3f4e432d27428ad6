package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/l2msg/terraform-provider-l2msg/internal/tfrun"
)

// checkImportKeepsSecrets (issue 19, item 4): for every secret of the type
// with a write-only twin (found in its schema: secretTwinNames), in both
// forms, an import (an import block, then `terraform import`) plans no
// replacement, the apply of that plan sends nothing to the server (the
// configured secret is the server's), the next plan is empty, and the
// write-only secret is in no state file and no saved plan.
func checkImportKeepsSecrets(t *testing.T, c *contractCase) {
	ctx := context.Background()
	twins, member := secretTwinsOfType(t, c.typ) // never empty: see the check's skip
	run := func(args ...string) tfrun.Result {
		t.Helper()
		env := c.w.Env
		c.w.Env = append(slices.Clone(env), c.env()...)
		defer func() { c.w.Env = env }()
		res, err := c.w.Run(ctx, args...)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	example := c.config
	for _, wo := range []bool{false, true} {
		form := map[bool]string{false: "plain", true: "wo"}[wo]
		// The example's blocks of the type, each secret in this form,
		// from a variable of its own (ephemeral for the write-only form,
		// so that the saved plan does not carry it).
		cfg, vars := withSecretForm(example, c.typ, twins, wo)
		c.setConfig(cfg)
		var secrets []string
		for _, v := range vars {
			c.vars[v] = c.contractSecret(v)
			for _, spelled := range spellings(c.vars[v]) {
				secrets = append(secrets, spelled)
			}
		}
		checkFiles := func(step string, files ...string) {
			t.Helper()
			if !wo {
				return
			}
			for _, f := range files {
				if leaks := secretsInFile(t, filepath.Join(c.w.Dir, f), secrets); len(leaks) > 0 {
					t.Errorf("%s, %s: %s holds the write-only secret", form, step, f)
				}
			}
		}
		run("apply", "-auto-approve", "-no-color")
		ids := map[string]string{}
		for _, r := range cliState(t, c.w) {
			if slices.Contains(c.under, r.Address) {
				ids[r.Address] = str(r.Values, "instance_name")
				if member {
					ids[r.Address] += "/" + str(r.Values, "id")
				}
			}
		}
		importAndPlan := func(how string, doImport func()) {
			t.Helper()
			run(append([]string{"state", "rm"}, c.under...)...)
			doImport()
			checkFiles(how+": state", "terraform.tfstate", "terraform.tfstate.backup")
			run("plan", "-no-color", "-out=tfplan")
			planJSON := run("show", "-json", "tfplan").Stdout
			checkPlanNoReplace(t, form+", "+how, planJSON, c.under)
			checkFiles(how+": saved plan", "tfplan")
			// Nothing to send when the secrets are all the plan changes
			// (and timeouts, which the server never sees); an example may
			// set what an import cannot read (auto_create), which is sent.
			others := changesBesides(t, planJSON, c.under, append(slices.Clone(twins), "timeouts"))
			before := c.server.emu.Stats().Mutating
			run("apply", "-no-color", "tfplan")
			if n := c.server.emu.Stats().Mutating - before; n != 0 && len(others) == 0 {
				t.Errorf("%s, %s: the apply after the import sent %d writes; the configured secrets are the server's", form, how, n)
			} else if len(others) > 0 {
				t.Logf("%s, %s: the plan also changes %v, which an import does not read: %d writes", form, how, others, n)
			}
			checkFiles(how+": state after apply", "terraform.tfstate", "terraform.tfstate.backup")
			env := c.w.Env
			c.w.Env = append(slices.Clone(env), c.env()...)
			res, _ := c.w.Run(ctx, "plan", "-no-color", "-detailed-exitcode")
			c.w.Env = env
			if res.ExitCode != 0 {
				t.Errorf("%s, %s: the plan after the apply is not empty (exit %d):\n%s%s", form, how, res.ExitCode, res.Stdout, res.Stderr)
			}
		}
		importAndPlan("import block", func() {
			var blocks strings.Builder
			for _, addr := range c.under {
				fmt.Fprintf(&blocks, "\nimport {\n  to = %s\n  id = %q\n}\n", addr, ids[addr])
			}
			c.setConfig(cfg + blocks.String())
		})
		importAndPlan("terraform import", func() {
			c.setConfig(cfg)
			for _, addr := range c.under {
				run("import", "-no-color", addr, ids[addr])
			}
		})
	}
}

// secretTwinsOfType returns the secret twins of a served resource type,
// and whether its import ID is <instance_name>/<id>.
func secretTwinsOfType(t *testing.T, typ string) (twins []string, member bool) {
	t.Helper()
	for _, r := range resourcesWithSecretTwins(t) {
		if r.typ == typ {
			return r.twins, r.member
		}
	}
	return nil, false
}

// withSecretForm rewrites the blocks of type typ in config so that each of
// the secrets twins is set in one form, from a variable of its own that it
// declares; it returns the configuration and the variables' names.
func withSecretForm(config, typ string, twins []string, wo bool) (string, []string) {
	form := map[bool]string{false: "plain", true: "wo"}[wo]
	var vars []string
	var decls strings.Builder
	for _, twin := range twins {
		v := "contract_import_" + form + "_" + twin
		vars = append(vars, v)
		fmt.Fprintf(&decls, "\nvariable %q {\n  type      = string\n  sensitive = true\n", v)
		if wo {
			decls.WriteString("  ephemeral = true\n")
		}
		decls.WriteString("}\n")
	}
	var out strings.Builder
	rest := config
	for {
		loc := regexp.MustCompile(`(?m)^resource "` + regexp.QuoteMeta(typ) + `" "[^"]+" \{\n`).FindStringIndex(rest)
		if loc == nil {
			out.WriteString(rest)
			break
		}
		end := loc[1] + strings.Index(rest[loc[1]:], "\n}")
		body := rest[loc[1]:end]
		for _, twin := range twins {
			body = regexp.MustCompile(`(?m)^\s*`+twin+`(_wo|_wo_version)?\s*=.*\n?`).ReplaceAllString(body, "")
		}
		body = strings.TrimRight(body, "\n") + "\n"
		for _, twin := range twins {
			v := "contract_import_" + form + "_" + twin
			if wo {
				body += fmt.Sprintf("  %s_wo = var.%s\n  %s_wo_version = 1\n", twin, v, twin)
			} else {
				body += fmt.Sprintf("  %s = var.%s\n", twin, v)
			}
		}
		out.WriteString(rest[:loc[1]] + strings.TrimPrefix(body, "\n"))
		rest = rest[end:]
	}
	return out.String() + decls.String(), vars
}

// changesBesides returns the attributes, other than those of the twins
// given (each with its _wo and _wo_version), whose planned value differs
// from the prior one in the changes of addrs.
func changesBesides(t *testing.T, planJSON string, addrs, twins []string) []string {
	t.Helper()
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Before       map[string]any `json:"before"`
				After        map[string]any `json:"after"`
				AfterUnknown map[string]any `json:"after_unknown"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(planJSON), &plan); err != nil {
		t.Fatalf("terraform show -json: %v", err)
	}
	skip := map[string]bool{}
	for _, tw := range twins {
		skip[tw], skip[tw+"_wo"], skip[tw+"_wo_version"] = true, true, true
	}
	var out []string
	for _, rc := range plan.ResourceChanges {
		if !slices.Contains(addrs, rc.Address) {
			continue
		}
		for k, after := range rc.Change.After {
			if skip[k] || rc.Change.AfterUnknown[k] == true {
				continue
			}
			a, _ := json.Marshal(after)
			b, _ := json.Marshal(rc.Change.Before[k])
			if string(a) != string(b) {
				out = append(out, rc.Address+"."+k)
			}
		}
	}
	slices.Sort(out)
	return out
}
