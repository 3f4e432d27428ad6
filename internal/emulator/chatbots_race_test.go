package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"
)

// raceHold replaces the settings row's insert window with one that stays
// open until release is called, so the race is met deterministically.
// entered receives once per writer that wins its find (and so holds the
// window).
type raceHold struct {
	entered chan struct{}
	release chan struct{}
}

func holdRace(t *testing.T, e *env) *raceHold {
	h := &raceHold{entered: make(chan struct{}, 16), release: make(chan struct{})}
	e.srv.raceWait = func() {
		h.entered <- struct{}{}
		<-h.release
	}
	t.Cleanup(h.open)
	return h
}

func (h *raceHold) open() {
	select {
	case <-h.release:
	default:
		close(h.release)
	}
}

// waitEntered waits for a writer to hold the window.
func (h *raceHold) waitEntered(t *testing.T) {
	t.Helper()
	select {
	case <-h.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("no write reached the settings row's insert")
	}
}

// asyncPost sends a POST from another goroutine (which must not call
// t.Fatal); a transport error comes back as status 0.
func (e *env) asyncPost(path string, body any) <-chan resp {
	out := make(chan resp, 1)
	raw, err := json.Marshal(body)
	if err != nil {
		e.t.Fatal(err)
	}
	go func() {
		req, _ := http.NewRequest(http.MethodPost, e.base+path, bytes.NewReader(raw))
		req.Header.Set("apikey", globalKey)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			out <- resp{body: []byte(err.Error())}
			return
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		out <- resp{status: res.StatusCode, header: res.Header, body: b}
	}()
	return out
}

