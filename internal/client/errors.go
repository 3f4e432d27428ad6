package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// APIError is a non-2xx answer from the server, with its messages flattened
// from whichever envelope shape the server used.
type APIError struct {
	StatusCode int
	Method     string
	Path       string
	Messages   []string
	// Enveloped is true when the body was the server's JSON error envelope.
	// A 404 without one comes from something else on the path (a proxy, a
	// base URL missing its /whatsapp prefix), not from the API.
	Enveloped bool
	// Attempts is how many times the request was sent.
	Attempts int
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
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

// IsNotFound reports a 404 from the API itself: the instance (or, for a
// filter, the name) does not exist. A 404 page from a proxy or a wrong base
// URL is not "not found": treating it so would drop every instance from
// state.
func IsNotFound(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && apiErr.Enveloped
}

// IsForbidden reports a 403, which create uses for a name already taken.
func IsForbidden(err error) bool { return statusOf(err) == http.StatusForbidden }

// IsUnauthorized reports a 401: missing or wrong API key.
func IsUnauthorized(err error) bool { return statusOf(err) == http.StatusUnauthorized }

// IsBadRequest reports a 400: the server rejected the body.
func IsBadRequest(err error) bool { return statusOf(err) == http.StatusBadRequest }

func (c *Client) newAPIError(method, path string, resp *http.Response, raw []byte) *APIError {
	// Defence in depth: a server or proxy that echoes the request headers
	// must not get the key into an error that Terraform prints. The raw body
	// is redacted too because a non-JSON body is cut at 500 bytes, and a cut
	// through the key would leave a prefix the per-message pass cannot see.
	msgs, enveloped := flattenMessages([]byte(c.redact(string(raw))))
	for i, m := range msgs {
		msgs[i] = c.redact(m)
	}
	return &APIError{StatusCode: resp.StatusCode, Method: method, Path: path, Messages: msgs, Enveloped: enveloped}
}

func (c *Client) redact(s string) string {
	if c.apiKey == "" {
		return s
	}
	return strings.ReplaceAll(s, c.apiKey, "(redacted)")
}

// flattenMessages turns every envelope the server uses into a list of
// strings: {"response":{"message":[...]}} with strings, nested arrays
// (schema validation) or a plain string (401, 500), a top-level "message",
// or a body that is not JSON at all. enveloped reports whether the body was
// a JSON object carrying a message, as the API's own errors do.
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
		if len(raw) > 500 {
			// Cut on a rune boundary so the message stays valid UTF-8.
			cut := 500
			for cut > 0 && !utf8.RuneStart(raw[cut]) {
				cut--
			}
			raw = append(raw[:cut:cut], "…"...)
		}
		return []string{string(raw)}, false
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
