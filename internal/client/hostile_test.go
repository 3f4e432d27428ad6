package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A 404 means "gone" only when the server says so about the instance the
// request named: any other 404 (an unknown route, a gateway, a base URL
// without /whatsapp) would otherwise drop every instance from state.
func TestNotFoundOnlyWhenTheServerSaysSoAboutThatInstance(t *testing.T) {
	notGone := map[string]string{
		"Evolution's unknown route": `{"status":404,"error":"Not Found","response":{"message":["Cannot GET /instance/fetchInstances"]}}`,
		"a gateway's JSON":          `{"message":"no Route matched with those values"}`,
		"an HTML page":              `<html><body><h1>404 Not Found</h1></body></html>`,
		"an empty body":             ``,
		"another instance gone":     `{"status":404,"error":"Not Found","response":{"message":["The \"other\" instance does not exist"]}}`,
	}
	gone := map[string]string{
		"the route guard (v1 and v2)": `{"status":404,"error":"Not Found","response":{"message":["The \"x\" instance does not exist"]}}`,
		"the fetchInstances filter":   `{"status":404,"error":"Not Found","response":{"message":["Instance \"x\" not found"]}}`,
	}
	calls := map[string]func(*Client) error{
		"FetchInstance":   func(c *Client) error { _, err := c.FetchInstance(context.Background(), "x"); return err },
		"LookupInstance":  func(c *Client) error { _, err := c.LookupInstance(context.Background(), "x"); return err },
		"ConnectionState": func(c *Client) error { _, err := c.ConnectionState(context.Background(), "x"); return err },
		"Connect":         func(c *Client) error { _, err := c.Connect(context.Background(), "x", ""); return err },
		"FindSettings":    func(c *Client) error { _, err := c.FindSettings(context.Background(), "x"); return err },
		"FindWebhook":     func(c *Client) error { _, err := c.FindWebhook(context.Background(), "x"); return err },
		"DeleteInstance":  func(c *Client) error { return c.DeleteInstance(context.Background(), "x") },
		"SetSettings":     func(c *Client) error { return c.SetSettings(context.Background(), "x", Settings{}) },
	}
	for callName, call := range calls {
		for what, body := range notGone {
			t.Run(callName+"/"+what, func(t *testing.T) {
				c, _ := newTestClient(t, "", reply(404, body))
				err := call(c)
				if err == nil || IsNotFound(err) {
					t.Fatalf("error = %v, want an error that is not 'not found'", err)
				}
				if !strings.Contains(err.Error(), "check base_url") || !strings.Contains(err.Error(), c.BaseURL()) {
					t.Errorf("error %q does not name base_url", err)
				}
			})
		}
		for what, body := range gone {
			t.Run(callName+"/"+what, func(t *testing.T) {
				c, _ := newTestClient(t, "", reply(404, body))
				if err := call(c); !IsNotFound(err) {
					t.Fatalf("error = %v, want not found", err)
				}
			})
		}
	}
}

func TestNotFoundQuotesWhatAnsweredShortened(t *testing.T) {
	page := "<html>" + strings.Repeat("x", 5000) + "</html>"
	c, _ := newTestClient(t, "", reply(404, page))
	_, err := c.FetchInstance(context.Background(), "x")
	if err == nil || !strings.Contains(err.Error(), "<html>xxx") || len(err.Error()) > 700 {
		t.Fatalf("error = %q (%d bytes), want the answer quoted and shortened", err, len(fmt.Sprint(err)))
	}
}

func TestWaitsStopAtAWrongBaseURL(t *testing.T) {
	wrongRoute := reply(404, `{"status":404,"error":"Not Found","response":{"message":["Cannot GET /x"]}}`)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, rec := newTestClient(t, "", wrongRoute)
	if err := c.WaitForDeletion(ctx, "x", time.Millisecond); err == nil || ctx.Err() != nil {
		t.Fatalf("WaitForDeletion = %v, want an error before the deadline", err)
	}
	if n := len(rec.requests()); n != 1 {
		t.Errorf("polled %d times, want 1: a wrong base URL does not heal", n)
	}
	c, _ = newTestClient(t, "", wrongRoute)
	if _, err := c.WaitForState(ctx, "x", StateOpen, time.Millisecond); err == nil || ctx.Err() != nil {
		t.Fatalf("WaitForState = %v, want an error before the deadline", err)
	}
}

