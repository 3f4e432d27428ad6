package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Retry defaults, used by the provider when its settings are left out.
const (
	DefaultMaxRetries     = 4
	DefaultRequestTimeout = 30 * time.Second
	DefaultMinRetryDelay  = 1 * time.Second
	DefaultMaxRetryDelay  = 30 * time.Second
)

// LogLevel ranks the client's log events.
type LogLevel int

// Levels of log events: every attempt and answer is Debug; a retry or a
// request given up is Warn, because it is what someone chasing a slow or
// failing apply looks for.
const (
	LogDebug LogLevel = iota
	LogWarn
)

// LogFunc receives the client's request and retry events. ctx is the
// request's context, so a Terraform provider can send them to tflog with
// its masks. Fields hold the method, the path, the status, the attempt and
// the wait; never a header or a body.
type LogFunc func(ctx context.Context, level LogLevel, msg string, fields map[string]any)

// idempotent reports whether sending the request twice has the same effect
// as sending it once. The settings, webhook and integration set routes are
// upserts (a chatwoot/set with autoCreate calls Chatwoot again, which finds
// the inbox it made); create is not (a second create of a name the first
// one took fails), and neither is restart.
func idempotent(method, path string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodDelete, http.MethodPut:
		return true
	case http.MethodPost:
		if _, route := chatbotRoute(path); route == "settings" {
			return true
		}
		for _, p := range upsertRoutes {
			if strings.HasPrefix(path, p) {
				return true
			}
		}
	}
	return false
}

// chatbotRoute splits a chatbot path ("/typebot/update/ID/NAME") into its
// kind prefix and route; both are "" for other paths.
func chatbotRoute(path string) (kind, route string) {
	segs := strings.SplitN(strings.TrimPrefix(path, "/"), "/", 3)
	if len(segs) < 3 {
		return "", ""
	}
	for _, k := range BotKinds {
		if segs[0] == k.Prefix {
			return segs[0], segs[1]
		}
	}
	return "", ""
}

// ruleMessages are the server's own 500 messages on the chatbot and
// OpenAI credential routes: its rules ("Trigger already exists", …) and
// its catch-alls for a failed insert, update or delete. Each comes before
// or instead of the write, so the request had no effect, and sending it
// again would only get the same answer after a long wait. Any other 500
// there ("Internal Server Error" from a gateway or a crash) says nothing
// about the request.
var ruleMessages = []string{"Trigger already exists", "Trigger operator and value are required", "Trigger value is required",
	`"All" trigger`, "already exists", "is required", "Error creating", "Error updating", "Error deleting",
	"Error setting default settings", "Creds not found"}

// isRuleAnswer reports a chatbot or credential route's 500 whose message
// is one of ruleMessages.
func isRuleAnswer(method, path string, status int, msgs []string) bool {
	if kind, _ := chatbotRoute(path); kind == "" || method == http.MethodGet || status != http.StatusInternalServerError {
		return false
	}
	for _, m := range msgs {
		for _, known := range ruleMessages {
			if strings.Contains(m, known) {
				return true
			}
		}
	}
	return false
}

// IsRuleAnswer reports a chatbot or credential write that the server
// refused, so that nothing was written: a 4xx, or a 500 with one of the
// routes' own messages (see ruleMessages).
func IsRuleAnswer(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !apiErr.Enveloped {
		return false
	}
	return apiErr.StatusCode < 500 || isRuleAnswer(apiErr.Method, apiErr.Path, apiErr.StatusCode, apiErr.Messages)
}

// upsertRoutes are the POST routes that store the same thing however often
// they are sent.
var upsertRoutes = []string{"/settings/set/", "/webhook/set/", "/proxy/set/", "/chatwoot/set/",
	"/websocket/set/", "/rabbitmq/set/", "/nats/set/", "/sqs/set/", "/kafka/set/", "/pusher/set/"}

// neverSent reports a transport error that happened before any byte of
// the request left: the server cannot have acted on it.
func neverSent(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// retryableStatus is an answer worth another try of an idempotent request.
// 429 is retried for every request: a rate limiter answers before the
// server does anything.
func retryableStatus(status int, idempotent bool) bool {
	switch status {
	case http.StatusTooManyRequests:
		return true
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return idempotent
	}
	return false
}

// retryDelay is how long to wait before retry number attempt (0-based):
// the server's Retry-After on a 429 or 503 when it sent one, else an
// exponential backoff from minDelay with jitter, so that parallel requests
// that failed together do not come back together. Both are capped at
// maxDelay: a server asking for an hour must not stall an apply for one.
func retryDelay(minDelay, maxDelay time.Duration, attempt int, resp *http.Response, now time.Time, jitter float64) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now); ok {
			return min(d, maxDelay)
		}
	}
	d := min(minDelay, maxDelay)
	for range attempt {
		if d > maxDelay/2 {
			d = maxDelay
			break
		}
		d *= 2
	}
	// Equal jitter: at least half the backoff, so it still grows.
	half := d / 2
	return half + time.Duration(jitter*float64(d-half))
}

