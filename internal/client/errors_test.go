package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAPIErrorEnvelopes(t *testing.T) {
	longHTML := "<html><body>" + strings.Repeat("x", 2000) + "</body></html>"
	tests := []struct {
		name         string
		status       int
		contentType  string
		body         string
		wantMessages []string
		wantMessage  string // APIError.Message()
	}{
		{
			name:         "not found envelope",
			status:       404,
			body:         `{"status":404,"error":"Not Found","response":{"message":["The \"x\" instance does not exist"]}}`,
			wantMessages: []string{`The "x" instance does not exist`},
		},
		{
			name:         "schema validation: arrays nested in an array",
			status:       400,
			body:         `{"status":400,"error":"Bad Request","response":{"message":[["instance requires property \"rejectCall\"","instance requires property \"groupsIgnore\""],["instance.msgCall is not of a type(s) string"]]}}`,
			wantMessages: []string{`instance requires property "rejectCall"`, `instance requires property "groupsIgnore"`, `instance.msgCall is not of a type(s) string`},
		},
		{
			name:         "401 with a plain string message",
			status:       401,
			body:         `{"status":401,"error":"Unauthorized","response":{"message":"Unauthorized"}}`,
			wantMessages: []string{"Unauthorized"},
		},
		{
			name:         "403 name in use",
			status:       403,
			body:         `{"status":403,"error":"Forbidden","response":{"message":["This name \"sales\" is already in use."]}}`,
			wantMessages: []string{`This name "sales" is already in use.`},
		},
		{
			name:         "500 with a plain string message",
			status:       500,
			body:         `{"status":500,"error":"Internal Server Error","response":{"message":"TypeError: Cannot read properties of undefined (reading 'state')"}}`,
			wantMessages: []string{"TypeError: Cannot read properties of undefined (reading 'state')"},
		},
		{
			name:         "top-level message (framework default)",
			status:       404,
			body:         `{"statusCode":404,"message":"Cannot GET /instance/nope","error":"Not Found"}`,
			wantMessages: []string{"Cannot GET /instance/nope"},
		},
		{
			name:         "only an error field",
			status:       502,
			body:         `{"error":"upstream unavailable"}`,
			wantMessages: []string{"upstream unavailable"},
		},
		{
			name:         "error true carries no message",
			status:       400,
			body:         `{"error":true}`,
			wantMessages: nil,
			wantMessage:  "Bad Request",
		},
		{
			name:         "non-string message values are rendered",
			status:       400,
			body:         `{"response":{"message":[404,{"field":"number"},null,"",true]}}`,
			wantMessages: []string{"404", `{"field":"number"}`},
		},
		{
			name:         "empty message list",
			status:       400,
			body:         `{"status":400,"error":"Bad Request","response":{"message":[]}}`,
			wantMessages: nil,
			wantMessage:  "Bad Request",
		},
		{
			name:         "non-JSON body (proxy HTML page)",
			status:       502,
			contentType:  "text/html",
			body:         "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>\n",
			wantMessages: []string{"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"},
		},
		{
			name:         "plain text body",
			status:       500,
			contentType:  "text/plain",
			body:         "Internal Server Error",
			wantMessages: []string{"Internal Server Error"},
		},
		{
			name:         "empty body",
			status:       503,
			body:         "",
			wantMessages: nil,
			wantMessage:  "Service Unavailable",
		},
		{
			name:         "whitespace body",
			status:       404,
			body:         " \n\t ",
			wantMessages: nil,
			wantMessage:  "Not Found",
		},
		{
			name:         "long non-JSON body is truncated",
			status:       502,
			contentType:  "text/html",
			body:         longHTML,
			wantMessages: []string{longHTML[:500] + "…"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, "", func(w http.ResponseWriter, r *http.Request) {
				ct := tt.contentType
				if ct == "" {
					ct = "application/json"
				}
				w.Header().Set("Content-Type", ct)
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			})
			err := restart(context.Background(), c, "x")
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error = %T %v, want *APIError", err, err)
			}
			if apiErr.StatusCode != tt.status {
				t.Errorf("StatusCode = %d, want %d", apiErr.StatusCode, tt.status)
			}
			if apiErr.Method != http.MethodPost || apiErr.Path != "/instance/restart/x" {
				t.Errorf("request = %s %s", apiErr.Method, apiErr.Path)
			}
			assertDeepEqual(t, "Messages", apiErr.Messages, tt.wantMessages)
			wantMessage := tt.wantMessage
			if wantMessage == "" {
				wantMessage = strings.Join(tt.wantMessages, "; ")
			}
			if got := apiErr.Message(); got != wantMessage {
				t.Errorf("Message() = %q, want %q", got, wantMessage)
			}
			// The error string is what Terraform shows: it must carry the
			// request, the status and every message.
			s := err.Error()
			for _, want := range append([]string{"POST /instance/restart/x", fmt.Sprint(tt.status), http.StatusText(tt.status)}, tt.wantMessages...) {
				if !strings.Contains(s, want) {
					t.Errorf("Error() = %q, missing %q", s, want)
				}
			}
		})
	}
}

