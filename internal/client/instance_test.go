package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// names pairs instance names with their escaped path segment, written out by
// hand so that the test does not check url.PathEscape against itself.
var names = []struct{ name, escaped string }{
	{"sales", "sales"},
	{"my shop", "my%20shop"},
	{"vendas-ção", "vendas-%C3%A7%C3%A3o"},
	{"日本", "%E6%97%A5%E6%9C%AC"},
	{"a/b", "a%2Fb"},
	{"q?x#y", "q%3Fx%23y"},
	{"100%", "100%25"},
	{"a;b,c", "a%3Bb%2Cc"},
	{"a+b", "a+b"},
}

func TestRoutes(t *testing.T) {
	type route struct {
		name   string
		call   func(ctx context.Context, c *Client, name string) error
		method string
		// path is the route; the escaped name is appended unless inQuery.
		path string
		// query is the expected decoded query, nil for none.
		query   func(name string) map[string]string
		hasBody bool
		answer  func(name string) string
	}
	stateAnswer := func(n string) string {
		b, _ := json.Marshal(map[string]any{"instance": map[string]any{"instanceName": n, "state": "open"}})
		return string(b)
	}
	routes := []route{
		{
			name:   "ConnectionState",
			call:   func(ctx context.Context, c *Client, n string) error { _, err := c.ConnectionState(ctx, n); return err },
			method: "GET", path: "/instance/connectionState", answer: stateAnswer,
		},
		{
			name:   "Connect",
			call:   func(ctx context.Context, c *Client, n string) error { _, err := c.Connect(ctx, n, ""); return err },
			method: "GET", path: "/instance/connect", answer: stateAnswer,
		},
		{
			name: "Connect with number",
			call: func(ctx context.Context, c *Client, n string) error {
				_, err := c.Connect(ctx, n, "5511999999999")
				return err
			},
			method: "GET", path: "/instance/connect", answer: stateAnswer,
			query: func(string) map[string]string { return map[string]string{"number": "5511999999999"} },
		},
		{
			name: "Connect with a number needing escapes",
			call: func(ctx context.Context, c *Client, n string) error {
				_, err := c.Connect(ctx, n, "+55 11&x=y")
				return err
			},
			method: "GET", path: "/instance/connect", answer: stateAnswer,
			query: func(string) map[string]string { return map[string]string{"number": "+55 11&x=y"} },
		},
		{
			name:   "Restart",
			call:   func(ctx context.Context, c *Client, n string) error { return restart(ctx, c, n) },
			method: "POST", path: "/instance/restart", answer: stateAnswer,
		},
		{
			name:   "Logout",
			call:   func(ctx context.Context, c *Client, n string) error { return c.Logout(ctx, n) },
			method: "DELETE", path: "/instance/logout",
			answer: func(string) string {
				return `{"status":"SUCCESS","error":false,"response":{"message":"Instance logged out"}}`
			},
		},
		{
			name:   "DeleteInstance",
			call:   func(ctx context.Context, c *Client, n string) error { return c.DeleteInstance(ctx, n) },
			method: "DELETE", path: "/instance/delete",
			answer: func(string) string {
				return `{"status":"SUCCESS","error":false,"response":{"message":"Instance deleted"}}`
			},
		},
		{
			name:   "SetSettings",
			call:   func(ctx context.Context, c *Client, n string) error { return c.SetSettings(ctx, n, Settings{}) },
			method: "POST", path: "/settings/set", hasBody: true,
			answer: func(string) string { return `{"settings":{"instanceName":"x","settings":{}}}` },
		},
		{
			name:   "FindSettings",
			call:   func(ctx context.Context, c *Client, n string) error { _, err := c.FindSettings(ctx, n); return err },
			method: "GET", path: "/settings/find", answer: func(string) string { return `null` },
		},
		{
			name: "SetWebhook",
			call: func(ctx context.Context, c *Client, n string) error {
				return c.SetWebhook(ctx, n, Webhook{URL: "https://h"})
			},
			method: "POST", path: "/webhook/set", hasBody: true,
			answer: func(string) string { return `{"id":"w","url":"https://h","enabled":false,"events":[]}` },
		},
		{
			name:   "FindWebhook",
			call:   func(ctx context.Context, c *Client, n string) error { _, err := c.FindWebhook(ctx, n); return err },
			method: "GET", path: "/webhook/find", answer: func(string) string { return `null` },
		},
	}

	for _, prefix := range []string{"", "/whatsapp"} {
		for _, rt := range routes {
			for _, nm := range names {
				t.Run(fmt.Sprintf("%s%s/%s", prefix, rt.name, nm.name), func(t *testing.T) {
					c, rec := newTestClient(t, prefix+"/", reply(200, rt.answer(nm.name)))
					if err := rt.call(context.Background(), c, nm.name); err != nil {
						t.Fatalf("call: %v", err)
					}
					r := rec.only(t)
					if r.Method != rt.method {
						t.Errorf("method = %s, want %s", r.Method, rt.method)
					}
					if want := prefix + rt.path + "/" + nm.escaped; r.EscapedPath != want {
						t.Errorf("escaped path = %q, want %q", r.EscapedPath, want)
					}
					// Decoded, the last segment is the name again, slash and all.
					if want := prefix + rt.path + "/" + nm.name; r.Path != want {
						t.Errorf("decoded path = %q, want %q", r.Path, want)
					}
					checkQuery(t, r, rt.query, nm.name)
					if got := r.Header.Get("Content-Type"); (got == "application/json") != rt.hasBody {
						t.Errorf("Content-Type = %q with hasBody %v", got, rt.hasBody)
					}
					if (len(r.Body) > 0) != rt.hasBody {
						t.Errorf("body = %q with hasBody %v", r.Body, rt.hasBody)
					}
				})
			}
		}
	}

	// The two routes whose name travels in the body or the query.
	for _, prefix := range []string{"", "/whatsapp"} {
		for _, nm := range names {
			t.Run(prefix+"FetchInstance/"+nm.name, func(t *testing.T) {
				row, _ := json.Marshal([]map[string]any{{"name": nm.name, "connectionStatus": "open"}})
				c, rec := newTestClient(t, prefix, reply(200, string(row)))
				inst, err := c.FetchInstance(context.Background(), nm.name)
				if err != nil {
					t.Fatal(err)
				}
				if inst.Name != nm.name {
					t.Errorf("Name = %q", inst.Name)
				}
				r := rec.only(t)
				if r.Method != "GET" || r.EscapedPath != prefix+"/instance/fetchInstances" {
					t.Errorf("request = %s %s", r.Method, r.EscapedPath)
				}
				checkQuery(t, r, func(n string) map[string]string { return map[string]string{"instanceName": n} }, nm.name)
			})
			t.Run(prefix+"CreateInstance/"+nm.name, func(t *testing.T) {
				c, rec := newTestClient(t, prefix, reply(201, `{"instance":{"instanceId":"i-1","status":"created"},"hash":{"apikey":"k"}}`))
				res, err := c.CreateInstance(context.Background(), CreateRequest{InstanceName: nm.name})
				if err != nil {
					t.Fatal(err)
				}
				if res.Instance.Name != nm.name {
					t.Errorf("Name = %q", res.Instance.Name)
				}
				r := rec.only(t)
				if r.Method != "POST" || r.EscapedPath != prefix+"/instance/create" || r.RawQuery != "" {
					t.Errorf("request = %s %s?%s", r.Method, r.EscapedPath, r.RawQuery)
				}
				if got := jsonBody(t, r.Body)["instanceName"]; got != nm.name {
					t.Errorf("instanceName = %v", got)
				}
			})
		}
	}

	t.Run("FetchInstances", func(t *testing.T) {
		c, rec := newTestClient(t, "", reply(200, `[]`))
		if _, err := c.FetchInstances(context.Background()); err != nil {
			t.Fatal(err)
		}
		r := rec.only(t)
		if r.Method != "GET" || r.EscapedPath != "/instance/fetchInstances" || r.RawQuery != "" {
			t.Errorf("request = %s %s?%s", r.Method, r.EscapedPath, r.RawQuery)
		}
	})
}

