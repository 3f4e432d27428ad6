package emulator

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// adminURL is outside the prefix.
func adminURL(e *env, path string) string {
	return strings.TrimSuffix(e.base, e.srv.Prefix()) + adminRoot + path
}

func TestStatsCounters(t *testing.T) {
	e := newEnv(t, Options{Prefix: "/whatsapp"})
	e.create("a", nil)
	e.do("GET", "/instance/fetchInstances", globalKey, nil)
	e.do("GET", "/instance/connect/a", globalKey, nil)
	e.do("DELETE", "/instance/logout/a", globalKey, nil)
	e.do("GET", "/nothing", globalKey, nil)
	e.doRaw("GET", adminURL(e, "/stats"), globalKey, nil, "")

	st := e.srv.Stats()
	want := map[string]int{
		"POST /instance/create":         1,
		"GET /instance/fetchInstances":  1,
		"GET /instance/connect/:name":   1,
		"DELETE /instance/logout/:name": 1,
		"unmatched":                     1,
	}
	if st.Total != 5 || st.Mutating != 2 || len(st.ByRoute) != len(want) {
		t.Fatalf("stats %+v", st)
	}
	for k, v := range want {
		if st.ByRoute[k] != v {
			t.Fatalf("ByRoute[%q] = %d, want %d (%v)", k, st.ByRoute[k], v, st.ByRoute)
		}
	}
	// Stats returns a copy.
	st.ByRoute["unmatched"] = 99
	if e.srv.Stats().ByRoute["unmatched"] != 1 {
		t.Fatal("Stats shares its map")
	}
	for _, tmpl := range Routes() {
		if !strings.Contains(tmpl, " /") {
			t.Fatalf("route template %q", tmpl)
		}
	}
	e.srv.ResetStats()
	if st := e.srv.Stats(); st.Total != 0 || len(st.ByRoute) != 0 {
		t.Fatalf("after reset %+v", st)
	}
}

func TestAdminRoutes(t *testing.T) {
	e := newEnv(t, Options{Prefix: "/whatsapp"})
	e.create("a", nil)
	admin := func(method, path, key string, body any) resp {
		t.Helper()
		return e.doRaw(method, adminURL(e, path), key, body, "application/json")
	}

	t.Run("need the global key", func(t *testing.T) {
		admin("GET", "/stats", "", nil).wantJSON(t, http.StatusUnauthorized, unauthorizedBody)
		admin("GET", "/stats", e.token("a"), nil).wantJSON(t, http.StatusUnauthorized, unauthorizedBody)
	})
	t.Run("stats and reset", func(t *testing.T) {
		var st Stats
		if err := json.Unmarshal(admin("GET", "/stats", globalKey, nil).body, &st); err != nil {
			t.Fatal(err)
		}
		if st.Total != 1 || st.ByRoute["POST /instance/create"] != 1 {
			t.Fatalf("stats %+v", st)
		}
		admin("POST", "/stats/reset", globalKey, nil).wantStatus(t, http.StatusNoContent)
		if e.srv.Stats().Total != 0 {
			t.Fatal("not reset")
		}
	})
	t.Run("paired", func(t *testing.T) {
		admin("POST", "/instances/a/paired", globalKey, nil).
			wantJSON(t, http.StatusOK, `{"instance":{"instanceName":"a","state":"open"}}`)
		e.do("GET", "/instance/connectionState/a", globalKey, nil).
			wantJSON(t, http.StatusOK, `{"instance":{"instanceName":"a","state":"open"}}`)
		admin("POST", "/instances/ghost/paired", globalKey, nil).wantStatus(t, http.StatusNotFound)
	})
	t.Run("faults", func(t *testing.T) {
		admin("POST", "/faults", globalKey, `{"rate":0.25,"seed":9,"kinds":["500","drop"],"retryAfter":"2s","latency":50000000}`).
			wantStatus(t, http.StatusNoContent)
		want := FaultConfig{Rate: 0.25, Seed: 9, Kinds: []FaultKind{Fault500, FaultDrop}, RetryAfter: 2 * time.Second, Latency: 50 * time.Millisecond}
		got := e.srv.Faults()
		if got.Rate != want.Rate || got.Seed != want.Seed || !slices.Equal(got.Kinds, want.Kinds) || got.RetryAfter != want.RetryAfter || got.Latency != want.Latency {
			t.Fatalf("faults %+v", got)
		}
		admin("GET", "/faults", globalKey, nil).
			wantJSON(t, http.StatusOK, `{"rate":0.25,"seed":9,"kinds":["500","drop"],"retryAfter":"2s","latency":"50ms"}`)
		for _, bad := range []string{`{"rate":2}`, `{"kinds":["boom"]}`, `{"latency":"soon"}`, `{`} {
			admin("POST", "/faults", globalKey, bad).wantStatus(t, http.StatusBadRequest)
		}
		admin("POST", "/faults", globalKey, `{}`).wantStatus(t, http.StatusNoContent)
	})
	t.Run("unknown admin route", func(t *testing.T) {
		admin("GET", "/nothing", globalKey, nil).wantStatus(t, http.StatusNotFound)
	})
	if st := e.srv.Stats(); st.Total != 1 {
		// Since the reset only the connectionState call counts; admin calls never do.
		t.Fatalf("admin requests were counted: %+v", st)
	}
}

func TestSnapshotsAreCopies(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("c", map[string]any{"webhook": map[string]any{
		"url": "https://h.example", "headers": map[string]any{"k": "v"}, "events": []string{"CALL"},
	}})
	snap, _ := e.srv.Instance("c")
	snap.Webhook.Headers["k"] = "changed"
	snap.Webhook.Events[0] = "changed"
	again, _ := e.srv.Instance("c")
	if again.Webhook.Headers["k"] != "v" || again.Webhook.Events[0] != "CALL" {
		t.Fatalf("snapshot shares memory: %+v", again.Webhook)
	}
	if _, ok := e.srv.Instance("ghost"); ok {
		t.Fatal("unknown instance found")
	}
}

func TestNewRequiresAPIKey(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("New accepted an empty APIKey")
		}
	}()
	New(Options{})
}

func TestConcurrentUse(t *testing.T) {
	e := newEnv(t, Options{DeleteDelay: time.Millisecond})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				name := "c-" + string(rune('a'+g)) + "-" + string(rune('a'+i))
				r := e.do("POST", "/instance/create", globalKey, map[string]any{"instanceName": name, "integration": IntegrationBaileys})
				if r.status != http.StatusCreated {
					t.Errorf("create %s: %d", name, r.status)
					return
				}
				e.do("POST", "/settings/set/"+name, globalKey, allSettings(i%2 == 0))
				e.do("GET", "/instance/fetchInstances", globalKey, nil)
				_ = e.srv.MarkPaired(name)
				_ = e.srv.Names()
				_ = e.srv.Stats()
				e.do("DELETE", "/instance/delete/"+name, globalKey, nil)
			}
		}()
	}
	wg.Wait()
	if st := e.srv.Stats(); st.ByRoute["POST /instance/create"] != 80 {
		t.Fatalf("stats %+v", st)
	}
}
