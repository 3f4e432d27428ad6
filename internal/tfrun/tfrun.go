// Package tfrun drives the real terraform CLI against a provider binary
// built from this module, the way a user runs it: `terraform init` finds the
// provider in a local mirror laid out like the registry, so nothing is
// downloaded. Tests that need more than terraform-plugin-testing offers
// (repeating an apply until it succeeds, capturing TF_LOG output) and the
// benchmarks use it. Everything it writes stays under the folders it is
// given.
package tfrun

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/hashicorp/go-version"
)

// ProviderVersion is the version the mirror offers, and the one place a
// version is written in the repository (tests, benchmarks and `make demo`
// all install from this mirror; releases take the git tag's). It must meet
// the constraints of the examples (`~> 0.1`, `>= 0.1.0`), and a prerelease
// would not be picked by a configuration without an exact constraint.
const ProviderVersion = "0.1.0"

// Provider is a provider binary installed in a filesystem mirror, with the
// CLI configuration that makes terraform use it.
type Provider struct {
	Binary    string
	CLIConfig string
}

// BuildOptions control BuildProvider.
type BuildOptions struct {
	// ModuleRoot is the folder holding go.mod; default: found from the
	// working directory upwards.
	ModuleRoot string
	// Race builds the provider with the race detector.
	Race bool
	// Tags are build tags, such as "pprof" for a provider that writes a
	// CPU profile (see internal/startup/profile_pprof.go).
	Tags []string
}

// Hosts are the registry hosts a configuration's `source = "l2msg/l2msg"`
// means: Terraform's default, and OpenTofu's. The mirror serves the provider
// under both, so one set-up works with either CLI.
var Hosts = []string{"registry.terraform.io", "registry.opentofu.org"}

// BuildProvider builds the provider into dir/mirror and writes
// dir/terraformrc.
func BuildProvider(ctx context.Context, dir string, opts BuildOptions) (*Provider, error) {
	root := opts.ModuleRoot
	if root == "" {
		var err error
		if root, err = moduleRoot(); err != nil {
			return nil, err
		}
	}
	mirror := filepath.Join(dir, "mirror")
	mirrored := func(host string) string {
		return filepath.Join(mirror, host, "l2msg", "l2msg", ProviderVersion,
			runtime.GOOS+"_"+runtime.GOARCH, "terraform-provider-l2msg_v"+ProviderVersion)
	}
	bin := mirrored(Hosts[0])
	args := []string{"build", "-o", bin, "-ldflags", "-X main.version=" + ProviderVersion}
	if opts.Race {
		args = append(args, "-race")
	}
	if len(opts.Tags) > 0 {
		args = append(args, "-tags", strings.Join(opts.Tags, ","))
	}
	cmd := exec.CommandContext(ctx, "go", append(args, ".")...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building the provider: %w\n%s", err, out)
	}
	var addrs []string
	for _, h := range Hosts {
		addrs = append(addrs, fmt.Sprintf("%q", h+"/l2msg/l2msg"))
		if h == Hosts[0] {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(mirrored(h)), 0o755); err != nil {
			return nil, err
		}
		if err := os.Link(bin, mirrored(h)); err != nil {
			return nil, fmt.Errorf("mirroring the provider for %s: %w", h, err)
		}
	}
	cfg := filepath.Join(dir, "terraformrc")
	body := fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = [%[2]s]
  }
  direct {
    exclude = [%[2]s]
  }
}
`, mirror, strings.Join(addrs, ", "))
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		return nil, err
	}
	return &Provider{Binary: bin, CLIConfig: cfg}, nil
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Terraform finds the CLI the acceptance tests use: TF_ACC_TERRAFORM_PATH,
// else terraform on PATH.
func Terraform() (string, error) {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p, nil
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		return "", errors.New("terraform is not on PATH and TF_ACC_TERRAFORM_PATH is not set")
	}
	return p, nil
}

// Workdir is one terraform working directory.
type Workdir struct {
	Dir       string
	Terraform string
	// Env is added to the process environment of every command, after the
	// variables Workdir sets itself, so it can override them.
	Env []string
}

// NewWorkdir prepares dir (created if missing) to run terraform with p.
func NewWorkdir(dir string, p *Provider) (*Workdir, error) {
	tf, err := Terraform()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	w := &Workdir{Dir: dir, Terraform: tf}
	if p != nil {
		w.Env = append(w.Env, "TF_CLI_CONFIG_FILE="+p.CLIConfig)
	}
	return w, nil
}

// WriteFile writes a file into the working directory.
func (w *Workdir) WriteFile(name, content string) error {
	return os.WriteFile(filepath.Join(w.Dir, name), []byte(content), 0o600)
}

// Result is what one terraform command did.
type Result struct {
	Args     []string
	Stdout   string
	Stderr   string
	ExitCode int
	Wall     time.Duration
	// CPU is the user+system time of terraform and every process it waited
	// for, the provider included.
	CPU time.Duration
}

// Run runs terraform with args. A non-zero exit is an error that carries
// the output; the Result is returned either way.
func (w *Workdir) Run(ctx context.Context, args ...string) (Result, error) {
	return w.RunInterrupted(ctx, nil, args...)
}

// RunInterrupted is Run that sends terraform an interrupt, as Ctrl-C
// does, when interrupt is closed, and waits for it to stop on its own:
// terraform then stops the provider, which cancels the context of the
// calls in flight.
func (w *Workdir) RunInterrupted(ctx context.Context, interrupt <-chan struct{}, args ...string) (Result, error) {
	cmd := exec.CommandContext(ctx, w.Terraform, args...)
	cmd.Dir = w.Dir
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	cmd.Env = append(cmd.Env, w.Env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Start()
	if err == nil {
		done := make(chan struct{})
		if interrupt != nil {
			go func() {
				select {
				case <-interrupt:
					_ = cmd.Process.Signal(os.Interrupt)
				case <-done:
				}
			}()
		}
		err = cmd.Wait()
		close(done)
	}
	res := Result{Args: args, Stdout: stdout.String(), Stderr: stderr.String(), Wall: time.Since(start)}
	if cmd.ProcessState != nil {
		res.ExitCode = cmd.ProcessState.ExitCode()
		res.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if err != nil {
		return res, fmt.Errorf("terraform %v: %w\nstdout:\n%s\nstderr:\n%s", args, err, res.Stdout, res.Stderr)
	}
	return res, nil
}

// Version asks the CLI for its version. OpenTofu answers `version -json`
// under the same key as Terraform, with its own version number.
func (w *Workdir) Version(ctx context.Context) (*version.Version, error) {
	res, err := w.Run(ctx, "version", "-json")
	if err != nil {
		return nil, err
	}
	var out struct {
		Version string `json:"terraform_version"`
	}
	// OpenTofu prints CLI configuration warnings (such as a
	// TF_CLI_CONFIG_FILE that does not exist) on stdout, before the JSON.
	stdout := res.Stdout
	if i := strings.Index(stdout, "{"); i > 0 {
		stdout = stdout[i:]
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		return nil, fmt.Errorf("%s version -json: %w", w.Terraform, err)
	}
	v, err := version.NewVersion(out.Version)
	if err != nil {
		return nil, fmt.Errorf("%s version -json: %w", w.Terraform, err)
	}
	return v, nil
}
