package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fleetServer answers fetchInstances from a set of names, filtered or not,
// and 201 to every write; it counts the two kinds of listing.
type fleetServer struct {
	mu        sync.Mutex
	names     map[string]bool
	rejectAll bool // every name is listed with rejectCall true
	listFail  int  // status of the unfiltered listing; 0 = 200
	// writeFail answers every write other than a GET: a status, or
	// dropConn; nil = 201 {}.
	writeFail http.HandlerFunc

	listings, filtered atomic.Int32
	// gate, when set, holds the unfiltered listing until it is closed;
	// arrived is told when such a listing came in.
	gate    chan struct{}
	arrived chan struct{}
}

func newFleetServer(names ...string) *fleetServer {
	f := &fleetServer{names: map[string]bool{}}
	for _, n := range names {
		f.names[n] = true
	}
	return f
}

func (f *fleetServer) set(name string, present bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if present {
		f.names[name] = true
	} else {
		delete(f.names, name)
	}
}

func (f *fleetServer) row(name string) map[string]any {
	return map[string]any{"name": name, "id": "id-" + name, "connectionStatus": "close",
		"Setting": map[string]any{"rejectCall": f.rejectAll, "msgCall": ""}}
}

func (f *fleetServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		f.mu.Lock()
		fail := f.writeFail
		f.mu.Unlock()
		if fail != nil {
			fail(w, r)
			return
		}
		reply(201, `{}`)(w, r)
		return
	}
	if r.URL.Path != "/instance/fetchInstances" {
		http.NotFound(w, r)
		return
	}
	if name := r.URL.Query().Get("instanceName"); name != "" {
		f.filtered.Add(1)
		f.mu.Lock()
		ok := f.names[name]
		var body []byte
		if ok {
			body, _ = json.Marshal([]any{f.row(name)})
		}
		f.mu.Unlock()
		if !ok {
			msg, _ := json.Marshal(`Instance "` + name + `" not found`)
			reply(404, `{"status":404,"error":"Not Found","response":{"message":[`+string(msg)+`]}}`)(w, r)
			return
		}
		reply(200, string(body))(w, r)
		return
	}
	f.listings.Add(1)
	if f.arrived != nil {
		f.arrived <- struct{}{}
	}
	if f.gate != nil {
		<-f.gate
	}
	if f.listFail != 0 {
		reply(f.listFail, `{"status":500,"error":"Internal Server Error","response":{"message":"boom"}}`)(w, r)
		return
	}
	f.mu.Lock()
	rows := []any{}
	for n := range f.names {
		rows = append(rows, f.row(n))
	}
	body, _ := json.Marshal(rows)
	f.mu.Unlock()
	reply(200, string(body))(w, r)
}

func newFleetClient(t *testing.T, f *fleetServer) *Client {
	c, _ := newTestClient(t, "", f.ServeHTTP)
	return c
}

func fleetNames(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("fleet-%03d", i)
	}
	return out
}