func TestAPIErrorPlainJSONStringBody(t *testing.T) {
	// A body that is a bare JSON string is not an envelope; the text must
	// still reach the user.
	c, _ := newTestClient(t, "", reply(401, `"Unauthorized"`))
	err := restart(context.Background(), c, "x")
	if !IsUnauthorized(err) {
		t.Fatalf("IsUnauthorized(%v) = false", err)
	}
	if !strings.Contains(err.Error(), "Unauthorized") {
		t.Errorf("Error() = %q", err)
	}
}

func TestAPIErrorTruncationKeepsUTF8(t *testing.T) {
	// 499 ASCII bytes then two-byte runes: byte 500 falls inside a rune.
	body := strings.Repeat("a", 499) + strings.Repeat("ç", 100)
	c, _ := newTestClient(t, "", reply(502, body))
	err := restart(context.Background(), c, "x")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || len(apiErr.Messages) != 1 {
		t.Fatalf("error = %v", err)
	}
	msg := apiErr.Messages[0]
	if !utf8.ValidString(msg) {
		t.Errorf("truncated message is not valid UTF-8: %q", msg[len(msg)-8:])
	}
	if !strings.HasSuffix(msg, "…") || len(msg) > 500+len("…") {
		t.Errorf("message not truncated as expected: len %d, tail %q", len(msg), msg[len(msg)-8:])
	}
}

func TestAPIErrorHugeBodyIsBounded(t *testing.T) {
	// A misbehaving proxy streaming megabytes must not be read whole.
	c, _ := newTestClient(t, "", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(502)
		chunk := strings.Repeat("y", 32<<10)
		for range 64 {
			if _, err := io.WriteString(w, chunk); err != nil {
				return
			}
		}
	})
	err := restart(context.Background(), c, "x")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 502 {
		t.Fatalf("error = %v", err)
	}
	if n := len(err.Error()); n > 1000 {
		t.Errorf("error string is %d bytes", n)
	}
}

func TestAPIKeyNeverInError(t *testing.T) {
	echoes := []struct {
		name   string
		status int
		body   string
	}{
		{"in response.message", 401, `{"status":401,"error":"Unauthorized","response":{"message":["invalid apikey ` + testKey + `"]}}`},
		{"in a nested message", 400, `{"status":400,"error":"Bad Request","response":{"message":[["header apikey=` + testKey + ` rejected"]]}}`},
		{"as a plain string message", 500, `{"status":500,"error":"Internal Server Error","response":{"message":"` + testKey + `"}}`},
		{"in a top-level message", 403, `{"message":"key ` + testKey + ` forbidden"}`},
		{"in the error field", 401, `{"error":"bad key ` + testKey + `"}`},
		{"in an object message", 400, `{"response":{"message":[{"apikey":"` + testKey + `"}]}}`},
		{"in an HTML page", 502, `<html><pre>apikey: ` + testKey + `</pre></html>`},
		{"several times", 401, `{"response":{"message":["` + testKey + testKey + `", "` + testKey + `"]}}`},
		// The cut at 500 bytes falls in the middle of the key: not even a
		// prefix of it may survive.
		{"across the truncation point", 502, strings.Repeat("-", 490) + testKey + strings.Repeat("-", 100)},
	}
	for _, tt := range echoes {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, "", reply(tt.status, tt.body))
			err := restart(context.Background(), c, "x")
			if err == nil {
				t.Fatal("no error")
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error = %T", err)
			}
			for _, s := range append([]string{err.Error(), apiErr.Message()}, apiErr.Messages...) {
				// The first 10 characters are enough to be a leak.
				if strings.Contains(s, testKey[:10]) {
					t.Errorf("API key leaked: %q", s)
				}
			}
			if !strings.Contains(err.Error(), "(redacted)") {
				t.Errorf("Error() = %q, want the key replaced by (redacted)", err)
			}
		})
	}
}