func checkQuery(t *testing.T, r request, want func(string) map[string]string, name string) {
	t.Helper()
	if want == nil {
		if r.RawQuery != "" {
			t.Errorf("query = %q, want none", r.RawQuery)
		}
		return
	}
	exp := want(name)
	q, err := url.ParseQuery(r.RawQuery)
	if err != nil {
		t.Fatalf("query %q: %v", r.RawQuery, err)
	}
	if len(q) != len(exp) {
		t.Errorf("query = %q, want exactly the keys of %v", r.RawQuery, exp)
	}
	for k, v := range exp {
		if got := q[k]; len(got) != 1 || got[0] != v {
			t.Errorf("query %s = %q, want [%q] (raw %q)", k, got, v, r.RawQuery)
		}
	}
}

func TestCreateInstanceBody(t *testing.T) {
	tests := []struct {
		name string
		req  CreateRequest
		want string
	}{
		{
			name: "minimal: integration defaulted, booleans all sent, no token, number or webhook",
			req:  CreateRequest{InstanceName: "sales"},
			want: `{"instanceName":"sales","integration":"WHATSAPP-BAILEYS","qrcode":false,
				"rejectCall":false,"msgCall":"","groupsIgnore":false,"alwaysOnline":false,
				"readMessages":false,"readStatus":false,"syncFullHistory":false}`,
		},
		{
			name: "everything set; a webhook given at create is enabled",
			req: CreateRequest{
				InstanceName: "sales",
				Integration:  IntegrationBusiness,
				Token:        "my-own-token",
				QRCode:       true,
				Number:       "5511999999999",
				Settings: Settings{
					RejectCall: true, MsgCall: "busy", GroupsIgnore: true, AlwaysOnline: true,
					ReadMessages: true, ReadStatus: true, SyncFullHistory: true,
				},
				Webhook: &Webhook{
					Enabled:  false,
					URL:      "https://hooks.example.com/wa",
					Headers:  map[string]string{"authorization": "Bearer x", "Content-Type": "application/json"},
					ByEvents: true,
					Base64:   true,
					Events:   []string{"MESSAGES_UPSERT", "CONNECTION_UPDATE"},
				},
			},
			want: `{"instanceName":"sales","integration":"WHATSAPP-BUSINESS","token":"my-own-token",
				"qrcode":true,"number":"5511999999999",
				"rejectCall":true,"msgCall":"busy","groupsIgnore":true,"alwaysOnline":true,
				"readMessages":true,"readStatus":true,"syncFullHistory":true,
				"webhook":{"enabled":true,"url":"https://hooks.example.com/wa",
					"headers":{"authorization":"Bearer x","Content-Type":"application/json"},
					"byEvents":true,"base64":true,"events":["MESSAGES_UPSERT","CONNECTION_UPDATE"]}}`,
		},
		{
			name: "webhook without headers or events sends {} and []",
			req: CreateRequest{
				InstanceName: "sales",
				Integration:  IntegrationEvolution,
				Webhook:      &Webhook{URL: "https://h/x"},
			},
			want: `{"instanceName":"sales","integration":"EVOLUTION","qrcode":false,
				"rejectCall":false,"msgCall":"","groupsIgnore":false,"alwaysOnline":false,
				"readMessages":false,"readStatus":false,"syncFullHistory":false,
				"webhook":{"enabled":true,"url":"https://h/x","headers":{},"byEvents":false,"base64":false,"events":[]}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := newTestClient(t, "", reply(201, fixture(t, "create_v2.json")))
			if _, err := c.CreateInstance(context.Background(), tt.req); err != nil {
				t.Fatal(err)
			}
			assertDeepEqual(t, "create body", jsonBody(t, rec.only(t).Body), mustJSON(t, tt.want))
		})
	}

	t.Run("caller's webhook is not modified", func(t *testing.T) {
		c, _ := newTestClient(t, "", reply(201, fixture(t, "create_v2.json")))
		wh := &Webhook{URL: "https://h"}
		if _, err := c.CreateInstance(context.Background(), CreateRequest{InstanceName: "s", Webhook: wh}); err != nil {
			t.Fatal(err)
		}
		if wh.Enabled || wh.Headers != nil || wh.Events != nil {
			t.Errorf("request webhook changed: %+v", *wh)
		}
	})
}

func TestSetSettingsBody(t *testing.T) {
	tests := []struct {
		name string
		in   Settings
		want string
	}{
		{
			name: "all false still sends every field, msgCall included",
			in:   Settings{},
			want: `{"rejectCall":false,"msgCall":"","groupsIgnore":false,"alwaysOnline":false,
				"readMessages":false,"readStatus":false,"syncFullHistory":false}`,
		},
		{
			name: "all set",
			in: Settings{RejectCall: true, MsgCall: "Não atendo chamadas", GroupsIgnore: true, AlwaysOnline: true,
				ReadMessages: true, ReadStatus: true, SyncFullHistory: true},
			want: `{"rejectCall":true,"msgCall":"Não atendo chamadas","groupsIgnore":true,"alwaysOnline":true,
				"readMessages":true,"readStatus":true,"syncFullHistory":true}`,
		},
		{
			name: "mixed",
			in:   Settings{RejectCall: true, ReadStatus: true},
			want: `{"rejectCall":true,"msgCall":"","groupsIgnore":false,"alwaysOnline":false,
				"readMessages":false,"readStatus":true,"syncFullHistory":false}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := newTestClient(t, "", reply(201, `{}`))
			if err := c.SetSettings(context.Background(), "x", tt.in); err != nil {
				t.Fatal(err)
			}
			assertDeepEqual(t, "settings body", jsonBody(t, rec.only(t).Body), mustJSON(t, tt.want))
		})
	}
}

