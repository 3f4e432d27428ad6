package client

import (
	"context"
	"errors"
	"slices"
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
