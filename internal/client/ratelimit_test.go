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

// stampingTransport records when each request leaves the client.
type stampingTransport struct {
	mu    sync.Mutex
	times []time.Time
	next  http.RoundTripper
}

func (s *stampingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	s.times = append(s.times, time.Now())
	s.mu.Unlock()
	return s.next.RoundTrip(r)
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

// The limit is checked on the timestamps of the requests, not on how long
// the test took: a slow machine only spreads them further.
func TestRateLimitHoldsRate(t *testing.T) {
	const rps, requests = 20, 35
	srv := httptest.NewServer(reply(200, `[]`))
	t.Cleanup(srv.Close)
	tr := &stampingTransport{next: http.DefaultTransport}
	c, err := New(Config{BaseURL: srv.URL, APIKey: "k", RequestsPerSecond: rps, HTTPClient: &http.Client{Transport: tr}})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range requests {
		wg.Go(func() {
			if _, err := c.FetchInstances(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if len(tr.times) != requests {
		t.Fatalf("sent %d requests, want %d", len(tr.times), requests)
	}
	// Burst is 1: no second holds more than rps+1 requests.
	if got := maxInWindow(tr.times, time.Second); got > rps+1 {
		t.Errorf("%d requests in one second, limit %d/s", got, rps)
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
