// Package emulatortest starts the emulator for a test. It lives apart from
// the emulator so that the emulator binary does not link package testing.
package emulatortest

import (
	"net/http/httptest"
	"testing"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// NewServer starts the emulator on a loopback port for the duration of the
// test and returns it with its base URL, prefix included (what a client's
// base_url should be).
func NewServer(t testing.TB, opts emulator.Options) (*emulator.Server, string) {
	t.Helper()
	s := emulator.New(opts)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL + s.Prefix()
}
