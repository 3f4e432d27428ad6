package emulator

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func proxyBody(kv ...any) map[string]any {
	return with(map[string]any{"enabled": true, "host": "10.0.0.5", "port": "3128", "protocol": "http",
		"username": "u", "password": "p"}, kv...)
}

func TestProxyFindIsNullUntilSet(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("p", nil)
	if r := e.do("GET", "/proxy/find/p", globalKey, nil); r.status != http.StatusOK || string(r.body) != "null" {
		t.Fatalf("%d %s", r.status, r.body)
	}
	e.do("GET", "/proxy/find/ghost", globalKey, nil).wantStatus(t, http.StatusNotFound)
	e.do("POST", "/proxy/set/p", "wrong", proxyBody()).wantStatus(t, http.StatusUnauthorized)
	// The instance's own key works.
	e.do("GET", "/proxy/find/p", e.token("p"), nil).wantStatus(t, http.StatusOK)
}

func TestProxySetAndFind(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("p", nil)
	e.do("POST", "/proxy/set/p", globalKey, proxyBody("extra", 1)).wantJSON(t, http.StatusCreated,
		`{"proxy":{"instanceName":"p","proxy":{"enabled":true,"host":"10.0.0.5","port":"3128","protocol":"http","username":"u","password":"p","extra":1}}}`)
	row := e.do("GET", "/proxy/find/p", globalKey, nil).obj(t)
	if got := keys(row); !slices.Equal(got, []string{"createdAt", "enabled", "host", "id", "instanceId", "password", "port", "protocol", "updatedAt", "username"}) {
		t.Fatalf("row keys %v", got)
	}
	snap, _ := e.srv.Instance("p")
	if row["password"] != "p" || row["port"] != "3128" || row["instanceId"] != snap.ID {
		t.Fatalf("row %v", row)
	}
	listed := e.do("GET", "/instance/fetchInstances", globalKey, nil).arr(t)[0].(map[string]any)["Proxy"].(map[string]any)
	if !mapsEqual(listed, row) {
		t.Fatalf("listing Proxy %v\nfind %v", listed, row)
	}

	// Switching off stores blank strings and skips the proxy test.
	e.do("POST", "/proxy/set/p", globalKey, proxyBody("enabled", false, "host", "bad.invalid")).wantJSON(t, http.StatusCreated,
		`{"proxy":{"instanceName":"p","proxy":{"enabled":false,"host":"","port":"","protocol":"","username":"","password":""}}}`)
	if snap, _ := e.srv.Instance("p"); *snap.Proxy != (Proxy{}) {
		t.Fatalf("disabled proxy %+v", snap.Proxy)
	}
}

func TestProxySilentNonSave(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("p", nil)
	// The first set without credentials answers 201, but the insert failed.
	body := without(without(proxyBody(), "username"), "password")
	e.do("POST", "/proxy/set/p", globalKey, body).wantStatus(t, http.StatusCreated)
	if r := e.do("GET", "/proxy/find/p", globalKey, nil); string(r.body) != "null" {
		t.Fatalf("stored %s", r.body)
	}
	// Once a row exists, leaving them out keeps the old values.
	e.do("POST", "/proxy/set/p", globalKey, proxyBody()).wantStatus(t, http.StatusCreated)
	e.do("POST", "/proxy/set/p", globalKey, without(without(proxyBody("port", "8080"), "username"), "password")).wantStatus(t, http.StatusCreated)
	if snap, _ := e.srv.Instance("p"); *snap.Proxy != (Proxy{Enabled: true, Host: "10.0.0.5", Port: "8080", Protocol: "http", Username: "u", Password: "p"}) {
		t.Fatalf("proxy %+v", snap.Proxy)
	}
	// A value over the column's 100 characters also answers 201 and stores nothing.
	e.do("POST", "/proxy/set/p", globalKey, proxyBody("password", strings.Repeat("x", 101))).wantStatus(t, http.StatusCreated)
	if snap, _ := e.srv.Instance("p"); snap.Proxy.Password != "p" {
		t.Fatalf("a too-long password was stored")
	}
}

