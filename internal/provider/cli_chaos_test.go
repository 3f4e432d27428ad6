package provider

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
	"github.com/l2msg/terraform-provider-l2msg/internal/tfrun"
)

const (
	chaosInstances = 25
	chaosRate      = 0.2
	// chaosMaxRuns: an apply (or destroy) under faults may fail part-way;
	// running it again must converge, and within this many runs.
	chaosMaxRuns = 3
)

// chaosSeeds are fixed so a failure can be replayed; L2MSG_CHAOS_SEEDS
// (comma-separated) runs others. The order requests reach the emulator
// still varies with scheduling, so a seed fixes the fault mix, not the
// exact request each fault hits.
func chaosSeeds(t *testing.T) []int64 {
	raw := os.Getenv("L2MSG_CHAOS_SEEDS")
	if raw == "" {
		return []int64{2, 4}
	}
	var out []int64
	for s := range strings.SplitSeq(raw, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			t.Fatalf("L2MSG_CHAOS_SEEDS: %v", err)
		}
		out = append(out, n)
	}
	return out
}

// chaosWant is what instance i must look like, on the server and in state.
// The mix covers every path of create: webhook as created, created then
// disabled (a second call), events read back (a third), and none.
type chaosWant struct {
	name, msgCall      string
	rejectCall         bool
	readStatus         bool
	webhook            bool
	enabled, allEvents bool
}

func chaosWants() []chaosWant {
	out := make([]chaosWant, chaosInstances)
	for i := range out {
		out[i] = chaosWant{
			name:       fmt.Sprintf("chaos-%02d", i),
			msgCall:    fmt.Sprintf("busy chaos-%02d", i),
			rejectCall: i%2 == 0,
			readStatus: i%3 == 0,
			webhook:    i%5 != 4,
			enabled:    i%5 != 3,
			allEvents:  i%5 == 1,
		}
	}
	return out
}

func chaosConfig(url string) string {
	return fmt.Sprintf(`
provider "l2msg" {
  base_url        = %q
  api_key         = %q
  max_retries     = 4
  request_timeout = "10s"
  min_retry_delay = "50ms"
  max_retry_delay = "500ms"
}

locals {
  instances = { for i in range(%d) : format("chaos-%%02d", i) => i }
}

resource "l2msg_instance" "chaos" {
  for_each      = local.instances
  instance_name = each.key
  reject_call   = each.value %% 2 == 0
  read_status   = each.value %% 3 == 0
  msg_call      = "busy ${each.key}"
  webhook = each.value %% 5 == 4 ? null : {
    url     = "https://hooks.example.com/${each.key}"
    enabled = each.value %% 5 != 3
    headers = { authorization = "Bearer ${each.key}" }
    events  = each.value %% 5 == 1 ? null : ["MESSAGES_UPSERT", "CALL"]
  }
}
`, url, testAPIKey, chaosInstances)
}

// chaosFigures are what one seed's run measured, for the log.
type chaosFigures struct {
	applies, destroys int
	applyFaults       map[string]int
	destroyFaults     map[string]int
	orphans, dups     []string
}

// TestAccChaos applies 25 instances while a fifth of all API requests fail
// in every way the emulator knows (500, 503, 429 with Retry-After, latency,
// dropped connections, created-then-failed), repeating the apply until it
// succeeds. Then, with faults off, the plan must be empty and the server
// and state must hold exactly the 25 instances as configured: nothing
// orphaned, nothing duplicated, nothing lost. A destroy under the same
// faults must leave the server empty.
//
// Only creates can meet created-then-failed, so a seed may still not draw
// it: the adoption it forces is proven on its own by
// TestAccInstance_adoptsAfterCreatedThenFailed.
func TestAccChaos(t *testing.T) {
	t.Parallel()
	total := map[string]int{}
	for _, seed := range chaosSeeds(t) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			start := time.Now()
			f := runChaos(t, seed)
			for k, n := range f.applyFaults {
				total[k] += n
			}
			for k, n := range f.destroyFaults {
				total[k] += n
			}
			t.Logf("seed %d: applies %d, destroys %d; faults during apply %v, during destroy %v; orphans %d, duplicates %d; %s",
				seed, f.applies, f.destroys, f.applyFaults, f.destroyFaults, len(f.orphans), len(f.dups), time.Since(start).Round(time.Second))
		})
	}
	t.Logf("faults injected in all seeds: %v", total)
}