// waitLosers waits until n writers of the instance and kind found no row
// while the window was held.
func (e *env) waitLosers(t *testing.T, inst, kind string, n int) {
	t.Helper()
	for range 1000 {
		e.srv.mu.Lock()
		got := 0
		if in := e.srv.instances[inst].chat(botKindOf(kind)).inserting; in != nil {
			got = in.losers
		}
		e.srv.mu.Unlock()
		if got >= n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("%d writers of %s in %q did not reach the settings row", n, kind, inst)
}

func receive(t *testing.T, c <-chan resp) resp {
	t.Helper()
	select {
	case r := <-c:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("no answer")
		return resp{}
	}
}

// settingsBody is a valid settings body of any kind.
func settingsBody(e *env, inst, kind string) map[string]any {
	b := difySettings(map[string]any{"keywordFinish": "from-settings"})
	if kind == "openai" {
		b["openaiCredsId"] = e.creds(inst)
	}
	return b
}

// Two writes that find no settings row for their instance and kind at the
// same time: the later insert fails, and that write makes nothing.
func TestChatbotSettingsRace(t *testing.T) {
	type write struct{ route, tag string }
	create := func(tag string) write { return write{"create", tag} }
	settings := write{"settings", ""}
	for _, kind := range BotKinds() {
		for _, tc := range []struct {
			name          string
			winner, loser write
		}{
			{"two creates", create("1"), create("2")},
			{"create then settings", create("1"), settings},
			{"settings then create", settings, create("2")},
		} {
			t.Run(kind+"/"+tc.name, func(t *testing.T) {
				e := newEnv(t, Options{})
				e.create("a", nil)
				body := func(wr write) map[string]any {
					if wr.route == "settings" {
						return settingsBody(e, "a", kind)
					}
					return plus(botBody(t, e, "a", kind, wr.tag), "keywordFinish", "from-"+wr.tag)
				}
				winnerBody, loserBody := body(tc.winner), body(tc.loser)
				h := holdRace(t, e)
				winner := e.asyncPost("/"+kind+"/"+tc.winner.route+"/a", winnerBody)
				h.waitEntered(t)
				loser := e.asyncPost("/"+kind+"/"+tc.loser.route+"/a", loserBody)
				e.waitLosers(t, "a", kind, 1)
				h.open()

				wantServerError(t, receive(t, loser), "Error setting default settings")
				if r := receive(t, winner); r.status != http.StatusCreated && r.status != http.StatusOK {
					t.Fatalf("winner: %d %s", r.status, r.body)
				}
				bots := e.srv.Chatbots("a", kind)
				wantBots := 0
				if tc.winner.route == "create" {
					wantBots = 1
				}
				if len(bots) != wantBots {
					t.Fatalf("bots after the race: %v", bots)
				}
				// The row is the winner's: the loser saved nothing.
				wantFinish := "from-settings"
				if tc.winner.route == "create" {
					wantFinish = "from-" + tc.winner.tag
				}
				if row, ok := e.srv.ChatbotSettings("a", kind); !ok || row["keywordFinish"] != wantFinish {
					t.Fatalf("settings row %v (exists %v), want keywordFinish %q", row, ok, wantFinish)
				}
				// Once the row exists the same write succeeds, with no window.
				e.srv.raceWait = func() { t.Error("a write waited with the row there") }
				if r := e.do("POST", "/"+kind+"/"+tc.loser.route+"/a", globalKey, loserBody); r.status != http.StatusCreated && r.status != http.StatusOK {
					t.Fatalf("the loser again: %d %s", r.status, r.body)
				}
			})
		}
	}
}

// Other instances and other kinds have their own rows: their writes do not
// lose to a window held open.
func TestChatbotSettingsRaceIsPerInstanceAndKind(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("a", nil)
	e.create("b", nil)
	h := holdRace(t, e)
	first := e.asyncPost("/typebot/create/a", botBody(t, e, "a", "typebot", "1"))
	h.waitEntered(t)
	otherInstance := e.asyncPost("/typebot/create/b", botBody(t, e, "b", "typebot", "1"))
	h.waitEntered(t)
	otherKind := e.asyncPost("/evolutionBot/create/a", botBody(t, e, "a", "evolutionBot", "1"))
	h.waitEntered(t)
	// A bot that sends every behaviour field truthy needs no row.
	full := plus(botBody(t, e, "a", "typebot", "2"), "expire", 5, "keywordFinish", "x", "delayMessage", 1, "unknownMessage", "?",
		"listeningFromMe", true, "stopBotFromMe", true, "keepOpen", true, "debounceTime", 1, "ignoreJids", []any{"x"},
		"splitMessages", true, "timePerChar", 1)
	e.do("POST", "/typebot/create/a", globalKey, full).wantStatus(t, http.StatusCreated)
	h.open()
	for _, c := range []<-chan resp{first, otherInstance, otherKind} {
		receive(t, c).wantStatus(t, http.StatusCreated)
	}
}

// An instance deleted during the window fails the insert on its foreign key.
func TestChatbotSettingsRaceInstanceGone(t *testing.T) {
	e := newEnv(t, Options{DeleteDelay: DeleteAtOnce}) // gone as the delete answers
	e.create("a", nil)
	h := holdRace(t, e)
	c := e.asyncPost("/typebot/create/a", botBody(t, e, "a", "typebot", "1"))
	h.waitEntered(t)
	e.do("DELETE", "/instance/delete/a", globalKey, nil).wantStatus(t, http.StatusOK)
	h.open()
	wantServerError(t, receive(t, c), "Error setting default settings")
}

// NoSettingsRace: writes that find no row wait for each other instead.
func TestChatbotSettingsRaceOff(t *testing.T) {
	e := newEnv(t, Options{NoSettingsRace: true})
	e.create("a", nil)
	e.srv.raceWait = func() { t.Error("the race window was opened with the race off") }
	var cs []<-chan resp
	for _, tag := range []string{"1", "2", "3"} {
		cs = append(cs, e.asyncPost("/evolutionBot/create/a", botBody(t, e, "a", "evolutionBot", tag)))
	}
	cs = append(cs, e.asyncPost("/evolutionBot/settings/a", settingsBody(e, "a", "evolutionBot")))
	for _, c := range cs {
		if r := receive(t, c); r.status != http.StatusCreated && r.status != http.StatusOK {
			t.Fatalf("%d %s", r.status, r.body)
		}
	}
	if got := e.srv.Chatbots("a", "evolutionBot"); len(got) != 3 {
		t.Fatalf("bots %v", got)
	}
}

// The row a first bot makes, as measured on the real server: expire and
// keywordFinish as sent, the other values null, false or 0.
func TestChatbotFirstBotSettingsRow(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("a", nil)
	body := map[string]any{"enabled": true, "triggerType": "all", "url": "https://typebot.example/1", "typebot": "flow",
		"expire": 20, "keywordFinish": "#end"}
	e.do("POST", "/typebot/create/a", globalKey, body).wantStatus(t, http.StatusCreated)
	row, ok := e.srv.ChatbotSettings("a", "typebot")
	if !ok {
		t.Fatal("no settings row")
	}
	want := map[string]any{"expire": 20.0, "keywordFinish": "#end", "delayMessage": nil, "unknownMessage": nil,
		"debounceTime": nil, "ignoreJids": nil, "listeningFromMe": false, "stopBotFromMe": false, "keepOpen": false,
		"splitMessages": false, "timePerChar": 0.0}
	for k, v := range want {
		if got, present := row[k]; !present || got != v {
			t.Errorf("%s = %#v, want %#v", k, got, v)
		}
	}
}