func TestSetWebhookBody(t *testing.T) {
	tests := []struct {
		name string
		in   Webhook
		want string
	}{
		{
			name: "full",
			in: Webhook{
				Enabled: true, URL: "https://hooks.example.com/wa",
				Headers:  map[string]string{"authorization": "Bearer x"},
				ByEvents: true, Base64: true,
				Events: []string{"QRCODE_UPDATED"},
			},
			want: `{"webhook":{"enabled":true,"url":"https://hooks.example.com/wa","headers":{"authorization":"Bearer x"},
				"byEvents":true,"base64":true,"events":["QRCODE_UPDATED"]}}`,
		},
		{
			name: "turn off: enabled false with the old url, every field still sent",
			in:   Webhook{URL: "https://old.example.com"},
			want: `{"webhook":{"enabled":false,"url":"https://old.example.com","headers":{},"byEvents":false,"base64":false,"events":[]}}`,
		},
		{
			name: "empty non-nil headers and events",
			in:   Webhook{Enabled: true, URL: "https://h", Headers: map[string]string{}, Events: []string{}},
			want: `{"webhook":{"enabled":true,"url":"https://h","headers":{},"byEvents":false,"base64":false,"events":[]}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := newTestClient(t, "", reply(201, `{}`))
			if err := c.SetWebhook(context.Background(), "x", tt.in); err != nil {
				t.Fatal(err)
			}
			assertDeepEqual(t, "webhook body", jsonBody(t, rec.only(t).Body), mustJSON(t, tt.want))
		})
	}
}

func TestCreateInstanceV1AnswerFromL2msgDoc(t *testing.T) {
	c, _ := newTestClient(t, "/whatsapp", reply(201, fixture(t, "create_v1_l2msg_doc.json")))
	res, err := c.CreateInstance(context.Background(), CreateRequest{
		InstanceName: "teste-docs", Number: "559999999999", QRCode: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	assertDeepEqual(t, "result", *res, CreateResult{
		Instance: Instance{
			Name:   "teste-docs",
			ID:     "af6c5b7c-ee27-4f94-9ea8-192393746ddd",
			Status: "created",
			// v1 answers carry no integration: what was sent is what it is.
			Integration: IntegrationBaileys,
			// Nor the number: the request's is kept.
			Number: "559999999999",
			Token:  "123456",
		},
		APIKey:   "123456",
		Settings: &Settings{GroupsIgnore: true},
	})
}

func TestCreateInstanceV2Answer(t *testing.T) {
	c, _ := newTestClient(t, "", reply(201, fixture(t, "create_v2.json")))
	res, err := c.CreateInstance(context.Background(), CreateRequest{InstanceName: "sales", QRCode: true})
	if err != nil {
		t.Fatal(err)
	}
	assertDeepEqual(t, "result", *res, CreateResult{
		Instance: Instance{
			Name:        "sales",
			ID:          "3f1c2a9e-5b7d-4c1e-9a0f-2b8c6d4e1a7f",
			Integration: IntegrationBaileys,
			Status:      "close",
			Token:       "7D3A1F0C-9B2E-4C5D-8E6F-0A1B2C3D4E5F",
		},
		APIKey: "7D3A1F0C-9B2E-4C5D-8E6F-0A1B2C3D4E5F",
		Settings: &Settings{
			RejectCall: true, MsgCall: "busy", GroupsIgnore: true, AlwaysOnline: true, ReadStatus: true,
		},
		QRCode: &QRCode{
			Code:   "2@y8eK+bjtEjUWy9/FOM...",
			Base64: "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA",
			Count:  1,
		},
	})
}

func TestCreateInstanceQRCodeVariants(t *testing.T) {
	base := `{"instance":{"instanceName":"sales","instanceId":"i","integration":"WHATSAPP-BAILEYS","status":"close"},"hash":"H"`
	tests := []struct {
		name string
		tail string
		want *QRCode
	}{
		{"pairing code set", `,"qrcode":{"pairingCode":"WZYEH1YY","code":"2@abc","base64":"data:image/png;base64,AA","count":2}}`,
			&QRCode{PairingCode: "WZYEH1YY", Code: "2@abc", Base64: "data:image/png;base64,AA", Count: 2}},
		{"pairing code null", `,"qrcode":{"pairingCode":null,"code":"2@abc","base64":"data:image/png;base64,AA","count":1}}`,
			&QRCode{Code: "2@abc", Base64: "data:image/png;base64,AA", Count: 1}},
		{"only a pairing code", `,"qrcode":{"pairingCode":"ABCD1234"}}`, &QRCode{PairingCode: "ABCD1234"}},
		{"no qrcode asked", `,"qrcode":{}}`, nil},
		{"count only", `,"qrcode":{"count":0}}`, nil},
		{"qrcode null", `,"qrcode":null}`, nil},
		{"qrcode absent", `}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, "", reply(201, base+tt.tail))
			res, err := c.CreateInstance(context.Background(), CreateRequest{InstanceName: "sales"})
			if err != nil {
				t.Fatal(err)
			}
			assertDeepEqual(t, "QRCode", res.QRCode, tt.want)
			if res.APIKey != "H" || res.Instance.Token != "H" {
				t.Errorf("APIKey = %q, Token = %q", res.APIKey, res.Instance.Token)
			}
			if res.Settings != nil {
				t.Errorf("Settings = %+v, want nil when the answer has none", res.Settings)
			}
		})
	}
}

