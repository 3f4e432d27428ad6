package client

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestNewRejectsBadRate(t *testing.T) {
	for _, rps := range []float64{-1, math.NaN(), math.Inf(1)} {
		_, err := New(Config{APIKey: "k", RequestsPerSecond: rps})
		if err == nil || !strings.Contains(err.Error(), "requests per second") {
			t.Errorf("RequestsPerSecond %v: err = %v, want a clear error", rps, err)
		}
	}
}

// slots records the time of every slot the client's limiter hands out.
type slots struct {
	mu    sync.Mutex
	times []time.Time
}

func (s *slots) take(t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.times = append(s.times, t)
}

// maxInWindow returns the most timestamps that fall in any window of
// length w.
func maxInWindow(times []time.Time, w time.Duration) int {
	ts := slices.Clone(times)
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	best, lo := 0, 0
	for hi := range ts {
		for ts[hi].Sub(ts[lo]) >= w {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}

// The limit is checked on the slots the limiter hands out, one per request
// sent: the times it lets each request go. Times taken at the transport or
// the server would not do: on a loaded machine the goroutines woken for
// their slots may run late and together, and bunch requests the limiter
// released on time.
func TestRateLimitHoldsRate(t *testing.T) {
	const rps, requests = 20, 35
	var served atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		reply(200, `[]`)(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{BaseURL: srv.URL, APIKey: "k", RequestsPerSecond: rps})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.RequestsPerSecond(); got != rps {
		t.Fatalf("RequestsPerSecond() = %v, want %v", got, rps)
	}
	var taken slots
	c.slotTaken = taken.take
	var wg sync.WaitGroup
	for range requests {
		wg.Go(func() {
			if _, err := c.FetchInstances(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := served.Load(); n != requests || len(taken.times) != requests {
		t.Fatalf("%d requests served, %d slots taken; want %d of each", n, len(taken.times), requests)
	}
	// Burst is 1: no second holds more than rps+1 slots.
	if got := maxInWindow(taken.times, time.Second); got > rps+1 {
		t.Errorf("%d requests let go in one second, limit %d/s", got, rps)
	}
}

func TestMaxInWindow(t *testing.T) {
	t0 := time.Unix(0, 0)
	at := func(ms ...int) []time.Time {
		var out []time.Time
		for _, m := range ms {
			out = append(out, t0.Add(time.Duration(m)*time.Millisecond))
		}
		return out
	}
	for _, tt := range []struct {
		times []time.Time
		want  int
	}{
		{nil, 0},
		{at(0), 1},
		{at(0, 999, 1000), 2},
		{at(1000, 0, 500, 1499, 1500), 3},
	} {
		if got := maxInWindow(tt.times, time.Second); got != tt.want {
			t.Errorf("maxInWindow(%v) = %d, want %d", tt.times, got, tt.want)
		}
	}
}

// A request waiting for its slot gives up with its context and is not sent.
func TestRateLimitWaitEndsWithContext(t *testing.T) {
	var served atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		reply(200, `[]`)(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{BaseURL: srv.URL, APIKey: "k", RequestsPerSecond: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.FetchInstances(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err = within(t, func() error { _, err := c.FetchInstances(ctx); return err })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the context's deadline", err)
	}
	if n := served.Load(); n != 1 {
		t.Errorf("server saw %d requests, want 1: the waiting one was sent", n)
	}
}
