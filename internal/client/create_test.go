package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// raceServer is a server on which a create can be made to fail after (or
// before) storing the instance, and on which someone else can take a name
// between two attempts. It keeps one instance per name with its key.
type raceServer struct {
	mu     sync.Mutex
	tokens map[string]string // name → key
	// plan answers the n-th create: "ok", "500-stored", "500-lost",
	// "empty-stored", or "other" (someone else takes the name, then 500).
	plan []string
	// hideTokens makes fetchInstances leave keys out, as v1 servers and
	// restricted keys do: ownership is then asked with the key itself.
	hideTokens bool
	creates    int
}

func (s *raceServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/instance/create":
		var body struct {
			InstanceName string `json:"instanceName"`
			Token        string `json:"token"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		step := "ok"
		if s.creates < len(s.plan) {
			step = s.plan[s.creates]
		}
		s.creates++
		if _, taken := s.tokens[body.InstanceName]; taken {
			reply(403, fmt.Sprintf(`{"status":403,"error":"Forbidden","response":{"message":["This name %q is already in use."]}}`, body.InstanceName))(w, r)
			return
		}
		switch step {
		case "other":
			s.tokens[body.InstanceName] = "SOMEONE-ELSES-KEY"
			status(500)(w, r)
			return
		case "500-lost":
			status(500)(w, r)
			return
		}
		s.tokens[body.InstanceName] = body.Token
		switch step {
		case "500-stored":
			status(500)(w, r)
		case "empty-stored":
			w.WriteHeader(201)
		default:
			reply(201, fmt.Sprintf(`{"instance":{"instanceName":%q,"instanceId":"id-1","status":"close"},"hash":%q}`, body.InstanceName, body.Token))(w, r)
		}
	case r.URL.Path == "/instance/fetchInstances":
		name := r.URL.Query().Get("instanceName")
		tok, ok := s.tokens[name]
		if !ok {
			reply(404, fmt.Sprintf(`{"status":404,"error":"Not Found","response":{"message":["Instance \"%s\" not found"]}}`, name))(w, r)
			return
		}
		if s.hideTokens {
			tok = ""
		}
		reply(200, fmt.Sprintf(`[{"id":"id-1","name":%q,"connectionStatus":"close","token":%q}]`, name, tok))(w, r)
	case strings.HasPrefix(r.URL.Path, "/instance/connectionState/"):
		name := strings.TrimPrefix(r.URL.Path, "/instance/connectionState/")
		if r.Header.Get("apikey") != s.tokens[name] && r.Header.Get("apikey") != testKey {
			reply(401, `{"status":401,"error":"Unauthorized","response":{"message":"Unauthorized"}}`)(w, r)
			return
		}
		reply(200, fmt.Sprintf(`{"instance":{"instanceName":%q,"state":"close"}}`, name))(w, r)
	default:
		status(500)(w, r)
	}
}

func newRaceClient(t *testing.T, s *raceServer) (*Client, *recorder) {
	t.Helper()
	if s.tokens == nil {
		s.tokens = map[string]string{}
	}
	return newConfiguredClient(t, fastRetries(2), "", s.ServeHTTP)
}

func sentTokens(t *testing.T, rec *recorder) []string {
	t.Helper()
	var out []string
	for _, r := range rec.requests() {
		if r.Path == "/instance/create" {
			tok, _ := jsonBody(t, r.Body)["token"].(string)
			out = append(out, tok)
		}
	}
	return out
}

func TestCreateOrAdoptAlwaysSendsAKey(t *testing.T) {
	ctx := context.Background()
	t.Run("the user's key as given", func(t *testing.T) {
		c, rec := newRaceClient(t, &raceServer{})
		res, err := c.CreateOrAdopt(ctx, CreateRequest{InstanceName: "a", Token: "users-own-key"})
		if err != nil {
			t.Fatal(err)
		}
		if got := sentTokens(t, rec); len(got) != 1 || got[0] != "users-own-key" {
			t.Errorf("tokens sent = %q", got)
		}
		if res.APIKey != "users-own-key" || res.Adopted {
			t.Errorf("result = %+v", res)
		}
	})
	t.Run("a random key of at least 128 bits when none is given", func(t *testing.T) {
		c, rec := newRaceClient(t, &raceServer{})
		for _, name := range []string{"a", "b"} {
			if _, err := c.CreateOrAdopt(ctx, CreateRequest{InstanceName: name}); err != nil {
				t.Fatal(err)
			}
		}
		got := sentTokens(t, rec)
		hex := regexp.MustCompile(`^[0-9A-F]{32,}$`) // 32 hex digits = 128 bits
		if len(got) != 2 || !hex.MatchString(got[0]) || !hex.MatchString(got[1]) || got[0] == got[1] {
			t.Errorf("tokens sent = %q, want two different random keys of at least 128 bits", got)
		}
	})
}

func TestCreateOrAdoptNoNameCheckBeforehand(t *testing.T) {
	// The server's 403 on a taken name is authoritative: an apply of N
	// instances makes N requests, not 2N.
	c, rec := newRaceClient(t, &raceServer{})
	if _, err := c.CreateOrAdopt(context.Background(), CreateRequest{InstanceName: "a"}); err != nil {
		t.Fatal(err)
	}
	if calls := rec.calls(); len(calls) != 1 || calls[0] != "POST /instance/create" {
		t.Errorf("requests = %v, want the create alone", calls)
	}
}

func TestCreateOrAdoptNameTakenBeforeTheCreate(t *testing.T) {
	s := &raceServer{tokens: map[string]string{"a": "THEIRS"}}
	c, rec := newRaceClient(t, s)
	_, err := c.CreateOrAdopt(context.Background(), CreateRequest{InstanceName: "a"})
	var taken *NameTakenError
	if !errors.As(err, &taken) || taken.DuringRetry || taken.Name != "a" {
		t.Fatalf("error = %v, want a NameTakenError before any retry", err)
	}
	if n := len(rec.requests()); n != 1 {
		t.Errorf("requests = %v, want the create alone", rec.calls())
	}
}

func TestCreateOrAdoptAdoptsOnlyItsOwnInstance(t *testing.T) {
	ctx := context.Background()
	for _, hide := range []bool{false, true} {
		how := "listing shows keys"
		if hide {
			how = "asked with the key"
		}
		t.Run("stored then 500, "+how, func(t *testing.T) {
			c, rec := newRaceClient(t, &raceServer{plan: []string{"500-stored"}, hideTokens: hide})
			res, err := c.CreateOrAdopt(ctx, CreateRequest{InstanceName: "a"})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Adopted || res.Instance.ID != "id-1" || res.APIKey != sentTokens(t, rec)[0] {
				t.Errorf("result = %+v, want the instance adopted with the key sent", res)
			}
			if n := len(sentTokens(t, rec)); n != 1 {
				t.Errorf("creates = %d, want 1: %v", n, rec.calls())
			}
		})
		t.Run("empty success answer, "+how, func(t *testing.T) {
			c, _ := newRaceClient(t, &raceServer{plan: []string{"empty-stored"}, hideTokens: hide})
			res, err := c.CreateOrAdopt(ctx, CreateRequest{InstanceName: "a"})
			if err != nil || !res.Adopted || res.Instance.ID == "" {
				t.Fatalf("result = %+v, %v; want adopted with an id", res, err)
			}
		})
		// The race of issue 9: attempt 1 fails and stores nothing, someone
		// else creates the name, attempt 2 is refused with 403. Their
		// instance must never be adopted.
		t.Run("someone else took the name between attempts, "+how, func(t *testing.T) {
			s := &raceServer{plan: []string{"500-lost", "other"}, hideTokens: hide}
			c, rec := newRaceClient(t, s)
			res, err := c.CreateOrAdopt(ctx, CreateRequest{InstanceName: "a"})
			var taken *NameTakenError
			if !errors.As(err, &taken) || !taken.DuringRetry {
				t.Fatalf("result = %+v, %v; want a NameTakenError during retry", res, err)
			}
			if !strings.Contains(err.Error(), "taken by someone else while the create was retried") {
				t.Errorf("error %q does not say what happened", err)
			}
			if s.tokens["a"] != "SOMEONE-ELSES-KEY" {
				t.Errorf("their instance was changed: key %q", s.tokens["a"])
			}
			for _, call := range rec.calls() {
				if strings.HasPrefix(call, "POST /settings") || strings.HasPrefix(call, "POST /webhook") {
					t.Errorf("wrote to their instance: %v", rec.calls())
				}
			}
		})
	}
}

func TestCreateOrAdoptRetriesWhatDidNotHappen(t *testing.T) {
	c, rec := newRaceClient(t, &raceServer{plan: []string{"500-lost", "500-lost"}})
	res, err := c.CreateOrAdopt(context.Background(), CreateRequest{InstanceName: "a"})
	if err != nil || res.Adopted {
		t.Fatalf("result = %+v, %v; want created on the third attempt", res, err)
	}
	toks := sentTokens(t, rec)
	if len(toks) != 3 || toks[0] != toks[1] || toks[1] != toks[2] {
		t.Errorf("creates sent keys %q, want three attempts with one key", toks)
	}

	c, rec = newRaceClient(t, &raceServer{plan: []string{"500-lost", "500-lost", "500-lost", "500-lost"}})
	_, err = c.CreateOrAdopt(context.Background(), CreateRequest{InstanceName: "a"})
	// Each attempt was looked for and was not there: the error says so,
	// and no longer that the server may have completed the request.
	var notCreated *NotCreatedError
	if !errors.As(err, &notCreated) || IsAmbiguous(err) || strings.Contains(err.Error(), "may have completed") ||
		!strings.Contains(err.Error(), "the server did not make it") {
		t.Fatalf("error = %v, want a NotCreatedError", err)
	}
	if n := len(sentTokens(t, rec)); n != 3 {
		t.Errorf("creates = %d, want 1 + max retries (2)", n)
	}
}

func TestCreateOrAdoptUnresolved(t *testing.T) {
	c, _ := newConfiguredClient(t, fastRetries(0), "", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			status(500)(w, r)
			return
		}
		status(400)(w, r) // not 5xx, so the lookup is not retried either
	})
	_, err := c.CreateOrAdopt(context.Background(), CreateRequest{InstanceName: "a"})
	var unresolved *UnresolvedCreateError
	if !errors.As(err, &unresolved) {
		t.Fatalf("error = %v, want UnresolvedCreateError", err)
	}
}

func TestCreateAnsweredWithoutTheInstanceIsAmbiguous(t *testing.T) {
	for _, body := range []string{"", "null", " ", "{}", `{"instance":{"instanceName":"a"},"hash":"H"}`, `{"instance":{"instanceName":"a","instanceId":""}}`} {
		c, _ := newTestClient(t, "", reply(201, body))
		res, err := c.CreateInstance(context.Background(), CreateRequest{InstanceName: "a"})
		if !IsAmbiguous(err) {
			t.Errorf("create answered %q = %+v, %v; want ambiguous", body, res, err)
		}
	}
}

// freeingServer deletes as the real server does: once the listing stops
// showing a deleted instance, a create of its name still answers 403 for a
// while (here: the next held creates).
type freeingServer struct {
	mu      sync.Mutex
	listed  map[string]bool
	held    map[string]int // creates still refused after the listing stopped
	creates int
}

func (s *freeingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/instance/delete/"):
		name := strings.TrimPrefix(r.URL.Path, "/instance/delete/")
		delete(s.listed, name)
		reply(200, `{"status":"SUCCESS","error":false,"response":{"message":"Instance deleted"}}`)(w, r)
	case r.URL.Path == "/instance/fetchInstances":
		name := r.URL.Query().Get("instanceName")
		if !s.listed[name] {
			reply(404, fmt.Sprintf(`{"status":404,"error":"Not Found","response":{"message":["Instance \"%s\" not found"]}}`, name))(w, r)
			return
		}
		reply(200, fmt.Sprintf(`[{"id":"id-1","name":%q,"connectionStatus":"close"}]`, name))(w, r)
	case r.Method == http.MethodPost && r.URL.Path == "/instance/create":
		var body struct {
			InstanceName string `json:"instanceName"`
			Token        string `json:"token"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		s.creates++
		if s.listed[body.InstanceName] || s.held[body.InstanceName] > 0 {
			s.held[body.InstanceName]--
			reply(403, fmt.Sprintf(`{"status":403,"error":"Forbidden","response":{"message":["This name %q is already in use."]}}`, body.InstanceName))(w, r)
			return
		}
		s.listed[body.InstanceName] = true
		reply(201, fmt.Sprintf(`{"instance":{"instanceName":%q,"instanceId":"id-2","status":"close"},"hash":%q}`, body.InstanceName, body.Token))(w, r)
	default:
		status(500)(w, r)
	}
}

