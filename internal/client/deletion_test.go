package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// deletingServer answers deletes and fetchInstances. A deleted name stays
// listed for as many polls as lingers[name] says, as the server's
// asynchronous delete keeps it. Deletes are held until batch of them have
// arrived, as terraform sends a batch at its parallelism.
type deletingServer struct {
	mu      sync.Mutex
	names   map[string]bool
	lingers map[string]int
	deleted map[string]bool
	batch   int
	held    int
	release chan struct{}
	status  int // of every poll; 0 = answer normally
	// v1 answers in a v1 server's shapes: a row keeps its name under
	// instance.instanceName, and a filtered listing is one object.
	v1       bool
	listings int
	filtered int
	// seq numbers every request; lastDelete and lastPoll are the numbers
	// of the latest of each.
	seq, lastDelete, lastPoll int
	// polling, when set, receives every poll as it arrives and the poll
	// is answered only once the test sends on answer.
	polling chan struct{}
	answer  chan struct{}
}

func newDeletingServer(batch int, names ...string) *deletingServer {
	s := &deletingServer{names: map[string]bool{}, lingers: map[string]int{}, deleted: map[string]bool{},
		batch: batch, release: make(chan struct{})}
	for _, n := range names {
		s.names[n] = true
	}
	return s
}

func (s *deletingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if name, ok := strings.CutPrefix(r.URL.Path, "/instance/delete/"); ok && r.Method == http.MethodDelete {
		s.mu.Lock()
		s.deleted[name] = true
		s.seq++
		s.lastDelete = s.seq
		s.held++
		if s.held == s.batch {
			close(s.release)
		}
		s.mu.Unlock()
		<-s.release
		reply(200, `{"status":"SUCCESS","error":false,"response":{"message":"Instance deleted"}}`)(w, r)
		return
	}
	if r.URL.Path != "/instance/fetchInstances" {
		http.NotFound(w, r)
		return
	}
	if s.polling != nil {
		s.polling <- struct{}{}
		<-s.answer
	}
	filter := r.URL.Query().Get("instanceName")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	s.lastPoll = s.seq
	if filter == "" {
		s.listings++
	} else {
		s.filtered++
	}
	if s.status != 0 {
		reply(s.status, `{"status":401,"error":"Unauthorized","response":{"message":"Unauthorized"}}`)(w, r)
		return
	}
	rows := []map[string]any{}
	for n := range s.names {
		if s.deleted[n] && s.lingers[n] == 0 {
			delete(s.names, n)
			continue
		}
		if s.deleted[n] {
			s.lingers[n]--
		}
		switch {
		case filter != "" && filter != n:
		case s.v1:
			rows = append(rows, map[string]any{"instance": map[string]any{"instanceName": n, "instanceId": "id-" + n, "status": "close"}})
		default:
			rows = append(rows, map[string]any{"name": n, "connectionStatus": "close"})
		}
	}
	if filter != "" && len(rows) == 0 {
		reply(404, `{"status":404,"error":"Not Found","response":{"message":["The \"`+filter+`\" instance does not exist"]}}`)(w, r)
		return
	}
	var b []byte
	if s.v1 && filter != "" {
		b, _ = json.Marshal(rows[0])
	} else {
		b, _ = json.Marshal(rows)
	}
	reply(200, string(b))(w, r)
}

func (s *deletingServer) polls() (listings, filtered int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.listings, s.filtered
}

// deleteAll deletes names concurrently, each then waiting for its name to be
// gone, as terraform's Delete does.
func deleteAll(t *testing.T, c *Client, names ...string) map[string]error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var mu sync.Mutex
	errs := map[string]error{}
	var wg sync.WaitGroup
	for _, n := range names {
		wg.Go(func() {
			err := c.DeleteInstance(ctx, n)
			if err == nil {
				err = c.WaitForDeletion(ctx, n, 10*time.Millisecond)
			}
			mu.Lock()
			errs[n] = err
			mu.Unlock()
		})
	}
	wg.Wait()
	return errs
}

// A batch of deletes answered together is confirmed by one listing, not one
// poll per name.
func TestWaitForDeletionSharesOnePoll(t *testing.T) {
	names := fleetNames(10)
	s := newDeletingServer(len(names), append(names, "other")...)
	c, _ := newTestClient(t, "", s.ServeHTTP)
	for n, err := range deleteAll(t, c, names...) {
		noError(t, err)
		_ = n
	}
	if l, f := s.polls(); l != 1 || f != 0 {
		t.Errorf("polls: %d listings and %d filtered fetches, want one listing", l, f)
	}
}

