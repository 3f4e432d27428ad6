package emulator

import (
	"net/http"
	"slices"
	"testing"
)

func hook(fields ...any) map[string]any {
	return map[string]any{"webhook": with(map[string]any{}, fields...)}
}

func TestWebhookFindIsNullUntilSet(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("w", nil)
	r := e.do("GET", "/webhook/find/w", globalKey, nil)
	if r.status != http.StatusOK || string(r.body) != "null" {
		t.Fatalf("%d %s", r.status, r.body)
	}
}

func TestWebhookSetRow(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("w", nil)
	r := e.do("POST", "/webhook/set/w", globalKey, hook("enabled", true, "url", "https://h.example/a", "events", []string{"CALL"}))
	r.wantStatus(t, http.StatusCreated)
	row := r.obj(t)
	if got := keys(row); !slices.Equal(got, []string{"createdAt", "enabled", "events", "headers", "id", "instanceId",
		"updatedAt", "url", "webhookBase64", "webhookByEvents"}) {
		t.Fatalf("row keys %v", got)
	}
	snap, _ := e.srv.Instance("w")
	// A first set without headers/byEvents/base64 stores null/false/false.
	if row["headers"] != nil || row["webhookByEvents"] != false || row["webhookBase64"] != false ||
		row["enabled"] != true || row["url"] != "https://h.example/a" || row["instanceId"] != snap.ID {
		t.Fatalf("row %s", r.body)
	}
	find := e.do("GET", "/webhook/find/w", globalKey, nil)
	if string(find.body) != string(r.body) {
		t.Fatalf("find %s\n set %s", find.body, r.body)
	}
}

func TestWebhookUpsert(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("w", map[string]any{"webhook": map[string]any{
		"url": "https://h.example/a", "byEvents": true, "base64": true,
		"headers": map[string]any{"authorization": "Bearer secret"}, "events": []string{"CALL"},
	}})
	get := func() *Webhook {
		t.Helper()
		snap, _ := e.srv.Instance("w")
		return snap.Webhook
	}

	// Fields left out keep their stored value.
	e.do("POST", "/webhook/set/w", globalKey, hook("enabled", true, "url", "https://h.example/b", "events", []string{"MESSAGES_UPSERT"})).
		wantStatus(t, http.StatusCreated)
	wh := get()
	if !wh.ByEvents || !wh.Base64 || wh.Headers["authorization"] != "Bearer secret" || wh.URL != "https://h.example/b" ||
		!slices.Equal(wh.Events, []string{"MESSAGES_UPSERT"}) {
		t.Fatalf("after partial set %+v", wh)
	}

	// headers {} clears; explicit false overwrites.
	e.do("POST", "/webhook/set/w", globalKey, hook("enabled", true, "url", "https://h.example/b", "events", []string{}, "headers", map[string]any{}, "byEvents", false, "base64", false)).
		wantStatus(t, http.StatusCreated)
	wh = get()
	if wh.Headers == nil || len(wh.Headers) != 0 || wh.ByEvents || wh.Base64 || !slices.Equal(wh.Events, AllEvents) {
		t.Fatalf("after clearing %+v", wh)
	}
	if row := e.do("GET", "/webhook/find/w", globalKey, nil).obj(t); row["headers"] == nil || len(row["headers"].(map[string]any)) != 0 {
		t.Fatalf("headers should be {}: %v", row["headers"])
	}

	// Disabling stores events [] whatever was sent.
	r := e.do("POST", "/webhook/set/w", globalKey, hook("enabled", false, "url", "https://h.example/b", "events", []string{"CALL"}))
	r.wantStatus(t, http.StatusCreated)
	if ev := r.obj(t)["events"].([]any); len(ev) != 0 || get().Enabled {
		t.Fatalf("disabled webhook %s", r.body)
	}
	// Disabling needs no events at all.
	e.do("POST", "/webhook/set/w", globalKey, hook("enabled", false, "url", "https://h.example/b")).wantStatus(t, http.StatusCreated)
}

