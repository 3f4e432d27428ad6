package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testKey is long and random-looking so that finding it in an error string
// can only mean it leaked.
const testKey = "global-KEY-7f3e9c1a-5d2b-4e8f-a6c0-91b2d3e4f5a6"

// request is what the fake server saw; it is copied out of the handler so
// that assertions run on the test goroutine.
type request struct {
	Method      string
	Path        string // decoded
	EscapedPath string
	RawQuery    string
	Header      http.Header
	Body        []byte
}

func (r request) query(key string) string {
	q, err := url.ParseQuery(r.RawQuery)
	if err != nil {
		return "<bad query: " + err.Error() + ">"
	}
	return q.Get(key)
}

// recorder wraps a handler and keeps every request it served.
type recorder struct {
	mu   sync.Mutex
	reqs []request
}

func (rec *recorder) requests() []request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]request(nil), rec.reqs...)
}

func (rec *recorder) calls() []string {
	var out []string
	for _, r := range rec.requests() {
		out = append(out, r.Method+" "+r.EscapedPath)
	}
	return out
}

func (rec *recorder) only(t *testing.T) request {
	t.Helper()
	reqs := rec.requests()
	if len(reqs) != 1 {
		t.Fatalf("server saw %d requests, want 1: %v", len(reqs), rec.calls())
	}
	return reqs[0]
}

// newTestClient starts a server running h behind a recorder and returns a
// client for it. prefix is appended to the server URL as the base URL path.
func newTestClient(t *testing.T, prefix string, h http.HandlerFunc) (*Client, *recorder) {
	t.Helper()
	return newConfiguredClient(t, Config{UserAgent: "l2msg-test/1.0"}, prefix, h)
}

// newConfiguredClient is newTestClient with cfg's other settings (retries,
// logging); BaseURL and APIKey are filled in.
func newConfiguredClient(t *testing.T, cfg Config, prefix string, h http.HandlerFunc) (*Client, *recorder) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, request{
			Method:      r.Method,
			Path:        r.URL.Path,
			EscapedPath: r.URL.EscapedPath(),
			RawQuery:    r.URL.RawQuery,
			Header:      r.Header.Clone(),
			Body:        body,
		})
		rec.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	cfg.BaseURL, cfg.APIKey = srv.URL+prefix, testKey
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, rec
}

// reply returns a handler answering every request with status and body.
func reply(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// jsonBody decodes a request body into generic JSON so that a comparison
// catches missing, extra and mistyped fields alike.
func jsonBody(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("request body is not a JSON object: %v\n%s", err, b)
	}
	return m
}

// mustJSON turns a literal written as JSON into the same generic form as
// jsonBody, which keeps expected bodies readable.
func mustJSON(t *testing.T, s string) map[string]any {
	t.Helper()
	return jsonBody(t, []byte(s))
}

func assertDeepEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", "  ")
		w, _ := json.MarshalIndent(want, "", "  ")
		t.Errorf("%s:\n got: %s\nwant: %s", what, g, w)
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		wantBase string
		wantErr  string
	}{
		{name: "default base URL", cfg: Config{APIKey: "k"}, wantBase: DefaultBaseURL},
		{name: "self-hosted without prefix", cfg: Config{BaseURL: "http://evo.local:8080", APIKey: "k"}, wantBase: "http://evo.local:8080"},
		{name: "trailing slash trimmed", cfg: Config{BaseURL: "https://api.l2msg.com/whatsapp/", APIKey: "k"}, wantBase: "https://api.l2msg.com/whatsapp"},
		{name: "several trailing slashes trimmed", cfg: Config{BaseURL: "http://h:8080//", APIKey: "k"}, wantBase: "http://h:8080"},
		{name: "root slash trimmed", cfg: Config{BaseURL: "http://h/", APIKey: "k"}, wantBase: "http://h"},
		{name: "upper-case scheme accepted", cfg: Config{BaseURL: "HTTPS://h", APIKey: "k"}, wantBase: "https://h"},
		{name: "empty API key", cfg: Config{BaseURL: "http://h"}, wantErr: "API key is required"},
		{name: "empty API key with default URL", cfg: Config{}, wantErr: "API key is required"},
		{name: "ftp scheme", cfg: Config{BaseURL: "ftp://h", APIKey: "k"}, wantErr: "must start with http:// or https://"},
		{name: "no scheme", cfg: Config{BaseURL: "api.l2msg.com/whatsapp", APIKey: "k"}, wantErr: "must start with http:// or https://"},
		{name: "host:port without scheme", cfg: Config{BaseURL: "localhost:8080", APIKey: "k"}, wantErr: "must start with http:// or https://"},
		{name: "missing host", cfg: Config{BaseURL: "http://", APIKey: "k"}, wantErr: "has no host"},
		{name: "missing host with path", cfg: Config{BaseURL: "http:///whatsapp", APIKey: "k"}, wantErr: "has no host"},
		{name: "query", cfg: Config{BaseURL: "http://h/?apikey=x", APIKey: "k"}, wantErr: "must not have a query or fragment"},
		{name: "bare question mark", cfg: Config{BaseURL: "http://h/whatsapp?", APIKey: "k"}, wantErr: "must not have a query or fragment"},
		{name: "fragment", cfg: Config{BaseURL: "http://h/#frag", APIKey: "k"}, wantErr: "must not have a query or fragment"},
		{name: "unparsable", cfg: Config{BaseURL: "http://h:port/", APIKey: "k"}, wantErr: "not a valid URL"},
		{name: "control character", cfg: Config{BaseURL: "http://h/\x7f", APIKey: "k"}, wantErr: "not a valid URL"},
		{name: "negative retries", cfg: Config{APIKey: "k", MaxRetries: -1}, wantErr: "must not be negative"},
		{name: "negative timeout", cfg: Config{APIKey: "k", RequestTimeout: -time.Second}, wantErr: "must not be negative"},
		{name: "min delay above max", cfg: Config{APIKey: "k", MinRetryDelay: 2 * time.Second, MaxRetryDelay: time.Second}, wantErr: "longer than max retry delay"},
		{name: "min delay above default max", cfg: Config{APIKey: "k", MinRetryDelay: time.Minute}, wantErr: "longer than max retry delay"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.cfg)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("New(%+v) = base %q, want an error containing %q", tt.cfg, c.BaseURL(), tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("New error = %q, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if got := c.BaseURL(); got != tt.wantBase {
				t.Errorf("BaseURL() = %q, want %q", got, tt.wantBase)
			}
		})
	}
}

func TestNewKeyNotInError(t *testing.T) {
	_, err := New(Config{BaseURL: "ftp://h", APIKey: testKey})
	if err == nil || strings.Contains(err.Error(), testKey) {
		t.Fatalf("New error = %v; want an error without the key", err)
	}
}

func TestHeaders(t *testing.T) {
	c, rec := newTestClient(t, "", reply(200, `{"instance":{"instanceName":"x","state":"open"}}`))
	if _, err := c.ConnectionState(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	if err := c.SetSettings(context.Background(), "x", Settings{}); err != nil {
		t.Fatal(err)
	}
	reqs := rec.requests()
	if len(reqs) != 2 {
		t.Fatalf("got %d requests", len(reqs))
	}
	for _, r := range reqs {
		if got := r.Header.Get("apikey"); got != testKey {
			t.Errorf("%s %s: apikey = %q, want the configured key", r.Method, r.Path, got)
		}
		if got := r.Header.Values("apikey"); len(got) != 1 {
			t.Errorf("%s %s: apikey sent %d times", r.Method, r.Path, len(got))
		}
		if got := r.Header.Get("User-Agent"); got != "l2msg-test/1.0" {
			t.Errorf("%s %s: User-Agent = %q", r.Method, r.Path, got)
		}
		if got := r.Header.Get("Accept"); got != "application/json" {
			t.Errorf("%s %s: Accept = %q", r.Method, r.Path, got)
		}
		if r.Header.Get("Authorization") != "" {
			t.Errorf("%s %s: unexpected Authorization header", r.Method, r.Path)
		}
	}
	if got := reqs[0].Header.Get("Content-Type"); got != "" {
		t.Errorf("GET without a body sent Content-Type %q", got)
	}
	if len(reqs[0].Body) != 0 {
		t.Errorf("GET sent a body: %q", reqs[0].Body)
	}
	if got := reqs[1].Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("POST with a body: Content-Type = %q, want application/json", got)
	}
}

