package client

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// The client's error types, and the predicates the provider decides with.

// APIError is a non-2xx answer from the server, with its messages flattened
// from whichever envelope shape the server used.
type APIError struct {
	StatusCode int
	Method     string
	Path       string
	Messages   []string
	// Enveloped is true when the body was the server's JSON error envelope:
	// the server itself answered, and says what went wrong.
	Enveloped bool
	// Gone is true for a 404 in which the server said that the instance the
	// request named does not exist. Any other 404 (an unknown route, a
	// gateway, a base URL without /whatsapp) comes from talking to the wrong
	// place, and must never read as "gone": that would drop every instance
	// from state and leave them orphaned on the server.
	Gone bool
	// BaseURL is where the request went, named in a 404 that is not Gone.
	BaseURL string
	// Attempts is how many times the request was sent.
	Attempts int
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.StatusCode == http.StatusNotFound && !e.Gone {
		fmt.Fprintf(&b, " from %s", cmp.Or(e.BaseURL, "the base URL"))
		if len(e.Messages) > 0 {
			fmt.Fprintf(&b, ", which answered %q", shorten(strings.Join(e.Messages, "; "), 200))
		} else {
			b.WriteString(", with no message")
		}
		b.WriteString(". That is not the API saying an instance does not exist: check base_url " +
			"(l2msg's is " + DefaultBaseURL + "; a self-hosted Evolution API has no /whatsapp)")
		b.WriteString(attemptsNote(e.Attempts))
		return b.String()
	}
	if len(e.Messages) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(e.Messages, "; "))
	}
	b.WriteString(attemptsNote(e.Attempts))
	return b.String()
}

// Message returns the server's messages joined, or the status text when the
// server sent none.
func (e *APIError) Message() string {
	if len(e.Messages) == 0 {
		return http.StatusText(e.StatusCode)
	}
	return strings.Join(e.Messages, "; ")
}

func statusOf(err error) int {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
}

// ErrNotConnected reports that the instance has no WhatsApp session (its
// state is close: never paired, or logged out), so restart and logout have
// nothing to act on.
var ErrNotConnected = errors.New("the instance is not connected")

// IsNotFound reports that the server said the instance does not exist: the
// instance is gone. Only the server's own answer about that instance counts
// (see APIError.Gone).
func IsNotFound(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && apiErr.Gone
}

// isWrongPlace reports a 404 that is not about an instance: no wait heals it.
func isWrongPlace(err error) bool {
	return statusOf(err) == http.StatusNotFound && !IsNotFound(err)
}

// goneMessages are the server's words for "no such instance" (v1 and v2
// alike): the guard of every /…/:instanceName route, and a fetchInstances
// filter that matches nothing.
func goneMessages(name string) []string {
	return []string{
		`The "` + name + `" instance does not exist`,
		`Instance "` + name + `" not found`,
	}
}

func saysGone(msgs []string, name string) bool {
	if name == "" {
		return false
	}
	want := goneMessages(name)
	for _, m := range msgs {
		for _, w := range want {
			if strings.TrimSpace(m) == w {
				return true
			}
		}
	}
	return false
}

// IsForbidden reports a 403, which create uses for a name already taken.
func IsForbidden(err error) bool { return statusOf(err) == http.StatusForbidden }

// IsUnauthorized reports a 401: missing or wrong API key.
func IsUnauthorized(err error) bool { return statusOf(err) == http.StatusUnauthorized }

// IsBadRequest reports a 400: the server rejected the body.
func IsBadRequest(err error) bool { return statusOf(err) == http.StatusBadRequest }

// TransportError is a request that got no HTTP answer: connection refused,
// reset, or timed out.
type TransportError struct {
	Method, Path string
	Err          error
	// Attempts is how many times the request was sent.
	Attempts int
}

func (e *TransportError) Error() string {
	return fmt.Sprintf("%s %s: %v%s", e.Method, e.Path, e.Err, attemptsNote(e.Attempts))
}

func (e *TransportError) Unwrap() error { return e.Err }

// AmbiguousError is a request that is not safe to repeat (a create) which
// failed after it may have reached the server: a 5xx answer, a dropped
// connection, a timeout, a success answer without the instance. The server
// may have done the work: look before trying again.
type AmbiguousError struct {
	Err error
}

func (e *AmbiguousError) Error() string {
	return e.Err.Error() + " (the server may have completed the request before failing)"
}

func (e *AmbiguousError) Unwrap() error { return e.Err }

// IsAmbiguous reports a failed request whose outcome on the server is
// unknown.
func IsAmbiguous(err error) bool {
	var amb *AmbiguousError
	return errors.As(err, &amb)
}

// NameTakenError is a create refused because another instance has the
// name. DuringRetry tells the two cases apart: the name was taken before
// the create began (import it to manage it), or someone else took it between
// a failed attempt of this create and the next one (their instance, which is
// never adopted).
type NameTakenError struct {
	Name        string
	DuringRetry bool
	// Deleted: this client saw the instance of that name deleted, and the
	// server still refused the name when the bounded wait for it ended.
	Deleted bool
	Err     error
}

