package emulator

import (
	"net/http"
	"testing"
	"time"
)

func TestFaultKinds(t *testing.T) {
	tests := []struct {
		kind       FaultKind
		status     int
		want       string
		retryAfter string
	}{
		{Fault500, 500, `{"status":500,"error":"Internal Server Error","response":{"message":"Internal Server Error"}}`, ""},
		{Fault503, 503, `{"status":503,"error":"Service Unavailable","response":{"message":"Service Unavailable"}}`, ""},
		{Fault429, 429, `{"status":429,"error":"Too Many Requests","response":{"message":"Too Many Requests"}}`, "3"},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			e := newEnv(t, Options{Faults: FaultConfig{Rate: 1, Kinds: []FaultKind{tt.kind}, RetryAfter: 2500 * time.Millisecond}})
			r := e.do("POST", "/instance/create", globalKey, map[string]any{"instanceName": "f", "integration": IntegrationBaileys})
			r.wantJSON(t, tt.status, tt.want)
			if got := r.header.Get("Retry-After"); got != tt.retryAfter {
				t.Fatalf("Retry-After %q, want %q", got, tt.retryAfter)
			}
			if len(e.srv.Names()) != 0 {
				t.Fatal("a faulted create stored the instance")
			}
			if st := e.srv.Stats(); st.FaultsInjected[string(tt.kind)] != 1 || st.Total != 1 {
				t.Fatalf("stats %+v", st)
			}
		})
	}
}

func TestFault429DefaultRetryAfter(t *testing.T) {
	e := newEnv(t, Options{Faults: FaultConfig{Rate: 1, Kinds: []FaultKind{Fault429}}})
	if got := e.do("GET", "/instance/fetchInstances", globalKey, nil).header.Get("Retry-After"); got != "1" {
		t.Fatalf("Retry-After %q", got)
	}
}

func TestFaultLatency(t *testing.T) {
	const d = 40 * time.Millisecond
	e := newEnv(t, Options{Faults: FaultConfig{Rate: 1, Kinds: []FaultKind{FaultLatency}, Latency: d}})
	start := time.Now()
	r := e.do("GET", "/instance/fetchInstances", globalKey, nil)
	if took := time.Since(start); took < d {
		t.Fatalf("answered after %v, want at least %v", took, d)
	}
	r.wantJSON(t, http.StatusOK, `[]`)
	if e.srv.Stats().FaultsInjected["latency"] != 1 {
		t.Fatalf("stats %+v", e.srv.Stats())
	}
}

func TestOptionsLatency(t *testing.T) {
	const d = 30 * time.Millisecond
	e := newEnv(t, Options{Latency: d})
	start := time.Now()
	e.do("GET", "/instance/fetchInstances", globalKey, nil).wantStatus(t, http.StatusOK)
	if took := time.Since(start); took < d {
		t.Fatalf("answered after %v", took)
	}
}

func TestFaultDrop(t *testing.T) {
	e := newEnv(t, Options{Faults: FaultConfig{Rate: 1, Kinds: []FaultKind{FaultDrop}}})
	req, _ := http.NewRequest("GET", e.base+"/instance/fetchInstances", nil)
	req.Header.Set("apikey", globalKey)
	res, err := http.DefaultClient.Do(req)
	if err == nil {
		res.Body.Close()
		t.Fatalf("got an answer (%d) from a dropped connection", res.StatusCode)
	}
	if e.srv.Stats().FaultsInjected["drop"] < 1 {
		t.Fatalf("stats %+v", e.srv.Stats())
	}
}

