// Command fleetbench measures the provider on a fleet of instances, the way
// agencies run it: for each N it times terraform apply, a no-change plan and
// destroy against the in-process emulator with injected latency, and the same
// commands on terraform_data (no provider, no network) as the floor. It
// reports wall time, CPU time, the provider's peak memory and the API
// requests each command made, and writes the table to -out.
//
// Run it with `make bench` from the module root.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/l2msg/terraform-provider-l2msg/internal/tfrun"
)

const benchKey = "fleetbench-global-key"

type options struct {
	ns          []int
	intNs       []int  // sizes of the integrations fleet
	baseline    string // git revision measured as the "before"
	latency     time.Duration
	parallelism int
	runs        int
	plans       int
	out         string
	workdir     string
	cpuprofile  string
	label       string
	floor       bool
	reattach    bool
	providerEnv envList
}

// envList collects repeated KEY=VALUE flags.
type envList []string

func (e *envList) String() string { return strings.Join(*e, " ") }

func (e *envList) Set(v string) error {
	if k, _, ok := strings.Cut(v, "="); !ok || k == "" {
		return fmt.Errorf("%q is not KEY=VALUE", v)
	}
	*e = append(*e, v)
	return nil
}

func main() {
	var o options
	var ns, intNs string
	flag.StringVar(&ns, "n", "100,500", "comma-separated fleet sizes")
	flag.StringVar(&intNs, "integrations", "100", "comma-separated sizes of the fleet whose instances also have a Chatwoot inbox, a proxy and a RabbitMQ stream; \"\" for none")
	flag.StringVar(&o.baseline, "baseline", "", "a git revision whose provider is measured too, in the same run, as the before of a before → after")
	flag.DurationVar(&o.latency, "latency", 20*time.Millisecond, "latency the emulator adds to every API request")
	flag.IntVar(&o.parallelism, "parallelism", 10, "terraform -parallelism")
	flag.IntVar(&o.runs, "runs", 1, "repetitions of every command; the table shows medians")
	flag.IntVar(&o.plans, "plans", 3, "no-change plans per run: they change nothing, so repeating them is cheap")
	flag.StringVar(&o.out, "out", "bench/results", "folder for latest.md and latest.json")
	flag.StringVar(&o.workdir, "workdir", "", "folder for terraform working directories (default: a temporary folder, removed at the end)")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "folder for CPU and allocation profiles of the provider, per command (builds it with -tags pprof)")
	flag.BoolVar(&o.floor, "floor", true, "measure the terraform_data floor too (false: the provider alone, for profiling)")
	flag.BoolVar(&o.reattach, "reattach", true, "start the provider for terraform (reattach mode) to read its CPU and peak memory; "+
		"false lets terraform start it as users run it, its CPU then counted in terraform's")
	flag.Var(&o.providerEnv, "provider-env", "KEY=VALUE added to the provider's environment, repeatable (with -reattach=false, terraform's too)")
	flag.StringVar(&o.label, "label", "", "a note stored with the results, such as the code measured")
	flag.Parse()
	var err error
	if o.ns, err = sizes(ns); err != nil {
		fmt.Fprintln(os.Stderr, "fleetbench: -n:", err)
		os.Exit(2)
	}
	if o.intNs, err = sizes(intNs); err != nil {
		fmt.Fprintln(os.Stderr, "fleetbench: -integrations:", err)
		os.Exit(2)
	}
	if o.cpuprofile != "" && !o.reattach {
		fmt.Fprintln(os.Stderr, "fleetbench: -cpuprofile needs -reattach: terraform would start several providers that overwrite one profile")
		os.Exit(2)
	}
	if o.runs < 1 || o.plans < 1 || o.parallelism < 1 {
		fmt.Fprintln(os.Stderr, "fleetbench: -runs, -plans and -parallelism must be at least 1")
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "fleetbench:", err)
		os.Exit(1)
	}
}

func sizes(list string) ([]int, error) {
	var ns []int
	for f := range strings.SplitSeq(list, ",") {
		if strings.TrimSpace(f) == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%q is not a positive number", f)
		}
		ns = append(ns, n)
	}
	return ns, nil
}

// buildBaseline builds the provider of a git revision, extracted with git
// archive so that the repository's worktrees are left alone.
func buildBaseline(ctx context.Context, root, rev string, opts tfrun.BuildOptions) (*tfrun.Provider, string, error) {
	commit, err := exec.CommandContext(ctx, "git", "rev-parse", "--short", rev+"^{commit}").Output()
	if err != nil {
		return nil, "", fmt.Errorf("-baseline %s: %w", rev, err)
	}
	src := filepath.Join(root, "baseline-src")
	if err := mkdirAll(src); err != nil {
		return nil, "", err
	}
	archive := exec.CommandContext(ctx, "sh", "-c", `git archive "$1" | tar -x -C "$2"`, "sh", rev, src)
	if out, err := archive.CombinedOutput(); err != nil {
		return nil, "", fmt.Errorf("extracting %s: %w\n%s", rev, err, out)
	}
	opts.ModuleRoot = src
	p, err := tfrun.BuildProvider(ctx, filepath.Join(root, "baseline"), opts)
	return p, strings.TrimSpace(string(commit)), err
}