func TestWebhookEmptyEvents(t *testing.T) {
	tests := []struct {
		name    string
		literal bool
		want    []string
	}{
		{"expanded like Evolution", false, AllEvents},
		{"kept literally on request", true, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, Options{LiteralEmptyEvents: tt.literal})
			e.create("w", nil)
			r := e.do("POST", "/webhook/set/w", globalKey, hook("enabled", true, "url", "http://localhost/x", "events", []string{}))
			r.wantStatus(t, http.StatusCreated)
			if got := toStrings(r.obj(t)["events"]); !slices.Equal(got, tt.want) {
				t.Fatalf("events %v", got)
			}
		})
	}
}

func TestWebhookValidation(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("w", nil)
	schema := func(msgs string) string {
		return `{"status":400,"error":"Bad Request","response":{"message":[[` + msgs + `]]}}`
	}
	tests := []struct {
		name   string
		body   any
		status int
		want   string
	}{
		{"no webhook key", map[string]any{"enabled": true, "url": "https://h.example"}, 400,
			schema(`"instance requires property \"webhook\""`)},
		{"enabled and url required", hook("events", []string{}), 400,
			schema(`"webhook requires property \"enabled\"","webhook requires property \"url\""`)},
		{"empty url", hook("enabled", true, "url", "", "events", []string{}), 400,
			schema(`"The \"url\" cannot be empty"`)},
		{"types", hook("enabled", "yes", "url", "https://h.example", "headers", []string{}, "byEvents", 1, "base64", nil), 400,
			schema(`"webhook.enabled is not of a type(s) boolean","webhook.headers is not of a type(s) object","webhook.byEvents is not of a type(s) boolean","webhook.base64 is not of a type(s) boolean"`)},
		{"unknown event", hook("enabled", true, "url", "https://h.example", "events", []string{"MESSAGES_UPSERT", "NOT_AN_EVENT"}), 400,
			schema(`"` + enumMessage("webhook.events[1]") + `"`)},
		{"event not a string", hook("enabled", true, "url", "https://h.example", "events", []any{1}), 400,
			schema(`"webhook.events[0] is not of a type(s) string","` + enumMessage("webhook.events[0]") + `"`)},
		{"null events fail the schema", hook("enabled", true, "url", "https://h.example", "events", nil), 400,
			schema(`"webhook.events is not of a type(s) array"`)},
		{"url without scheme", hook("enabled", true, "url", "h.example/x", "events", []string{}), 400,
			`{"status":400,"error":"Bad Request","response":{"message":["Invalid \"url\" property"]}}`},
		{"enabled without events is an uncaught TypeError", hook("enabled", true, "url", "https://h.example"), 500,
			`{"status":500,"error":"Internal Server Error","response":{"message":"Cannot read properties of undefined (reading 'length')"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.do("POST", "/webhook/set/w", globalKey, tt.body).wantJSON(t, tt.status, tt.want)
		})
	}
	if snap, _ := e.srv.Instance("w"); snap.Webhook != nil {
		t.Fatalf("a rejected set stored %+v", snap.Webhook)
	}
}

func TestSetWebhookOutOfBand(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("w", nil)
	err := e.srv.SetWebhook("w", func(wh *Webhook) {
		*wh = Webhook{Enabled: true, URL: "https://elsewhere.example", Headers: map[string]string{"x": "y"}, Events: []string{"CALL"}}
	})
	if err != nil {
		t.Fatal(err)
	}
	row := e.do("GET", "/webhook/find/w", globalKey, nil).obj(t)
	if row["url"] != "https://elsewhere.example" || row["headers"].(map[string]any)["x"] != "y" {
		t.Fatalf("row %v", row)
	}
	if err := e.srv.SetWebhook("w", func(wh *Webhook) { wh.Enabled = false; wh.Events = nil }); err != nil {
		t.Fatal(err)
	}
	if row := e.do("GET", "/webhook/find/w", globalKey, nil).obj(t); row["enabled"] != false || len(row["events"].([]any)) != 0 || row["url"] != "https://elsewhere.example" {
		t.Fatalf("row %v", row)
	}
	if err := e.srv.SetWebhook("ghost", func(*Webhook) {}); err == nil {
		t.Fatal("SetWebhook of an unknown instance")
	}
}