func TestCreateInstanceSparseAnswer(t *testing.T) {
	// An answer without instanceName or integration falls back to what was
	// asked for, rather than recording an empty name.
	c, _ := newTestClient(t, "", reply(201, `{"instance":{"instanceId":"i"},"hash":""}`))
	res, err := c.CreateInstance(context.Background(), CreateRequest{InstanceName: "sales", Integration: IntegrationEvolution})
	if err != nil {
		t.Fatal(err)
	}
	if res.Instance.Name != "sales" || res.Instance.Integration != IntegrationEvolution || res.APIKey != "" {
		t.Errorf("result = %+v", res)
	}
}

func TestCreateInstanceNoHash(t *testing.T) {
	for _, body := range []string{
		`{"instance":{"instanceName":"sales","instanceId":"i","status":"close"}}`,
		`{"instance":{"instanceName":"sales","instanceId":"i","status":"close"},"hash":null}`,
		`{"instance":{"instanceName":"sales","instanceId":"i","status":"close"},"hash":{}}`,
	} {
		c, _ := newTestClient(t, "", reply(201, body))
		res, err := c.CreateInstance(context.Background(), CreateRequest{InstanceName: "sales"})
		if err != nil || res.APIKey != "" || res.Instance.Token != "" {
			t.Errorf("CreateInstance on %s = %+v, %v", body, res, err)
		}
	}
}

func TestCreateInstanceErrors(t *testing.T) {
	tests := []struct {
		status int
		body   string
		is     func(error) bool
		msg    string
	}{
		{403, `{"status":403,"error":"Forbidden","response":{"message":["This name \"sales\" is already in use."]}}`, IsForbidden, `already in use`},
		{400, `{"status":400,"error":"Bad Request","response":{"message":["Invalid integration"]}}`, IsBadRequest, "Invalid integration"},
		{401, `{"status":401,"error":"Unauthorized","response":{"message":"Unauthorized"}}`, IsUnauthorized, "Unauthorized"},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			c, _ := newTestClient(t, "", reply(tt.status, tt.body))
			res, err := c.CreateInstance(context.Background(), CreateRequest{InstanceName: "sales"})
			if res != nil || !tt.is(err) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("CreateInstance = %v, %v", res, err)
			}
		})
	}
}