func runChaos(t *testing.T, seed int64) chaosFigures {
	emu, url := newEmulator(t, emulator.Options{DeleteDelay: 200 * time.Millisecond})
	w := cliWorkdir(t, chaosConfig(url))
	faults := emulator.FaultConfig{
		Rate: chaosRate, Seed: seed, Kinds: chaosKinds(),
		RetryAfter: time.Second, Latency: 50 * time.Millisecond,
	}
	var f chaosFigures

	emu.SetFaults(faults)
	f.applies = untilSuccess(t, w, "apply", "-auto-approve", "-parallelism=10")
	f.applyFaults = emu.Stats().FaultsInjected
	emu.SetFaults(emulator.FaultConfig{})

	res, err := w.Run(context.Background(), "plan", "-detailed-exitcode", "-no-color")
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("plan after the chaos apply is not empty (exit %d): %v\n%s", res.ExitCode, err, res.Stdout)
	}
	f.orphans, f.dups = checkChaosConverged(t, emu, cliState(t, w))

	faults.Seed += 1000
	emu.ResetStats()
	emu.SetFaults(faults)
	f.destroys = untilSuccess(t, w, "destroy", "-auto-approve", "-parallelism=10")
	f.destroyFaults = emu.Stats().FaultsInjected
	emu.SetFaults(emulator.FaultConfig{})
	if names := emu.Names(); len(names) != 0 {
		t.Errorf("destroy under faults left %d instances on the server: %v", len(names), names)
	}
	if st := cliState(t, w); len(st) != 0 {
		t.Errorf("destroy left %d resources in state", len(st))
	}
	return f
}

// chaosKinds is every fault kind, with created-then-failed listed three
// times: it can only hit a create, and the emulator draws uniformly among
// the kinds that fit a route, so listed once a create would meet it (2
// requests in 60) far less often than any route meets the other kinds.
func chaosKinds() []emulator.FaultKind {
	return append(slices.Clone(emulator.FaultKinds), emulator.FaultCreatedThenFailed, emulator.FaultCreatedThenFailed)
}

// untilSuccess runs a terraform command until it succeeds, at most
// chaosMaxRuns times, and returns how many runs it took.
func untilSuccess(t *testing.T, w *tfrun.Workdir, args ...string) int {
	t.Helper()
	var last error
	for run := 1; run <= chaosMaxRuns; run++ {
		res, err := w.Run(context.Background(), append(args, "-no-color")...)
		if err == nil {
			return run
		}
		last = err
		if crashed(res.Stderr) {
			t.Fatalf("the provider crashed during terraform %s:\n%s", args[0], res.Stderr)
		}
		t.Logf("terraform %s run %d failed (exit %d); running it again. Errors:\n%s", args[0], run, res.ExitCode, errorLines(res.Stderr))
	}
	t.Fatalf("terraform %s did not succeed in %d runs: %v", args[0], chaosMaxRuns, last)
	return 0
}

// errorLines keeps the "Error:" headlines and their next line, which is
// what explains a failed run.
func errorLines(stderr string) string {
	lines := strings.Split(stderr, "\n")
	var out []string
	for i, l := range lines {
		if strings.Contains(l, "Error:") {
			out = append(out, l)
			for j := i + 1; j < min(i+6, len(lines)); j++ {
				if s := strings.TrimSpace(lines[j]); s != "" && !strings.HasPrefix(s, "with ") && !strings.HasPrefix(s, "on ") && s != "│" {
					out = append(out, lines[j])
				}
			}
		}
	}
	return strings.Join(out, "\n")
}