func TestFaultCreatedThenFailed(t *testing.T) {
	e := newEnv(t, Options{Faults: FaultConfig{Rate: 1, Kinds: []FaultKind{FaultCreatedThenFailed}}})
	r := e.do("POST", "/instance/create", globalKey, map[string]any{"instanceName": "orphan", "integration": IntegrationBaileys, "rejectCall": true})
	r.wantJSON(t, http.StatusInternalServerError, `{"status":500,"error":"Internal Server Error","response":{"message":"Internal Server Error"}}`)
	snap, ok := e.srv.Instance("orphan")
	if !ok || !snap.Settings.RejectCall {
		t.Fatalf("the instance should be fully stored: %+v %v", snap, ok)
	}
	// A retry now meets the real server's answer for a taken name.
	e.do("POST", "/instance/create", globalKey, map[string]any{"instanceName": "orphan", "integration": IntegrationBaileys}).
		wantStatus(t, http.StatusForbidden)
	// The kind applies to create only.
	e.do("GET", "/instance/fetchInstances", globalKey, nil).wantStatus(t, http.StatusOK)
	// A create that fails on its own is not turned into a fault.
	e.do("POST", "/instance/create", globalKey, map[string]any{"instanceName": "bad"}).wantStatus(t, http.StatusBadRequest)
	if got := e.srv.Stats().FaultsInjected; got["created-then-failed"] != 1 || len(got) != 1 {
		t.Fatalf("faults %v", got)
	}
}

func TestFaultsAreDeterministicPerSeed(t *testing.T) {
	sequence := func(seed int64) []int {
		cfg := FaultConfig{Rate: 0.5, Seed: seed, Kinds: []FaultKind{Fault500, Fault503, Fault429}}
		e := newEnv(t, Options{Faults: cfg})
		var out []int
		for range 40 {
			out = append(out, e.do("GET", "/instance/fetchInstances", globalKey, nil).status)
		}
		// SetFaults reseeds: the same sequence starts over.
		e.srv.SetFaults(cfg)
		for i := range 40 {
			if got := e.do("GET", "/instance/fetchInstances", globalKey, nil).status; got != out[i] {
				t.Fatalf("seed %d: request %d after reseed got %d, first run %d", seed, i, got, out[i])
			}
		}
		return out
	}
	a, b, c := sequence(42), sequence(42), sequence(7)
	if !equalInts(a, b) {
		t.Fatalf("same seed, different faults:\n%v\n%v", a, b)
	}
	if equalInts(a, c) {
		t.Fatalf("different seeds gave the same 40 outcomes: %v", a)
	}
	faulted := 0
	for _, s := range a {
		if s != http.StatusOK {
			faulted++
		}
	}
	if faulted < 8 || faulted > 32 {
		t.Fatalf("%d of 40 faulted at rate 0.5", faulted)
	}
}

func TestFaultsSpareAdminRoutesAndCanBeTurnedOff(t *testing.T) {
	e := newEnv(t, Options{Faults: FaultConfig{Rate: 1, Kinds: []FaultKind{Fault500}}})
	e.do("GET", "/instance/fetchInstances", globalKey, nil).wantStatus(t, http.StatusInternalServerError)
	r := e.doRaw("GET", adminURL(e, "/stats"), globalKey, nil, "")
	r.wantStatus(t, http.StatusOK)
	e.srv.SetFaults(FaultConfig{})
	e.do("GET", "/instance/fetchInstances", globalKey, nil).wantStatus(t, http.StatusOK)
}

func TestFaultConfigValidateAndParse(t *testing.T) {
	kinds, err := ParseFaultKinds(" 500, 429 ,drop,,created-then-failed")
	if err != nil || !equalStrings(kindStrings(kinds), []string{"500", "429", "drop", "created-then-failed"}) {
		t.Fatalf("%v %v", kinds, err)
	}
	if _, err := ParseFaultKinds("500,boom"); err == nil {
		t.Fatal("unknown kind parsed")
	}
	for _, bad := range []FaultConfig{{Rate: -0.1}, {Rate: 1.5}, {Kinds: []FaultKind{"nope"}}, {Latency: -time.Second}} {
		if bad.Validate() == nil {
			t.Errorf("%+v validated", bad)
		}
	}
	if (FaultConfig{Rate: 0.3, Kinds: FaultKinds}).Validate() != nil {
		t.Error("valid config rejected")
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func kindStrings(ks []FaultKind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}