func TestFetchInstancesV2(t *testing.T) {
	c, _ := newTestClient(t, "", reply(200, fixture(t, "fetch_v2.json")))
	got, err := c.FetchInstances(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	assertDeepEqual(t, "instances", got, []Instance{
		{
			Name:          "sales",
			ID:            "3f1c2a9e-5b7d-4c1e-9a0f-2b8c6d4e1a7f",
			Integration:   IntegrationBaileys,
			Status:        StateOpen,
			Number:        "5511999999999",
			OwnerJID:      "5511999999999@s.whatsapp.net",
			ProfileName:   "Sales Desk",
			ProfilePicURL: "https://pps.whatsapp.net/v/t61/abc.jpg",
			Token:         "7D3A1F0C-9B2E-4C5D-8E6F-0A1B2C3D4E5F",
			Settings: &Settings{
				RejectCall: true, MsgCall: "busy", GroupsIgnore: true, ReadMessages: true, SyncFullHistory: true,
			},
			IntegrationsListed: true,
			Streams: map[string]*Stream{
				StreamRabbitmq: nil, StreamNats: nil, StreamSqs: nil, StreamWebsocket: nil,
			},
		},
		{
			Name:        "support desk",
			ID:          "0b6e3d1c-2a4f-4e8b-9c7d-5f1a2b3c4d5e",
			Integration: IntegrationBusiness,
			Status:      StateClose,
			Token:       "B2C8E0A1-0000-4000-8000-000000000001",
		},
	})
}

func TestFetchInstancesV1(t *testing.T) {
	c, _ := newTestClient(t, "", reply(200, fixture(t, "fetch_v1.json")))
	got, err := c.FetchInstances(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	assertDeepEqual(t, "instances", got, []Instance{
		{
			Name:          "sales",
			ID:            "af6c5b7c-ee27-4f94-9ea8-192393746ddd",
			Integration:   IntegrationBaileys,
			Status:        StateOpen,
			OwnerJID:      "5511999999999@s.whatsapp.net",
			ProfileName:   "Sales Desk",
			ProfilePicURL: "https://pps.whatsapp.net/v/t61/abc.jpg",
			Token:         "123456",
		},
		{
			Name:        "teste-docs",
			ID:          "1e2d3c4b-0000-4000-8000-000000000002",
			Integration: IntegrationBusiness,
			Status:      StateClose,
			Token:       "654321",
		},
	})
}

func TestFetchInstancesEmpty(t *testing.T) {
	for _, body := range []string{`[]`, `null`, ``} {
		t.Run(fmt.Sprintf("%q", body), func(t *testing.T) {
			c, _ := newTestClient(t, "", reply(200, body))
			got, err := c.FetchInstances(context.Background())
			if err != nil || len(got) != 0 {
				t.Errorf("FetchInstances = %v, %v", got, err)
			}
		})
	}
}

func TestFetchInstancesErrors(t *testing.T) {
	c, _ := newTestClient(t, "", reply(401, `{"status":401,"error":"Unauthorized","response":{"message":"Unauthorized"}}`))
	got, err := c.FetchInstances(context.Background())
	if got != nil || !IsUnauthorized(err) {
		t.Errorf("FetchInstances = %v, %v", got, err)
	}
	for _, body := range []string{`{"not":"a list"`, `{"name":5}`, `[{"name":5}]`, `"a string"`, `5`, `[{"instance":"x"}]`} {
		c, _ = newTestClient(t, "", reply(200, body))
		if got, err := c.FetchInstances(context.Background()); err == nil || got != nil {
			t.Errorf("FetchInstances on %s = %v, %v; want a decoding error", body, got, err)
		}
	}
}

func TestFetchInstance(t *testing.T) {
	v2 := fixture(t, "fetch_v2.json")
	tests := []struct {
		name     string
		lookup   string
		status   int
		body     string
		wantName string
		wantNum  string
		wantSet  bool
		notFound bool
	}{
		{name: "v2 row with number and Setting", lookup: "sales", status: 200, body: v2,
			wantName: "sales", wantNum: "5511999999999", wantSet: true},
		{name: "v2 row with number null and Setting null", lookup: "support desk", status: 200, body: v2,
			wantName: "support desk"},
		{name: "v1 rows wrapped in instance", lookup: "teste-docs", status: 200, body: fixture(t, "fetch_v1.json"),
			wantName: "teste-docs"},
		{name: "v1 single object when filtered", lookup: "teste-docs", status: 200, body: fixture(t, "fetch_v1_filtered.json"),
			wantName: "teste-docs"},
		{name: "server ignores the filter and lists others", lookup: "ghost", status: 200, body: v2, notFound: true},
		{name: "v1 single object for another name", lookup: "sales", status: 200, body: fixture(t, "fetch_v1_filtered.json"), notFound: true},
		{name: "names compare exactly, case included", lookup: "Sales", status: 200, body: v2, notFound: true},
		{name: "names compare exactly, spaces included", lookup: "sales ", status: 200, body: v2, notFound: true},
		{name: "empty array", lookup: "sales", status: 200, body: `[]`, notFound: true},
		{name: "literal null", lookup: "sales", status: 200, body: `null`, notFound: true},
		{name: "server's 404", lookup: "sales", status: 404,
			body: `{"status":404,"error":"Not Found","response":{"message":["Instance \"sales\" not found"]}}`, notFound: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, "", reply(tt.status, tt.body))
			inst, err := c.FetchInstance(context.Background(), tt.lookup)
			if tt.notFound {
				if inst != nil || !IsNotFound(err) {
					t.Fatalf("FetchInstance = %+v, %v; want a not-found error", inst, err)
				}
				if !strings.Contains(err.Error(), tt.lookup) {
					t.Errorf("error %q does not name %q", err, tt.lookup)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if inst.Name != tt.wantName || inst.Number != tt.wantNum || (inst.Settings != nil) != tt.wantSet {
				t.Errorf("instance = %+v", inst)
			}
		})
	}

	t.Run("v1 filtered fields", func(t *testing.T) {
		c, _ := newTestClient(t, "", reply(200, fixture(t, "fetch_v1_filtered.json")))
		inst, err := c.FetchInstance(context.Background(), "teste-docs")
		if err != nil {
			t.Fatal(err)
		}
		assertDeepEqual(t, "instance", *inst, Instance{
			Name:        "teste-docs",
			ID:          "af6c5b7c-ee27-4f94-9ea8-192393746ddd",
			Integration: IntegrationBaileys,
			Status:      StateConnecting,
			OwnerJID:    "5511988887777@s.whatsapp.net",
			ProfileName: "Docs",
			Token:       "123456",
		})
	})

	t.Run("other errors pass through", func(t *testing.T) {
		c, _ := newTestClient(t, "", reply(500, `{"status":500,"error":"Internal Server Error","response":{"message":"db down"}}`))
		_, err := c.FetchInstance(context.Background(), "sales")
		if IsNotFound(err) || !strings.Contains(fmt.Sprint(err), "db down") {
			t.Errorf("error = %v", err)
		}
	})
}

func TestFindSettings(t *testing.T) {
	tests := []struct {
		name string
		body string
		want *Settings
	}{
		{"v2", `{"id":"s","rejectCall":true,"msgCall":"busy","groupsIgnore":false,"alwaysOnline":true,"readMessages":false,
			"readStatus":true,"syncFullHistory":true,"wavoipToken":"","createdAt":"2025-01-01T00:00:00Z","instanceId":"i"}`,
			&Settings{RejectCall: true, MsgCall: "busy", AlwaysOnline: true, ReadStatus: true, SyncFullHistory: true}},
		{"v1 snake_case", `{"reject_call":true,"msg_call":"ocupado","groups_ignore":true,"always_online":false,
			"read_messages":true,"read_status":false,"sync_full_history":false}`,
			&Settings{RejectCall: true, MsgCall: "ocupado", GroupsIgnore: true, ReadMessages: true}},
		{"camelCase wins over snake_case", `{"rejectCall":false,"reject_call":true,"msgCall":"a","msg_call":"b"}`,
			&Settings{MsgCall: "a"}},
		{"msgCall null", `{"rejectCall":true,"msgCall":null}`, &Settings{RejectCall: true}},
		{"empty object", `{}`, &Settings{}},
		{"literal null", `null`, nil},
		{"null with whitespace", " null\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, "", reply(200, tt.body))
			got, err := c.FindSettings(context.Background(), "x")
			if err != nil {
				t.Fatal(err)
			}
			assertDeepEqual(t, "settings", got, tt.want)
		})
	}
	t.Run("404", func(t *testing.T) {
		c, _ := newTestClient(t, "", reply(404, `{"status":404,"error":"Not Found","response":{"message":["The \"x\" instance does not exist"]}}`))
		got, err := c.FindSettings(context.Background(), "x")
		if got != nil || !IsNotFound(err) {
			t.Errorf("FindSettings = %v, %v", got, err)
		}
	})
}

func TestFindWebhook(t *testing.T) {
	tests := []struct {
		name string
		body string
		want *Webhook
	}{
		{"v2 row", fixture(t, "webhook_find_v2.json"), &Webhook{
			Enabled: true, URL: "https://hooks.example.com/wa",
			Headers:  map[string]string{"authorization": "Bearer x", "Content-Type": "application/json"},
			ByEvents: true, Events: []string{"MESSAGES_UPSERT", "CONNECTION_UPDATE"},
		}},
		{"v1 snake_case", fixture(t, "webhook_find_v1.json"), &Webhook{
			Enabled: true, URL: "https://hooks.example.com/wa", Headers: map[string]string{},
			ByEvents: true, Base64: true, Events: []string{"QRCODE_UPDATED", "NEW_JWT_TOKEN"},
		}},
		{"headers null", `{"url":"https://h","enabled":true,"headers":null,"events":[],"webhookByEvents":false,"webhookBase64":true}`,
			&Webhook{Enabled: true, URL: "https://h", Headers: map[string]string{}, Base64: true, Events: []string{}}},
		{"headers as a JSON string", `{"url":"https://h","enabled":true,"headers":"{\"authorization\":\"Bearer x\"}","events":["CALL"]}`,
			&Webhook{Enabled: true, URL: "https://h", Headers: map[string]string{"authorization": "Bearer x"}, Events: []string{"CALL"}}},
		{"headers as an empty JSON string", `{"url":"https://h","enabled":true,"headers":"","events":[]}`,
			&Webhook{Enabled: true, URL: "https://h", Headers: map[string]string{}, Events: []string{}}},
		{"headers as the JSON string null", `{"url":"https://h","enabled":true,"headers":"null","events":[]}`,
			&Webhook{Enabled: true, URL: "https://h", Headers: map[string]string{}, Events: []string{}}},
		{"header values that are not strings", `{"url":"https://h","enabled":true,"headers":{"x-n":5,"x-b":true,"x-null":null},"events":[]}`,
			&Webhook{Enabled: true, URL: "https://h", Headers: map[string]string{"x-n": "5", "x-b": "true", "x-null": ""}, Events: []string{}}},
		{"disabled, events null", `{"url":"https://old","enabled":false,"headers":{},"events":null}`,
			&Webhook{URL: "https://old", Headers: map[string]string{}, Events: []string{}}},
		{"byEvents/base64 spelling", `{"url":"https://h","enabled":true,"byEvents":true,"base64":true,"events":[]}`,
			&Webhook{Enabled: true, URL: "https://h", Headers: map[string]string{}, ByEvents: true, Base64: true, Events: []string{}}},
		{"wrapped in webhook", `{"webhook":{"url":"https://h","enabled":false,"webhookBase64":true,"events":["CALL"]}}`,
			&Webhook{URL: "https://h", Headers: map[string]string{}, Base64: true, Events: []string{"CALL"}}},
		{"literal null", `null`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, "", reply(200, tt.body))
			got, err := c.FindWebhook(context.Background(), "x")
			if err != nil {
				t.Fatal(err)
			}
			assertDeepEqual(t, "webhook", got, tt.want)
		})
	}

	for _, bad := range []string{`{"url":"https://h","headers":["a"]}`, `{"url":"https://h","headers":"not json"}`, `{"webhook":"x"}`} {
		t.Run("undecodable "+bad, func(t *testing.T) {
			c, _ := newTestClient(t, "", reply(200, bad))
			got, err := c.FindWebhook(context.Background(), "x")
			if got != nil || err == nil {
				t.Errorf("FindWebhook = %+v, %v; want an error", got, err)
			}
		})
	}
}

