package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
	"github.com/l2msg/terraform-provider-l2msg/internal/tfrun"
)

// Variants measured: the provider against the emulator, the provider built
// from -baseline (the "before" of the same run), and the terraform_data
// floor.
const (
	variantL2msg    = "l2msg"
	variantBaseline = "baseline"
	variantFloor    = "floor"
)

// Fleets measured: instances alone, and instances with integrations.
const (
	fleetInstances    = "instances"
	fleetIntegrations = "integrations"
)

// commands are measured in this order; each needs the one before it.
var commands = []string{"apply", "plan", "destroy"}

// sample is one terraform command of one variant.
type sample struct {
	Fleet   string        `json:"fleet"`
	Variant string        `json:"variant"`
	N       int           `json:"n"`
	Command string        `json:"command"`
	Run     int           `json:"run"`
	Wall    time.Duration `json:"wall_ns"`
	// TerraformCPU is terraform's user+system time with the children it
	// waited for; the reattached provider is not one of them.
	TerraformCPU time.Duration `json:"terraform_cpu_ns"`
	ProviderCPU  time.Duration `json:"provider_cpu_ns"`
	// ProviderMaxRSS is the provider process's peak RSS in bytes.
	ProviderMaxRSS int64          `json:"provider_max_rss_bytes"`
	Requests       int            `json:"requests"`
	ByRoute        map[string]int `json:"requests_by_route,omitempty"`
}

// CPU is the CPU time of the whole command: terraform plus the provider.
func (s sample) CPU() time.Duration { return s.TerraformCPU + s.ProviderCPU }

// fleet is one working directory holding N resources of one variant.
type fleet struct {
	kind    string
	variant string
	n       int
	wd      *tfrun.Workdir
	prov    *tfrun.Provider
	emu     *emulator.Server // nil for the floor
	stop    func() error     // stops emu's server
	// types are the integrations the fleet has; missing says which the
	// provider build lacks, in terraform's words.
	types   []string
	missing []string
	// profileDir, when set, receives a CPU profile of the provider per command.
	profileDir string
	// managed lets terraform start the provider, as in real use: no
	// separate provider figures then, its CPU is in terraform's.
	managed bool
	// env is added to the provider's environment.
	env []string
}

// errUnavailable is a fleet whose resource types the provider build lacks.
var errUnavailable = errors.New("not available")

// newFleet prepares a working directory; a provider fleet gets an emulator
// of its own, so that its requests are counted apart and fleets of the same
// names do not meet. close stops it.
func newFleet(ctx context.Context, root, kind, variant string, n int, prov *tfrun.Provider, latency time.Duration) (*fleet, error) {
	dir := filepath.Join(root, kind+"-"+variant+"-"+strconv.Itoa(n))
	wd, err := tfrun.NewWorkdir(dir, prov)
	if err != nil {
		return nil, err
	}
	f := &fleet{kind: kind, variant: variant, n: n, wd: wd, prov: prov}
	cfg := floorConfig(n)
	if variant != variantFloor {
		f.emu = emulator.New(emulator.Options{APIKey: benchKey, Latency: latency})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		srv := &http.Server{Handler: f.emu, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		f.stop = srv.Close
		cfg = l2msgConfig(n, "http://"+ln.Addr().String()+f.emu.Prefix(), benchKey)
	}
	types := integrationTypes
	for {
		full := cfg
		if kind == fleetIntegrations {
			if variant == variantFloor {
				full += integrationsFloorHCL
			}
			for _, t := range types {
				if variant != variantFloor {
					full += integrationsHCL[t]
				}
			}
		}
		if err := wd.WriteFile("main.tf", full); err != nil {
			f.close()
			return nil, err
		}
		if _, err := wd.Run(ctx, "init", "-input=false"); err != nil {
			f.close()
			return nil, err
		}
		res, err := wd.Run(ctx, "validate", "-no-color")
		if err == nil {
			break
		}
		// A build without one of the integrations runs with the others,
		// and says so.
		missing := sentence(res.Stderr, "does not support resource type")
		if missing == "" {
			f.close()
			return nil, err
		}
		f.missing = append(f.missing, missing)
		types = slices.DeleteFunc(slices.Clone(types), func(t string) bool { return strings.Contains(missing, `"`+t+`"`) })
		if len(types) == len(integrationTypes)-len(f.missing) && len(types) > 0 {
			continue
		}
		f.close()
		return nil, fmt.Errorf("%s fleet with the %s provider: %w (%s)", kind, variant, errUnavailable, strings.Join(f.missing, "; "))
	}
	f.types = types
	return f, nil
}

func (f *fleet) close() {
	if f.stop != nil {
		_ = f.stop()
	}
}

// sentence returns the sentence of terraform's message that holds substr,
// unwrapped from its box.
func sentence(text, substr string) string {
	i := strings.Index(text, substr)
	if i < 0 {
		return ""
	}
	start := strings.LastIndexAny(text[:i], ".\n") + 1
	rest := text[start:]
	if end := strings.Index(rest[i-start:], "."); end >= 0 {
		rest = rest[:i-start+end]
	}
	return strings.Join(strings.Fields(strings.ReplaceAll(rest, "│", " ")), " ")
}

func (f *fleet) args(command string, parallelism int) []string {
	p := "-parallelism=" + strconv.Itoa(parallelism)
	switch command {
	case "plan":
		// -detailed-exitcode: 2 means the plan is not empty, which the
		// benchmark refuses to report as a no-change plan.
		return []string{"plan", "-input=false", "-detailed-exitcode", p}
	default:
		return []string{command, "-input=false", "-auto-approve", p}
	}
}

// run measures one command.
func (f *fleet) run(ctx context.Context, command string, parallelism, run int) (sample, error) {
	s := sample{Fleet: f.kind, Variant: f.variant, N: f.n, Command: command, Run: run}
	args := f.args(command, parallelism)
	var (
		res tfrun.Result
		err error
	)
	if f.variant == variantFloor {
		res, err = f.wd.Run(ctx, args...)
	} else {
		env := append([]string(nil), f.env...)
		if f.profileDir != "" {
			name := fmt.Sprintf("%s-%d-run%d", command, f.n, run)
			if f.kind != fleetInstances || f.variant != variantL2msg {
				name = f.kind + "-" + f.variant + "-" + name
			}
			env = append(env, "L2MSG_PROVIDER_CPUPROFILE="+filepath.Join(f.profileDir, name+".cpu.pprof"),
				"L2MSG_PROVIDER_ALLOCPROFILE="+filepath.Join(f.profileDir, name+".allocs.pprof"))
		}
		f.emu.ResetStats()
		var u tfrun.Usage
		if f.managed {
			wd := *f.wd
			wd.Env = append(append([]string(nil), f.wd.Env...), env...)
			res, err = wd.Run(ctx, args...)
		} else {
			res, u, err = f.wd.RunReattached(ctx, f.prov, env, args...)
		}
		st := f.emu.Stats()
		s.ProviderCPU, s.ProviderMaxRSS = u.CPU, u.MaxRSS
		s.Requests, s.ByRoute = st.Total, st.ByRoute
	}
	s.Wall, s.TerraformCPU = res.Wall, res.CPU
	if err != nil {
		return s, fmt.Errorf("%s fleet of %d: %w", f.variant, f.n, err)
	}
	if f.variant != variantFloor && command == "destroy" {
		if left := f.emu.Names(); len(left) != 0 {
			return s, fmt.Errorf("destroy left %d instances on the emulator", len(left))
		}
	}
	return s, nil
}

func mkdirAll(dirs ...string) error {
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	return nil
}
