package client

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

const typebotRow = `{"id":"cbot1","enabled":true,"description":null,"url":"https://t.example","typebot":"flow","expire":0,"keywordFinish":null,"delayMessage":1000,"unknownMessage":null,"listeningFromMe":false,"stopBotFromMe":false,"keepOpen":false,"debounceTime":null,"createdAt":"2025-03-01T12:00:00.000Z","updatedAt":"2025-03-01T12:00:00.000Z","ignoreJids":[],"triggerType":"keyword","triggerOperator":"equals","triggerValue":"hi","splitMessages":false,"timePerChar":50,"instanceId":"uuid-1"}`

func TestBotRoutesEveryKind(t *testing.T) {
	for _, kind := range BotKinds {
		t.Run(kind.Prefix, func(t *testing.T) {
			c, rec := newTestClient(t, "/whatsapp", func(w http.ResponseWriter, r *http.Request) {
				switch r.Method {
				case http.MethodGet:
					reply(200, "["+typebotRow+"]")(w, r)
				case http.MethodDelete:
					reply(200, `{"bot":{"id":"cbot1"}}`)(w, r)
				case http.MethodPost:
					reply(201, typebotRow)(w, r)
				default:
					reply(200, typebotRow)(w, r)
				}
			})
			ctx := context.Background()
			body := map[string]any{"enabled": true, "triggerType": "all", "ignoreJids": []string{}}
			bot, err := c.CreateBot(ctx, kind, "my inst", body)
			if err != nil {
				t.Fatal(err)
			}
			if bot.ID != "cbot1" || bot.InstanceID != "uuid-1" {
				t.Fatalf("bot %+v", bot)
			}
			// Numbers stay exact, NULL stays nil, and the row's bookkeeping is not a field.
			if bot.Fields["delayMessage"] != json.Number("1000") || bot.Fields["keywordFinish"] != nil {
				t.Fatalf("fields %v", bot.Fields)
			}
			for _, k := range []string{"id", "instanceId", "createdAt", "updatedAt"} {
				if _, ok := bot.Fields[k]; ok {
					t.Fatalf("field %q kept", k)
				}
			}
			if _, err := c.UpdateBot(ctx, kind, "my inst", "id/1", body); err != nil {
				t.Fatal(err)
			}
			list, err := c.ListBots(ctx, kind, "my inst")
			if err != nil || len(list) != 1 || list[0].ID != "cbot1" {
				t.Fatalf("list %v %v", list, err)
			}
			if err := c.DeleteBot(ctx, kind, "my inst", "cbot1"); err != nil {
				t.Fatal(err)
			}
			p := "/whatsapp/" + kind.Prefix
			assertDeepEqual(t, "calls", rec.calls(), []string{
				"POST " + p + "/create/my%20inst",
				"PUT " + p + "/update/id%2F1/my%20inst",
				"GET " + p + "/find/my%20inst",
				"DELETE " + p + "/delete/cbot1/my%20inst",
			})
			assertDeepEqual(t, "create body", jsonBody(t, rec.requests()[0].Body), mustJSON(t, `{"enabled":true,"triggerType":"all","ignoreJids":[]}`))
		})
	}
}

func TestBotSettings(t *testing.T) {
	ctx := context.Background()
	c, rec := newTestClient(t, "", sequence(
		reply(200, `{"id":"cset","expire":20,"keywordFinish":"#sair","delayMessage":1000,"unknownMessage":"?","listeningFromMe":false,"stopBotFromMe":false,"keepOpen":false,"debounceTime":10,"ignoreJids":[],"splitMessages":false,"timePerChar":50,"createdAt":"x","updatedAt":"x","difyIdFallback":"cbot1","instanceId":"i","fallbackId":"cbot1"}`),
		reply(200, `{"expire":300,"keywordFinish":"bye","delayMessage":1000,"unknownMessage":"Sorry, I dont understand","listeningFromMe":true,"stopBotFromMe":true,"keepOpen":false,"debounceTime":1,"ignoreJids":[],"splitMessages":false,"timePerChar":0,"fallbackId":"","fallback":null}`),
		reply(200, `{"id":"cset","expire":20,"fallbackId":null,"fallback":null,"Fallback":null,"difyIdFallback":null}`),
	))
	got, err := c.SetBotSettings(ctx, Dify, "a", map[string]any{"expire": 20, "fallbackId": "cbot1"})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Exists || got.FallbackID != "cbot1" || got.Fields["expire"] != json.Number("20") {
		t.Fatalf("settings %+v", got)
	}
	if _, ok := got.Fields["difyIdFallback"]; ok {
		t.Fatal("the fallback column is a field")
	}
	builtin, err := c.FetchBotSettings(ctx, Dify, "a")
	if err != nil || builtin.Exists || builtin.FallbackID != "" || builtin.Fields["expire"] != json.Number("300") {
		t.Fatalf("built-in %+v %v", builtin, err)
	}
	row, err := c.FetchBotSettings(ctx, Dify, "a")
	if err != nil || !row.Exists || row.FallbackID != "" || len(row.Fields) != 1 {
		t.Fatalf("row %+v %v", row, err)
	}
	assertDeepEqual(t, "calls", rec.calls(), []string{"POST /dify/settings/a", "GET /dify/fetchSettings/a", "GET /dify/fetchSettings/a"})
}