func TestConnect(t *testing.T) {
	tests := []struct {
		name string
		body string
		want ConnectResult
	}{
		{"QR code, pairing code null", `{"pairingCode":null,"code":"2@abc","base64":"data:image/png;base64,AA","count":1}`,
			ConnectResult{QRCode: &QRCode{Code: "2@abc", Base64: "data:image/png;base64,AA", Count: 1}}},
		{"QR code with pairing code", `{"pairingCode":"WZYEH1YY","code":"2@abc","base64":"data:image/png;base64,AA","count":3}`,
			ConnectResult{QRCode: &QRCode{PairingCode: "WZYEH1YY", Code: "2@abc", Base64: "data:image/png;base64,AA", Count: 3}}},
		{"already open", `{"instance":{"instanceName":"x","state":"open"}}`, ConnectResult{State: StateOpen}},
		{"nothing yet", `{"count":0}`, ConnectResult{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, "", reply(200, tt.body))
			got, err := c.Connect(context.Background(), "x", "")
			if err != nil {
				t.Fatal(err)
			}
			assertDeepEqual(t, "connect", *got, tt.want)
		})
	}
	t.Run("404", func(t *testing.T) {
		c, _ := newTestClient(t, "", reply(404, `{"status":404,"error":"Not Found","response":{"message":["The \"x\" instance does not exist"]}}`))
		got, err := c.Connect(context.Background(), "x", "")
		if got != nil || !IsNotFound(err) {
			t.Errorf("Connect = %v, %v", got, err)
		}
	})
}