func (e *NameTakenError) Error() string {
	if e.DuringRetry {
		return fmt.Sprintf("the name %q was taken by someone else while the create was retried: "+
			"the instance of that name does not answer to this create's key, so it is not ours and was left alone (%v)", e.Name, e.Err)
	}
	if e.Deleted {
		return fmt.Sprintf("the server still refuses the name %q as taken although this run deleted the instance of that name "+
			"and saw it leave the listing: the server is still finishing that delete (%v)", e.Name, e.Err)
	}
	return fmt.Sprintf("an instance named %q already exists on the server (%v)", e.Name, e.Err)
}

func (e *NameTakenError) Unwrap() error { return e.Err }

// UnresolvedCreateError is a create that may have happened, and the look-up
// that should tell failed too (an interrupted apply cancels both). The
// instance's caller records the name so that the next refresh finds out; a
// bot's or credential's next create finds the object and adopts it.
type UnresolvedCreateError struct{ Create, Lookup error }

func (e *UnresolvedCreateError) Error() string {
	return fmt.Sprintf("%v; looking for it afterwards failed too: %v", e.Create, e.Lookup)
}

func (e *UnresolvedCreateError) Unwrap() []error { return []error{e.Create, e.Lookup} }

// StreamSwitchedOffError is a server that has the stream's integration off
// in its environment. It answers set and find with an empty body and stores
// nothing, so the call looks like a success.
type StreamSwitchedOffError struct {
	Kind, Method, Path string
}

func (e *StreamSwitchedOffError) Error() string {
	sw := StreamSwitch(e.Kind)
	msg := fmt.Sprintf("%s %s: the server answered with an empty body, which is how it says that %s is switched off in its environment: "+
		"nothing was stored. Start the server with %s=true", e.Method, e.Path, e.Kind, sw)
	if e.Kind == StreamSqs {
		msg += " (and SQS_GLOBAL_ENABLED unset: with it, the server uses one global set of queues and ignores per-instance SQS)"
	}
	return msg + "."
}

// newAPIError builds the error of a non-2xx answer. instance is the name the
// route is about ("" for none), which a 404 must name to mean "gone".
func (x *exchange) newAPIError(resp *http.Response, raw []byte) *APIError {
	// Defence in depth: a server or proxy that echoes the request (headers
	// or body) must not get a secret into an error that Terraform prints.
	// The raw body is redacted too because a non-JSON body is cut at 500
	// bytes, and a cut through a secret would leave a prefix the
	// per-message pass cannot see.
	msgs, enveloped := flattenMessages([]byte(x.redact(string(raw))))
	for i, m := range msgs {
		msgs[i] = x.redact(m)
	}
	return &APIError{
		StatusCode: resp.StatusCode, Method: x.method, Path: x.path, Messages: msgs, Enveloped: enveloped,
		Gone:    resp.StatusCode == http.StatusNotFound && saysGone(msgs, x.instance),
		BaseURL: x.c.base,
	}
}

// redact replaces the client's key in s: for a server's message that came
// in a success answer, which no exchange redacted.
func (c *Client) redact(s string) string {
	return (&exchange{c: c, secrets: []string{c.apiKey}}).redact(s)
}

// redact replaces every secret of the exchange, as sent and as JSON would
// escape it, so an echo in either form is caught.
func (x *exchange) redact(s string) string {
	for _, secret := range x.secrets {
		if secret == "" {
			continue
		}
		s = strings.ReplaceAll(s, secret, "(redacted)")
		if b, err := json.Marshal(secret); err == nil {
			if esc := string(b[1 : len(b)-1]); esc != secret {
				s = strings.ReplaceAll(s, esc, "(redacted)")
			}
		}
	}
	return s
}

// shorten cuts s to at most n bytes on a rune boundary, marking the cut.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// flattenMessages turns every envelope the server uses into a list of
// strings: {"response":{"message":[...]}} with strings, nested arrays
// (schema validation) or a plain string (401, 500), a top-level "message",
// or a body that is not JSON at all, cut at 500 bytes. enveloped reports
// whether the body was a JSON object carrying a message, as the API's own
// errors are.
func flattenMessages(raw []byte) (msgs []string, enveloped bool) {
	raw = []byte(strings.TrimSpace(string(raw)))
	if len(raw) == 0 {
		return nil, false
	}
	var env struct {
		Response *struct {
			Message json.RawMessage `json:"message"`
		} `json:"response"`
		Message json.RawMessage `json:"message"`
		Error   json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return []string{shorten(string(raw), 500)}, false
	}
	switch {
	case env.Response != nil && len(env.Response.Message) > 0:
		return collectStrings(env.Response.Message), true
	case len(env.Message) > 0:
		return collectStrings(env.Message), true
	case len(env.Error) > 0:
		return collectStrings(env.Error), false
	}
	return nil, false
}

// collectStrings returns every string in a JSON value, depth first.
func collectStrings(raw json.RawMessage) []string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil
	}
	return walkStrings(v, nil)
}

func walkStrings(v any, out []string) []string {
	switch t := v.(type) {
	case string:
		if t != "" {
			out = append(out, t)
		}
	case []any:
		for _, e := range t {
			out = walkStrings(e, out)
		}
	case nil:
	case bool:
		// "error": true carries no message.
	default:
		b, _ := json.Marshal(t)
		out = append(out, string(b))
	}
	return out
}