func TestOpenAICredsRoutes(t *testing.T) {
	ctx := context.Background()
	c, rec := newTestClient(t, "", sequence(
		reply(201, `{"id":"cc1","name":"main","apiKey":"sk-1","createdAt":"x","updatedAt":"x","instanceId":"i"}`),
		reply(200, `[{"id":"cc1","name":"main","apiKey":"sk-1","OpenaiAssistant":[{"id":"b1"},{"id":"b2"}]}]`),
		reply(200, `{"openaiCreds":{"id":"cc1"}}`),
	))
	cr, err := c.CreateOpenAICreds(ctx, "a", "main", "sk-1")
	if err != nil || cr.ID != "cc1" || cr.Name != "main" || cr.APIKey != "sk-1" {
		t.Fatalf("create %+v %v", cr, err)
	}
	list, err := c.ListOpenAICreds(ctx, "a")
	if err != nil || len(list) != 1 || len(list[0].BotIDs) != 2 {
		t.Fatalf("list %+v %v", list, err)
	}
	if err := c.DeleteOpenAICreds(ctx, "a", "cc1"); err != nil {
		t.Fatal(err)
	}
	assertDeepEqual(t, "calls", rec.calls(), []string{"POST /openai/creds/a", "GET /openai/creds/a", "DELETE /openai/creds/cc1/a"})
	assertDeepEqual(t, "body", jsonBody(t, rec.requests()[0].Body), mustJSON(t, `{"name":"main","apiKey":"sk-1"}`))
}

// A chatbot write answered 500 is the server's verdict (a rule, or the
// collapsed "Error updating X"): sending it again only waits for the same
// answer. Reads and settings upserts keep their retries.
func TestBotRuleErrorsAreNotRetried(t *testing.T) {
	ctx := context.Background()
	fail := reply(500, `{"status":500,"error":"Internal Server Error","response":{"message":"Error updating Typebot"}}`)
	tests := []struct {
		name  string
		call  func(c *Client) error
		tries int
	}{
		{"update", func(c *Client) error { _, err := c.UpdateBot(ctx, Typebot, "a", "b", map[string]any{}); return err }, 1},
		{"delete", func(c *Client) error { return c.DeleteBot(ctx, Typebot, "a", "b") }, 1},
		{"settings", func(c *Client) error { _, err := c.SetBotSettings(ctx, Typebot, "a", map[string]any{}); return err }, 1},
		{"creds delete", func(c *Client) error { return c.DeleteOpenAICreds(ctx, "a", "b") }, 1},
		{"create", func(c *Client) error { _, err := c.CreateBot(ctx, Typebot, "a", map[string]any{}); return err }, 1},
		{"find", func(c *Client) error { _, err := c.ListBots(ctx, Typebot, "a"); return err }, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := newConfiguredClient(t, fastRetries(2), "", fail)
			err := tt.call(c)
			if ServerMessage(err) != "Error updating Typebot" {
				t.Fatalf("err %v", err)
			}
			if n := len(rec.requests()); n != tt.tries {
				t.Fatalf("%d requests, want %d", n, tt.tries)
			}
		})
	}
	// A settings upsert is safe to repeat after a gateway error.
	c, rec := newConfiguredClient(t, fastRetries(2), "", sequence(reply(503, ""), reply(200, `{"id":"s"}`)))
	if _, err := c.SetBotSettings(ctx, Flowise, "a", map[string]any{}); err != nil || len(rec.requests()) != 2 {
		t.Fatalf("settings retry: %v, %d requests", err, len(rec.requests()))
	}
	// A rule's 500 says the create did nothing: it is not ambiguous, and
	// its message says nothing of a request the server may have completed.
	c, _ = newConfiguredClient(t, fastRetries(2), "", fail)
	if _, err := c.CreateBot(ctx, Typebot, "a", map[string]any{}); IsAmbiguous(err) || !IsRuleAnswer(err) ||
		strings.Contains(err.Error(), "may have completed") {
		t.Fatalf("create's rule 500 is ambiguous: %v", err)
	}
}

// Any other 500 on a chatbot route ("Internal Server Error": a crash, a
// gateway) says nothing about the request: a delete or an update is sent
// again, and a create's outcome is unknown.
func TestBotPassing500sAreRetried(t *testing.T) {
	ctx := context.Background()
	passing := reply(500, `{"status":500,"error":"Internal Server Error","response":{"message":"Internal Server Error"}}`)
	for name, call := range map[string]func(c *Client) error{
		"update":       func(c *Client) error { _, err := c.UpdateBot(ctx, Typebot, "a", "b", map[string]any{}); return err },
		"delete":       func(c *Client) error { return c.DeleteBot(ctx, Typebot, "a", "b") },
		"creds delete": func(c *Client) error { return c.DeleteOpenAICreds(ctx, "a", "b") },
	} {
		c, rec := newConfiguredClient(t, fastRetries(2), "", sequence(passing, reply(200, `{"id":"b"}`)))
		if err := call(c); err != nil || len(rec.requests()) != 2 {
			t.Errorf("%s: %v after %d requests, want success on the second", name, err, len(rec.requests()))
		}
	}
	c, rec := newConfiguredClient(t, fastRetries(2), "", passing)
	if _, err := c.CreateBot(ctx, Typebot, "a", map[string]any{}); !IsAmbiguous(err) || IsRuleAnswer(err) || len(rec.requests()) != 1 {
		t.Fatalf("create's passing 500: %v after %d requests, want ambiguous after one", err, len(rec.requests()))
	}
}

func TestIsDisabled(t *testing.T) {
	c, _ := newTestClient(t, "", reply(400, `{"status":400,"error":"Bad Request","response":{"message":["Typebot is disabled"]}}`))
	_, err := c.ListBots(context.Background(), Typebot, "a")
	if !IsDisabled(err) {
		t.Fatalf("not disabled: %v", err)
	}
	c, _ = newTestClient(t, "", reply(400, `{"status":400,"error":"Bad Request","response":{"message":[["instance requires property \"url\""]]}}`))
	if _, err := c.ListBots(context.Background(), Typebot, "a"); IsDisabled(err) {
		t.Fatalf("a schema error read as disabled: %v", err)
	}
}