// A name the server still lists keeps waiting, with its backoff, while the
// names already gone are released by the first poll.
func TestWaitForDeletionWaitsForTheSlowName(t *testing.T) {
	s := newDeletingServer(3, "a", "b", "c")
	s.lingers["b"] = 2
	c, _ := newTestClient(t, "", s.ServeHTTP)
	for _, err := range deleteAll(t, c, "a", "b", "c") {
		noError(t, err)
	}
	l, f := s.polls()
	// The first listing releases a and c; b is then polled alone, by
	// name, until it is gone: listed once more, then 404.
	if l != 1 || f != 2 {
		t.Errorf("polls: %d listings and %d filtered fetches, want 1 and 2", l, f)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.names["b"] {
		t.Error("the wait for b returned while the server still listed it")
	}
}

// A v1 server's listing keeps each name under instance.instanceName: the
// names it still lists are still being deleted, whether the poll is the
// listing (several names due) or the filtered fetch (one).
func TestWaitForDeletionReadsV1Rows(t *testing.T) {
	s := newDeletingServer(3, "a", "b", "c", "other")
	s.v1 = true
	s.lingers["a"], s.lingers["b"] = 1, 2
	c, _ := newTestClient(t, "", s.ServeHTTP)
	for _, err := range deleteAll(t, c, "a", "b", "c") {
		noError(t, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range []string{"a", "b", "c"} {
		if s.names[n] {
			t.Errorf("the wait for %s returned while the v1 server still listed it", n)
		}
	}
	if !s.names["other"] {
		t.Error("other is gone")
	}
	// a and b linger: at least one poll saw them listed and a later one
	// gone. (How the polls split between listings and filtered fetches
	// depends on how close together the deletes were answered.)
	if s.listings+s.filtered < 2 {
		t.Errorf("polls: %d listings and %d filtered fetches, want at least 2", s.listings, s.filtered)
	}
}

// A poll sent before a delete was answered proves nothing about it: the
// name must be confirmed by a later poll.
func TestWaitForDeletionIgnoresEarlierPolls(t *testing.T) {
	s := newDeletingServer(1, "a", "b")
	s.polling, s.answer = make(chan struct{}), make(chan struct{})
	c, _ := newTestClient(t, "", s.ServeHTTP)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	noError(t, c.DeleteInstance(ctx, "a"))
	aDone := make(chan error, 1)
	go func() { aDone <- c.WaitForDeletion(ctx, "a", 10*time.Millisecond) }()
	<-s.polling // a's poll is on the server, unanswered
	// b's delete is answered while a's poll is out; the emulated server
	// has already removed b, so the poll in flight will not list it.
	s.mu.Lock()
	s.deleted["b"] = true
	s.mu.Unlock()
	noError(t, c.DeleteInstance(ctx, "b"))
	bDone := make(chan error, 1)
	go func() { bDone <- c.WaitForDeletion(ctx, "b", 10*time.Millisecond) }()
	s.answer <- struct{}{}
	noError(t, <-aDone)
	select {
	case err := <-bDone:
		t.Fatalf("b's wait ended (%v) on a poll sent before its delete was answered", err)
	case <-s.polling:
	}
	s.answer <- struct{}{}
	noError(t, <-bDone)
	if l, f := s.polls(); l+f != 2 {
		t.Errorf("polls = %d, want 2", l+f)
	}
}

// A refused key fails every waiter at once instead of polling until the
// deadline.
func TestWaitForDeletionFailsEveryWaiterOnARefusedKey(t *testing.T) {
	s := newDeletingServer(3, "a", "b", "c")
	s.status = http.StatusUnauthorized
	c, _ := newTestClient(t, "", s.ServeHTTP)
	for n, err := range deleteAll(t, c, "a", "b", "c") {
		if !IsUnauthorized(err) || !strings.Contains(err.Error(), `"`+n+`"`) {
			t.Errorf("%s: error = %v, want a 401 naming the instance", n, err)
		}
	}
	if l, f := s.polls(); l+f != 1 {
		t.Errorf("polls = %d, want 1", l+f)
	}
}

// A waiter whose context ends stops waiting; the others are not disturbed.
func TestWaitForDeletionCancelledWaiterLeaves(t *testing.T) {
	s := newDeletingServer(2, "a", "b")
	s.lingers["a"] = 1 << 30
	c, _ := newTestClient(t, "", s.ServeHTTP)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	aCtx, aCancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer aCancel()
	var wg sync.WaitGroup
	var aErr, bErr error
	wg.Go(func() {
		if aErr = c.DeleteInstance(ctx, "a"); aErr == nil {
			aErr = c.WaitForDeletion(aCtx, "a", 10*time.Millisecond)
		}
	})
	wg.Go(func() {
		if bErr = c.DeleteInstance(ctx, "b"); bErr == nil {
			bErr = c.WaitForDeletion(ctx, "b", 10*time.Millisecond)
		}
	})
	wg.Wait()
	if !errors.Is(aErr, context.DeadlineExceeded) {
		t.Errorf("a: error = %v, want the deadline", aErr)
	}
	noError(t, bErr)
}