// checkChaosConverged compares the server and the state with the
// configuration and returns the orphans (on the server, not in state) and
// duplicates (one name held twice in state, or one server instance ID
// claimed twice).
func checkChaosConverged(t *testing.T, emu *emulator.Server, state []cliResource) (orphans, dups []string) {
	t.Helper()
	wants := chaosWants()
	byName := map[string]cliResource{}
	ids := map[string]string{}
	for _, r := range state {
		name := str(r.Values, "instance_name")
		if _, ok := byName[name]; ok {
			dups = append(dups, name)
		}
		byName[name] = r
		if other, ok := ids[str(r.Values, "instance_id")]; ok {
			dups = append(dups, name+" and "+other)
		}
		ids[str(r.Values, "instance_id")] = name
		if r.Tainted {
			t.Errorf("%s is tainted after a successful apply", r.Address)
		}
	}
	for _, name := range emu.Names() {
		if _, ok := byName[name]; !ok {
			orphans = append(orphans, name)
		}
	}
	if len(orphans) > 0 || len(dups) > 0 {
		t.Errorf("orphans on the server: %v; duplicates: %v", orphans, dups)
	}
	wantNames := make([]string, len(wants))
	for i, w := range wants {
		wantNames[i] = w.name
	}
	if got := slices.Sorted(slices.Values(emu.Names())); !slices.Equal(got, wantNames) {
		t.Errorf("the server holds %d instances %v, want exactly %v", len(got), got, wantNames)
	}
	if got := slices.Sorted(maps.Keys(byName)); !slices.Equal(got, wantNames) {
		t.Errorf("state holds %d instances %v, want exactly %v", len(got), got, wantNames)
	}
	for _, want := range wants {
		r, inState := byName[want.name]
		snap, onServer := emu.Instance(want.name)
		if !inState || !onServer {
			continue
		}
		if err := checkChaosInstance(want, r.Values, snap); err != nil {
			t.Errorf("%s: %v", want.name, err)
		}
	}
	return orphans, dups
}

func checkChaosInstance(want chaosWant, v map[string]any, snap emulator.Snapshot) error {
	if str(v, "instance_id") != snap.ID || str(v, "apikey") != snap.Token || snap.Token == "" {
		return fmt.Errorf("state instance_id/apikey do not match the server's")
	}
	wantSettings := emulator.Settings{RejectCall: want.rejectCall, MsgCall: want.msgCall, ReadStatus: want.readStatus}
	if snap.Settings != wantSettings {
		return fmt.Errorf("server settings %+v, want %+v", snap.Settings, wantSettings)
	}
	if fmtBool(v, "reject_call") != strconv.FormatBool(want.rejectCall) || str(v, "msg_call") != want.msgCall ||
		fmtBool(v, "read_status") != strconv.FormatBool(want.readStatus) {
		return fmt.Errorf("state settings differ: %v", v)
	}
	hook, _ := v["webhook"].(map[string]any)
	if !want.webhook {
		if hook != nil || (snap.Webhook != nil && snap.Webhook.Enabled) {
			return fmt.Errorf("a webhook exists: state %v, server %+v", hook, snap.Webhook)
		}
		return nil
	}
	if hook == nil || snap.Webhook == nil {
		return fmt.Errorf("webhook missing: state %v, server %+v", hook, snap.Webhook)
	}
	url := "https://hooks.example.com/" + want.name
	auth := "Bearer " + want.name
	if snap.Webhook.URL != url || snap.Webhook.Enabled != want.enabled || snap.Webhook.Headers["authorization"] != auth {
		return fmt.Errorf("server webhook %+v", snap.Webhook)
	}
	if str(hook, "url") != url || fmtBool(hook, "enabled") != strconv.FormatBool(want.enabled) {
		return fmt.Errorf("state webhook %v", hook)
	}
	events, _ := hook["events"].([]any)
	switch {
	case want.allEvents && len(events) != len(snap.Webhook.Events):
		return fmt.Errorf("state has %d events, the server %d", len(events), len(snap.Webhook.Events))
	case !want.allEvents && len(events) != 2:
		return fmt.Errorf("state events %v", events)
	case !want.allEvents && want.enabled && !sameSet(snap.Webhook.Events, []string{"MESSAGES_UPSERT", "CALL"}):
		return fmt.Errorf("server events %v", snap.Webhook.Events)
	}
	return nil
}

// chaosFleetInstances is the fleet of TestAccChaos_integrationsFleet: the
// issue's 30 instances, each with four integrations.
const chaosFleetInstances = 30

