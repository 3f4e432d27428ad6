package emulator

import (
	"net/http"
	"slices"
	"testing"
	"time"
)

const deletedBody = `{"status":"SUCCESS","error":false,"response":{"message":"Instance deleted"}}`

func TestDeleteImmediately(t *testing.T) {
	e := newEnv(t, Options{DeleteDelay: DeleteAtOnce})
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
	// The name is freed a moment after the listing stops showing it.
	e.do("POST", "/instance/create", globalKey, map[string]any{"instanceName": "slow", "integration": IntegrationBaileys}).
		wantJSON(t, http.StatusForbidden, `{"status":403,"error":"Forbidden","response":{"message":["This name \"slow\" is already in use."]}}`)
	clock.Advance(nameHoldMax)
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

// createStatus sends a create of name and returns the answer's status.
func (e *env) createStatus(name string) int {
	e.t.Helper()
	return e.do("POST", "/instance/create", globalKey, map[string]any{"instanceName": name, "integration": IntegrationBaileys}).status
}

// listed reports whether the filtered fetchInstances finds name.
func (e *env) listed(name string) bool {
	e.t.Helper()
	r := e.do("GET", "/instance/fetchInstances?instanceName="+queryEscape(name), globalKey, nil)
	if r.status != http.StatusOK && r.status != http.StatusNotFound {
		e.t.Fatalf("fetchInstances: %d %s", r.status, r.body)
	}
	return r.status == http.StatusOK
}

// deleteLag deletes name and steps the clock until the listing stops
// showing it, then until a create of it is accepted (so the instance exists
// again when it returns). It returns both times,
// measured from the delete. Bounded by limit.
func (e *env) deleteLag(clock *fakeClock, name string, step, limit time.Duration) (unlisted, freed time.Duration) {
	e.t.Helper()
	e.do("DELETE", "/instance/delete/"+name, globalKey, nil).wantJSON(e.t, http.StatusOK, deletedBody)
	var waited time.Duration
	for e.listed(name) {
		if e.createStatus(name) != http.StatusForbidden {
			e.t.Fatal("a create of a listed name was not refused")
		}
		if waited >= limit {
			e.t.Fatalf("still listed %s after the delete", waited)
		}
		clock.Advance(step)
		waited += step
	}
	unlisted = waited
	for e.createStatus(name) == http.StatusForbidden {
		if waited >= limit {
			e.t.Fatalf("name still taken %s after the delete", waited)
		}
		clock.Advance(step)
		waited += step
	}
	return unlisted, waited
}

// The default is the lag measured on the real server: listed 0.16–0.73 s
// after the delete answered, then the name taken a further 0.08–0.27 s.
func TestDeleteLagAsMeasured(t *testing.T) {
	clock := newFakeClock()
	e := newEnv(t, Options{Now: clock.Now})
	const step = 10 * time.Millisecond
	e.create("lag", nil)
	for i := range 20 { // each round's last create makes the next one's instance
		unlisted, freed := e.deleteLag(clock, "lag", step, 10*time.Second)
		if unlisted < listLagMin || unlisted > listLagMax+step {
			t.Fatalf("round %d: listed for %s, want 160-730ms", i, unlisted)
		}
		if hold := freed - unlisted; hold < nameHoldMin-step || hold > nameHoldMax+step {
			t.Fatalf("round %d: name taken %s after the listing stopped, want 80-270ms", i, hold)
		}
	}
	if MaxDeleteLag != time.Second {
		t.Fatalf("MaxDeleteLag %s", MaxDeleteLag)
	}
}

// A longer DeleteDelay keeps the instance listed that long; the name is
// still freed a moment later, as measured.
func TestDeleteDelayKeepsALongerLag(t *testing.T) {
	clock := newFakeClock()
	e := newEnv(t, Options{Now: clock.Now, DeleteDelay: 3 * time.Second})
	e.create("long", nil)
	unlisted, freed := e.deleteLag(clock, "long", 10*time.Millisecond, 10*time.Second)
	if unlisted != 3*time.Second || freed-unlisted < nameHoldMin-10*time.Millisecond || freed-unlisted > nameHoldMax+10*time.Millisecond {
		t.Fatalf("listed %s, freed %s", unlisted, freed)
	}
}

// Before it deletes, the server delivers REMOVE_INSTANCE to the instance's
// webhook with its retries: a receiver that cannot be reached (here: a host
// under .invalid) keeps the instance listed for the whole schedule.
func TestDeleteWaitsForAnUnreachableWebhook(t *testing.T) {
	if got := WebhookHold(5 * time.Second); got != 1215*time.Second {
		t.Fatalf("the server's schedule holds %s, want 5+10+20+40+80+160+300+300+300 s", got)
	}
	const down, up = "https://receiver.invalid/hook", "https://receiver.example/hook"
	cases := []struct {
		name string
		opts Options
		hook map[string]any // the webhook/set body; nil: none
		held bool
	}{
		{"every event, receiver down", Options{}, hook("enabled", true, "url", down, "events", []string{}), true},
		{"REMOVE_INSTANCE, receiver down", Options{}, hook("enabled", true, "url", down, "events", []string{"CALL", "REMOVE_INSTANCE"}), true},
		{"every event kept literally, receiver down", Options{LiteralEmptyEvents: true}, hook("enabled", true, "url", down, "events", []string{}), true},
		{"receivers switched down", Options{WebhookReceiversDown: true}, hook("enabled", true, "url", up, "events", []string{}), true},
		{"receiver reachable", Options{}, hook("enabled", true, "url", up, "events", []string{}), false},
		{"other events only", Options{}, hook("enabled", true, "url", down, "events", []string{"CALL"}), false},
		{"webhook off", Options{}, hook("enabled", false, "url", down), false},
		{"no webhook", Options{}, nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clock := newFakeClock()
			tc.opts.Now = clock.Now
			e := newEnv(t, tc.opts)
			e.create("w", nil)
			if tc.hook != nil {
				e.do("POST", "/webhook/set/w", globalKey, tc.hook).wantStatus(t, http.StatusCreated)
			}
			unlisted, _ := e.deleteLag(clock, "w", time.Second, 30*time.Minute)
			hold := WebhookHold(defaultWebhookRetry)
			if held := unlisted >= hold; held != tc.held || unlisted > hold+time.Second {
				t.Fatalf("listed %s after the delete, want held %v (%s)", unlisted, tc.held, hold)
			}
		})
	}
}

// WebhookRetry shortens the schedule, for tests.
func TestWebhookRetryShortensTheHold(t *testing.T) {
	clock := newFakeClock()
	e := newEnv(t, Options{Now: clock.Now, WebhookRetry: 10 * time.Millisecond})
	e.create("w", map[string]any{"webhook": map[string]any{"url": "http://down.invalid/", "events": []string{}}})
	hold := WebhookHold(10 * time.Millisecond)
	if hold != 2430*time.Millisecond {
		t.Fatalf("hold %s", hold)
	}
	unlisted, _ := e.deleteLag(clock, "w", 10*time.Millisecond, time.Minute)
	if unlisted < hold+listLagMin || unlisted > hold+listLagMax+10*time.Millisecond {
		t.Fatalf("listed %s after the delete, want %s plus the lag", unlisted, hold)
	}
}