// plannedFleet is one fleet size of one kind.
type plannedFleet struct {
	kind string
	n    int
}

func run(ctx context.Context, o options) error {
	start, loadStart := time.Now(), loadavg()
	root := o.workdir
	if root == "" {
		tmp, err := os.MkdirTemp("", "fleetbench-")
		if err != nil {
			return err
		}
		defer func() { _ = os.RemoveAll(tmp) }()
		root = tmp
	}
	if err := mkdirAll(root, o.out); err != nil {
		return err
	}
	var tags []string
	if o.cpuprofile != "" {
		tags = []string{"pprof"}
		if err := mkdirAll(o.cpuprofile); err != nil {
			return err
		}
	}
	logf("building the provider")
	var err error
	providers := map[string]*tfrun.Provider{}
	if providers[variantL2msg], err = tfrun.BuildProvider(ctx, root, tfrun.BuildOptions{Tags: tags}); err != nil {
		return err
	}
	variants := []string{variantFloor, variantL2msg}
	if !o.floor {
		variants = variants[1:]
	}
	var baselineCommit string
	if o.baseline != "" {
		logf("building the baseline provider (%s)", o.baseline)
		if providers[variantBaseline], baselineCommit, err = buildBaseline(ctx, root, o.baseline, tfrun.BuildOptions{Tags: tags}); err != nil {
			return err
		}
		variants = append(variants, variantBaseline)
	}

	var plan []plannedFleet
	for _, n := range o.ns {
		plan = append(plan, plannedFleet{fleetInstances, n})
	}
	for _, n := range o.intNs {
		plan = append(plan, plannedFleet{fleetIntegrations, n})
	}
	var samples []sample
	var unavailable []string
	for _, pf := range plan {
		fleets := map[string]*fleet{}
		var order []string
		for _, v := range variants {
			f, err := newFleet(ctx, root, pf.kind, v, pf.n, providers[v], o.latency)
			if errors.Is(err, errUnavailable) {
				logf("%v", err)
				unavailable = append(unavailable, err.Error())
				continue
			}
			if err != nil {
				return err
			}
			defer f.close()
			if len(f.missing) > 0 {
				note := fmt.Sprintf("the %s fleet with the %s provider runs with %s only (its floor has all three): %s",
					pf.kind, v, strings.Join(f.types, ", "), strings.Join(f.missing, "; "))
				logf("%s", note)
				unavailable = append(unavailable, note)
			}
			f.profileDir = o.cpuprofile
			f.managed = !o.reattach
			f.env = o.providerEnv
			fleets[v] = f
			order = append(order, v)
		}
		if len(order) == 0 || (len(order) == 1 && order[0] == variantFloor) {
			continue
		}
		for r := 1; r <= o.runs; r++ {
			// Each command runs for every variant in turn, so all of them
			// see the same load from whatever else shares the machine.
			for _, c := range commands {
				reps := 1
				if c == "plan" {
					reps = o.plans
				}
				for range reps {
					for _, v := range order {
						s, err := fleets[v].run(ctx, c, o.parallelism, r)
						if err != nil {
							return err
						}
						logf("%s N=%d run %d %-7s %-8s wall %6.2fs cpu %6.2fs requests %d",
							pf.kind, pf.n, r, c, v, s.Wall.Seconds(), s.CPU().Seconds(), s.Requests)
						samples = append(samples, s)
					}
				}
			}
		}
	}

	rows := summarize(samples, o.latency, o.parallelism)
	info := describe(o, time.Since(start))
	info.Unavailable = unavailable
	if o.baseline != "" {
		info.Baseline = o.baseline + " (" + baselineCommit + ")"
	}
	info.LoadStart, info.LoadEnd = loadStart, loadavg()
	md := "# Fleet benchmark\n\n" + info.markdown() + "\n" + table(rows) + beforeAfter(rows) + notes
	fmt.Print("\n" + table(rows) + beforeAfter(rows))
	if err := os.WriteFile(filepath.Join(o.out, "latest.md"), []byte(md), 0o644); err != nil {
		return err
	}
	js, err := json.MarshalIndent(struct {
		Meta    meta     `json:"meta"`
		Rows    []row    `json:"rows"`
		Samples []sample `json:"samples"`
	}{info, rows, samples}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(o.out, "latest.json"), append(js, '\n'), 0o644); err != nil {
		return err
	}
	logf("wrote %s and latest.json in %s", filepath.Join(o.out, "latest.md"), time.Since(start).Round(time.Second))
	return nil
}

