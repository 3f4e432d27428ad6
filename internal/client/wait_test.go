package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func stateIs(s string) http.HandlerFunc {
	return reply(200, `{"instance":{"instanceName":"x","state":"`+s+`"}}`)
}

func TestWaitForState(t *testing.T) {
	tests := []struct {
		name      string
		answers   []func(http.ResponseWriter, *http.Request)
		wantPolls int
	}{
		{"open at once", []func(http.ResponseWriter, *http.Request){stateIs("open")}, 1},
		{"connecting, then open", []func(http.ResponseWriter, *http.Request){stateIs("close"), stateIs("connecting"), stateIs("open")}, 3},
		{"transient errors are retried", []func(http.ResponseWriter, *http.Request){
			stateIs("connecting"), reply(500, `{"status":500,"error":"Internal Server Error","response":{"message":"boom"}}`),
			reply(502, `<html>bad gateway</html>`), reply(200, `{}`), stateIs("open"),
		}, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := newTestClient(t, "", scripted(tt.answers...))
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			got, err := c.WaitForState(ctx, "x", StateOpen, time.Millisecond)
			if err != nil || got != StateOpen {
				t.Fatalf("WaitForState = %q, %v", got, err)
			}
			reqs := rec.requests()
			if len(reqs) != tt.wantPolls {
				t.Errorf("polls = %d, want %d: %v", len(reqs), tt.wantPolls, rec.calls())
			}
			for _, r := range reqs {
				if r.Method != "GET" || r.Path != "/instance/connectionState/x" {
					t.Errorf("poll = %s %s", r.Method, r.Path)
				}
			}
		})
	}
}

func TestWaitForStateStopsOnPermanentErrors(t *testing.T) {
	for _, status := range []int{401, 403, 404} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			c, rec := newTestClient(t, "", scripted(stateIs("connecting"),
				reply(status, fmt.Sprintf(`{"status":%d,"error":%q,"response":{"message":["no"]}}`, status, http.StatusText(status)))))
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			last, err := within2(t, func() (string, error) { return c.WaitForState(ctx, "x", StateOpen, time.Millisecond) })
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != status {
				t.Fatalf("error = %v, want the %d", err, status)
			}
			if last != StateConnecting || len(rec.requests()) != 2 {
				t.Errorf("last = %q after %d polls", last, len(rec.requests()))
			}
		})
	}
}

func TestWaitForStateDeadline(t *testing.T) {
	c, rec := newTestClient(t, "", stateIs("connecting"))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	last, err := within2(t, func() (string, error) { return c.WaitForState(ctx, "x", StateOpen, 10*time.Millisecond) })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error = %v, want one wrapping context.DeadlineExceeded", err)
	}
	if last != StateConnecting || !strings.Contains(err.Error(), `"x"`) || !strings.Contains(err.Error(), "open") {
		t.Errorf("last = %q, error %q", last, err)
	}
	// Each sleep lasts at least 10ms and timers never fire early.
	if n := len(rec.requests()); n < 1 || n > 200/10+1 {
		t.Errorf("polls = %d", n)
	}
}

// within2 is within for a function that also returns the last state.
func within2(t *testing.T, f func() (string, error)) (string, error) {
	t.Helper()
	var last string
	err := within(t, func() error {
		var err error
		last, err = f()
		return err
	})
	return last, err
}