func TestConnectionState(t *testing.T) {
	for _, state := range []string{StateOpen, StateClose, StateConnecting} {
		t.Run(state, func(t *testing.T) {
			c, _ := newTestClient(t, "", reply(200, `{"instance":{"instanceName":"x","state":"`+state+`"}}`))
			got, err := c.ConnectionState(context.Background(), "x")
			if err != nil || got != state {
				t.Errorf("ConnectionState = %q, %v", got, err)
			}
		})
	}
	for _, body := range []string{`{}`, `null`, `{"state":"open"}`} {
		t.Run("no instance in "+body, func(t *testing.T) {
			c, _ := newTestClient(t, "", reply(200, body))
			got, err := c.ConnectionState(context.Background(), "x")
			if err == nil || got != "" {
				t.Errorf("ConnectionState = %q, %v; want an error", got, err)
			}
		})
	}
	t.Run("404", func(t *testing.T) {
		c, _ := newTestClient(t, "", reply(404, `{"status":404,"error":"Not Found","response":{"message":["The \"x\" instance does not exist"]}}`))
		if _, err := c.ConnectionState(context.Background(), "x"); !IsNotFound(err) {
			t.Errorf("error = %v", err)
		}
	})
}

func TestLogoutNotConnected(t *testing.T) {
	c, _ := newTestClient(t, "", reply(400, `{"status":400,"error":"Bad Request","response":{"message":["The \"x\" instance is not connected"]}}`))
	err := c.Logout(context.Background(), "x")
	if !IsBadRequest(err) || !errors.Is(err, ErrNotConnected) {
		t.Errorf("error = %v, want a 400 that is ErrNotConnected", err)
	}
	if !strings.Contains(err.Error(), `The "x" instance is not connected`) {
		t.Errorf("error %q lost the server's message", err)
	}
}

// TestRestartFailureAnswers: restart reports its failures with 200 and
// {"error":true}, so a client that trusts the status calls a failed restart
// a success.
func TestRestartFailureAnswers(t *testing.T) {
	t.Run("not connected", func(t *testing.T) {
		c, _ := newTestClient(t, "", reply(200, `{"error":true,"message":"[object Object]"}`))
		if err := c.Restart(context.Background(), "x"); !errors.Is(err, ErrNotConnected) {
			t.Errorf("error = %v, want ErrNotConnected", err)
		}
	})
	t.Run("other failure", func(t *testing.T) {
		c, _ := newTestClient(t, "", reply(200, `{"error":true,"message":"socket hang up `+testKey+`"}`))
		err := c.Restart(context.Background(), "x")
		if err == nil || errors.Is(err, ErrNotConnected) || !strings.Contains(err.Error(), "socket hang up") {
			t.Fatalf("error = %v, want the server's message", err)
		}
		if strings.Contains(err.Error(), testKey) {
			t.Errorf("the key leaked into %q", err)
		}
	})
	t.Run("success answers", func(t *testing.T) {
		for _, body := range []string{
			`{"instance":{"instanceName":"x","state":"open"}}`,
			`{"pairingCode":null,"code":"2@abc","base64":"data:image/png;base64,AA==","count":1}`,
			`{"error":false}`,
		} {
			c, _ := newTestClient(t, "", reply(200, body))
			if err := c.Restart(context.Background(), "x"); err != nil {
				t.Errorf("%s: %v", body, err)
			}
		}
	})
}

// scripted answers the n-th request with answers[n], repeating the last.
func scripted(answers ...func(w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
	var n atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		answers[min(i, len(answers)-1)](w, r)
	}
}

// byRoute answers by route prefix; the prefixes must not overlap.
func byRoute(routes map[string]http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for prefix, h := range routes {
			if strings.HasPrefix(r.URL.Path, prefix) {
				h(w, r)
				return
			}
		}
		http.NotFound(w, r)
	}
}

const (
	deleted        = `{"status":"SUCCESS","error":false,"response":{"message":"Instance deleted"}}`
	loggedOut      = `{"status":"SUCCESS","error":false,"response":{"message":"Instance logged out"}}`
	needDisconnect = `{"status":400,"error":"Bad Request","response":{"message":["The \"x\" instance needs to be disconnected"]}}`
	notConnected   = `{"status":400,"error":"Bad Request","response":{"message":["The \"x\" instance is not connected"]}}`
	instanceGone   = `{"status":404,"error":"Not Found","response":{"message":["The \"x\" instance does not exist"]}}`
)

func TestDeleteInstance(t *testing.T) {
	const del, logout = "DELETE /instance/delete/x", "DELETE /instance/logout/x"
	tests := []struct {
		name      string
		handler   http.HandlerFunc
		wantCalls []string
		check     func(t *testing.T, err error)
	}{
		{
			name:      "200",
			handler:   reply(200, deleted),
			wantCalls: []string{del},
			check:     noError,
		},
		{
			name:      "404 is surfaced as not found",
			handler:   reply(404, instanceGone),
			wantCalls: []string{del},
			check: func(t *testing.T, err error) {
				if !IsNotFound(err) {
					t.Errorf("error = %v, want IsNotFound", err)
				}
			},
		},
		{
			name: "old server: logout then delete again",
			handler: byRoute(map[string]http.HandlerFunc{
				"/instance/delete/": scripted(reply(400, needDisconnect), reply(200, deleted)),
				"/instance/logout/": reply(200, loggedOut),
			}),
			wantCalls: []string{del, logout, del},
			check:     noError,
		},
		{
			name: "old server: logout says not connected, delete still retried",
			handler: byRoute(map[string]http.HandlerFunc{
				"/instance/delete/": scripted(reply(400, needDisconnect), reply(200, deleted)),
				"/instance/logout/": reply(400, notConnected),
			}),
			wantCalls: []string{del, logout, del},
			check:     noError,
		},
		{
			name: "old server: logout fails, both errors reported, no second delete",
			handler: byRoute(map[string]http.HandlerFunc{
				"/instance/delete/": reply(400, needDisconnect),
				"/instance/logout/": reply(500, `{"status":500,"error":"Internal Server Error","response":{"message":"socket hang up"}}`),
			}),
			wantCalls: []string{del, logout},
			check: func(t *testing.T, err error) {
				if err == nil || !strings.Contains(err.Error(), "needs to be disconnected") || !strings.Contains(err.Error(), "socket hang up") {
					t.Errorf("error = %v, want both messages", err)
				}
			},
		},
		{
			name: "old server: second delete fails too, no loop",
			handler: byRoute(map[string]http.HandlerFunc{
				"/instance/delete/": reply(400, needDisconnect),
				"/instance/logout/": reply(200, loggedOut),
			}),
			wantCalls: []string{del, logout, del},
			check: func(t *testing.T, err error) {
				if !IsBadRequest(err) {
					t.Errorf("error = %v, want the second delete's 400", err)
				}
			},
		},
		{
			name: "old server: instance gone after logout",
			handler: byRoute(map[string]http.HandlerFunc{
				"/instance/delete/": scripted(reply(400, needDisconnect), reply(404, instanceGone)),
				"/instance/logout/": reply(200, loggedOut),
			}),
			wantCalls: []string{del, logout, del},
			check: func(t *testing.T, err error) {
				if !IsNotFound(err) {
					t.Errorf("error = %v, want IsNotFound", err)
				}
			},
		},
		{
			name:      "other 400 is not retried",
			handler:   reply(400, `{"status":400,"error":"Bad Request","response":{"message":["something else"]}}`),
			wantCalls: []string{del},
			check: func(t *testing.T, err error) {
				if !IsBadRequest(err) || !strings.Contains(err.Error(), "something else") {
					t.Errorf("error = %v", err)
				}
			},
		},
		{
			name:      "a non-400 mentioning disconnect is not retried",
			handler:   reply(500, `{"status":500,"error":"Internal Server Error","response":{"message":"disconnected from database"}}`),
			wantCalls: []string{del},
			check: func(t *testing.T, err error) {
				if err == nil {
					t.Error("no error")
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := newTestClient(t, "", tt.handler)
			err := c.DeleteInstance(context.Background(), "x")
			tt.check(t, err)
			assertDeepEqual(t, "calls", rec.calls(), tt.wantCalls)
		})
	}
}

func noError(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("error = %v", err)
	}
}