func TestLookupInstanceSharesOneListing(t *testing.T) {
	names := fleetNames(50)
	srv := newFleetServer(names...)
	srv.rejectAll = true
	c := newFleetClient(t, srv)

	var wg sync.WaitGroup
	errs := make(chan error, len(names))
	for _, n := range names {
		wg.Go(func() {
			inst, err := c.LookupInstance(context.Background(), n)
			switch {
			case err != nil:
				errs <- err
			case inst.Name != n || inst.ID != "id-"+n:
				errs <- fmt.Errorf("lookup of %q got %+v", n, inst)
			case inst.Settings == nil || !inst.Settings.RejectCall:
				errs <- fmt.Errorf("lookup of %q lost the settings: %+v", n, inst.Settings)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if l, f := srv.listings.Load(), srv.filtered.Load(); l != 1 || f != 0 {
		t.Errorf("50 concurrent lookups made %d listings and %d single fetches, want 1 and 0", l, f)
	}
}

func TestLookupInstanceConfirmsAMissingName(t *testing.T) {
	srv := newFleetServer("a")
	c := newFleetClient(t, srv)
	ctx := context.Background()
	if _, err := c.LookupInstance(ctx, "a"); err != nil {
		t.Fatal(err)
	}

	// Created after the listing (by another process): found by the
	// confirming lookup, not reported gone.
	srv.set("late", true)
	inst, err := c.LookupInstance(ctx, "late")
	if err != nil || inst.Name != "late" {
		t.Fatalf("lookup of an instance newer than the listing = %+v, %v", inst, err)
	}
	// Really gone: NotFound, after asking the server.
	_, err = c.LookupInstance(ctx, "gone")
	if !IsNotFound(err) {
		t.Fatalf("lookup of a missing name = %v, want NotFound", err)
	}
	if l, f := srv.listings.Load(), srv.filtered.Load(); l != 1 || f != 2 {
		t.Errorf("listings = %d, single fetches = %d; want 1 and 2", l, f)
	}
}

func TestLookupInstanceReturnsACopy(t *testing.T) {
	srv := newFleetServer("a")
	c := newFleetClient(t, srv)
	first, err := c.LookupInstance(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	first.Settings.MsgCall = "changed by a caller"
	first.Name = "changed"
	again, err := c.LookupInstance(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	if again.Name != "a" || again.Settings.MsgCall != "" {
		t.Errorf("a caller's change reached the shared listing: %+v %+v", again, again.Settings)
	}
}

func TestEveryWriteInvalidatesTheListing(t *testing.T) {
	ctx := context.Background()
	writes := map[string]func(*Client) error{
		"create": func(c *Client) error {
			// The fake server's {} is no instance: an ambiguous create,
			// which is still a write.
			if _, err := c.CreateInstance(ctx, CreateRequest{InstanceName: "a"}); !IsAmbiguous(err) {
				return fmt.Errorf("create = %w, want ambiguous", err)
			}
			return nil
		},
		"delete":       func(c *Client) error { return c.DeleteInstance(ctx, "a") },
		"settings/set": func(c *Client) error { return c.SetSettings(ctx, "a", Settings{}) },
		"webhook/set":  func(c *Client) error { return c.SetWebhook(ctx, "a", Webhook{URL: "https://x"}) },
		"logout":       func(c *Client) error { return c.Logout(ctx, "a") },
		"restart":      func(c *Client) error { return restart(ctx, c, "a") },
		"connect": func(c *Client) error {
			_, err := c.Connect(ctx, "a", "")
			// The fake server has no connect route; the call still
			// counts as a possible change of state.
			if err != nil && statusOf(err) != http.StatusNotFound {
				return err
			}
			return nil
		},
	}
	for name, write := range writes {
		t.Run(name, func(t *testing.T) {
			srv := newFleetServer("a")
			c := newFleetClient(t, srv)
			if _, err := c.LookupInstance(ctx, "a"); err != nil {
				t.Fatal(err)
			}
			if err := write(c); err != nil {
				t.Fatal(err)
			}
			if _, err := c.LookupInstance(ctx, "a"); err != nil {
				t.Fatal(err)
			}
			if n := srv.listings.Load(); n != 2 {
				t.Errorf("listings = %d, want 2: the write did not drop the listing", n)
			}
		})
	}
}

// A write that fails may still have been applied (a 500 after the change,
// a gateway's 504, a connection dropped after the server acted): it drops
// the listing just as a write that succeeded does.
func TestEveryFailedWriteInvalidatesTheListing(t *testing.T) {
	ctx := context.Background()
	writes := map[string]func(*Client) error{
		"create": func(c *Client) error {
			_, err := c.CreateInstance(ctx, CreateRequest{InstanceName: "a"})
			return err
		},
		"delete":       func(c *Client) error { return c.DeleteInstance(ctx, "a") },
		"settings/set": func(c *Client) error { return c.SetSettings(ctx, "a", Settings{}) },
		"webhook/set":  func(c *Client) error { return c.SetWebhook(ctx, "a", Webhook{URL: "https://x"}) },
		"logout":       func(c *Client) error { return c.Logout(ctx, "a") },
		"restart":      func(c *Client) error { return restart(ctx, c, "a") },
		"connect": func(c *Client) error {
			_, err := c.Connect(ctx, "a", "")
			return err
		},
	}
	failures := map[string]http.HandlerFunc{
		"500":     reply(500, `{"status":500,"error":"Internal Server Error","response":{"message":["boom"]}}`),
		"504":     reply(504, `<html>Gateway Timeout</html>`),
		"dropped": dropConn,
	}
	for name, write := range writes {
		for how, fail := range failures {
			t.Run(name+"/"+how, func(t *testing.T) {
				srv := newFleetServer("a")
				c := newFleetClient(t, srv)
				if _, err := c.LookupInstance(ctx, "a"); err != nil {
					t.Fatal(err)
				}
				srv.mu.Lock()
				srv.writeFail = fail
				srv.mu.Unlock()
				if err := write(c); err == nil {
					t.Fatalf("the write succeeded against a server answering %s", how)
				}
				if _, err := c.LookupInstance(ctx, "a"); err != nil {
					t.Fatal(err)
				}
				if n := srv.listings.Load(); n != 2 {
					t.Errorf("listings = %d, want 2: the failed write (%s) did not drop the listing", n, how)
				}
			})
		}
	}
}

// A write that completes while a listing is in flight: the lookups already
// waiting get that listing, but it is not kept for later ones.
func TestWriteDuringFetchIsNotCached(t *testing.T) {
	srv := newFleetServer("a")
	srv.gate, srv.arrived = make(chan struct{}), make(chan struct{}, 2)
	c := newFleetClient(t, srv)
	ctx := context.Background()

	done := make(chan error, 1)
	go func() {
		_, err := c.LookupInstance(ctx, "a")
		done <- err
	}()
	<-srv.arrived
	if err := c.SetSettings(ctx, "a", Settings{}); err != nil {
		t.Fatal(err)
	}
	close(srv.gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := c.LookupInstance(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if n := srv.listings.Load(); n != 2 {
		t.Errorf("listings = %d, want 2: a listing older than the write was kept", n)
	}
}

func TestListingIsRefetchedWhenOld(t *testing.T) {
	srv := newFleetServer("a")
	c := newFleetClient(t, srv)
	now := time.Unix(1_000_000, 0)
	c.listing.now = func() time.Time { return now }
	ctx := context.Background()

	for _, step := range []struct {
		advance time.Duration
		want    int32
	}{{0, 1}, {listingMaxAge - time.Second, 1}, {time.Second, 2}} {
		now = now.Add(step.advance)
		if _, err := c.LookupInstance(ctx, "a"); err != nil {
			t.Fatal(err)
		}
		if n := srv.listings.Load(); n != step.want {
			t.Fatalf("after %v more: listings = %d, want %d", step.advance, n, step.want)
		}
	}
}

// A failed listing turns lookups into single fetches for a while, instead
// of failing them or asking for the listing again on every lookup.
func TestFailedListingFallsBackToSingleFetches(t *testing.T) {
	srv := newFleetServer("a", "b")
	srv.listFail = 500
	c := newFleetClient(t, srv)
	now := time.Unix(1_000_000, 0)
	c.listing.now = func() time.Time { return now }
	ctx := context.Background()

	for _, n := range []string{"a", "b", "a"} {
		if inst, err := c.LookupInstance(ctx, n); err != nil || inst.Name != n {
			t.Fatalf("lookup of %q = %+v, %v", n, inst, err)
		}
	}
	if l, f := srv.listings.Load(), srv.filtered.Load(); l != 1 || f != 3 {
		t.Errorf("listings = %d, single fetches = %d; want 1 and 3", l, f)
	}
	srv.listFail = 0
	now = now.Add(failedListingMaxAge)
	if _, err := c.LookupInstance(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if l, f := srv.listings.Load(), srv.filtered.Load(); l != 2 || f != 3 {
		t.Errorf("after the failure aged: listings = %d, single fetches = %d; want 2 and 3", l, f)
	}
}

// One lookup giving up does not fail the others waiting on the same fetch.
func TestCancelledLookupLeavesTheSharedFetch(t *testing.T) {
	srv := newFleetServer("a", "b")
	srv.gate, srv.arrived = make(chan struct{}), make(chan struct{}, 2)
	c := newFleetClient(t, srv)

	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() {
		_, err := c.LookupInstance(ctx, "a")
		first <- err
	}()
	<-srv.arrived
	second := make(chan error, 1)
	go func() {
		_, err := c.LookupInstance(context.Background(), "b")
		second <- err
	}()
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled lookup = %v, want context.Canceled", err)
	}
	close(srv.gate)
	if err := <-second; err != nil {
		t.Errorf("the other lookup failed with the first one's cancellation: %v", err)
	}
	if n := srv.listings.Load(); n != 1 {
		t.Errorf("listings = %d, want 1", n)
	}
}

// lookupAsync runs LookupInstance in its own goroutine and hands back its
// error.
func lookupAsync(ctx context.Context, c *Client, name string) <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := c.LookupInstance(ctx, name)
		done <- err
	}()
	return done
}

// A lookup that starts after a write does not join a listing fetched
// before it: it asks again. (Should it join, it waits on the held listing
// and this test hangs until go test's -timeout fails it.)
func TestLookupAfterWriteDoesNotJoinAnOlderFetch(t *testing.T) {
	srv := newFleetServer("a")
	srv.gate, srv.arrived = make(chan struct{}), make(chan struct{}, 2)
	c := newFleetClient(t, srv)
	ctx := context.Background()

	before := lookupAsync(ctx, c, "a")
	<-srv.arrived
	if err := c.SetSettings(ctx, "a", Settings{}); err != nil {
		t.Fatal(err)
	}
	after := lookupAsync(ctx, c, "a")
	<-srv.arrived
	close(srv.gate)
	for _, done := range []<-chan error{before, after} {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.listings.Load(); n != 2 {
		t.Errorf("listings = %d, want 2", n)
	}
}

// The lookups left waiting when another gives up are still answered by the
// shared listing, not one by one.
func TestCancelledLookupDoesNotCancelTheSharedFetch(t *testing.T) {
	srv := newFleetServer("a", "b")
	srv.gate, srv.arrived = make(chan struct{}), make(chan struct{}, 2)
	c := newFleetClient(t, srv)

	ctx, cancel := context.WithCancel(context.Background())
	first := lookupAsync(ctx, c, "a")
	<-srv.arrived
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled lookup = %v, want context.Canceled", err)
	}
	second := lookupAsync(context.Background(), c, "b")
	close(srv.gate)
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	if n := srv.filtered.Load(); n != 0 {
		t.Errorf("single fetches = %d, want 0: the shared listing was cancelled with the first lookup", n)
	}
}