func TestDefaultUserAgent(t *testing.T) {
	var ua atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua.Store(r.Header.Get("User-Agent"))
		_, _ = io.WriteString(w, `{}`)
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{BaseURL: srv.URL, APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if err := restart(context.Background(), c, "x"); err != nil {
		t.Fatal(err)
	}
	if got := ua.Load(); got != "terraform-provider-l2msg" {
		t.Errorf("User-Agent = %q, want the default", got)
	}
}

type countingTransport struct {
	n    atomic.Int32
	next http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

func TestConfigHTTPClientIsUsed(t *testing.T) {
	srv := httptest.NewServer(reply(200, `{}`))
	t.Cleanup(srv.Close)
	tr := &countingTransport{next: http.DefaultTransport}
	c, err := New(Config{BaseURL: srv.URL, APIKey: "k", HTTPClient: &http.Client{Transport: tr}})
	if err != nil {
		t.Fatal(err)
	}
	if err := restart(context.Background(), c, "x"); err != nil {
		t.Fatal(err)
	}
	if tr.n.Load() != 1 {
		t.Errorf("custom transport saw %d requests, want 1", tr.n.Load())
	}
}

func TestBaseURLPrefix(t *testing.T) {
	// l2msg serves the routes under /whatsapp; the trailing slash must not
	// double up with the route's leading one.
	c, rec := newTestClient(t, "/whatsapp/", reply(200, `{"instance":{"instanceName":"x","state":"close"}}`))
	if _, err := c.ConnectionState(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	if got := rec.only(t).EscapedPath; got != "/whatsapp/instance/connectionState/x" {
		t.Errorf("path = %q", got)
	}
}

func TestTransportError(t *testing.T) {
	srv := httptest.NewServer(reply(200, `{}`))
	c, err := New(Config{BaseURL: srv.URL, APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	srv.Close()

	err = restart(context.Background(), c, "x")
	var te *TransportError
	if !errors.As(err, &te) {
		t.Fatalf("error = %T %v, want *TransportError", err, err)
	}
	if te.Method != http.MethodPost || te.Path != "/instance/restart/x" {
		t.Errorf("TransportError = %s %s", te.Method, te.Path)
	}
	if te.Unwrap() == nil {
		t.Error("TransportError wraps nothing")
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		t.Error("a transport error must not look like an API answer")
	}
	if IsNotFound(err) || IsBadRequest(err) || IsUnauthorized(err) || IsForbidden(err) {
		t.Error("a status predicate matched a transport error")
	}
	if strings.Contains(err.Error(), testKey) {
		t.Errorf("key leaked: %v", err)
	}
	if !strings.Contains(err.Error(), "POST /instance/restart/x") {
		t.Errorf("error %q does not name the request", err)
	}
}

func TestSuccessWithUndecodableBody(t *testing.T) {
	c, _ := newTestClient(t, "", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, "<html><body>maintenance</body></html>")
	})
	_, err := c.ConnectionState(context.Background(), "x")
	if err == nil || !strings.Contains(err.Error(), "decoding the server's answer") {
		t.Fatalf("error = %v, want a decoding error", err)
	}
	var apiErr *APIError
	var te *TransportError
	if errors.As(err, &apiErr) || errors.As(err, &te) {
		t.Errorf("decoding error has the wrong type: %T", err)
	}
}

// blockingServer answers nothing until the request's context ends (the
// client hung up) or the test ends.
func blockingServer(t *testing.T, writeHeaderFirst bool) (*Client, *atomic.Int32) {
	t.Helper()
	release := make(chan struct{})
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if writeHeaderFirst {
			w.WriteHeader(200)
			_, _ = io.WriteString(w, `{"instance":`)
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	// Cleanups run last-in first-out: release the handlers before Close
	// waits for them.
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	c, err := New(Config{BaseURL: srv.URL, APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	return c, &hits
}

// within runs f and fails the test if it has not returned after a generous
// safety-net timeout; it makes no claim about how fast f is.
func within(t *testing.T, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(20 * time.Second):
		t.Fatal("call did not return after its context ended")
		return nil
	}
}

func TestCancellation(t *testing.T) {
	type call struct {
		name string
		f    func(context.Context, *Client) error
	}
	calls := []call{
		{"ConnectionState", func(ctx context.Context, c *Client) error { _, err := c.ConnectionState(ctx, "x"); return err }},
		{"CreateInstance", func(ctx context.Context, c *Client) error {
			_, err := c.CreateInstance(ctx, CreateRequest{InstanceName: "x"})
			return err
		}},
		{"FetchInstance", func(ctx context.Context, c *Client) error { _, err := c.FetchInstance(ctx, "x"); return err }},
		{"DeleteInstance", func(ctx context.Context, c *Client) error { return c.DeleteInstance(ctx, "x") }},
		{"WaitForDeletion", func(ctx context.Context, c *Client) error { return c.WaitForDeletion(ctx, "x", time.Millisecond) }},
	}
	for _, cl := range calls {
		for _, headerFirst := range []bool{false, true} {
			stage := "before the answer"
			if headerFirst {
				stage = "while reading the body"
			}
			t.Run(cl.name+"/cancel "+stage, func(t *testing.T) {
				c, hits := blockingServer(t, headerFirst)
				ctx, cancel := context.WithCancel(context.Background())
				t.Cleanup(cancel)
				go func() {
					// Cancel once the request is in the handler, so
					// the in-flight path is what gets tested. The
					// ctx check ends this goroutine if it never is.
					for hits.Load() == 0 && ctx.Err() == nil {
						time.Sleep(time.Millisecond)
					}
					cancel()
				}()
				err := within(t, func() error { return cl.f(ctx, c) })
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("error = %v, want one wrapping context.Canceled", err)
				}
				if strings.Contains(err.Error(), testKey) {
					t.Errorf("key leaked: %v", err)
				}
			})
			t.Run(cl.name+"/deadline "+stage, func(t *testing.T) {
				c, _ := blockingServer(t, headerFirst)
				ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
				defer cancel()
				err := within(t, func() error { return cl.f(ctx, c) })
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("error = %v, want one wrapping context.DeadlineExceeded", err)
				}
			})
		}
	}
}

func TestAlreadyCancelledContextSendsNothing(t *testing.T) {
	c, rec := newTestClient(t, "", reply(200, `{}`))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := restart(ctx, c, "x")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
	var te *TransportError
	if errors.As(err, &te) {
		t.Error("a cancelled context is reported as a transport error")
	}
	if n := len(rec.requests()); n != 0 {
		t.Errorf("server saw %d requests", n)
	}
}

func TestConcurrentUse(t *testing.T) {
	c, rec := newTestClient(t, "", reply(200, `{"instance":{"instanceName":"x","state":"open"}}`))
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if _, err := c.ConnectionState(context.Background(), "x"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := len(rec.requests()); n != 16 {
		t.Errorf("server saw %d requests, want 16", n)
	}
}

// restart sends a POST that is not safe to repeat and is not a create,
// which the retry tests need: the client itself has no use for restart.
func restart(ctx context.Context, c *Client, name string) error {
	_, err := c.do(ctx, call{method: http.MethodPost, path: pathFor("/instance/restart", name), instance: name})
	return err
}
