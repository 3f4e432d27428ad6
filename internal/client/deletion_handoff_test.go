package client

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// walkDeletes calls DeleteAndConfirm for every name as terraform's walk
// calls Delete: at most parallelism at once, each holding its slot until it
// returns, the next started as soon as a slot is free.
func walkDeletes(ctx context.Context, c *Client, parallelism int, names ...string) (deleteErrs, waitErrs map[string]error) {
	deleteErrs, waitErrs = map[string]error{}, map[string]error{}
	var mu sync.Mutex
	slots := make(chan struct{}, parallelism)
	var wg sync.WaitGroup
	for _, n := range names {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			derr, werr := c.DeleteAndConfirm(ctx, n)
			mu.Lock()
			deleteErrs[n], waitErrs[n] = derr, werr
			mu.Unlock()
		})
	}
	wg.Wait()
	return deleteErrs, waitErrs
}

// Twelve deletes three at a time are four batches; a wait per Delete would
// poll at least four times. Handed on from Delete to Delete, the
// confirmation is one listing, sent after the last delete, before the last
// Delete returns.
func TestDeleteAndConfirmOnePollForEveryBatch(t *testing.T) {
	names := fleetNames(12)
	s := newDeletingServer(1, append(names, "other")...)
	c, _ := newTestClient(t, "", s.ServeHTTP)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	deleteErrs, waitErrs := walkDeletes(ctx, c, 3, names...)
	for _, n := range names {
		noError(t, deleteErrs[n])
		noError(t, waitErrs[n])
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listings != 1 || s.filtered != 0 {
		t.Errorf("polls: %d listings and %d filtered fetches, want one listing", s.listings, s.filtered)
	}
	if s.lastPoll < s.lastDelete {
		t.Errorf("the last poll (request %d) came before the last delete (request %d)", s.lastPoll, s.lastDelete)
	}
	for _, n := range names {
		if s.names[n] {
			t.Errorf("the deletes returned while the server still listed %q", n)
		}
	}
}

// The Delete that confirms for the others reports every name it could not
// confirm, its own or theirs, and a name left unconfirmed stays pending: a
// create of it would still wait.
func TestDeleteAndConfirmNamesWhatItTookOver(t *testing.T) {
	s := newDeletingServer(2, "a", "b")
	s.lingers["a"] = 1 << 30
	c, _ := newTestClient(t, "", s.ServeHTTP)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	deleteErrs, waitErrs := walkDeletes(ctx, c, 2, "a", "b")
	noError(t, deleteErrs["a"])
	noError(t, deleteErrs["b"])
	var reports []*UnconfirmedDeletesError
	for _, err := range waitErrs {
		var u *UnconfirmedDeletesError
		switch {
		case errors.As(err, &u):
			reports = append(reports, u)
		case err != nil:
			t.Errorf("wait error %v, want an *UnconfirmedDeletesError", err)
		}
	}
	if len(reports) != 1 {
		t.Fatalf("wait errors = %v, want one report, from the Delete that confirmed for both", waitErrs)
	}
	u := reports[0]
	if !slices.Equal(u.Names, []string{"a"}) || !errors.Is(u, context.DeadlineExceeded) {
		t.Errorf("report = %v (names %q), want a, and the deadline", u, u.Names)
	}
	if !u.Has("a") || u.Has("b") || len(u.Others("a")) != 0 || !slices.Equal(u.Others("b"), []string{"a"}) {
		t.Errorf("Has/Others disagree with names %q", u.Names)
	}
	wctx, wcancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer wcancel()
	if err := c.awaitPendingDelete(wctx, "a"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a create of a would not wait for its delete: %v", err)
	}
	noError(t, c.awaitPendingDelete(wctx, "b"))
}

// A Delete that handed its confirmation on has left state; when the poll
// that was to confirm it then fails (here a refused key) after the Delete
// confirming it handed off in turn, the next Delete's error must still name
// it: nobody else will.
func TestDeleteAndConfirmReportsAFailedPollItTookOver(t *testing.T) {
	s := newDeletingServer(1, "a", "b")
	s.status = http.StatusUnauthorized
	s.polling, s.answer = make(chan struct{}), make(chan struct{})
	// b's DELETE is held until a's poll has failed.
	bArrived, bGo := make(chan struct{}), make(chan struct{})
	c, _ := newTestClient(t, "", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete && strings.HasSuffix(r.URL.Path, "/b") {
			close(bArrived)
			<-bGo
		}
		s.ServeHTTP(w, r)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	type result struct{ deleteErr, waitErr error }
	aDone, bDone := make(chan result, 1), make(chan result, 1)

	go func() {
		derr, werr := c.DeleteAndConfirm(ctx, "a")
		aDone <- result{derr, werr}
	}()
	<-s.polling // a's Delete, the only one, polls for a
	go func() {
		derr, werr := c.DeleteAndConfirm(ctx, "b")
		bDone <- result{derr, werr}
	}()
	<-bArrived
	// b's Delete started: a's hands off and returns at once.
	a := <-aDone
	noError(t, a.deleteErr)
	noError(t, a.waitErr)

	c.deletions.mu.Lock()
	p := c.deletions.pending["a"]
	c.deletions.mu.Unlock()
	if p == nil {
		t.Fatal("a is not pending after its Delete handed off")
	}
	s.answer <- struct{}{} // the poll is refused
	select {
	case <-p.done:
	case <-ctx.Done():
		t.Fatal("the refused poll did not end the wait for a")
	}
	if !IsUnauthorized(p.err) {
		t.Fatalf("a's wait ended with %v, want the refused key", p.err)
	}
	// Later polls (b's) are answered at once.
	go func() {
		for range s.polling {
			s.answer <- struct{}{}
		}
	}()
	defer close(s.polling)
	close(bGo)

	b := <-bDone
	noError(t, b.deleteErr)
	var u *UnconfirmedDeletesError
	if !errors.As(b.waitErr, &u) {
		t.Fatalf("b's wait error = %v, want an *UnconfirmedDeletesError", b.waitErr)
	}
	if !u.Has("a") || !u.Has("b") || !IsUnauthorized(u) {
		t.Errorf("b's wait error = %v (names %q), want a and b, and the refused key", u, u.Names)
	}
}

// A Delete that finds nothing pending (its instance was gone already)
// polls nothing.
func TestDeleteAndConfirmNothingToConfirm(t *testing.T) {
	c, rec := newTestClient(t, "", reply(404, `{"status":404,"error":"Not Found","response":{"message":["The \"x\" instance does not exist"]}}`))
	deleteErr, waitErr := c.DeleteAndConfirm(context.Background(), "x")
	if !IsNotFound(deleteErr) || waitErr != nil {
		t.Fatalf("DeleteAndConfirm = %v, %v; want not found, nil", deleteErr, waitErr)
	}
	rec.only(t)
}

func TestNameList(t *testing.T) {
	for _, tt := range []struct {
		names []string
		want  string
	}{{[]string{"a"}, `instance "a"`}, {[]string{"a", "b"}, `instances "a", "b"`}} {
		if got := NameList(tt.names); got != tt.want {
			t.Errorf("NameList(%q) = %s, want %s", tt.names, got, tt.want)
		}
	}
}
