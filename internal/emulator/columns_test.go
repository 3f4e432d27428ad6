package emulator

import (
	"net/http"
	"strings"
	"testing"
)

// The answers of Evolution when the database refuses a write (see
// columns.go): 400 with Prisma's message on create, 500 on the set routes.
const (
	settingsFKFailed = `{"status":400,"error":"Bad Request","response":{"message":["\nInvalid ` + "`this.prismaRepository.setting.upsert()`" +
		` invocation:\n\n\nForeign key constraint violated: ` + "`Setting_instanceId_fkey (index)`" + `"]}}`
	webhookFKFailed = `{"status":400,"error":"Bad Request","response":{"message":["\nInvalid ` + "`this.prismaRepository.webhook.upsert()`" +
		` invocation:\n\n\nForeign key constraint violated: ` + "`Webhook_instanceId_fkey (index)`" + `"]}}`
)

func tooLongAnswer(status int, call, column string) string {
	reason := "Bad Request"
	if status == http.StatusInternalServerError {
		reason = "Internal Server Error"
		return `{"status":500,"error":"` + reason + `","response":{"message":"\nInvalid ` + "`this.prismaRepository." + call + "()`" +
			` invocation:\n\n\nThe provided value for the column is too long for the column's type. Column: ` + column + `"}}`
	}
	return `{"status":400,"error":"` + reason + `","response":{"message":["\nInvalid ` + "`this.prismaRepository." + call + "()`" +
		` invocation:\n\n\nThe provided value for the column is too long for the column's type. Column: ` + column + `"]}}`
}

// A create body without instanceName: Evolution's name guard filters on
// undefined, which matches every row.
func TestCreateWithoutInstanceName(t *testing.T) {
	e := newEnv(t, Options{})
	body := map[string]any{"integration": IntegrationBaileys}
	// On an empty server the create goes on, and fails at its first write
	// that needs the instance row.
	e.do("POST", "/instance/create", globalKey, body).wantJSON(t, http.StatusBadRequest, settingsFKFailed)
	e.do("POST", "/instance/create", globalKey, map[string]any{"integration": IntegrationBaileys,
		"webhook": map[string]any{"url": "https://h.example/x", "events": []string{}}}).wantJSON(t, http.StatusBadRequest, webhookFKFailed)
	if names := e.srv.Names(); len(names) != 0 {
		t.Fatalf("stored %v", names)
	}
	e.create("first", nil)
	want := `{"status":403,"error":"Forbidden","response":{"message":["This name \"undefined\" is already in use."]}}`
	e.do("POST", "/instance/create", globalKey, body).wantJSON(t, http.StatusForbidden, want)
	// The guard runs before the key is checked.
	e.do("POST", "/instance/create", "wrong-key", body).wantJSON(t, http.StatusForbidden, want)
}

func TestColumnLimitsAtCreate(t *testing.T) {
	// Characters, not bytes: é is two bytes.
	chars := func(n int) string { return strings.Repeat("é", n) }
	hook := func(url string) map[string]any {
		return map[string]any{"url": url, "events": []string{}}
	}
	longURL := "https://h.example/" + strings.Repeat("p", maxWebhookURLLen-len("https://h.example/")+1)
	fits := []struct {
		what string
		name string
		body map[string]any
	}{
		{"name of 255 characters", chars(255), nil},
		{"token of 255 characters", "t", map[string]any{"token": strings.Repeat("k", 255)}},
		{"msgCall of 100 characters", "m", map[string]any{"msgCall": chars(100)}},
		{"wavoipToken of 100 characters", "w", map[string]any{"wavoipToken": chars(100)}},
		{"webhook url of 500 characters", "u", map[string]any{"webhook": hook(longURL[:len(longURL)-1])}},
	}
	for _, tt := range fits {
		t.Run(tt.what, func(t *testing.T) {
			e := newEnv(t, Options{})
			e.create(tt.name, tt.body)
		})
	}
	refused := []struct {
		what string
		body map[string]any
		want string
	}{
		{"name of 256 characters", map[string]any{"instanceName": chars(256)}, settingsFKFailed},
		{"name of 256 characters with a webhook", map[string]any{"instanceName": chars(256), "webhook": hook("https://h.example/x")}, webhookFKFailed},
		{"token of 256 characters", map[string]any{"instanceName": "x", "token": strings.Repeat("k", 256)}, settingsFKFailed},
		{"msgCall of 101 characters", map[string]any{"instanceName": "x", "msgCall": chars(101)}, tooLongAnswer(400, "setting.upsert", "msgCall")},
		{"wavoipToken of 101 characters", map[string]any{"instanceName": "x", "wavoipToken": chars(101)}, tooLongAnswer(400, "setting.upsert", "wavoipToken")},
		{"webhook url of 501 characters", map[string]any{"instanceName": "x", "webhook": hook(longURL)}, tooLongAnswer(400, "webhook.upsert", "url")},
	}
	for _, tt := range refused {
		t.Run(tt.what, func(t *testing.T) {
			e := newEnv(t, Options{})
			tt.body["integration"] = IntegrationBaileys
			e.do("POST", "/instance/create", globalKey, tt.body).wantJSON(t, http.StatusBadRequest, tt.want)
			if names := e.srv.Names(); len(names) != 0 {
				t.Fatalf("the half-made instance was kept: %v", names)
			}
		})
	}
}

func TestColumnLimitsOnTheSetRoutes(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("x", map[string]any{"msgCall": "busy", "webhook": map[string]any{"url": "https://h.example/x", "events": []string{}}})
	settings := map[string]any{"rejectCall": true, "groupsIgnore": false, "alwaysOnline": false, "readMessages": false,
		"readStatus": false, "syncFullHistory": false, "msgCall": strings.Repeat("é", 101)}
	e.do("POST", "/settings/set/x", globalKey, settings).wantJSON(t, http.StatusInternalServerError, tooLongAnswer(500, "setting.upsert", "msgCall"))
	longURL := "https://h.example/" + strings.Repeat("p", 500)
	e.do("POST", "/webhook/set/x", globalKey, map[string]any{"webhook": map[string]any{"enabled": true, "url": longURL, "events": []string{}}}).
		wantJSON(t, http.StatusInternalServerError, tooLongAnswer(500, "webhook.upsert", "url"))
	snap, _ := e.srv.Instance("x")
	if snap.Settings.MsgCall != "busy" || snap.Settings.RejectCall || snap.Webhook.URL != "https://h.example/x" {
		t.Fatalf("a refused write changed the instance: %+v %+v", snap.Settings, snap.Webhook)
	}
	settings["msgCall"] = strings.Repeat("é", 100)
	e.do("POST", "/settings/set/x", globalKey, settings).wantStatus(t, http.StatusCreated)
}
