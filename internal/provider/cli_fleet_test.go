package provider

// Requests per command for a fleet, counted by the emulator, through the
// terraform CLI: exactly `terraform apply` and `terraform destroy`, as the
// benchmark (bench/fleetbench) runs them. The floor of each is what the
// server cannot do without: one create per instance, one delete per
// instance; a refresh is one listing plus one webhook/find per instance.

import (
	"context"
	"testing"
	"time"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// fleetN equals terraform's default -parallelism, so every delete of the
// destroy is in flight at once and one poll can confirm them all. The
// emulator's latency keeps each delete in flight long enough for the others
// to be sent: without it the first would be answered before terraform sent
// the next.
const (
	fleetN       = 10
	fleetLatency = 500 * time.Millisecond
)

func TestAccFleet_applyMakesOneCreatePerInstance(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{Latency: fleetLatency})
	w := cliWorkdir(t, fleetConfig(providerBlock(url), fleetN))
	ctx := context.Background()
	emu.ResetStats()
	if _, err := w.Run(ctx, "apply", "-auto-approve", "-no-color"); err != nil {
		t.Fatal(err)
	}
	st := emu.Stats()
	if st.Total > fleetN+1 || st.ByRoute["POST /instance/create"] != fleetN {
		t.Errorf("apply of %d instances made %d requests, want at most %d (one create each): %v", fleetN, st.Total, fleetN+1, st.ByRoute)
	}
	assertConvergedAndDestroy(t, emu, w)
}

func TestAccFleet_destroySharesTheDeletionWait(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{Latency: fleetLatency})
	w := cliWorkdir(t, fleetConfig(providerBlock(url), fleetN))
	ctx := context.Background()
	if _, err := w.Run(ctx, "apply", "-auto-approve", "-no-color"); err != nil {
		t.Fatal(err)
	}
	emu.ResetStats()
	if _, err := w.Run(ctx, "destroy", "-auto-approve", "-no-color"); err != nil {
		t.Fatal(err)
	}
	// The refresh (a listing, a webhook/find each), a delete each, and
	// one poll for all the deletes.
	st := emu.Stats()
	if st.Total > 2*fleetN+2 || st.ByRoute["DELETE /instance/delete/:name"] != fleetN {
		t.Errorf("destroy of %d instances made %d requests, want at most %d: %v", fleetN, st.Total, 2*fleetN+2, st.ByRoute)
	}
	if names := emu.Names(); len(names) != 0 {
		t.Errorf("instances left after destroy: %v", names)
	}
	if st := cliState(t, w); len(st) != 0 {
		t.Errorf("resources left in state: %v", st)
	}
}

// The shared wait still waits: with deletes the server takes a while to
// finish, destroy returns only once every name is gone.
func TestAccFleet_destroyWaitsForEveryName(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{DeleteDelay: 1500 * time.Millisecond})
	w := cliWorkdir(t, fleetConfig(providerBlock(url), fleetN))
	ctx := context.Background()
	if _, err := w.Run(ctx, "apply", "-auto-approve", "-no-color"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Run(ctx, "destroy", "-auto-approve", "-no-color"); err != nil {
		t.Fatal(err)
	}
	// Names counts instances pending removal too.
	if names := emu.Names(); len(names) != 0 {
		t.Errorf("destroy returned while the server still listed %v", names)
	}
}
