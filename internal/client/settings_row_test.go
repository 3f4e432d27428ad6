package client

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// The writes that may make a kind's settings row go one at a time per
// instance and kind; other instances and kinds are not held up.
func TestSettingsRowWritesOneAtATime(t *testing.T) {
	gate := make(chan struct{})
	var mu sync.Mutex
	arrived := map[string]int{} // "typebot a" → writes the server has seen
	c, _ := newTestClient(t, "", func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/") // kind, route, instance
		key := parts[0] + " " + parts[2]
		mu.Lock()
		arrived[key]++
		mu.Unlock()
		if key == "typebot a" {
			<-gate
		}
		reply(201, typebotRow)(w, r)
	})
	release := openGate(t, gate)
	ctx := context.Background()
	body := map[string]any{"enabled": true}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	run := func(f func() error) {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- f() }()
	}
	create := func(kind BotKind, inst string) func() error {
		return func() error { _, err := c.CreateBot(ctx, kind, inst, body); return err }
	}
	run(create(Typebot, "a"))
	run(create(Typebot, "a"))
	run(func() error { _, err := c.SetBotSettings(ctx, Typebot, "a", body); return err })
	// Held at the server, the first typebot write of a keeps the other two
	// waiting in the client, not at the server.
	waitFor(t, "two typebot writes of a waiting", func() bool {
		c.settingsRows.mu.Lock()
		defer c.settingsRows.mu.Unlock()
		s := c.settingsRows.slots[settingsRowKey{"typebot", "a"}]
		return s != nil && s.waiters == 3
	})
	// Meanwhile another instance and another kind are served.
	if err := create(Typebot, "b")(); err != nil {
		t.Fatal(err)
	}
	if err := create(Dify, "a")(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	held := arrived["typebot a"]
	mu.Unlock()
	if held != 1 {
		t.Fatalf("%d typebot writes of a reached the server at once", held)
	}
	release()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if arrived["typebot a"] != 3 || len(c.settingsRows.slots) != 0 {
		t.Fatalf("arrived %v, slots left %v", arrived, c.settingsRows.slots)
	}
}

// A write waiting for its turn gives up with its context, sending nothing.
func TestSettingsRowWaitEndsWithContext(t *testing.T) {
	gate := make(chan struct{})
	c, rec := newTestClient(t, "", func(w http.ResponseWriter, r *http.Request) {
		<-gate
		reply(201, typebotRow)(w, r)
	})
	release := openGate(t, gate)
	done := make(chan error, 1)
	go func() { _, err := c.CreateBot(context.Background(), EvolutionBot, "a", map[string]any{}); done <- err }()
	waitFor(t, "the first create at the server", func() bool { return len(rec.requests()) == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.SetBotSettings(ctx, EvolutionBot, "a", map[string]any{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("%d requests sent", n)
	}
}

// openGate returns the func that opens gate, which also runs before the
// test server closes, so a failing test does not leave handlers waiting.
func openGate(t *testing.T, gate chan struct{}) func() {
	var once sync.Once
	release := func() { once.Do(func() { close(gate) }) }
	t.Cleanup(release)
	return release
}

// waitFor polls cond, in a bounded loop.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 2000 {
		if cond() {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}
