package emulator

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var (
	upperUUID = regexp.MustCompile(`^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$`)
	lowerUUID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
)

func TestCreateAnswerShape(t *testing.T) {
	e := newEnv(t, Options{})
	ans := e.create("sales", map[string]any{
		"rejectCall": true, "msgCall": "busy", "groupsIgnore": true, "alwaysOnline": true,
		"readMessages": true, "readStatus": true, "syncFullHistory": false,
	})
	if got, want := keys(ans), []string{"hash", "instance", "nats", "rabbitmq", "settings", "sqs", "webhook", "websocket"}; !slices.Equal(got, want) {
		t.Fatalf("keys %v, want %v (no qrcode key without qrcode:true)", got, want)
	}
	inst := ans["instance"].(map[string]any)
	if got, want := keys(inst), []string{"accessTokenWaBusiness", "instanceId", "instanceName", "integration", "status", "webhookWaBusiness"}; !slices.Equal(got, want) {
		t.Fatalf("instance keys %v", got)
	}
	if inst["instanceName"] != "sales" || inst["integration"] != IntegrationBaileys || inst["status"] != "close" ||
		inst["webhookWaBusiness"] != nil || inst["accessTokenWaBusiness"] != "" {
		t.Fatalf("instance %v", inst)
	}
	if !lowerUUID.MatchString(inst["instanceId"].(string)) {
		t.Fatalf("instanceId %v is not a uuid", inst["instanceId"])
	}
	hash, _ := ans["hash"].(string)
	if !upperUUID.MatchString(hash) {
		t.Fatalf("hash %q is not an upper-case uuid", hash)
	}
	if len(ans["webhook"].(map[string]any)) != 0 {
		t.Fatalf("webhook should be {} without one: %v", ans["webhook"])
	}
	wantSettings := map[string]any{
		"rejectCall": true, "msgCall": "busy", "groupsIgnore": true, "alwaysOnline": true,
		"readMessages": true, "readStatus": true, "syncFullHistory": false, "wavoipToken": "",
	}
	if got := ans["settings"].(map[string]any); !mapsEqual(got, wantSettings) {
		t.Fatalf("settings %v", got)
	}
	snap, _ := e.srv.Instance("sales")
	if snap.Token != hash || snap.ID != inst["instanceId"] || snap.Status != StateClose || snap.Webhook != nil {
		t.Fatalf("stored %+v", snap)
	}
}

func TestCreateDefaultsAndToken(t *testing.T) {
	e := newEnv(t, Options{})
	ans := e.create("plain", map[string]any{"token": "my-own-key", "number": "5511999999999"})
	if ans["hash"] != "my-own-key" {
		t.Fatalf("hash %v, want the token", ans["hash"])
	}
	want := map[string]any{
		"rejectCall": false, "msgCall": "", "groupsIgnore": false, "alwaysOnline": false,
		"readMessages": false, "readStatus": false, "syncFullHistory": false, "wavoipToken": "",
	}
	if got := ans["settings"].(map[string]any); !mapsEqual(got, want) {
		t.Fatalf("settings %v", got)
	}
	e.do("GET", "/instance/connectionState/plain", "my-own-key", nil).wantStatus(t, http.StatusOK)
	// An empty token is falsy in Evolution: a key is generated.
	if h := e.create("empty-token", map[string]any{"token": ""})["hash"].(string); !upperUUID.MatchString(h) {
		t.Fatalf("hash %q", h)
	}
}

func TestCreateWithQRCode(t *testing.T) {
	e := newEnv(t, Options{})
	tests := []struct {
		name, number string
		wantPairing  bool
	}{
		{"qr-number", "5511999999999", true},
		{"qr-only", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			extra := map[string]any{"qrcode": true}
			if tt.number != "" {
				extra["number"] = tt.number
			}
			ans := e.create(tt.name, extra)
			if ans["instance"].(map[string]any)["status"] != StateConnecting {
				t.Fatalf("status %v", ans["instance"])
			}
			checkQR(t, ans["qrcode"], tt.wantPairing)
		})
	}
	t.Run("only Baileys makes a QR", func(t *testing.T) {
		ans := e.create("evo", map[string]any{"integration": IntegrationEvolution, "qrcode": true})
		if _, ok := ans["qrcode"]; ok {
			t.Fatalf("qrcode for EVOLUTION: %v", ans)
		}
	})
}

