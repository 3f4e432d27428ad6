package provider

// Requests per command for a fleet, counted by the emulator, through the
// terraform CLI: exactly `terraform apply` and `terraform destroy`, as the
// benchmark (bench/fleetbench) runs them. The floor of each is what the
// server cannot do without: one create per instance, one delete per
// instance; a refresh is one listing plus one webhook/find per instance.

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// The emulator's latency keeps each request in flight long enough for
// terraform to send the others of its batch: without it the first would be
// answered before terraform sent the next.
const (
	fleetN       = 10
	fleetLatency = 500 * time.Millisecond
)

func TestAccFleet_applyMakesOneCreatePerInstance(t *testing.T) {
	t.Parallel()
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
	// Two at a time: the deletes come in five batches, and each Delete
	// holds its slot until it returns, so a wait per batch would poll five
	// times.
	if _, err := w.Run(ctx, "destroy", "-auto-approve", "-no-color", "-parallelism=2"); err != nil {
		t.Fatal(err)
	}
	// The refresh (a listing, a webhook/find each), a delete each, and
	// one poll for all the deletes: 2N+2. A wait per batch would poll five
	// times (2N+6). One more poll is allowed: terraform stalling between
	// two Deletes for longer than the grace (a starved machine) costs one,
	// by design (deletion_handoff.go), and this test must not need an idle
	// machine.
	st := emu.Stats()
	if want := 2*fleetN + 3; st.Total > want || st.ByRoute["DELETE /instance/delete/:name"] != fleetN {
		t.Errorf("destroy of %d instances made %d requests, want at most %d: %v", fleetN, st.Total, want, st.ByRoute)
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
	t.Parallel()
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

// A replacement re-creates a name whose delete another Delete is still
// confirming: the create waits until the server no longer lists it, where
// sent at once it would find the name taken.
func TestAccFleet_replacementWaitsForItsDelete(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{DeleteDelay: 1500 * time.Millisecond, Latency: 200 * time.Millisecond, LogRequests: true})
	const n = 4
	config := func(number string) string {
		return providerBlock(url) + fmt.Sprintf(`
resource "l2msg_instance" "fleet" {
  count         = %d
  instance_name = format("fleet-%%02d", count.index)
  number        = "%s${count.index}"
}
`, n, number)
	}
	w := cliWorkdir(t, config("551191111111"))
	ctx := context.Background()
	if _, err := w.Run(ctx, "apply", "-auto-approve", "-no-color"); err != nil {
		t.Fatal(err)
	}
	before := map[string]string{}
	for i := range n {
		name := fmt.Sprintf("fleet-%02d", i)
		s, _ := emu.Instance(name)
		before[name] = s.ID
	}
	if err := w.WriteFile("main.tf", requiredProviders+config("551192222222")); err != nil {
		t.Fatal(err)
	}
	emu.ResetStats()
	if _, err := w.Run(ctx, "apply", "-auto-approve", "-no-color"); err != nil {
		t.Fatal(err)
	}
	// One create each. The server frees a name a moment after it stops
	// listing it, and a create of a name this run deleted is sent again
	// while the server refuses it; a create refused while the name was
	// still listed would have failed the apply.
	created, refused := 0, 0
	for _, rq := range emu.Requests() {
		if rq.Route == "POST /instance/create" {
			switch rq.Status {
			case http.StatusCreated:
				created++
			case http.StatusForbidden:
				refused++
			default:
				t.Errorf("a create answered %d", rq.Status)
			}
		}
	}
	if created != n || refused > 2*n {
		t.Errorf("%d creates made an instance and %d were refused, want %d and a few", created, refused, n)
	}
	for name, id := range before {
		if s, ok := emu.Instance(name); !ok || s.ID == id || s.PendingDelete {
			t.Errorf("%s was not replaced: %+v", name, s)
		}
	}
	assertConvergedAndDestroy(t, emu, w)
}