func TestProxyValidation(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("p", nil)
	schema := func(msgs string) string {
		return `{"status":400,"error":"Bad Request","response":{"message":[[` + msgs + `]]}}`
	}
	invalid := `{"status":400,"error":"Bad Request","response":{"message":["Invalid proxy"]}}`
	tests := []struct {
		name   string
		body   any
		status int
		want   string
	}{
		{"port as a number", proxyBody("port", 3128), 400, schema(`"port is not of a type(s) string"`)},
		{"enabled not a boolean", proxyBody("enabled", "yes"), 400,
			schema(`"enabled is not of a type(s) boolean","enabled is not one of enum values: true,false"`)},
		{"required", map[string]any{"enabled": true}, 400,
			schema(`"instance requires property \"host\"","instance requires property \"port\"","instance requires property \"protocol\""`)},
		{"empty host on a minimal body", map[string]any{"enabled": true, "host": "", "port": "1", "protocol": "http"}, 400,
			schema(`"The \"host\" cannot be empty"`)},
		{"unresolvable host", proxyBody("host", "proxy.example.invalid"), 400, invalid},
		{"https is not a 2.3.6 protocol", proxyBody("protocol", "https"), 400, invalid},
		{"socks5 is not a 2.3.6 protocol", proxyBody("protocol", "socks5"), 400, invalid},
		{"port out of range", proxyBody("port", "70000"), 400, invalid},
		{"port not numeric", proxyBody("port", "http"), 400, invalid},
		{"slash in the password breaks the proxy URL", proxyBody("password", "a/b"), 400, invalid},
		{"percent in the password", proxyBody("password", "100%"), 400, invalid},
		{"colon in the username", proxyBody("username", "a:b"), 400, invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.do("POST", "/proxy/set/p", globalKey, tt.body).wantJSON(t, tt.status, tt.want)
		})
	}
	if snap, _ := e.srv.Instance("p"); snap.Proxy != nil {
		t.Fatalf("a rejected set stored %+v", snap.Proxy)
	}
	// An empty host with an extra key passes the schema; enabled:true with
	// no host skips the test and is stored as sent.
	e.do("POST", "/proxy/set/p", globalKey, proxyBody("host", "")).wantStatus(t, http.StatusCreated)
	// socks passes, and so does a colon in the password.
	e.do("POST", "/proxy/set/p", globalKey, proxyBody("protocol", "socks", "password", "a:b@c")).wantStatus(t, http.StatusCreated)
}

func TestProxyTestHangsUntilTheClientGivesUp(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("p", nil)
	req, err := http.NewRequest("POST", e.base+"/proxy/set/p", strings.NewReader(`{"enabled":true,"host":"192.0.2.10","port":"3128","protocol":"http","username":"u","password":"p"}`))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req = req.WithContext(ctx)
	req.Header.Set("apikey", globalKey)
	req.Header.Set("Content-Type", "application/json")
	done := make(chan error, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
		}
		done <- err
	}()
	// Wait (bounded) until the server holds the request.
	for i := 0; e.srv.Stats().ByRoute["POST /proxy/set/:name"] == 0; i++ {
		if i > 10000 {
			t.Fatal("the set never reached the server")
		}
		time.Sleep(time.Millisecond)
	}
	// The hang holds no lock: other requests are served meanwhile.
	e.do("GET", "/proxy/find/p", globalKey, nil).wantStatus(t, http.StatusOK)
	select {
	case err := <-done:
		t.Fatalf("the hanging set answered: %v", err)
	default:
	}
	cancel()
	if err := <-done; err == nil {
		t.Fatal("the set answered after the client gave up")
	}
	if snap, _ := e.srv.Instance("p"); snap.Proxy != nil {
		t.Fatalf("a hung set stored %+v", snap.Proxy)
	}
}

func TestSetProxyOutOfBand(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("p", nil)
	if err := e.srv.SetProxy("p", func(p *Proxy) { *p = Proxy{Enabled: true, Host: "h", Port: "1", Protocol: "http"} }); err != nil {
		t.Fatal(err)
	}
	if row := e.do("GET", "/proxy/find/p", globalKey, nil).obj(t); row["host"] != "h" || row["enabled"] != true {
		t.Fatalf("row %v", row)
	}
	if err := e.srv.SetProxy("ghost", func(*Proxy) {}); err == nil {
		t.Fatal("SetProxy of an unknown instance")
	}
}

// The real server tests every proxy through the internet before saving it.
// RefuseProxies makes the emulator refuse every proxy as that test does when
// it cannot get through, except the hosts it is told work.
func TestRefuseProxies(t *testing.T) {
	e := newEnv(t, Options{RefuseProxies: true, WorkingProxies: []string{"Proxy.Example"}})
	e.create("p", nil)
	e.do("POST", "/proxy/set/p", globalKey, proxyBody("host", "other.example")).
		wantJSON(t, http.StatusBadRequest, `{"status":400,"error":"Bad Request","response":{"message":["Invalid proxy"]}}`)
	if r := e.do("GET", "/proxy/find/p", globalKey, nil); string(r.body) != "null" {
		t.Fatalf("a refused proxy was saved: %s", r.body)
	}
	e.do("POST", "/proxy/set/p", globalKey, proxyBody("host", "proxy.example")).wantStatus(t, http.StatusCreated)
	// A host that works still goes through the rest of the test.
	e.do("POST", "/proxy/set/p", globalKey, proxyBody("host", "proxy.example", "port", "0")).wantStatus(t, http.StatusBadRequest)
	// Switching the proxy off tests nothing.
	e.do("POST", "/proxy/set/p", globalKey, proxyBody("enabled", false, "host", "other.example")).wantStatus(t, http.StatusCreated)

	// By default (offline) any host not under .invalid passes.
	e = newEnv(t, Options{})
	e.create("p", nil)
	e.do("POST", "/proxy/set/p", globalKey, proxyBody("host", "other.example")).wantStatus(t, http.StatusCreated)
}
