package emulator

import (
	"net/http"
	"slices"
	"testing"
)

func TestFetchInstancesRowShape(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("row", map[string]any{"number": "5511999999999", "msgCall": "later", "rejectCall": true,
		"webhook": map[string]any{"url": "https://h.example/x", "events": []string{"CALL"}}})
	rows := e.do("GET", "/instance/fetchInstances", globalKey, nil).arr(t)
	if len(rows) != 1 {
		t.Fatalf("%d rows", len(rows))
	}
	row := rows[0].(map[string]any)
	want := []string{"Chatwoot", "Nats", "Proxy", "Rabbitmq", "Setting", "Sqs", "Websocket", "_count",
		"businessId", "clientName", "connectionStatus", "createdAt", "disconnectionAt", "disconnectionObject",
		"disconnectionReasonCode", "id", "integration", "name", "number", "ownerJid", "profileName",
		"profilePicUrl", "token", "updatedAt"}
	if got := keys(row); !slices.Equal(got, want) {
		t.Fatalf("row keys %v\nwant %v (never the webhook)", got, want)
	}
	snap, _ := e.srv.Instance("row")
	if row["id"] != snap.ID || row["name"] != "row" || row["connectionStatus"] != "close" || row["number"] != "5511999999999" ||
		row["token"] != snap.Token || row["integration"] != IntegrationBaileys || row["ownerJid"] != nil || row["Proxy"] != nil || row["Chatwoot"] != nil {
		t.Fatalf("row %v", row)
	}
	setting := row["Setting"].(map[string]any)
	if got := keys(setting); !slices.Equal(got, []string{"alwaysOnline", "createdAt", "groupsIgnore", "id", "instanceId",
		"msgCall", "readMessages", "readStatus", "rejectCall", "syncFullHistory", "updatedAt", "wavoipToken"}) {
		t.Fatalf("Setting keys %v", got)
	}
	if setting["rejectCall"] != true || setting["msgCall"] != "later" || setting["instanceId"] != snap.ID {
		t.Fatalf("Setting %v", setting)
	}
	if c := row["_count"].(map[string]any); !mapsEqual(c, map[string]any{"Message": 0.0, "Contact": 0.0, "Chat": 0.0}) {
		t.Fatalf("_count %v", c)
	}
}

