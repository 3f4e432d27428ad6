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
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
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
	bin := filepath.Join(mirror, "registry.terraform.io", "l2msg", "l2msg", ProviderVersion,
		runtime.GOOS+"_"+runtime.GOARCH, "terraform-provider-l2msg_v"+ProviderVersion)
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
	cfg := filepath.Join(dir, "terraformrc")
	body := fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/l2msg/l2msg"]
  }
  direct {
    exclude = ["registry.terraform.io/l2msg/l2msg"]
  }
}
`, mirror)
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
	cmd := exec.CommandContext(ctx, w.Terraform, args...)
	cmd.Dir = w.Dir
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	cmd.Env = append(cmd.Env, w.Env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
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
