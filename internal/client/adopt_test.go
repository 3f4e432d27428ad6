package client

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

const passing500 = `{"status":500,"error":"Internal Server Error","response":{"message":"Internal Server Error"}}`

// A bot create whose 500 came after the insert is found by its fields
// among the bots that were not there before, and adopted; an older bot
// with the same fields is not this create's.
func TestCreateBotOrAdoptAdoptsWhatTheFailedCreateMade(t *testing.T) {
	body := map[string]any{"enabled": true, "triggerType": "keyword", "triggerOperator": "equals", "triggerValue": "hi", "expire": 5}
	rows := `[{"id":"old","enabled":true,"triggerType":"keyword","triggerOperator":"equals","triggerValue":"hi","expire":5},` +
		`{"id":"other","enabled":true,"triggerType":"keyword","triggerOperator":"equals","triggerValue":"bye","expire":5},` +
		`{"id":"new","enabled":true,"triggerType":"keyword","triggerOperator":"equals","triggerValue":"hi","expire":5,"url":"u"}]`
	c, rec := newConfiguredClient(t, fastRetries(2), "", sequence(reply(500, passing500), reply(200, rows)))
	bot, adopted, err := c.CreateBotOrAdopt(context.Background(), Typebot, "a", body, []string{"old"})
	if err != nil || !adopted || bot.ID != "new" {
		t.Fatalf("= %+v, %v, %v; want bot new adopted", bot, adopted, err)
	}
	assertDeepEqual(t, "calls", rec.calls(), []string{"POST /typebot/create/a", "GET /typebot/find/a"})
}

// Not found after the failure, the create was not made: it is sent again,
// at most max retries times, and the last error says the server did not
// make it.
func TestCreateBotOrAdoptResendsWhatWasNotMade(t *testing.T) {
	body := map[string]any{"triggerType": "none"}
	c, rec := newConfiguredClient(t, fastRetries(2), "", sequence(
		reply(500, passing500), reply(200, `[]`), reply(201, `{"id":"b1","triggerType":"none"}`)))
	bot, adopted, err := c.CreateBotOrAdopt(context.Background(), Typebot, "a", body, nil)
	if err != nil || adopted || bot.ID != "b1" {
		t.Fatalf("= %+v, %v, %v; want b1 created on the second attempt", bot, adopted, err)
	}
	assertDeepEqual(t, "calls", rec.calls(), []string{"POST /typebot/create/a", "GET /typebot/find/a", "POST /typebot/create/a"})

	c, rec = newConfiguredClient(t, fastRetries(1), "", byMethod(reply(500, passing500), reply(200, `[]`)))
	_, _, err = c.CreateBotOrAdopt(context.Background(), Typebot, "a", body, nil)
	var notCreated *NotCreatedError
	if !errors.As(err, &notCreated) || IsAmbiguous(err) || strings.Contains(err.Error(), "may have completed") {
		t.Fatalf("error %v, want a NotCreatedError", err)
	}
	if n := strings.Count(strings.Join(rec.calls(), ","), "POST"); n != 2 {
		t.Errorf("%d creates, want 1 + max retries (1)", n)
	}
}

// The server's own refusal ends the create at once: nothing was made, so
// there is nothing to look for.
func TestCreateBotOrAdoptStopsAtARule(t *testing.T) {
	c, rec := newConfiguredClient(t, fastRetries(2), "",
		reply(500, `{"status":500,"error":"Internal Server Error","response":{"message":"Trigger already exists"}}`))
	_, _, err := c.CreateBotOrAdopt(context.Background(), Typebot, "a", map[string]any{"triggerType": "none"}, nil)
	if !IsRuleAnswer(err) || len(rec.calls()) != 1 {
		t.Fatalf("error %v after %v, want the rule after one create", err, rec.calls())
	}
}

// A credential whose create answer was lost is its name and key in the
// instance's list: the next attempt would only be refused ("This API key
// is already registered").
func TestCreateOpenAICredsOrAdopt(t *testing.T) {
	c, rec := newConfiguredClient(t, fastRetries(2), "", sequence(reply(500, passing500),
		reply(200, `[{"id":"x","name":"main","apiKey":"sk-other"},{"id":"c1","name":"main2","apiKey":"sk-1"},{"id":"c2","name":"main","apiKey":"sk-1"}]`)))
	cr, adopted, err := c.CreateOpenAICredsOrAdopt(context.Background(), "a", "main", "sk-1")
	if err != nil || !adopted || cr.ID != "c2" {
		t.Fatalf("= %+v, %v, %v; want c2 adopted", cr, adopted, err)
	}
	assertDeepEqual(t, "calls", rec.calls(), []string{"POST /openai/creds/a", "GET /openai/creds/a"})

	c, rec = newConfiguredClient(t, fastRetries(2), "", sequence(reply(500, passing500), reply(200, `[]`),
		reply(201, `{"id":"c3","name":"main","apiKey":"sk-1"}`)))
	cr, adopted, err = c.CreateOpenAICredsOrAdopt(context.Background(), "a", "main", "sk-1")
	if err != nil || adopted || cr.ID != "c3" {
		t.Fatalf("= %+v, %v, %v; want c3 created on the second attempt", cr, adopted, err)
	}
	assertDeepEqual(t, "calls", rec.calls(), []string{"POST /openai/creds/a", "GET /openai/creds/a", "POST /openai/creds/a"})
}

// byMethod answers writes with one handler and reads with another.
func byMethod(write, read http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			read(w, r)
			return
		}
		write(w, r)
	}
}