func TestPredicates(t *testing.T) {
	mk := func(code int) error { return &APIError{StatusCode: code, Method: "GET", Path: "/p", Gone: true} }
	tests := []struct {
		name                                string
		err                                 error
		notFound, forbidden, unauth, badReq bool
	}{
		{name: "nil", err: nil},
		{name: "plain error", err: errors.New("404 not found")},
		{name: "transport error", err: &TransportError{Method: "GET", Path: "/p", Err: errors.New("connection refused")}},
		{name: "context error", err: context.Canceled},
		{name: "404", err: mk(404), notFound: true},
		{name: "403", err: mk(403), forbidden: true},
		{name: "401", err: mk(401), unauth: true},
		{name: "400", err: mk(400), badReq: true},
		{name: "409", err: mk(409)},
		{name: "500", err: mk(500)},
		{name: "wrapped 404", err: fmt.Errorf("reading instance: %w", mk(404)), notFound: true},
		{name: "doubly wrapped 401", err: fmt.Errorf("a: %w", fmt.Errorf("b: %w", mk(401))), unauth: true},
		{name: "joined 400", err: errors.Join(errors.New("other"), mk(400)), badReq: true},
		{name: "wrapped with %v loses the type", err: fmt.Errorf("reading: %v", mk(404))}, //nolint:errorlint // the point of the case
		// A 404 page from a proxy or a base URL without /whatsapp must not
		// read as "instance gone", or every instance would leave state.
		{name: "404 not saying the instance is gone", err: &APIError{StatusCode: 404, Method: "GET", Path: "/p"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsNotFound(tt.err); got != tt.notFound {
				t.Errorf("IsNotFound = %v", got)
			}
			if got := IsForbidden(tt.err); got != tt.forbidden {
				t.Errorf("IsForbidden = %v", got)
			}
			if got := IsUnauthorized(tt.err); got != tt.unauth {
				t.Errorf("IsUnauthorized = %v", got)
			}
			if got := IsBadRequest(tt.err); got != tt.badReq {
				t.Errorf("IsBadRequest = %v", got)
			}
		})
	}
}

func TestPredicatesFromServer(t *testing.T) {
	for _, tt := range []struct {
		status int
		is     func(error) bool
	}{
		{404, IsNotFound}, {403, IsForbidden}, {401, IsUnauthorized}, {400, IsBadRequest},
	} {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			c, _ := newTestClient(t, "", reply(tt.status, `{"status":0,"response":{"message":["The \"x\" instance does not exist"]}}`))
			_, err := c.FindSettings(context.Background(), "x")
			if !tt.is(err) {
				t.Errorf("predicate false for %v", err)
			}
			if !tt.is(fmt.Errorf("wrapped: %w", err)) {
				t.Errorf("predicate false for the wrapped error")
			}
		})
	}
}

func TestAPIErrorString(t *testing.T) {
	e := &APIError{StatusCode: 404, Method: "GET", Path: "/instance/fetchInstances?instanceName=x", Messages: []string{"a", "b"}, Gone: true}
	if got, want := e.Error(), "GET /instance/fetchInstances?instanceName=x: 404 Not Found: a; b"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e.Messages = nil
	if got, want := e.Error(), "GET /instance/fetchInstances?instanceName=x: 404 Not Found"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got := e.Message(); got != "Not Found" {
		t.Errorf("Message() = %q", got)
	}
}

func TestFetchInstanceProxy404IsNotNotFound(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<html><body>404 Not Found</body></html>"))
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.FetchInstance(context.Background(), "sales")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
		t.Fatalf("want a 404 APIError, got %v", err)
	}
	if IsNotFound(err) {
		t.Fatal("a proxy's 404 page must not read as a missing instance")
	}
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	var leaked bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked = r.Header.Get("apikey") != ""
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, APIKey: "secret-key"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.FetchInstances(context.Background())
	if statusOf(err) != http.StatusFound {
		t.Fatalf("want the 302 as an error, got %v", err)
	}
	if leaked {
		t.Fatal("the API key was sent to the redirect target")
	}
}
