// Package client is a typed client for the l2msg / Evolution API instance
// routes. It knows nothing of Terraform: the provider maps its types to
// schema values, and the emulator is written independently from the same
// contract so that an encoding mistake in one is caught by the other.
package client

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"
)

// DefaultBaseURL is the hosted l2msg API; self-hosted Evolution API servers
// serve the same routes without the /whatsapp prefix.
const DefaultBaseURL = "https://api.l2msg.com/whatsapp"

// maxErrorBody bounds how much of an error answer is read, so a misbehaving
// proxy that answers with a large HTML page cannot balloon memory.
const maxErrorBody = 64 << 10

// maxSuccessBody bounds a success answer. The largest is an unfiltered
// fetchInstances: about 1.5 KB a row, so this holds tens of thousands of
// instances, and a server that answers more is failing, not large.
const maxSuccessBody = 64 << 20

// Config holds what a Client needs. APIKey is sent as the `apikey` header and
// is never part of an error or log line.
type Config struct {
	BaseURL    string
	APIKey     string
	UserAgent  string
	HTTPClient *http.Client

	// MaxRetries is how many times a failed request is tried again: 429,
	// 502/503/504, 500 and connection errors of requests that are safe to
	// repeat. 0 sends every request once.
	MaxRetries int
	// RequestTimeout bounds one attempt (default 30s). Ignored when
	// HTTPClient is set: its own Timeout applies.
	RequestTimeout time.Duration
	// MinRetryDelay and MaxRetryDelay bound the wait between attempts
	// (defaults 1s and 30s); MaxRetryDelay also caps Retry-After.
	MinRetryDelay time.Duration
	MaxRetryDelay time.Duration
	// Log, when set, receives every attempt and retry.
	Log LogFunc

	// RequestsPerSecond caps the rate of requests this client sends,
	// retries included; 0 means no limit.
	RequestsPerSecond float64
}

// Client talks to one l2msg or Evolution API server. It is safe for
// concurrent use.
type Client struct {
	base      string
	apiKey    string
	userAgent string
	http      *http.Client

	maxRetries    int
	minRetryDelay time.Duration
	maxRetryDelay time.Duration
	log           LogFunc

	limiter *rate.Limiter // nil: no limit
	// slotTaken, set by tests, is told the time of every slot the limiter
	// hands out: the time it lets the request go, as the limiter computed
	// it, which a goroutine woken late on a loaded machine cannot move.
	slotTaken func(time.Time)
	listing   listing
	deletions deletions
	maxBody   int64 // maxSuccessBody; tests lower it
	// nameFreeWait bounds the retries of a create of a name this client saw
	// deleted (see createFreedName); tests change it.
	nameFreeWait time.Duration
	// settingsRows serializes the writes that race for a chatbot kind's
	// settings row (settings_row.go).
	settingsRows settingsRowLocks
}

// New validates cfg and returns a Client.
//
// One client serves one Terraform walk (one plan, apply or refresh): reads
// share one fetchInstances listing (LookupInstance) that this client drops
// on every write it makes, but not on writes made by others. A client kept
// for longer would serve a listing up to listingMaxAge old.
func New(cfg Config) (*Client, error) {
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("base URL %q is not a valid URL: %w", base, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("base URL %q must start with http:// or https://", base)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("base URL %q has no host", base)
	}
	// ForceQuery catches a bare trailing "?": it survives u.String(), and
	// every route would then be appended after it, inside the query.
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return nil, fmt.Errorf("base URL %q must not have a query or fragment", base)
	}
	if cfg.APIKey == "" {
		return nil, errors.New("an API key is required")
	}
	if cfg.MaxRetries < 0 {
		return nil, fmt.Errorf("max retries %d must not be negative", cfg.MaxRetries)
	}
	if cfg.RequestTimeout < 0 || cfg.MinRetryDelay < 0 || cfg.MaxRetryDelay < 0 {
		return nil, errors.New("timeouts and retry delays must not be negative")
	}
	minDelay, maxDelay := cmp.Or(cfg.MinRetryDelay, DefaultMinRetryDelay), cmp.Or(cfg.MaxRetryDelay, DefaultMaxRetryDelay)
	if minDelay > maxDelay {
		return nil, fmt.Errorf("min retry delay %s is longer than max retry delay %s", minDelay, maxDelay)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{
			Transport: cleanhttp.DefaultPooledTransport(),
			Timeout:   cmp.Or(cfg.RequestTimeout, DefaultRequestTimeout),
			// Go forwards custom headers such as apikey on redirects, even
			// to another host, and turns a POST into a GET: a redirect is
			// answered as an error instead of followed.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	limiter, err := newLimiter(cfg.RequestsPerSecond)
	if err != nil {
		return nil, err
	}
	ua := cfg.UserAgent
	if ua == "" {
		ua = "terraform-provider-l2msg"
	}
	return &Client{
		base:          strings.TrimRight(u.String(), "/"),
		apiKey:        cfg.APIKey,
		userAgent:     ua,
		http:          hc,
		maxRetries:    cfg.MaxRetries,
		minRetryDelay: minDelay,
		maxRetryDelay: maxDelay,
		log:           cfg.Log,
		limiter:       limiter,
		maxBody:       maxSuccessBody,
		nameFreeWait:  nameFreeWait,
	}, nil
}

// BaseURL returns the normalised base URL the client sends requests to.
func (c *Client) BaseURL() string { return c.base }

// pathFor joins route segments, percent-encoding the instance name because
// names may hold spaces, slashes in imports gone wrong, and unicode.
func pathFor(route, name string) string {
	return route + "/" + url.PathEscape(name)
}

// call is one API request.
type call struct {
	method, path string
	// instance is the instance the route is about: only a 404 that names
	// it means the instance is gone.
	instance string
	in, out  any
	// key, when set, is sent instead of the client's key: create's check
	// that an instance answers to the key it was created with.
	key string
}

// secretHolder is a request body that carries secrets (an instance key,
// webhook header values), which an error must never repeat.
type secretHolder interface{ secretValues() []string }

// do sends one request, retrying it as retry.go describes. A non-2xx
// answer becomes an *APIError; a 2xx answer is decoded into out unless out
// is nil. The returned bool reports whether the body was the literal JSON
// null or empty, which the find routes use for "none". A failure that
// leaves a create's outcome unknown is an *AmbiguousError.
func (c *Client) do(ctx context.Context, cl call) (isNull bool, err error) {
	raw, err := c.send(ctx, cl)
	if err != nil {
		return false, err
	}
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return true, nil
	}
	if cl.out == nil {
		return false, nil
	}
	if err := decodeJSON(raw, cl.out); err != nil {
		err = fmt.Errorf("%s %s: decoding the server's answer: %w", cl.method, cl.path, err)
		if !idempotent(cl.method, cl.path) {
			// The server said it did the work; only its answer is lost.
			err = &AmbiguousError{Err: err}
		}
		return false, err
	}
	return false, nil
}

