package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fastRetries retries quickly: the tests are about which requests are
// retried, not how long the waits are.
func fastRetries(n int) Config {
	return Config{MaxRetries: n, MinRetryDelay: time.Millisecond, MaxRetryDelay: 5 * time.Millisecond}
}

// sequence answers the n-th request with the n-th handler; the last one
// answers every request after it.
func sequence(answers ...http.HandlerFunc) http.HandlerFunc {
	var n atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		answers[min(i, len(answers)-1)](w, r)
	}
}

// dropConn closes the connection without an answer, as a crashed server or
// a load balancer timing out would.
func dropConn(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	_ = conn.Close()
}

func tooMany(retryAfter string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		reply(429, `{"status":429,"error":"Too Many Requests","response":{"message":["slow down"]}}`)(w, r)
	}
}

func status(code int) http.HandlerFunc {
	return reply(code, fmt.Sprintf(`{"status":%d,"error":%q,"response":{"message":["from the server"]}}`, code, http.StatusText(code)))
}

var (
	okRow     = reply(200, `[{"id":"i-1","name":"x","connectionStatus":"close"}]`)
	okCreated = reply(201, `{"instance":{"instanceName":"x","instanceId":"i-1","status":"close"},"hash":"H"}`)
)

// calls of the client, one per kind of request the retry rules tell apart.
var (
	callFetch    = func(c *Client) error { _, err := c.FetchInstance(context.Background(), "x"); return err }
	callSettings = func(c *Client) error { return c.SetSettings(context.Background(), "x", Settings{RejectCall: true}) }
	callWebhook  = func(c *Client) error {
		return c.SetWebhook(context.Background(), "x", Webhook{Enabled: true, URL: "https://h.example.com"})
	}
	callDelete = func(c *Client) error {
		_, err := c.do(context.Background(), call{method: http.MethodDelete, path: "/instance/delete/x", instance: "x"})
		return err
	}
	callCreate = func(c *Client) error {
		_, err := c.CreateInstance(context.Background(), CreateRequest{InstanceName: "x"})
		return err
	}
	callRestart = func(c *Client) error { return restart(context.Background(), c, "x") }
)

func TestRetryRules(t *testing.T) {
	tests := []struct {
		name      string
		retries   int
		call      func(*Client) error
		answers   []http.HandlerFunc
		wantSent  int
		wantErr   int // the APIError status, or 0 for success
		ambiguous bool
	}{
		{"GET 500 is retried", 4, callFetch, []http.HandlerFunc{status(500), okRow}, 2, 0, false},
		{"GET 502 503 504 are retried", 4, callFetch, []http.HandlerFunc{status(502), status(503), status(504), okRow}, 4, 0, false},
		{"GET 429 is retried", 4, callFetch, []http.HandlerFunc{tooMany(""), okRow}, 2, 0, false},
		{"settings/set is an upsert: 500 is retried", 4, callSettings, []http.HandlerFunc{status(500), reply(201, `{}`)}, 2, 0, false},
		{"webhook/set is an upsert: 503 is retried", 4, callWebhook, []http.HandlerFunc{status(503), reply(201, `{}`)}, 2, 0, false},
		{"DELETE 500 is retried", 4, callDelete, []http.HandlerFunc{status(500), reply(200, `{}`)}, 2, 0, false},
		{"create 429 is retried: the limiter answered before the server acted", 4, callCreate, []http.HandlerFunc{tooMany("0"), okCreated}, 2, 0, false},
		{"create 500 is not retried and is ambiguous", 4, callCreate, []http.HandlerFunc{status(500), okCreated}, 1, 500, true},
		{"create 503 is not retried and is ambiguous", 4, callCreate, []http.HandlerFunc{status(503), okCreated}, 1, 503, true},
		{"create 504 is not retried and is ambiguous", 4, callCreate, []http.HandlerFunc{status(504), okCreated}, 1, 504, true},
		{"restart 500 is not retried", 4, callRestart, []http.HandlerFunc{status(500), reply(200, `{}`)}, 1, 500, true},
		{"create 403 is a plain answer", 4, callCreate, []http.HandlerFunc{status(403)}, 1, 403, false},
		{"400 is not retried", 4, callFetch, []http.HandlerFunc{status(400), okRow}, 1, 400, false},
		{"401 is not retried", 4, callFetch, []http.HandlerFunc{status(401), okRow}, 1, 401, false},
		{"404 is not retried", 4, callFetch, []http.HandlerFunc{status(404), okRow}, 1, 404, false},
		{"501 is not retried", 4, callFetch, []http.HandlerFunc{status(501), okRow}, 1, 501, false},
		{"retries are bounded", 2, callFetch, []http.HandlerFunc{status(500)}, 3, 500, false},
		{"429 retries are bounded", 2, callSettings, []http.HandlerFunc{tooMany("0")}, 3, 429, false},
		{"no retries configured", 0, callFetch, []http.HandlerFunc{status(503), okRow}, 1, 503, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := newConfiguredClient(t, fastRetries(tt.retries), "", sequence(tt.answers...))
			err := tt.call(c)
			if n := len(rec.requests()); n != tt.wantSent {
				t.Errorf("sent %d times, want %d: %v", n, tt.wantSent, rec.calls())
			}
			if IsAmbiguous(err) != tt.ambiguous {
				t.Errorf("IsAmbiguous = %v, want %v (err %v)", IsAmbiguous(err), tt.ambiguous, err)
			}
			if tt.wantErr == 0 {
				if err != nil {
					t.Fatalf("error = %v, want success", err)
				}
				return
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tt.wantErr {
				t.Fatalf("error = %v, want an APIError %d", err, tt.wantErr)
			}
			if apiErr.Message() == "" || strings.Contains(err.Error(), testKey) {
				t.Errorf("error %q lost the server's message or holds the key", err)
			}
			if tt.wantSent > 1 && !strings.Contains(err.Error(), fmt.Sprintf("gave up after %d attempts", tt.wantSent)) {
				t.Errorf("error %q does not say how often it was tried", err)
			}
		})
	}
}

