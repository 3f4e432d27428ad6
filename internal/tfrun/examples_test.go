package tfrun

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
	"github.com/l2msg/terraform-provider-l2msg/internal/emulator/emulatortest"
)

// TestExamplesValidate runs terraform init and validate on every folder of
// examples/ against the provider built from this tree, so an example that
// uses a renamed or removed attribute fails here, not in a user's hands.
func TestExamplesValidate(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC not set: this runs the terraform CLI")
	}
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dirs := map[string][]string{}
	err = filepath.WalkDir(filepath.Join(root, "examples"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".terraform") {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".tf") || strings.HasSuffix(p, ".tfquery.hcl")) {
			dirs[filepath.Dir(p)] = append(dirs[filepath.Dir(p)], p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 5 {
		t.Fatalf("found only %d example folders under %s", len(dirs), root)
	}
	ctx := context.Background()
	p, err := BuildProvider(ctx, t.TempDir(), BuildOptions{ModuleRoot: root})
	if err != nil {
		t.Fatal(err)
	}
	w0, err := NewWorkdir(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	cli, err := w0.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(dirs))
	for d := range dirs {
		names = append(names, d)
	}
	sort.Strings(names)
	for _, dir := range names {
		rel, _ := filepath.Rel(root, dir)
		t.Run(rel, func(t *testing.T) {
			var module []string
			if strings.HasSuffix(rel, "/example") {
				module = dirs[filepath.Dir(dir)]
			}
			validateExample(ctx, t, p, cli, importVariants(dirs[dir]), module)
		})
	}
}

// importVariants: the import examples of a resource (import-by-string-id.tf,
// import-by-identity.tf) are alternatives that import the same address, so
// each is validated with the folder's other files but not with the others.
func importVariants(files []string) [][]string {
	var common, imports []string
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "import-by-") {
			imports = append(imports, f)
		} else {
			common = append(common, f)
		}
	}
	if len(imports) < 2 {
		return [][]string{files}
	}
	var out [][]string
	for _, imp := range imports {
		out = append(out, append(slices.Clone(common), imp))
	}
	return out
}

