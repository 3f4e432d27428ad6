package emulator

import (
	"net/http/httptest"
	"testing"
)

// NewTestServer starts the emulator on a loopback port for the duration of
// the test and returns it with its base URL, prefix included (what a client's
// base_url should be).
func NewTestServer(t testing.TB, opts Options) (*Server, string) {
	t.Helper()
	s := New(opts)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL + s.prefix
}