func TestRetryConnectionDropped(t *testing.T) {
	t.Run("GET is retried", func(t *testing.T) {
		c, rec := newConfiguredClient(t, fastRetries(4), "", sequence(dropConn, okRow))
		if err := callFetch(c); err != nil {
			t.Fatal(err)
		}
		if n := len(rec.requests()); n != 2 {
			t.Errorf("sent %d times, want 2", n)
		}
	})
	t.Run("create is not retried and is ambiguous", func(t *testing.T) {
		c, rec := newConfiguredClient(t, fastRetries(4), "", sequence(dropConn, okCreated))
		err := callCreate(c)
		var te *TransportError
		if !IsAmbiguous(err) || !errors.As(err, &te) {
			t.Fatalf("error = %T %v, want an ambiguous TransportError", err, err)
		}
		if n := len(rec.requests()); n != 1 {
			t.Errorf("sent %d times, want 1", n)
		}
	})
}

// refusingTransport fails every request as a refused connection does, and
// counts them.
type refusingTransport struct{ n atomic.Int32 }

func (rt *refusingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	rt.n.Add(1)
	return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
}

func TestRetryRefusedCreateIsSafe(t *testing.T) {
	// Nothing left the client, so even a create is retried and the
	// failure is not ambiguous.
	rt := &refusingTransport{}
	cfg := fastRetries(3)
	cfg.BaseURL, cfg.APIKey, cfg.HTTPClient = "http://127.0.0.1:1", testKey, &http.Client{Transport: rt}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	err = callCreate(c)
	var te *TransportError
	if !errors.As(err, &te) || IsAmbiguous(err) {
		t.Fatalf("error = %T %v, want a plain TransportError", err, err)
	}
	if n := rt.n.Load(); n != 4 {
		t.Errorf("tried %d times, want 4", n)
	}
	if te.Attempts != 4 || !strings.Contains(err.Error(), "gave up after 4 attempts") {
		t.Errorf("error %q does not count the attempts", err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		header string
		want   time.Duration
		ok     bool
	}{
		{"3", 3 * time.Second, true},
		{" 7 ", 7 * time.Second, true},
		{"0", 0, true},
		{"-1", 0, false},
		{"", 0, false},
		{"soon", 0, false},
		{"1.5", 0, false},
		{"99999999999999", 1 << 30 * time.Second, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		// RFC 850, which HTTP/1.1 still accepts
		{now.Add(2 * time.Minute).Format(time.RFC850), 2 * time.Minute, true},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.header, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.header, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRetryDelay(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	withHeader := func(code int, v string) *http.Response {
		return &http.Response{StatusCode: code, Header: http.Header{"Retry-After": []string{v}}}
	}
	const minD, maxD = 100 * time.Millisecond, 2 * time.Second
	tests := []struct {
		name    string
		attempt int
		resp    *http.Response
		jitter  float64
		want    time.Duration
	}{
		{"first retry, least jitter", 0, nil, 0, minD / 2},
		{"first retry, most jitter", 0, nil, 1, minD},
		{"doubles per attempt", 3, nil, 1, 8 * minD},
		{"jitter keeps at least half", 3, nil, 0, 4 * minD},
		{"capped at max", 10, nil, 1, maxD},
		{"no overflow on huge attempts", 500, nil, 1, maxD},
		{"429 Retry-After seconds honoured", 0, withHeader(429, "1"), 0.5, time.Second},
		{"503 Retry-After honoured", 0, withHeader(503, "1"), 0.5, time.Second},
		{"Retry-After HTTP-date honoured", 0, withHeader(429, now.Add(time.Second).Format(http.TimeFormat)), 0.5, time.Second},
		{"Retry-After capped at max", 0, withHeader(429, "3600"), 0.5, maxD},
		{"Retry-After date capped at max", 0, withHeader(429, now.Add(time.Hour).Format(http.TimeFormat)), 0.5, maxD},
		{"Retry-After in the past: go now", 2, withHeader(429, now.Add(-time.Minute).Format(http.TimeFormat)), 0.5, 0},
		{"unreadable Retry-After: backoff", 1, withHeader(429, "later"), 1, 2 * minD},
		{"Retry-After ignored on a 500", 1, withHeader(500, "60"), 1, 2 * minD},
	}
	for _, tt := range tests {
		if got := retryDelay(minD, maxD, tt.attempt, tt.resp, now, tt.jitter); got != tt.want {
			t.Errorf("%s: retryDelay = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// logRecorder keeps every log event; it is safe for concurrent use.
type logRecorder struct {
	mu     sync.Mutex
	events []string
	onWarn func()
}

func (l *logRecorder) log(_ context.Context, level LogLevel, msg string, fields map[string]any) {
	l.mu.Lock()
	l.events = append(l.events, fmt.Sprintf("%d %s %v", level, msg, fields))
	onWarn := l.onWarn
	l.mu.Unlock()
	if level == LogWarn && onWarn != nil {
		onWarn()
	}
}

func (l *logRecorder) all() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.events, "\n")
}

func TestRetryAfterHonoured(t *testing.T) {
	t.Run("seconds", func(t *testing.T) {
		logs := &logRecorder{}
		cfg := Config{MaxRetries: 2, MinRetryDelay: time.Millisecond, MaxRetryDelay: 10 * time.Second, Log: logs.log}
		c, rec := newConfiguredClient(t, cfg, "", sequence(tooMany("1"), okRow))
		if err := callFetch(c); err != nil {
			t.Fatal(err)
		}
		if n := len(rec.requests()); n != 2 {
			t.Errorf("sent %d times, want 2", n)
		}
		if !strings.Contains(logs.all(), "wait:1s") {
			t.Errorf("the retry did not wait the server's Retry-After of 1s:\n%s", logs.all())
		}
	})
	t.Run("capped", func(t *testing.T) {
		logs := &logRecorder{}
		cfg := Config{MaxRetries: 2, MinRetryDelay: time.Millisecond, MaxRetryDelay: 20 * time.Millisecond, Log: logs.log}
		c, _ := newConfiguredClient(t, cfg, "", sequence(tooMany("3600"), okRow))
		if err := callFetch(c); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(logs.all(), "wait:20ms") {
			t.Errorf("Retry-After: 3600 was not capped at max_retry_delay:\n%s", logs.all())
		}
	})
}

func TestRetryCancelledDuringBackoff(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The server asks for a minute; the context ends as the wait begins.
	logs := &logRecorder{onWarn: cancel}
	cfg := Config{MaxRetries: 4, MinRetryDelay: time.Millisecond, MaxRetryDelay: time.Minute, Log: logs.log}
	c, rec := newConfiguredClient(t, cfg, "", tooMany("60"))
	err := within(t, func() error { _, err := c.FetchInstance(ctx, "x"); return err })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
	if n := len(rec.requests()); n != 1 {
		t.Errorf("sent %d times after the context ended, want 1", n)
	}
}

func TestRetryPerAttemptTimeout(t *testing.T) {
	// The first attempt hangs until the client gives up on it; the retry
	// gets an answer. RequestTimeout bounds each attempt, not the call.
	var first atomic.Bool
	hang := func(w http.ResponseWriter, r *http.Request) {
		if first.CompareAndSwap(false, true) {
			<-r.Context().Done()
			return
		}
		okRow(w, r)
	}
	cfg := fastRetries(2)
	cfg.RequestTimeout = 200 * time.Millisecond
	c, rec := newConfiguredClient(t, cfg, "", hang)
	if err := within(t, func() error { return callFetch(c) }); err != nil {
		t.Fatal(err)
	}
	if n := len(rec.requests()); n != 2 {
		t.Errorf("sent %d times, want 2", n)
	}
}

func TestRetryResendsTheBody(t *testing.T) {
	c, rec := newConfiguredClient(t, fastRetries(2), "", sequence(status(502), reply(201, `{}`)))
	if err := callSettings(c); err != nil {
		t.Fatal(err)
	}
	reqs := rec.requests()
	if len(reqs) != 2 || len(reqs[0].Body) == 0 || string(reqs[0].Body) != string(reqs[1].Body) {
		t.Fatalf("the retry did not resend the same body: %q", reqs)
	}
	for _, r := range reqs {
		if r.Header.Get("apikey") != testKey {
			t.Error("a retry lost the apikey header")
		}
	}
}

func TestRetryLogsNeverHoldTheKey(t *testing.T) {
	logs := &logRecorder{}
	cfg := fastRetries(3)
	cfg.Log = logs.log
	c, _ := newConfiguredClient(t, cfg, "", sequence(status(500), tooMany("0"), status(503), okRow))
	if err := callFetch(c); err != nil {
		t.Fatal(err)
	}
	all := logs.all()
	if strings.Count(all, "retrying") != 3 {
		t.Errorf("want 3 retries logged:\n%s", all)
	}
	for _, want := range []string{"path:/instance/fetchInstances?instanceName=x", "attempt:4", "status:429"} {
		if !strings.Contains(all, want) {
			t.Errorf("logs lack %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, testKey) {
		t.Errorf("the API key was logged:\n%s", all)
	}
}

func TestRetryConcurrent(t *testing.T) {
	// Every path fails once and then succeeds; run with -race.
	var mu sync.Mutex
	seen := map[string]bool{}
	h := func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		again := seen[r.URL.RawQuery]
		seen[r.URL.RawQuery] = true
		mu.Unlock()
		if !again {
			status(503)(w, r)
			return
		}
		name := r.URL.Query().Get("instanceName")
		reply(200, fmt.Sprintf(`[{"id":"i","name":%q}]`, name))(w, r)
	}
	c, rec := newConfiguredClient(t, fastRetries(2), "", h)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			if _, err := c.FetchInstance(context.Background(), fmt.Sprint("n", i)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := len(rec.requests()); n != 32 {
		t.Errorf("sent %d requests, want 32", n)
	}
}

func TestBackoffHonoursContext(t *testing.T) {
	c, err := New(Config{APIKey: "k", MinRetryDelay: time.Minute, MaxRetryDelay: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := within(t, func() error { return c.backoff(ctx, 3) }); !errors.Is(err, context.Canceled) {
		t.Fatalf("Backoff = %v, want context.Canceled", err)
	}
	if c.maxRetries != 0 {
		t.Errorf("MaxRetries = %d, want the configured 0", c.maxRetries)
	}
}
