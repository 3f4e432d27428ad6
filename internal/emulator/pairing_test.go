package emulator

import (
	"net/http"
	"strings"
	"testing"
)

func TestSnapshotShowsThePairingChallenge(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("p", nil)
	if snap, _ := e.srv.Instance("p"); snap.QRCode != "" || snap.PairingCode != "" {
		t.Fatalf("a closed instance shows a challenge: %+v", snap)
	}
	qr := e.do("GET", "/instance/connect/p?number=5511988887777", globalKey, nil).obj(t)
	snap, _ := e.srv.Instance("p")
	if snap.QRCode == "" || snap.QRCode != qr["code"] || snap.PairingCode != qr["pairingCode"] {
		t.Fatalf("snapshot %q %q, connect answered %v", snap.QRCode, snap.PairingCode, qr)
	}
	if err := e.srv.MarkPaired("p"); err != nil {
		t.Fatal(err)
	}
	if snap, _ := e.srv.Instance("p"); snap.QRCode != "" || snap.PairingCode != "" {
		t.Fatalf("a paired instance still shows a challenge: %+v", snap)
	}
}

func TestPairingFillsTheProfilePicture(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("pic", map[string]any{"number": "5511977776666"})
	row := func() map[string]any {
		return e.do("GET", "/instance/fetchInstances?instanceName=pic", globalKey, nil).arr(t)[0].(map[string]any)
	}
	if row()["profilePicUrl"] != nil {
		t.Fatalf("unpaired instance has a picture: %v", row()["profilePicUrl"])
	}
	e.do("POST", "/__emulator/instances/pic/paired", globalKey, nil).wantStatus(t, http.StatusOK)
	pic, _ := row()["profilePicUrl"].(string)
	if !strings.HasPrefix(pic, "https://") {
		t.Fatalf("profilePicUrl %v", row()["profilePicUrl"])
	}
	if snap, _ := e.srv.Instance("pic"); snap.ProfilePicURL != pic {
		t.Fatalf("snapshot %q, row %q", snap.ProfilePicURL, pic)
	}
}