// send is do without the decoding: it returns the 2xx answer's body,
// trimmed, for routes where an empty body and "null" mean different things.
func (c *Client) send(ctx context.Context, cl call) ([]byte, error) {
	method, path := cl.method, cl.path
	var body any
	if cl.in != nil {
		b, err := json.Marshal(cl.in)
		if err != nil {
			return nil, fmt.Errorf("encoding %s %s request: %w", method, path, err)
		}
		body = b
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, fmt.Errorf("building %s %s request: %w", method, path, err)
	}
	req.Header.Set("apikey", cmp.Or(cl.key, c.apiKey))
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if cl.in != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	if method != http.MethodGet {
		// Whatever the outcome, the server may have changed: a failed
		// write can still have been applied.
		defer c.listing.invalidate()
	}
	// The limiter is waited on before every attempt, retries included
	// (exchange.onRequest), so a burst of retries stays under the rate too.
	x := c.newExchange(ctx, cl)
	resp, err := x.retryClient().Do(req)
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		// url.Error repeats the full URL, which is fine (no key in it),
		// but context errors should stay recognisable to callers.
		if ctxErr := ctx.Err(); ctxErr != nil {
			err = fmt.Errorf("%s %s: %w", method, path, ctxErr)
		} else {
			err = &TransportError{Method: method, Path: path, Err: err, Attempts: x.attempts}
		}
		if !x.idempotent && !neverSent(err) {
			err = &AmbiguousError{Err: err}
		}
		x.log(LogWarn, "l2msg API request failed", map[string]any{"method": method, "path": path, "attempt": x.attempts, "error": err.Error()})
		return nil, err
	}
	defer resp.Body.Close()

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		apiErr := x.newAPIError(resp, raw)
		apiErr.Attempts = x.attempts
		x.log(LogDebug, "l2msg API answered with an error", map[string]any{"method": method, "path": path, "attempt": x.attempts, "status": resp.StatusCode})
		if !x.idempotent && resp.StatusCode >= 500 && (!apiErr.Enveloped || !isRuleAnswer(method, path, resp.StatusCode, apiErr.Messages)) {
			return nil, &AmbiguousError{Err: apiErr}
		}
		return nil, apiErr
	}
	x.log(LogDebug, "l2msg API answered", map[string]any{"method": method, "path": path, "attempt": x.attempts, "status": resp.StatusCode})

	raw, err := readBody(resp, c.maxBody)
	if err != nil {
		err = &TransportError{Method: method, Path: path, Err: err, Attempts: x.attempts}
		if !x.idempotent {
			err = &AmbiguousError{Err: err}
		}
		return nil, err
	}
	return bytes.TrimSpace(raw), nil
}

// errBodyTooLarge is a success answer longer than the client reads.
var errBodyTooLarge = errors.New("the answer is larger than the client reads")

// readBody reads a success answer of at most limit bytes, into a buffer
// sized from Content-Length when the server sent one: a large listing then
// takes one allocation instead of a dozen doublings. A longer answer is an
// error, whatever Content-Length claims, so a misbehaving server cannot
// balloon memory.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("%w (%d bytes): Content-Length is %d", errBodyTooLarge, limit, resp.ContentLength)
	}
	var buf bytes.Buffer
	if n := resp.ContentLength; n > 0 {
		buf.Grow(int(n) + bytes.MinRead)
	}
	n, err := buf.ReadFrom(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, fmt.Errorf("%w (%d bytes)", errBodyTooLarge, limit)
	}
	return buf.Bytes(), nil
}