// parseRetryAfter reads Retry-After as delay-seconds or an HTTP-date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		// Far beyond any cap, and small enough not to overflow.
		secs = min(secs, 1<<30)
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// exchange is one logical request through its attempts. It is built per
// request, so the retry callbacks can keep what they need without locks.
type exchange struct {
	c          *Client
	ctx        context.Context
	method     string
	path       string
	instance   string
	idempotent bool
	attempts   int
	// secrets are every secret the request carries: the key it is sent
	// with and the secrets of its body.
	secrets []string
}

func (c *Client) newExchange(ctx context.Context, cl call) *exchange {
	secrets := []string{c.apiKey, cl.key}
	if h, ok := cl.in.(secretHolder); ok {
		secrets = append(secrets, h.secretValues()...)
	}
	return &exchange{
		c: c, ctx: ctx, method: cl.method, path: cl.path, instance: cl.instance,
		idempotent: idempotent(cl.method, cl.path), secrets: secrets,
	}
}

// retryClient wires the exchange into retryablehttp, which owns the loop:
// re-sending the body, draining answers so connections are reused,
// waiting with the context in mind.
func (x *exchange) retryClient() *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:     x.c.http,
		RetryMax:       x.c.maxRetries,
		RetryWaitMin:   x.c.minRetryDelay,
		RetryWaitMax:   x.c.maxRetryDelay,
		CheckRetry:     x.checkRetry,
		Backoff:        x.backoff,
		RequestLogHook: x.onRequest,
		// The last answer, even a 429 or a 500, comes back as it is, so its
		// envelope becomes an APIError with the server's message.
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
}

func (x *exchange) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		// retryablehttp's own policy knows the errors no retry can fix:
		// bad certificates, schemes and headers.
		if retry, _ := retryablehttp.DefaultRetryPolicy(ctx, nil, err); !retry {
			return false, nil
		}
		return x.idempotent || neverSent(err), nil
	}
	if resp.StatusCode == http.StatusInternalServerError && isRuleAnswer(x.method, x.path, resp.StatusCode, peekMessages(resp)) {
		return false, nil
	}
	return retryableStatus(resp.StatusCode, x.idempotent), nil
}

// peekMessages reads an error answer's messages and puts the body back,
// for the error that is built from it if no retry follows.
func peekMessages(resp *http.Response) []string {
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	if msgs, enveloped := flattenMessages(raw); enveloped {
		return msgs
	}
	return nil
}

func (x *exchange) backoff(minDelay, maxDelay time.Duration, attempt int, resp *http.Response) time.Duration {
	wait := retryDelay(minDelay, maxDelay, attempt, resp, time.Now(), rand.Float64())
	fields := x.fields()
	fields["wait"] = wait.String()
	fields["retries_left"] = x.c.maxRetries - attempt
	if resp != nil {
		fields["status"] = resp.StatusCode
	}
	x.log(LogWarn, "l2msg API request failed; retrying", fields)
	return wait
}

func (x *exchange) onRequest(_ retryablehttp.Logger, _ *http.Request, attempt int) {
	// The hook cannot fail the attempt; a context that ends while waiting
	// fails the request that follows, with the context's error.
	_ = x.c.throttle(x.ctx)
	x.attempts = attempt + 1
	x.log(LogDebug, "sending l2msg API request", x.fields())
}

func (x *exchange) fields() map[string]any {
	return map[string]any{"method": x.method, "path": x.path, "attempt": x.attempts}
}

func (x *exchange) log(level LogLevel, msg string, fields map[string]any) {
	x.c.logf(x.ctx, level, msg, fields)
}

func (c *Client) logf(ctx context.Context, level LogLevel, msg string, fields map[string]any) {
	if c.log != nil {
		c.log(ctx, level, msg, fields)
	}
}

// backoff waits before CreateOrAdopt's own retry of a create whose failure
// was resolved as "not done", the same way the client waits between
// attempts. It returns early with the context's error.
func (c *Client) backoff(ctx context.Context, attempt int) error {
	t := time.NewTimer(retryDelay(c.minRetryDelay, c.maxRetryDelay, attempt, nil, time.Now(), rand.Float64()))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// attemptsNote is appended to an error when the request was tried more
// than once, so a user sees the failure was not a one-off.
func attemptsNote(attempts int) string {
	if attempts <= 1 {
		return ""
	}
	return fmt.Sprintf(" (gave up after %d attempts)", attempts)
}
