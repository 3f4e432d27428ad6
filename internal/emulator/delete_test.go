package emulator

import (
	"net/http"
	"slices"
	"testing"
	"time"
)

const deletedBody = `{"status":"SUCCESS","error":false,"response":{"message":"Instance deleted"}}`

func TestDeleteImmediately(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("d", nil)
	if err := e.srv.MarkPaired("d"); err != nil {
		t.Fatal(err)
	}
	// Allowed in any state, open included.
	e.do("DELETE", "/instance/delete/d", globalKey, nil).wantJSON(t, http.StatusOK, deletedBody)
	e.do("GET", "/instance/fetchInstances?instanceName=d", globalKey, nil).wantStatus(t, http.StatusNotFound)
	e.do("DELETE", "/instance/delete/d", globalKey, nil).
		wantJSON(t, http.StatusNotFound, `{"status":404,"error":"Not Found","response":{"message":["The \"d\" instance does not exist"]}}`)
	e.create("d", nil) // the name is free again
}

func TestDeleteIsAsynchronous(t *testing.T) {
	clock := newFakeClock()
	e := newEnv(t, Options{DeleteDelay: 30 * time.Second, Now: clock.Now})
	e.create("slow", map[string]any{"qrcode": true})
	e.create("other", nil)

	e.do("DELETE", "/instance/delete/slow", globalKey, nil).wantJSON(t, http.StatusOK, deletedBody)

	// Until the delay passes: still listed (logged out), name taken, deletable again.
	rows := e.do("GET", "/instance/fetchInstances?instanceName=slow", globalKey, nil).arr(t)
	if rows[0].(map[string]any)["connectionStatus"] != "close" {
		t.Fatalf("pending instance %v", rows[0])
	}
	e.do("POST", "/instance/create", globalKey, map[string]any{"instanceName": "slow", "integration": IntegrationBaileys}).
		wantStatus(t, http.StatusForbidden)
	clock.Advance(20 * time.Second)
	e.do("DELETE", "/instance/delete/slow", globalKey, nil).wantJSON(t, http.StatusOK, deletedBody)
	if snap, ok := e.srv.Instance("slow"); !ok || !snap.PendingDelete {
		t.Fatalf("snapshot %+v %v", snap, ok)
	}

	// The second delete did not push the deadline back.
	clock.Advance(10 * time.Second)
	e.do("GET", "/instance/fetchInstances?instanceName=slow", globalKey, nil).
		wantJSON(t, http.StatusNotFound, `{"status":404,"error":"Not Found","response":{"message":["Instance \"slow\" not found"]}}`)
	e.do("DELETE", "/instance/delete/slow", globalKey, nil).wantStatus(t, http.StatusNotFound)
	if got := e.srv.Names(); !slices.Equal(got, []string{"other"}) {
		t.Fatalf("names %v", got)
	}
	e.create("slow", nil)
	if snap, _ := e.srv.Instance("slow"); snap.PendingDelete {
		t.Fatal("recreated instance is pending")
	}
}

func TestRemoveOutOfBand(t *testing.T) {
	clock := newFakeClock()
	e := newEnv(t, Options{DeleteDelay: time.Minute, Now: clock.Now})
	e.create("r", nil)
	e.create("q", nil)
	e.do("DELETE", "/instance/delete/q", globalKey, nil).wantStatus(t, http.StatusOK)
	if !e.srv.Remove("r") || !e.srv.Remove("q") || e.srv.Remove("r") {
		t.Fatal("Remove results")
	}
	e.do("GET", "/instance/connectionState/r", globalKey, nil).wantStatus(t, http.StatusNotFound)
	e.srv.mu.Lock()
	pending := e.srv.pending
	e.srv.mu.Unlock()
	if pending != 0 {
		t.Fatalf("pending counter %d", pending)
	}
}