// checkQR checks a {pairingCode, code, base64, count} object.
func checkQR(t *testing.T, v any, wantPairing bool) {
	t.Helper()
	qr, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("qrcode is %T %v", v, v)
	}
	if got := keys(qr); !slices.Equal(got, []string{"base64", "code", "count", "pairingCode"}) {
		t.Fatalf("qrcode keys %v", got)
	}
	pc, _ := qr["pairingCode"].(string)
	if wantPairing != (pc != "") || (wantPairing && !regexp.MustCompile(`^[A-Z0-9]{8}$`).MatchString(pc)) {
		t.Fatalf("pairingCode %v (want one: %v)", qr["pairingCode"], wantPairing)
	}
	if !wantPairing && qr["pairingCode"] != nil {
		t.Fatalf("pairingCode should be null: %v", qr["pairingCode"])
	}
	if code, _ := qr["code"].(string); !strings.HasPrefix(code, "2@") {
		t.Fatalf("code %v", qr["code"])
	}
	if qr["count"] != float64(1) {
		t.Fatalf("count %v", qr["count"])
	}
	uri, _ := qr["base64"].(string)
	data, ok := strings.CutPrefix(uri, "data:image/png;base64,")
	if !ok {
		t.Fatalf("base64 %.40q is not a PNG data URI", uri)
	}
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(raw)); err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
}

func TestCreateOtherIntegrations(t *testing.T) {
	e := newEnv(t, Options{})
	ans := e.create("meta", map[string]any{"integration": IntegrationBusiness, "token": "meta-token", "number": "123456789"})
	inst := ans["instance"].(map[string]any)
	if inst["status"] != StateOpen || inst["integration"] != IntegrationBusiness {
		t.Fatalf("instance %v", inst)
	}
	if u, _ := inst["webhookWaBusiness"].(string); !strings.HasSuffix(u, "/webhook/meta") {
		t.Fatalf("webhookWaBusiness %v", inst["webhookWaBusiness"])
	}
	if inst["accessTokenWaBusiness"] == "" {
		t.Fatal("accessTokenWaBusiness empty")
	}
	if e.create("evo", map[string]any{"integration": IntegrationEvolution})["instance"].(map[string]any)["status"] != StateOpen {
		t.Fatal("EVOLUTION should start open")
	}
}

func TestCreateWebhook(t *testing.T) {
	e := newEnv(t, Options{})
	ans := e.create("hooked", map[string]any{"webhook": map[string]any{
		"url": "https://hooks.example.com/wa", "byEvents": false, "base64": true,
		"headers": map[string]any{"authorization": "Bearer x"},
		"events":  []string{"MESSAGES_UPSERT", "CONNECTION_UPDATE"},
	}})
	echo := ans["webhook"].(map[string]any)
	want := map[string]any{
		"webhookUrl": "https://hooks.example.com/wa", "webhookByEvents": false, "webhookBase64": true,
		"webhookHeaders": map[string]any{"authorization": "Bearer x"},
	}
	if !mapsEqual(echo, want) {
		t.Fatalf("webhook echo %v", echo)
	}
	r := e.do("GET", "/webhook/find/hooked", globalKey, nil)
	row := r.obj(t)
	if row["enabled"] != true || row["webhookBase64"] != true || row["webhookByEvents"] != false ||
		!slices.Equal(toStrings(row["events"]), []string{"MESSAGES_UPSERT", "CONNECTION_UPDATE"}) {
		t.Fatalf("stored webhook %s", r.body)
	}

	t.Run("events [] means every event", func(t *testing.T) {
		e.create("all", map[string]any{"webhook": map[string]any{"url": "http://localhost:9000/x", "events": []string{}}})
		snap, _ := e.srv.Instance("all")
		if !slices.Equal(snap.Webhook.Events, AllEvents) || snap.Webhook.Headers != nil {
			t.Fatalf("webhook %+v", snap.Webhook)
		}
	})
}

