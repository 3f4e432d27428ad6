package emulator

import (
	"net/http"
	"testing"
)

func TestSettingsSetAndFind(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("s", map[string]any{"msgCall": "busy"})

	e.do("GET", "/settings/find/s", globalKey, nil).wantJSON(t, http.StatusOK,
		`{"rejectCall":false,"msgCall":"busy","groupsIgnore":false,"alwaysOnline":false,"readMessages":false,"readStatus":false,"syncFullHistory":false,"wavoipToken":""}`)

	// msgCall left out keeps its value; the answer echoes the body as sent.
	body := allSettings(true)
	e.do("POST", "/settings/set/s", globalKey, body).wantJSON(t, http.StatusCreated,
		`{"settings":{"instanceName":"s","settings":{"rejectCall":true,"groupsIgnore":true,"alwaysOnline":true,"readMessages":true,"readStatus":true,"syncFullHistory":true}}}`)
	e.do("GET", "/settings/find/s", globalKey, nil).wantJSON(t, http.StatusOK,
		`{"rejectCall":true,"msgCall":"busy","groupsIgnore":true,"alwaysOnline":true,"readMessages":true,"readStatus":true,"syncFullHistory":true,"wavoipToken":""}`)

	body = allSettings(false)
	body["msgCall"] = ""
	e.do("POST", "/settings/set/s", globalKey, body).wantStatus(t, http.StatusCreated)
	snap, _ := e.srv.Instance("s")
	if snap.Settings != (Settings{}) {
		t.Fatalf("settings %+v", snap.Settings)
	}
	row := e.do("GET", "/instance/fetchInstances?instanceName=s", globalKey, nil).arr(t)[0].(map[string]any)
	if row["Setting"].(map[string]any)["msgCall"] != "" {
		t.Fatalf("fetchInstances Setting %v", row["Setting"])
	}
}

func TestSettingsValidation(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("s", nil)
	tests := []struct {
		name string
		body any
		want string
	}{
		{"empty body lists every missing boolean", map[string]any{},
			`[["instance requires property \"rejectCall\"","instance requires property \"groupsIgnore\"","instance requires property \"alwaysOnline\"","instance requires property \"readMessages\"","instance requires property \"readStatus\"","instance requires property \"syncFullHistory\""]]`},
		{"one missing", without(allSettings(true), "readStatus"),
			`[["instance requires property \"readStatus\""]]`},
		{"wrong types", with(allSettings(true), "rejectCall", "true", "msgCall", false),
			`[["rejectCall is not of a type(s) boolean","msgCall is not of a type(s) string"]]`},
		{"null is not a boolean", with(allSettings(true), "alwaysOnline", nil),
			`[["alwaysOnline is not of a type(s) boolean"]]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.do("POST", "/settings/set/s", globalKey, tt.body).
				wantJSON(t, http.StatusBadRequest, `{"status":400,"error":"Bad Request","response":{"message":`+tt.want+`}}`)
		})
	}
	if snap, _ := e.srv.Instance("s"); snap.Settings != (Settings{}) {
		t.Fatalf("a rejected set changed the settings: %+v", snap.Settings)
	}
}

func TestSettingsFindNull(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("bare", nil)
	// Evolution answers the literal null when the Setting row is missing.
	e.srv.mu.Lock()
	e.srv.instances["bare"].settings = nil
	e.srv.mu.Unlock()
	r := e.do("GET", "/settings/find/bare", globalKey, nil)
	if r.status != http.StatusOK || string(r.body) != "null" {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if row := e.do("GET", "/instance/fetchInstances", globalKey, nil).arr(t)[0].(map[string]any); row["Setting"] != nil {
		t.Fatalf("Setting %v", row["Setting"])
	}
	// Setting them again recreates the row.
	e.do("POST", "/settings/set/bare", globalKey, allSettings(true)).wantStatus(t, http.StatusCreated)
	e.do("GET", "/settings/find/bare", globalKey, nil).wantStatus(t, http.StatusOK)
}

func TestSetSettingsOutOfBand(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("s", nil)
	if err := e.srv.SetSettings("s", func(st *Settings) { st.RejectCall = true; st.MsgCall = "changed in the dashboard" }); err != nil {
		t.Fatal(err)
	}
	r := e.do("GET", "/settings/find/s", globalKey, nil).obj(t)
	if r["rejectCall"] != true || r["msgCall"] != "changed in the dashboard" {
		t.Fatalf("find %v", r)
	}
	if err := e.srv.SetSettings("ghost", func(*Settings) {}); err == nil {
		t.Fatal("SetSettings of an unknown instance")
	}
}

func with(m map[string]any, kv ...any) map[string]any {
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

func without(m map[string]any, k string) map[string]any {
	delete(m, k)
	return m
}