const notes = `
- Figures are medians over the runs (and the repeated plans); requests and peak memory are the maxima.
- The floor is the same fleet in terraform_data: terraform's own cost, no provider, no network.
- limit s is the physical limit: the floor plus requests × latency ÷ parallelism, every request a
  round trip that terraform's parallelism overlaps; wall s cannot go below it without fewer requests.
- CPU is terraform's user+system time plus the provider's. The provider runs in reattach mode
  (started by the benchmark with -debug), so one provider process serves the whole command and
  its peak RSS and CPU are read when it exits; terraform would otherwise start one per walk.
- Each provider fleet has its own emulator inside the benchmark process; its CPU is in neither column.
- Targets, judged at N = 500 on the instances fleet: plan ≤ 1.5×, apply ≤ 1.1×, destroy ≤ 1.1× the
  floor's wall time. Request limits, judged at every N: a no-change plan N + 1 (with integrations
  too), an apply N + 1, a destroy 2N + 2.
`

type meta struct {
	Label       string   `json:"label,omitempty"`
	Date        string   `json:"date"`
	Commit      string   `json:"commit"`
	Go          string   `json:"go"`
	Terraform   string   `json:"terraform"`
	CPUs        int      `json:"cpus"`
	Ns          []int    `json:"ns"`
	Latency     string   `json:"latency"`
	Parallelism int      `json:"parallelism"`
	Runs        int      `json:"runs"`
	Plans       int      `json:"plans"`
	Mode        string   `json:"mode"`
	ProviderEnv []string `json:"provider_env,omitempty"`
	Duration    string   `json:"duration"`
	Warnings    []string `json:"warnings,omitempty"`
	// LoadStart and LoadEnd are /proc/loadavg: on a shared machine, other
	// work shows in every wall time.
	LoadStart string `json:"load_start,omitempty"`
	LoadEnd   string `json:"load_end,omitempty"`
	// Baseline is the -baseline revision and its commit.
	Baseline string `json:"baseline,omitempty"`
	// Unavailable lists fleets a provider build could not run: resource
	// types it does not have.
	Unavailable []string `json:"unavailable,omitempty"`
	IntNs       []int    `json:"integrations_ns,omitempty"`
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func describe(o options, took time.Duration) meta {
	m := meta{
		Label: o.label, Date: time.Now().UTC().Format(time.RFC3339), Go: runtime.Version(), CPUs: runtime.NumCPU(),
		Ns: o.ns, IntNs: o.intNs, Latency: o.latency.String(), Parallelism: o.parallelism, Runs: o.runs, Plans: o.plans,
		Duration: took.Round(time.Second).String(), Mode: "reattach", ProviderEnv: o.providerEnv,
	}
	if !o.reattach {
		m.Mode = "managed (terraform starts the provider; its CPU is in terraform's, no peak memory)"
	}
	if out, err := exec.Command("git", "describe", "--always", "--dirty").Output(); err == nil {
		m.Commit = strings.TrimSpace(string(out))
	}
	if tf, err := tfrun.Terraform(); err == nil {
		if out, err := exec.Command(tf, "version").Output(); err == nil {
			m.Terraform, _, _ = strings.Cut(strings.TrimSpace(string(out)), "\n")
		}
	}
	if o.cpuprofile != "" {
		m.Warnings = append(m.Warnings, "the provider was built with -tags pprof and profiled, which costs it some CPU")
	}
	return m
}

func (m meta) markdown() string {
	var b strings.Builder
	if m.Label != "" {
		fmt.Fprintf(&b, "%s\n\n", m.Label)
	}
	fmt.Fprintf(&b, "%s, commit %s, %s, %s, %d CPUs; latency %s per request, -parallelism=%d, %d run(s) with %d no-change plans each, provider mode %s; took %s.\n",
		m.Date, m.Commit, m.Go, m.Terraform, m.CPUs, m.Latency, m.Parallelism, m.Runs, m.Plans, m.Mode, m.Duration)
	if m.LoadStart != "" {
		fmt.Fprintf(&b, "\nLoad average (1, 5, 15 min) at start: %s; at end: %s.\n", m.LoadStart, m.LoadEnd)
	}
	if m.Baseline != "" {
		fmt.Fprintf(&b, "\nBaseline (the before of every before → after): %s, measured in the same run.\n", m.Baseline)
	}
	for _, u := range m.Unavailable {
		fmt.Fprintf(&b, "\nNot available: %s.\n", u)
	}
	if len(m.ProviderEnv) > 0 {
		fmt.Fprintf(&b, "\nProvider environment: %s.\n", strings.Join(m.ProviderEnv, " "))
	}
	for _, w := range m.Warnings {
		fmt.Fprintf(&b, "\nWarning: %s.\n", w)
	}
	return b.String()
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}