func TestCreateRejects(t *testing.T) {
	long := strings.Repeat("k", 256)
	tests := []struct {
		name string
		body map[string]any
		want string
	}{
		{"missing integration", map[string]any{"instanceName": "x"},
			`{"status":400,"error":"Bad Request","response":{"message":["Invalid integration"]}}`},
		{"unknown integration", map[string]any{"instanceName": "x", "integration": "WHATSAPP"},
			`{"status":400,"error":"Bad Request","response":{"message":["Invalid integration"]}}`},
		{"number with plus", map[string]any{"instanceName": "x", "integration": IntegrationBaileys, "number": "+5511999999999"},
			`{"status":400,"error":"Bad Request","response":{"message":[["number does not match pattern \"^\\\\d+[\\\\.@\\\\w-]+\""]]}}`},
		{"one-digit number", map[string]any{"instanceName": "x", "integration": IntegrationBaileys, "number": "5"},
			`{"status":400,"error":"Bad Request","response":{"message":[["number does not match pattern \"^\\\\d+[\\\\.@\\\\w-]+\""]]}}`},
		{"wrong types", map[string]any{"instanceName": "x", "integration": IntegrationBaileys, "rejectCall": "yes", "msgCall": 1, "qrcode": "true"},
			`{"status":400,"error":"Bad Request","response":{"message":[["qrcode is not of a type(s) boolean","rejectCall is not of a type(s) boolean","msgCall is not of a type(s) string"]]}}`},
		{"no name", map[string]any{"integration": IntegrationBaileys}, settingsFKFailed},
		{"empty name", map[string]any{"instanceName": "", "integration": IntegrationBaileys},
			`{"status":400,"error":"Bad Request","response":{"message":[["The \"instanceName\" cannot be empty"]]}}`},
		{"token too long", map[string]any{"instanceName": "x", "integration": IntegrationBaileys, "token": long}, settingsFKFailed},
		{"business without token", map[string]any{"instanceName": "x", "integration": IntegrationBusiness, "number": "123"},
			`{"status":400,"error":"Bad Request","response":{"message":["token is required"]}}`},
		{"business without number", map[string]any{"instanceName": "x", "integration": IntegrationBusiness, "token": "t"},
			`{"status":400,"error":"Bad Request","response":{"message":["number is required"]}}`},
		{"webhook without events", map[string]any{"instanceName": "x", "integration": IntegrationBaileys, "webhook": map[string]any{"url": "https://h.example/x"}},
			`{"status":400,"error":"Bad Request","response":{"message":["Cannot read properties of undefined (reading 'length')"]}}`},
		{"webhook with null events", map[string]any{"instanceName": "x", "integration": IntegrationBaileys, "webhook": map[string]any{"url": "https://h.example/x", "events": nil}},
			`{"status":400,"error":"Bad Request","response":{"message":["Cannot read properties of null (reading 'length')"]}}`},
		{"webhook with a bad url", map[string]any{"instanceName": "x", "integration": IntegrationBaileys, "webhook": map[string]any{"url": "hooks.example.com", "events": []string{}}},
			`{"status":400,"error":"Bad Request","response":{"message":["Invalid \"url\" property"]}}`},
		{"webhook that is not an object", map[string]any{"instanceName": "x", "integration": IntegrationBaileys, "webhook": "https://h.example/x"},
			`{"status":400,"error":"Bad Request","response":{"message":[["webhook is not of a type(s) object"]]}}`},
		{"webhook with an unknown event", map[string]any{"instanceName": "x", "integration": IntegrationBaileys, "webhook": map[string]any{"url": "https://h.example/x", "events": []string{"CALL", "NEW_JWT_TOKEN"}}},
			`{"status":400,"error":"Bad Request","response":{"message":[["` + enumMessage("webhook.events[1]") + `"]]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, Options{})
			e.do("POST", "/instance/create", globalKey, tt.body).wantJSON(t, http.StatusBadRequest, tt.want)
			if names := e.srv.Names(); len(names) != 0 {
				t.Fatalf("a failed create left %v stored", names)
			}
		})
	}
}

func mapsEqual(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok {
			return false
		}
		if am, ok := v.(map[string]any); ok {
			bm, ok := w.(map[string]any)
			if !ok || !mapsEqual(am, bm) {
				return false
			}
			continue
		}
		if v != w {
			return false
		}
	}
	return true
}

func toStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, item := range list {
		s, _ := item.(string)
		out = append(out, s)
	}
	return out
}