func TestConnectionLifecycle(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("phone", nil)
	state := func() string {
		t.Helper()
		r := e.do("GET", "/instance/connectionState/phone", globalKey, nil)
		r.wantStatus(t, http.StatusOK)
		return r.obj(t)["instance"].(map[string]any)["state"].(string)
	}
	if s := state(); s != "close" {
		t.Fatalf("new instance state %q", s)
	}
	e.do("DELETE", "/instance/logout/phone", globalKey, nil).
		wantJSON(t, http.StatusBadRequest, `{"status":400,"error":"Bad Request","response":{"message":["The \"phone\" instance is not connected"]}}`)
	e.do("POST", "/instance/restart/phone", globalKey, nil).
		wantJSON(t, http.StatusOK, `{"error":true,"message":"[object Object]"}`)

	r := e.do("GET", "/instance/connect/phone?number=5511999999999", globalKey, nil)
	r.wantStatus(t, http.StatusOK)
	qr := r.obj(t)
	checkQR(t, qr, true)
	if s := state(); s != "connecting" {
		t.Fatalf("after connect: %q", s)
	}
	// While connecting, connect hands back the same QR.
	again := e.do("GET", "/instance/connect/phone", globalKey, nil).obj(t)
	if again["code"] != qr["code"] || again["pairingCode"] != qr["pairingCode"] {
		t.Fatalf("second connect gave a different QR")
	}
	// Restart rebuilds the socket: a new QR, still connecting.
	re := e.do("POST", "/instance/restart/phone", globalKey, nil).obj(t)
	checkQR(t, re, false)
	if re["code"] == qr["code"] || state() != "connecting" {
		t.Fatalf("restart while connecting: %v", re)
	}

	if err := e.srv.MarkPaired("phone"); err != nil {
		t.Fatal(err)
	}
	snap, _ := e.srv.Instance("phone")
	if snap.Status != StateOpen || snap.OwnerJID != "5511999999999@s.whatsapp.net" || snap.ProfileName != "phone" {
		t.Fatalf("paired %+v", snap)
	}
	e.do("GET", "/instance/connect/phone", globalKey, nil).
		wantJSON(t, http.StatusOK, `{"instance":{"instanceName":"phone","state":"open"}}`)
	e.do("POST", "/instance/restart/phone", globalKey, nil).
		wantJSON(t, http.StatusOK, `{"instance":{"instanceName":"phone","state":"open"}}`)
	row := e.do("GET", "/instance/fetchInstances?instanceName=phone", globalKey, nil).arr(t)[0].(map[string]any)
	if row["connectionStatus"] != "open" || row["ownerJid"] != "5511999999999@s.whatsapp.net" {
		t.Fatalf("row %v", row)
	}

	e.do("DELETE", "/instance/logout/phone", globalKey, nil).
		wantJSON(t, http.StatusOK, `{"status":"SUCCESS","error":false,"response":{"message":"Instance logged out"}}`)
	if s := state(); s != "close" {
		t.Fatalf("after logout %q", s)
	}

	t.Run("logout while connecting", func(t *testing.T) {
		e.do("GET", "/instance/connect/phone", globalKey, nil).wantStatus(t, http.StatusOK)
		e.do("DELETE", "/instance/logout/phone", globalKey, nil).wantStatus(t, http.StatusOK)
		if s := state(); s != "close" {
			t.Fatalf("state %q", s)
		}
	})
	t.Run("connect without a number has no pairing code", func(t *testing.T) {
		checkQR(t, e.do("GET", "/instance/connect/phone", globalKey, nil).obj(t), false)
	})
}

func TestAPIBackedInstancesReconnectWithoutQR(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("evo", map[string]any{"integration": IntegrationEvolution})
	e.do("DELETE", "/instance/logout/evo", globalKey, nil).wantStatus(t, http.StatusOK)
	e.do("GET", "/instance/connect/evo", globalKey, nil).
		wantJSON(t, http.StatusOK, `{"instance":{"instanceName":"evo","state":"open"}}`)
}

func TestSetState(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("s", map[string]any{"qrcode": true})
	if err := e.srv.SetState("s", "paired"); err == nil {
		t.Fatal("unknown state accepted")
	}
	if err := e.srv.SetState("ghost", StateOpen); err == nil {
		t.Fatal("unknown instance accepted")
	}
	if err := e.srv.SetState("s", StateClose); err != nil {
		t.Fatal(err)
	}
	e.do("GET", "/instance/connectionState/s", globalKey, nil).
		wantJSON(t, http.StatusOK, `{"instance":{"instanceName":"s","state":"close"}}`)
	if err := e.srv.MarkPaired("ghost"); err == nil {
		t.Fatal("MarkPaired of an unknown instance")
	}
	// Without a number, a paired instance still gets a plausible owner.
	if err := e.srv.MarkPaired("s"); err != nil {
		t.Fatal(err)
	}
	if snap, _ := e.srv.Instance("s"); snap.OwnerJID == "" {
		t.Fatal("no ownerJid")
	}
}

// clientName is the server's DATABASE_CONNECTION_CLIENT_NAME: "evolution"
// unless set.
func TestClientName(t *testing.T) {
	for want, opts := range map[string]Options{"evolution": {}, "evolution_exchange": {ClientName: "evolution_exchange"}} {
		e := newEnv(t, opts)
		e.create("c", nil)
		row := e.do("GET", "/instance/fetchInstances", globalKey, nil).arr(t)[0].(map[string]any)
		if row["clientName"] != want {
			t.Fatalf("clientName %v, want %q", row["clientName"], want)
		}
	}
}