// A replacement: the delete is confirmed (the listing no longer shows the
// name), but the server frees the name a moment later. The create of a
// name this client saw deleted retries that 403 for a bounded time; a name
// it did not delete gets the 403 at once.
func TestCreateOrAdoptWaitsForTheNameItDeleted(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s := &freeingServer{listed: map[string]bool{"old": true, "theirs": true}, held: map[string]int{"old": 2}}
	c, _ := newConfiguredClient(t, fastRetries(2), "", s.ServeHTTP)
	c.nameFreeWait = 10 * time.Second
	if derr, werr := c.DeleteAndConfirm(ctx, "old"); derr != nil || werr != nil {
		t.Fatal(derr, werr)
	}
	if _, err := c.CreateOrAdopt(ctx, CreateRequest{InstanceName: "old"}); err != nil {
		t.Fatalf("the create of a name this client deleted: %v", err)
	}
	if s.creates != 3 {
		t.Errorf("%d creates, want 3 (two refused while the name was freed)", s.creates)
	}

	// Someone else's instance: the 403 is authoritative at once.
	s.creates = 0
	_, err := c.CreateOrAdopt(ctx, CreateRequest{InstanceName: "theirs"})
	var taken *NameTakenError
	if !errors.As(err, &taken) || taken.Deleted || s.creates != 1 {
		t.Fatalf("%d creates, err %v", s.creates, err)
	}

	// Still refused once the bound is over: the error says this client
	// deleted it, so nobody is told to import it.
	if derr, werr := c.DeleteAndConfirm(ctx, "old"); derr != nil || werr != nil {
		t.Fatal(derr, werr)
	}
	s.held["old"] = 1 << 30
	c.nameFreeWait = 50 * time.Millisecond
	_, err = c.CreateOrAdopt(ctx, CreateRequest{InstanceName: "old"})
	if !errors.As(err, &taken) || !taken.Deleted || !strings.Contains(err.Error(), "deleted") {
		t.Fatalf("err %v", err)
	}
}