func fetchRow(name string) http.HandlerFunc {
	b, _ := json.Marshal([]map[string]any{{"name": name, "connectionStatus": "close"}})
	return reply(200, string(b))
}

func TestWaitForDeletion(t *testing.T) {
	tests := []struct {
		name      string
		answers   []http.HandlerFunc
		wantPolls int
	}{
		{"gone at once", []http.HandlerFunc{reply(404, `{"status":404,"error":"Not Found","response":{"message":["Instance \"x\" not found"]}}`)}, 1},
		{"listed three times, then 404", []http.HandlerFunc{fetchRow("x"), fetchRow("x"), fetchRow("x"), reply(404, instanceGone)}, 4},
		{"transient errors are tolerated", []http.HandlerFunc{
			fetchRow("x"), reply(500, `{"status":500,"error":"Internal Server Error","response":{"message":"boom"}}`),
			reply(502, `<html>bad gateway</html>`), fetchRow("x"), reply(404, instanceGone),
		}, 5},
		{"an empty list counts as gone", []http.HandlerFunc{fetchRow("x"), reply(200, `[]`)}, 2},
		{"another instance listed counts as gone", []http.HandlerFunc{fetchRow("x"), fetchRow("y")}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fns []func(http.ResponseWriter, *http.Request)
			for _, a := range tt.answers {
				fns = append(fns, a)
			}
			c, rec := newTestClient(t, "", scripted(fns...))
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if err := c.WaitForDeletion(ctx, "x", time.Millisecond); err != nil {
				t.Fatalf("WaitForDeletion: %v", err)
			}
			reqs := rec.requests()
			if len(reqs) != tt.wantPolls {
				t.Errorf("polls = %d, want %d: %v", len(reqs), tt.wantPolls, rec.calls())
			}
			for _, r := range reqs {
				if r.Method != "GET" || r.Path != "/instance/fetchInstances" || r.query("instanceName") != "x" {
					t.Errorf("poll = %s %s?%s", r.Method, r.Path, r.RawQuery)
				}
			}
		})
	}
}

func TestWaitForDeletionDeadline(t *testing.T) {
	tests := []struct {
		name    string
		maxPoll time.Duration
		answer  http.HandlerFunc
		timeout time.Duration
		// maxPolls follows from the sleeps: each is at least
		// min(200ms, maxPoll), and timers never fire early.
		maxPolls int
	}{
		{"never deleted", 10 * time.Millisecond, fetchRow("x"), 200 * time.Millisecond, 200/10 + 1},
		{"server keeps failing", 10 * time.Millisecond, reply(500, `{}`), 200 * time.Millisecond, 200/10 + 1},
		// A zero cap must not turn the wait into a busy loop.
		{"zero maxPoll", 0, fetchRow("x"), 300 * time.Millisecond, 300/200 + 1},
		{"negative maxPoll", -time.Second, fetchRow("x"), 300 * time.Millisecond, 300/200 + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := newTestClient(t, "", tt.answer)
			ctx, cancel := context.WithTimeout(context.Background(), tt.timeout)
			defer cancel()
			err := within(t, func() error { return c.WaitForDeletion(ctx, "x", tt.maxPoll) })
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("error = %v, want one wrapping context.DeadlineExceeded", err)
			}
			if !strings.Contains(err.Error(), `"x"`) {
				t.Errorf("error %q does not name the instance", err)
			}
			n := len(rec.requests())
			if n < 1 || n > tt.maxPolls {
				t.Errorf("polls = %d, want between 1 and %d", n, tt.maxPolls)
			}
		})
	}

	t.Run("cancelled", func(t *testing.T) {
		c, _ := newTestClient(t, "", fetchRow("x"))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := c.WaitForDeletion(ctx, "x", time.Millisecond); !errors.Is(err, context.Canceled) {
			t.Errorf("error = %v, want context.Canceled", err)
		}
	})
}

// A wait with a long cap must not sleep the whole cap before its first
// re-poll: the first delay is short.
func TestWaitForDeletionFirstDelayIsShort(t *testing.T) {
	c, rec := newTestClient(t, "", scripted(fetchRow("x"), reply(404, instanceGone)))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := within(t, func() error { return c.WaitForDeletion(ctx, "x", time.Hour) }); err != nil {
		t.Fatal(err)
	}
	if n := len(rec.requests()); n != 2 {
		t.Errorf("polls = %d, want 2", n)
	}
}