// validateExample runs init, once, and validate, once per variant, in a
// fresh folder; module holds the files of the module a module's example
// calls as "../". The variants differ only in their import file, which init
// does not read: each is put in place for its own validate.
func validateExample(ctx context.Context, t *testing.T, p *Provider, cli *version.Version, variants [][]string, module []string) {
	t.Helper()
	work := t.TempDir()
	if module != nil {
		for _, f := range module {
			copyFile(t, f, filepath.Join(work, filepath.Base(f)))
		}
		work = filepath.Join(work, "example")
		if err := os.MkdirAll(work, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// usable is the files the CLI can read: an example may need a newer one.
	usable := func(files []string) []string {
		var out []string
		for _, f := range files {
			if needs := needsCLI(t, f); needs != nil && cli.LessThan(needs) {
				t.Logf("%s needs %s or later; the CLI is %s: left out", filepath.Base(f), needs, cli)
				continue
			}
			out = append(out, f)
		}
		return out
	}
	common := usable(variants[0])
	if len(variants) > 1 {
		common = common[:0:0]
		for _, f := range usable(variants[0]) {
			if !strings.HasPrefix(filepath.Base(f), "import-by-") {
				common = append(common, f)
			}
		}
	}
	if len(common) == 0 {
		t.Skipf("every file needs a newer CLI than %s", cli)
	}
	declared, query := false, false
	for _, f := range common {
		declared = copyFile(t, f, filepath.Join(work, filepath.Base(f))) || declared
		query = query || strings.HasSuffix(f, ".tfquery.hcl")
	}
	// Snippets rendered into the docs leave required_providers to the
	// reader; without it terraform would look for hashicorp/l2msg.
	if !declared {
		src := "terraform {\n  required_providers {\n    l2msg = { source = \"l2msg/l2msg\" }\n  }\n}\n"
		if err := os.WriteFile(filepath.Join(work, "zz_providers_test.tf"), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	w, err := NewWorkdir(work, p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Run(ctx, "init", "-backend=false"); err != nil {
		t.Fatal(err)
	}
	validate := []string{"validate", "-no-color"}
	if query {
		validate = append(validate, "-query")
	}
	if len(variants) == 1 {
		if _, err := w.Run(ctx, validate...); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, files := range variants {
		imp := files[len(files)-1]
		t.Run(filepath.Base(imp), func(t *testing.T) {
			if len(usable([]string{imp})) == 0 {
				t.Skipf("%s needs a newer CLI than %s", filepath.Base(imp), cli)
			}
			dst := filepath.Join(work, filepath.Base(imp))
			copyFile(t, imp, dst)
			// The next variant imports the same address: this one must go.
			defer func() { _ = os.Remove(dst) }()
			if _, err := w.Run(ctx, validate...); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// needsFirstLine is how an example that uses a newer feature says so, on its
// first line: "# Terraform 1.14 and later: …". Older CLIs skip the file.
var needsFirstLine = regexp.MustCompile(`^# Terraform (\d+\.\d+) and later`)

func needsCLI(t *testing.T, file string) *version.Version {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	m := needsFirstLine.FindSubmatch(b)
	if m == nil {
		return nil
	}
	return version.Must(version.NewVersion(string(m[1])))
}

// copyFile copies src to dst and reports whether it declares
// required_providers.
func copyFile(t *testing.T, src, dst string) bool {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return strings.Contains(string(b), "required_providers")
}

// TestExampleModuleTests runs `terraform test` in every module of
// examples/modules that has a tests/ folder, as a module author would: the
// provider from the local mirror, the server an emulator given by the
// environment (L2MSG_BASE_URL, L2MSG_API_KEY), which the tests' runs apply to
// and destroy. A test file that no longer passes, or that leaves an instance
// behind, fails here.
func TestExampleModuleTests(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC not set: this runs the terraform CLI")
	}
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	tests, err := filepath.Glob(filepath.Join(root, "examples", "modules", "*", "tests", "*.tftest.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	modules := map[string][]string{}
	for _, f := range tests {
		m := filepath.Dir(filepath.Dir(f))
		modules[m] = append(modules[m], f)
	}
	if len(modules) == 0 {
		t.Fatal("no examples/modules/*/tests/*.tftest.hcl: the example module tests are gone")
	}
	ctx := context.Background()
	p, err := BuildProvider(ctx, t.TempDir(), BuildOptions{ModuleRoot: root})
	if err != nil {
		t.Fatal(err)
	}
	for module, files := range modules {
		t.Run(filepath.Base(module), func(t *testing.T) {
			emu, url := emulatortest.NewServer(t, emulator.Options{APIKey: "module-test"})
			work := t.TempDir()
			sources, err := filepath.Glob(filepath.Join(module, "*.tf"))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range sources {
				copyFile(t, f, filepath.Join(work, filepath.Base(f)))
			}
			if err := os.Mkdir(filepath.Join(work, "tests"), 0o755); err != nil {
				t.Fatal(err)
			}
			for _, f := range files {
				copyFile(t, f, filepath.Join(work, "tests", filepath.Base(f)))
			}
			w, err := NewWorkdir(work, p)
			if err != nil {
				t.Fatal(err)
			}
			w.Env = append(w.Env, "L2MSG_BASE_URL="+url, "L2MSG_API_KEY=module-test")
			if _, err := w.Run(ctx, "init", "-backend=false"); err != nil {
				t.Fatal(err)
			}
			res, err := w.Run(ctx, "test", "-no-color")
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("terraform test:\n%s", res.Stdout)
			if names := emu.Names(); len(names) != 0 {
				t.Fatalf("terraform test left instances on the server: %v", names)
			}
		})
	}
}