// chaosFleetConfig is chaosFleetInstances instances, each with a webhook, a
// proxy, a Chatwoot inbox, a websocket and a typebot.
func chaosFleetConfig(url string) string {
	provider := fmt.Sprintf(`
provider "l2msg" {
  base_url        = %q
  api_key         = %q
  max_retries     = 4
  request_timeout = "10s"
  min_retry_delay = "50ms"
  max_retry_delay = "500ms"
}
`, url, testAPIKey)
	return integrationsFleetConfig(provider, chaosFleetInstances) + fmt.Sprintf(`
resource "l2msg_instance_websocket" "fleet" {
  count         = %[1]d
  instance_name = l2msg_instance.fleet[count.index].instance_name
  instance_id   = l2msg_instance.fleet[count.index].instance_id
  enabled       = true
  events        = ["MESSAGES_UPSERT"]
}

resource "l2msg_typebot" "fleet" {
  count            = %[1]d
  instance_name    = l2msg_instance.fleet[count.index].instance_name
  instance_id      = l2msg_instance.fleet[count.index].instance_id
  url              = "https://typebot.example.com"
  typebot          = "fleet"
  trigger_type     = "keyword"
  trigger_operator = "equals"
  trigger_value    = "hi"
}
`, chaosFleetInstances)
}

// TestAccChaos_integrationsFleet: 30 instances, each with a proxy, a
// Chatwoot inbox, a websocket and a typebot, converge in ONE apply and are
// gone after ONE destroy while a fifth of all requests fail in every way
// the emulator knows: every resource recovers what the server did not do
// (a create looked for and not found is sent again, a delete's passing 500
// is retried) and adopts what it did (a created-then-failed bot). One seed:
// the single-fault tests of cli_recovery_test.go prove each path, this
// proves they add up.
func TestAccChaos_integrationsFleet(t *testing.T) {
	t.Parallel()
	seed := chaosSeeds(t)[0]
	emu, url := newEmulator(t, emulator.Options{DeleteDelay: 200 * time.Millisecond})
	w := cliWorkdir(t, chaosFleetConfig(url))
	faults := emulator.FaultConfig{
		Rate: chaosRate, Seed: seed, Kinds: chaosKinds(),
		RetryAfter: time.Second, Latency: 50 * time.Millisecond,
	}
	ctx := context.Background()
	start := time.Now()

	emu.SetFaults(faults)
	res, err := w.Run(ctx, "apply", "-auto-approve", "-parallelism=10", "-no-color")
	applyFaults := emu.Stats().FaultsInjected
	emu.SetFaults(emulator.FaultConfig{})
	if err != nil {
		t.Fatalf("the apply under faults did not converge in one run (faults %v):\n%s", applyFaults, errorLines(res.Stderr))
	}
	applied := time.Since(start)
	if res, err := w.Run(ctx, "plan", "-detailed-exitcode", "-no-color"); err != nil || res.ExitCode != 0 {
		t.Fatalf("plan after the apply under faults is not empty (exit %d): %v\n%s", res.ExitCode, err, res.Stdout)
	}
	if n := len(cliState(t, w)); n != 5*chaosFleetInstances {
		t.Errorf("state holds %d resources, want %d", n, 5*chaosFleetInstances)
	}
	for i := range chaosFleetInstances {
		name := fmt.Sprintf("fleet-%02d", i)
		if bots := emu.Chatbots(name, "typebot"); len(bots) != 1 {
			t.Errorf("%s has %d typebots on the server, want 1", name, len(bots))
		}
	}
	if names := emu.Names(); len(names) != chaosFleetInstances {
		t.Errorf("the server holds %d instances, want %d", len(names), chaosFleetInstances)
	}

	faults.Seed += 1000
	emu.ResetStats()
	emu.SetFaults(faults)
	destroyStart := time.Now()
	res, err = w.Run(ctx, "destroy", "-auto-approve", "-parallelism=10", "-no-color")
	destroyFaults := emu.Stats().FaultsInjected
	emu.SetFaults(emulator.FaultConfig{})
	if err != nil {
		t.Fatalf("the destroy under faults did not converge in one run (faults %v):\n%s", destroyFaults, errorLines(res.Stderr))
	}
	if names := emu.Names(); len(names) != 0 {
		t.Errorf("the destroy left %d instances on the server: %v", len(names), names)
	}
	if st := cliState(t, w); len(st) != 0 {
		t.Errorf("the destroy left %d resources in state", len(st))
	}
	t.Logf("seed %d: %d resources; apply %s with faults %v; destroy %s with faults %v",
		seed, 5*chaosFleetInstances, applied.Round(time.Second), applyFaults, time.Since(destroyStart).Round(time.Second), destroyFaults)
}