// echo answers with the request body inside the error envelope, as some
// servers do in validation errors, and its headers too.
func echo(status int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		hdr, _ := json.Marshal(r.Header)
		msg, _ := json.Marshal([]string{string(body), string(hdr)})
		reply(status, fmt.Sprintf(`{"status":%d,"error":"x","response":{"message":%s}}`, status, msg))(w, r)
	}
}

func echoRaw(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.WriteHeader(400)
	_, _ = w.Write(append([]byte("bad request: "), body...))
}

// Every secret a request carries stays out of its error, even when the
// server echoes the request back: the key, the instance key, and the
// webhook header values (quotes and <> included, which JSON escapes).
func TestErrorsNeverRepeatASecretTheRequestCarried(t *testing.T) {
	const token = `inst-TOKEN-"quoted"-9f8e7d`
	headers := map[string]string{"authorization": "Bearer HOOK-SECRET-<1a2b>", "x-other": "OTHER-SECRET-3c4d"}
	secrets := []string{testKey, token, headers["authorization"], headers["x-other"], `inst-TOKEN-\"quoted\"-9f8e7d`, `HOOK-SECRET-\u003c1a2b\u003e`}
	calls := map[string]func(*Client) error{
		"create": func(c *Client) error {
			_, err := c.CreateInstance(context.Background(), CreateRequest{InstanceName: "x", Token: token,
				Webhook: &Webhook{URL: "https://h.example.com", Headers: headers}})
			return err
		},
		"create or adopt": func(c *Client) error {
			_, err := c.CreateOrAdopt(context.Background(), CreateRequest{InstanceName: "x", Token: token,
				Webhook: &Webhook{URL: "https://h.example.com", Headers: headers}})
			return err
		},
		"webhook/set": func(c *Client) error {
			return c.SetWebhook(context.Background(), "x", Webhook{Enabled: true, URL: "https://h.example.com", Headers: headers})
		},
	}
	answers := map[string]http.HandlerFunc{"400": echo(400), "500": echo(500), "not JSON": echoRaw}
	for callName, call := range calls {
		for what, answer := range answers {
			t.Run(callName+"/"+what, func(t *testing.T) {
				var logged []string
				cfg := fastRetries(0)
				cfg.Log = func(_ context.Context, _ LogLevel, msg string, fields map[string]any) {
					logged = append(logged, fmt.Sprint(msg, fields))
				}
				c, _ := newConfiguredClient(t, cfg, "", answer)
				err := call(c)
				if err == nil {
					t.Fatal("want an error")
				}
				out := err.Error() + strings.Join(logged, "\n")
				for _, s := range secrets {
					if strings.Contains(out, s) {
						t.Errorf("error or log holds secret %q:\n%s", s, out)
					}
				}
				if !strings.Contains(err.Error(), "(redacted)") {
					t.Errorf("error %q: want the echo kept, with the secrets redacted", err)
				}
			})
		}
	}
}

func TestSuccessBodiesAreBounded(t *testing.T) {
	big := "[" + strings.Repeat(`{"name":"x"},`, 200) + `{"name":"y"}]`
	chunked := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		for i := 0; i < len(big); i += 100 {
			_, _ = io.WriteString(w, big[i:min(i+100, len(big))])
			_ = http.NewResponseController(w).Flush()
		}
	}
	for what, h := range map[string]http.HandlerFunc{"with Content-Length": reply(200, big), "chunked": chunked} {
		t.Run(what, func(t *testing.T) {
			c, _ := newTestClient(t, "", h)
			c.maxBody = 1024
			_, err := c.FetchInstances(context.Background())
			if !errors.Is(err, errBodyTooLarge) {
				t.Fatalf("error = %v, want the answer refused as too large", err)
			}
			c.maxBody = int64(len(big))
			if _, err := c.FetchInstances(context.Background()); err != nil {
				t.Fatalf("an answer of exactly the limit: %v", err)
			}
		})
	}
}
