package emulator

import (
	"net/http"
	"slices"
	"testing"
)

// With V1Shapes the create answer has the keys of l2msg's page
// (l2msg-create-instance-doc.txt), and the instance key under hash.apikey.
func TestV1CreateAnswerShape(t *testing.T) {
	e := newEnv(t, Options{V1Shapes: true})
	ans := e.create("teste-docs", map[string]any{"rejectCall": true, "msgCall": "busy"})
	if got, want := keys(ans), []string{"hash", "instance", "settings"}; !slices.Equal(got, want) {
		t.Fatalf("keys %v, want %v", got, want)
	}
	inst := ans["instance"].(map[string]any)
	if got, want := keys(inst), []string{"access_token_wa_business", "instanceId", "instanceName", "status", "webhook_wa_business"}; !slices.Equal(got, want) {
		t.Fatalf("instance keys %v, want %v", got, want)
	}
	if inst["instanceName"] != "teste-docs" || inst["status"] != "created" {
		t.Fatalf("instance %v", inst)
	}
	hash := ans["hash"].(map[string]any)
	if got := keys(hash); !slices.Equal(got, []string{"apikey"}) || hash["apikey"] != e.token("teste-docs") {
		t.Fatalf("hash %v, want {apikey: the instance's key}", hash)
	}
	settings := ans["settings"].(map[string]any)
	want := []string{"always_online", "groups_ignore", "msg_call", "read_messages", "read_status", "reject_call", "sync_full_history"}
	if got := keys(settings); !slices.Equal(got, want) || settings["reject_call"] != true || settings["msg_call"] != "busy" {
		t.Fatalf("settings %v, want the snake_case keys %v", settings, want)
	}
}

// With V1Shapes fetchInstances lists {"instance": {...}} rows, and a
// listing filtered by name is one such object; errors are unchanged.
func TestV1FetchInstancesShape(t *testing.T) {
	e := newEnv(t, Options{V1Shapes: true})
	e.create("a", nil)
	e.create("b", nil)

	r := e.do("GET", "/instance/fetchInstances", globalKey, nil)
	r.wantStatus(t, http.StatusOK)
	rows := r.arr(t)
	if len(rows) != 2 {
		t.Fatalf("rows %s", r.body)
	}
	for i, name := range []string{"a", "b"} {
		row := rows[i].(map[string]any)
		if got := keys(row); !slices.Equal(got, []string{"instance"}) {
			t.Fatalf("row keys %v, want only instance", got)
		}
		inst := row["instance"].(map[string]any)
		if inst["instanceName"] != name || inst["status"] != StateClose || inst["apikey"] != e.token(name) {
			t.Fatalf("row %d: %v", i, inst)
		}
		if integ, _ := inst["integration"].(map[string]any); integ["integration"] != IntegrationBaileys {
			t.Fatalf("row %d: integration %v, want {integration: %s}", i, inst["integration"], IntegrationBaileys)
		}
	}

	one := e.do("GET", "/instance/fetchInstances?instanceName=b", globalKey, nil)
	one.wantStatus(t, http.StatusOK)
	if inst := one.obj(t)["instance"].(map[string]any); inst["instanceName"] != "b" {
		t.Fatalf("filtered listing %s", one.body)
	}
	// The instance's own key sees its own row, the same way.
	own := e.do("GET", "/instance/fetchInstances?instanceName=a", e.token("a"), nil)
	if inst := own.obj(t)["instance"].(map[string]any); inst["instanceName"] != "a" {
		t.Fatalf("filtered listing with the instance key %s", own.body)
	}
	e.do("GET", "/instance/fetchInstances?instanceName=gone", globalKey, nil).wantStatus(t, http.StatusNotFound)
}
