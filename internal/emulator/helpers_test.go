package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

const globalKey = "global-test-key"

// env is one emulator behind a real HTTP server, with helpers that speak to
// it the way a client would.
type env struct {
	t    *testing.T
	srv  *Server
	base string
}

func newEnv(t *testing.T, opts Options) *env {
	t.Helper()
	if opts.APIKey == "" {
		opts.APIKey = globalKey
	}
	// Not emulatortest.NewServer: that package imports this one.
	srv := New(opts)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &env{t: t, srv: srv, base: ts.URL + srv.Prefix()}
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request; body may be nil, a string (sent raw as JSON) or a value
// to encode. key "" sends no apikey header.
func (e *env) do(method, path, key string, body any) resp {
	e.t.Helper()
	return e.doRaw(method, e.base+path, key, body, "application/json")
}

func (e *env) doRaw(method, fullURL, key string, body any, contentType string) resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, fullURL, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("apikey", key)
	}
	if rd != nil && contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, fullURL, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp{status: res.StatusCode, header: res.Header, body: raw}
}

// create makes an instance with the global key and returns the decoded answer.
func (e *env) create(name string, extra map[string]any) map[string]any {
	e.t.Helper()
	body := map[string]any{"instanceName": name, "integration": IntegrationBaileys}
	for k, v := range extra {
		body[k] = v
	}
	r := e.do("POST", "/instance/create", globalKey, body)
	if r.status != http.StatusCreated {
		e.t.Fatalf("create %q: %d %s", name, r.status, r.body)
	}
	return r.obj(e.t)
}

// token returns the instance's own key.
func (e *env) token(name string) string {
	e.t.Helper()
	snap, ok := e.srv.Instance(name)
	if !ok {
		e.t.Fatalf("instance %q not stored", name)
	}
	return snap.Token
}

func seg(name string) string { return url.PathEscape(name) }

func (r resp) obj(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("answer is not a JSON object: %v: %s", err, r.body)
	}
	return v
}

func (r resp) arr(t *testing.T) []any {
	t.Helper()
	var v []any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("answer is not a JSON array: %v: %s", err, r.body)
	}
	return v
}

// wantJSON compares the answer with a JSON document, ignoring key order.
func (r resp) wantJSON(t *testing.T, status int, want string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
	var got, exp any
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatalf("answer is not JSON: %v: %s", err, r.body)
	}
	if err := json.Unmarshal([]byte(want), &exp); err != nil {
		t.Fatalf("bad expectation %s: %v", want, err)
	}
	if !reflect.DeepEqual(got, exp) {
		t.Fatalf("answer\n got %s\nwant %s", r.body, want)
	}
}

// wantStatus checks only the status.
func (r resp) wantStatus(t *testing.T, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
}

// keys returns the object's keys, sorted, to pin down answer shapes.
func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// fakeClock is an injectable Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func queryEscape(s string) string { return url.QueryEscape(s) }
