package provider

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// action is what an interceptor does with one request.
type action int

const (
	forward action = iota
	// failBefore answers 500 without the server seeing the request.
	failBefore
	// failAfter lets the server do the work, then answers 500.
	failAfter
	// echoBack answers 400 with the request's body and headers in the
	// error envelope, as some servers and proxies do: a leak test.
	echoBack
)

// interceptor sits in front of an emulator and fails the requests its rule
// picks: failures aimed at one route and one moment, which the emulator's
// random faults cannot be.
type interceptor struct {
	emu  *emulator.Server
	mu   sync.Mutex
	rule func(method, path string) action
	hits map[string]int
}

// newInterceptor starts an emulator behind an interceptor that forwards
// everything until a rule is set, and returns the base URL to configure.
func newInterceptor(t *testing.T) (*interceptor, string) {
	t.Helper()
	ic := &interceptor{emu: emulator.New(emulator.Options{APIKey: testAPIKey}), hits: map[string]int{}}
	srv := httptest.NewServer(ic)
	t.Cleanup(srv.Close)
	return ic, srv.URL + ic.emu.Prefix()
}

func (ic *interceptor) setRule(rule func(method, path string) action) {
	ic.mu.Lock()
	defer ic.mu.Unlock()
	ic.rule = rule
}

// count is how many requests to method and a path starting with prefix
// reached the interceptor, failed ones included.
func (ic *interceptor) count(method, prefix string) int {
	ic.mu.Lock()
	defer ic.mu.Unlock()
	n := 0
	for k, v := range ic.hits {
		if strings.HasPrefix(k, method+" "+prefix) {
			n += v
		}
	}
	return n
}

func (ic *interceptor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ic.mu.Lock()
	ic.hits[r.Method+" "+r.URL.Path]++
	act := forward
	if ic.rule != nil {
		act = ic.rule(r.Method, r.URL.Path)
	}
	ic.mu.Unlock()
	switch act {
	case echoBack:
		body, _ := io.ReadAll(r.Body)
		hdr, _ := json.Marshal(r.Header)
		msg, _ := json.Marshal([]string{"invalid request: " + string(body), "headers: " + string(hdr)})
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"status":400,"error":"Bad Request","response":{"message":`+string(msg)+`}}`)
	case failAfter:
		ic.emu.ServeHTTP(httptest.NewRecorder(), r)
		fallthrough
	case failBefore:
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `{"status":500,"error":"Internal Server Error","response":{"message":"injected by the test"}}`)
	default:
		ic.emu.ServeHTTP(w, r)
	}
}

// fastRetryProviderBlock is providerBlock with few, short retries, so tests
// of failures that outlast every retry stay quick.
func fastRetryProviderBlock(baseURL string, maxRetries int) string {
	return fmt.Sprintf(`provider "l2msg" {
  base_url        = %q
  api_key         = %q
  max_retries     = %d
  min_retry_delay = "10ms"
  max_retry_delay = "50ms"
}
`, baseURL, testAPIKey, maxRetries)
}
