package emulator

import (
	"net/http"
	"slices"
	"testing"
	"time"
)

func TestRequestLog(t *testing.T) {
	clock := newFakeClock()
	e := newEnv(t, Options{LogRequests: true, DeleteDelay: 30 * time.Second, Now: clock.Now, Prefix: "/whatsapp"})
	e.create("a b", nil)
	e.do("DELETE", "/instance/delete/"+seg("a b"), globalKey, nil).wantStatus(t, http.StatusOK)
	e.do("GET", "/instance/fetchInstances?instanceName=a%20b", globalKey, nil).wantStatus(t, http.StatusOK)
	clock.Advance(30 * time.Second)
	e.do("GET", "/instance/fetchInstances?instanceName=a%20b", globalKey, nil).wantStatus(t, http.StatusNotFound)
	e.do("GET", "/instance/fetchInstances", "wrong-key", nil).wantStatus(t, http.StatusUnauthorized)
	e.do("GET", "/no/such/route", globalKey, nil).wantStatus(t, http.StatusNotFound)
	// Admin requests are not part of the API and are not logged.
	e.doRaw("GET", e.base[:len(e.base)-len("/whatsapp")]+adminRoot+"/stats", "", nil, "")

	e.srv.SetFaults(FaultConfig{Rate: 1, Kinds: []FaultKind{Fault500}})
	e.do("GET", "/instance/connectionState/x", globalKey, nil).wantStatus(t, http.StatusInternalServerError)
	e.srv.SetFaults(FaultConfig{Rate: 1, Kinds: []FaultKind{FaultDrop}})
	req, _ := http.NewRequest("DELETE", e.base+"/instance/delete/x", nil)
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Fatal("the drop fault answered")
	}

	want := []LoggedRequest{
		{"POST", "POST /instance/create", "a b", http.StatusCreated},
		{"DELETE", "DELETE /instance/delete/:name", "a b", http.StatusOK},
		{"GET", "GET /instance/fetchInstances", "a b", http.StatusOK},
		{"GET", "GET /instance/fetchInstances", "a b", http.StatusNotFound},
		{"GET", "GET /instance/fetchInstances", "", http.StatusUnauthorized},
		{"GET", "unmatched", "", http.StatusNotFound},
		{"GET", "GET /instance/connectionState/:name", "x", http.StatusInternalServerError},
		{"DELETE", "DELETE /instance/delete/:name", "x", 0},
	}
	// The drop's entry is written when its handler returns, which may be
	// just after the client saw the connection close.
	var got []LoggedRequest
	for range 1000 {
		if got = e.srv.Requests(); len(got) >= len(want) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("log\n got %+v\nwant %+v", got, want)
	}
	e.srv.ResetStats()
	if got := e.srv.Requests(); len(got) != 0 {
		t.Fatalf("ResetStats kept %v", got)
	}
}

func TestRequestLogIsOffByDefault(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("quiet", nil)
	if got := e.srv.Requests(); len(got) != 0 {
		t.Fatalf("logged without LogRequests: %v", got)
	}
}
