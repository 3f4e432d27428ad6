package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/l2msg/terraform-provider-l2msg/internal/tfrun"
)

// The tests in chaos_test.go and leak_test.go run the real terraform CLI
// against the provider built as a binary (tfrun), as a user runs it: they
// repeat applies, and capture TF_LOG output of terraform and the provider
// alike, which the in-process test framework cannot.

// requiredProviders points the CLI at the locally built provider.
const requiredProviders = `terraform {
  required_providers {
    l2msg = { source = "l2msg/l2msg" }
  }
}
`

// cliBuild is the provider binary, built once for every CLI test of the
// run; TestMain removes it.
var cliBuild struct {
	once sync.Once
	dir  string
	p    *tfrun.Provider
	err  error
}

// cliWorkdir builds the provider (with the race detector when the tests
// have it, so the provider's own code is checked too), writes main.tf and
// runs terraform init.
func cliWorkdir(t *testing.T, config string) *tfrun.Workdir {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC not set: this runs the terraform CLI")
	}
	ctx := context.Background()
	cliBuild.once.Do(func() {
		// One build serves every test in the package, so it outlives any
		// one test's TempDir; TestMain removes it.
		cliBuild.dir, cliBuild.err = os.MkdirTemp("", "l2msg-provider-") //nolint:usetesting // shared across tests
		if cliBuild.err == nil {
			cliBuild.p, cliBuild.err = tfrun.BuildProvider(ctx, cliBuild.dir, tfrun.BuildOptions{Race: raceEnabled})
		}
	})
	if cliBuild.err != nil {
		t.Fatal(cliBuild.err)
	}
	w, err := tfrun.NewWorkdir(t.TempDir(), cliBuild.p)
	if err != nil {
		t.Fatal(err)
	}
	if raceEnabled {
		// A race in the provider stops it at once, so the CLI reports a
		// crash instead of the race going by unseen in its stderr.
		w.Env = append(w.Env, "GORACE=halt_on_error=1")
	}
	if err := w.WriteFile("main.tf", requiredProviders+config); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Run(ctx, "init", "-no-color"); err != nil {
		t.Fatal(err)
	}
	return w
}

// cliResource is one resource instance of `terraform show -json`.
type cliResource struct {
	Address string         `json:"address"`
	Values  map[string]any `json:"values"`
	Tainted bool           `json:"tainted"`
}

// cliState reads the state as saved, without a refresh.
func cliState(t *testing.T, w *tfrun.Workdir) []cliResource {
	t.Helper()
	res, err := w.Run(context.Background(), "show", "-json")
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Values *struct {
			RootModule struct {
				Resources []cliResource `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &out); err != nil {
		t.Fatalf("terraform show -json: %v", err)
	}
	if out.Values == nil {
		return nil
	}
	return out.Values.RootModule.Resources
}

// readStateFile returns the raw state file of the working directory.
func readStateFile(t *testing.T, w *tfrun.Workdir) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(w.Dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// str reads a string attribute of a shown resource.
func str(values map[string]any, key string) string {
	s, _ := values[key].(string)
	return s
}

func fmtBool(values map[string]any, key string) string { return fmt.Sprint(values[key]) }

// crashed reports terraform's words for a provider that died: a panic or
// a race the race detector halted on. Such a run is a bug, not a fault to
// ride out with another apply.
func crashed(stderr string) bool {
	for _, s := range []string{"Plugin did not respond", "plugin crashed", "DATA RACE", "panic:"} {
		if strings.Contains(stderr, s) {
			return true
		}
	}
	return false
}
