package client

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

func strp(s string) *string { return &s }

func TestListingCarriesProxyAndChatwoot(t *testing.T) {
	c, _ := newTestClient(t, "", reply(200, fixture(t, "fetch_v2_integrations.json")))
	got, err := c.FetchInstances(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	days := int64(30)
	sales := got[0]
	if !sales.IntegrationsListed {
		t.Fatal("IntegrationsListed is false for a v2 row")
	}
	assertDeepEqual(t, "proxy", sales.Proxy, &Proxy{Enabled: true, Host: "10.0.0.5", Port: "3128", Protocol: "http", Username: "u", Password: "proxy-secret"})
	assertDeepEqual(t, "chatwoot", sales.Chatwoot, &Chatwoot{
		Enabled: true, AccountID: "7", Token: "cw-secret-token", URL: "https://chatwoot.example.com", NameInbox: "Sales",
		SignMsg: true, SignDelimiter: strp("\n--\n"), Number: strp("5511999999999"), ReopenConversation: true,
		ImportContacts: true, DaysLimitImportMessages: &days, IgnoreJids: []string{"120363000000000000@g.us", "5"},
	})
	plain := got[1]
	if !plain.IntegrationsListed || plain.Proxy != nil || plain.Chatwoot == nil {
		t.Fatalf("plain %+v", plain)
	}
	// The listing's "" delimiter is null, as find reports it; a null
	// ignoreJids column is the empty list.
	if plain.Chatwoot.SignDelimiter != nil || plain.Chatwoot.IgnoreJids == nil || len(plain.Chatwoot.IgnoreJids) != 0 || plain.Chatwoot.DaysLimitImportMessages != nil {
		t.Fatalf("plain chatwoot %+v", plain.Chatwoot)
	}
}

func TestListingWithoutIntegrationRows(t *testing.T) {
	// v1 rows, and v2 rows of servers that leave the relations out, say
	// nothing about integrations.
	for _, f := range []string{"fetch_v1.json"} {
		c, _ := newTestClient(t, "", reply(200, fixture(t, f)))
		got, err := c.FetchInstances(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, inst := range got {
			if inst.IntegrationsListed {
				t.Errorf("%s: %s has IntegrationsListed", f, inst.Name)
			}
		}
	}
	// A row that does not decode falls back to the find route.
	c, _ := newTestClient(t, "", reply(200, `[{"name":"x","Proxy":null,"Chatwoot":{"enabled":true,"daysLimitImportMessages":1.5}}]`))
	got, err := c.FetchInstances(context.Background())
	if err != nil || got[0].IntegrationsListed {
		t.Fatalf("%+v %v", got, err)
	}
}

func TestLookupInstanceCopiesRows(t *testing.T) {
	c, rec := newTestClient(t, "", reply(200, fixture(t, "fetch_v2_integrations.json")))
	ctx := context.Background()
	a, err := c.LookupInstance(ctx, "sales")
	if err != nil {
		t.Fatal(err)
	}
	a.Proxy.Host = "changed"
	a.Chatwoot.IgnoreJids[0] = "changed"
	b, err := c.LookupInstance(ctx, "sales")
	if err != nil {
		t.Fatal(err)
	}
	if b.Proxy.Host != "10.0.0.5" || b.Chatwoot.IgnoreJids[0] != "120363000000000000@g.us" {
		t.Fatalf("a lookup changed the shared listing: %+v %+v", b.Proxy, b.Chatwoot)
	}
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("%d requests for two lookups", n)
	}
}

func TestSetProxySendsAllSixFields(t *testing.T) {
	c, rec := newTestClient(t, "/whatsapp", reply(201, `{"proxy":{"instanceName":"my shop","proxy":{}}}`))
	if err := c.SetProxy(context.Background(), "my shop", Proxy{Enabled: true, Host: "h", Port: "3128", Protocol: "http"}); err != nil {
		t.Fatal(err)
	}
	req := rec.only(t)
	if req.Method != "POST" || req.EscapedPath != "/whatsapp/proxy/set/my%20shop" {
		t.Fatalf("%s %s", req.Method, req.EscapedPath)
	}
	// username and password are sent even when empty: the first set of an
	// instance without them answers 201 and stores nothing.
	assertDeepEqual(t, "body", jsonBody(t, req.Body), mustJSON(t,
		`{"enabled":true,"host":"h","port":"3128","protocol":"http","username":"","password":""}`))
}

func TestFindProxy(t *testing.T) {
	c, rec := newTestClient(t, "", reply(200, `{"id":"cl1","enabled":true,"host":"h","port":"1080","protocol":"socks","username":"u","password":"p","createdAt":"x","updatedAt":"y","instanceId":"i"}`))
	p, err := c.FindProxy(context.Background(), "a/b")
	if err != nil {
		t.Fatal(err)
	}
	if got := rec.only(t); got.EscapedPath != "/proxy/find/a%2Fb" || got.Method != "GET" {
		t.Fatalf("%s %s", got.Method, got.EscapedPath)
	}
	assertDeepEqual(t, "proxy", p, &Proxy{Enabled: true, Host: "h", Port: "1080", Protocol: "socks", Username: "u", Password: "p"})

	c, _ = newTestClient(t, "", reply(200, `null`))
	if p, err := c.FindProxy(context.Background(), "a"); p != nil || err != nil {
		t.Fatalf("null answer: %+v %v", p, err)
	}
}

func TestSetProxyInvalid(t *testing.T) {
	c, rec := newConfiguredClient(t, Config{MaxRetries: 3}, "", reply(400, `{"status":400,"error":"Bad Request","response":{"message":["Invalid proxy"]}}`))
	err := c.SetProxy(context.Background(), "a", Proxy{Enabled: true, Host: "h", Port: "1", Protocol: "http", Password: "secret-pw"})
	if !IsBadRequest(err) || !strings.Contains(err.Error(), "Invalid proxy") || strings.Contains(err.Error(), "secret-pw") {
		t.Fatalf("%v", err)
	}
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("a 400 was sent %d times", n)
	}
}

func TestProxySetIsRetried(t *testing.T) {
	var n int
	c, _ := newConfiguredClient(t, Config{MaxRetries: 2, MinRetryDelay: 1, MaxRetryDelay: 1}, "", func(w http.ResponseWriter, r *http.Request) {
		n++
		if n == 1 {
			reply(503, `{}`)(w, r)
			return
		}
		reply(201, `{}`)(w, r)
	})
	if err := c.SetProxy(context.Background(), "a", Proxy{}); err != nil || n != 2 {
		t.Fatalf("%v after %d requests", err, n)
	}
}

func TestSetChatwoot(t *testing.T) {
	echo := `{"enabled":true,"accountId":"1","token":"tok","url":"https://cw.example","signMsg":false,"signDelimiter":null,"reopenConversation":true,"conversationPending":false,"nameInbox":"sales","importContacts":false,"importMessages":false,"mergeBrazilContacts":false,"ignoreJids":[],"number":null,"organization":null,"logo":null,"autoCreate":false,"webhook_url":"https://api.example/chatwoot/webhook/sales"}`
	c, rec := newTestClient(t, "", reply(201, echo))
	got, err := c.SetChatwoot(context.Background(), "sales", Chatwoot{Enabled: true, AccountID: "1", Token: "tok", URL: "https://cw.example", ReopenConversation: true}, false)
	if err != nil {
		t.Fatal(err)
	}
	req := rec.only(t)
	if req.EscapedPath != "/chatwoot/set/sales" || req.Method != "POST" {
		t.Fatalf("%s %s", req.Method, req.EscapedPath)
	}
	// Every field is sent, so none keeps an old value on the server; null
	// clears the nullable ones, and daysLimitImportMessages, which cannot
	// be null, is left out when not managed.
	assertDeepEqual(t, "body", jsonBody(t, req.Body), mustJSON(t,
		`{"enabled":true,"accountId":"1","token":"tok","url":"https://cw.example","signMsg":false,"signDelimiter":null,"reopenConversation":true,"conversationPending":false,"nameInbox":"","importContacts":false,"importMessages":false,"mergeBrazilContacts":false,"ignoreJids":[],"number":null,"organization":null,"logo":null,"autoCreate":false}`))
	if got.NameInbox != "sales" || got.WebhookURL != "https://api.example/chatwoot/webhook/sales" || got.Token != "tok" {
		t.Fatalf("echo %+v", got)
	}

	// Switching off still sends all seven required fields.
	days := int64(5)
	c, rec = newTestClient(t, "", reply(201, echo))
	if _, err := c.SetChatwoot(context.Background(), "sales", Chatwoot{NameInbox: "x", DaysLimitImportMessages: &days, SignMsg: true, SignDelimiter: strp("--")}, true); err != nil {
		t.Fatal(err)
	}
	body := jsonBody(t, rec.only(t).Body)
	for _, k := range []string{"enabled", "accountId", "token", "url", "signMsg", "reopenConversation", "conversationPending"} {
		if _, ok := body[k]; !ok {
			t.Errorf("switching off left %s out", k)
		}
	}
	if body["daysLimitImportMessages"] != 5.0 || body["autoCreate"] != true || body["signDelimiter"] != "--" {
		t.Fatalf("body %v", body)
	}
}

func TestSetChatwootErrors(t *testing.T) {
	tests := []struct {
		name, body string
		status     int
		want       string
	}{
		{"disabled by env", `{"status":400,"error":"Bad Request","response":{"message":["Chatwoot is disabled"]}}`, 400, "Chatwoot is disabled"},
		{"chatwoot unreachable after the save", `{"status":500,"error":"Internal Server Error","response":{"message":"getaddrinfo ENOTFOUND cw.invalid"}}`, 500, "ENOTFOUND"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, "", reply(tt.status, tt.body))
			_, err := c.SetChatwoot(context.Background(), "a", Chatwoot{Enabled: true, Token: "cw-secret"}, true)
			if statusOf(err) != tt.status || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "cw-secret") {
				t.Fatalf("%v", err)
			}
			// An upsert: a 500 is not ambiguous.
			if IsAmbiguous(err) {
				t.Fatalf("ambiguous: %v", err)
			}
		})
	}
	c, _ := newTestClient(t, "", reply(201, ``))
	if _, err := c.SetChatwoot(context.Background(), "a", Chatwoot{}, false); err == nil || !strings.Contains(err.Error(), "empty body") {
		t.Fatalf("empty answer: %v", err)
	}
}

func TestFindChatwoot(t *testing.T) {
	tests := []struct {
		name, body string
		want       *Chatwoot
		err        string
	}{
		{"stub: none", `{"enabled":false,"url":"","accountId":"","token":"","signMsg":false,"nameInbox":"","webhook_url":""}`, nil, ""},
		{"disabled row", `{"enabled":false,"accountId":"1","token":"t","url":"u","nameInbox":"n","signMsg":false,"signDelimiter":null,"reopenConversation":false,"conversationPending":false,"mergeBrazilContacts":false,"importContacts":false,"importMessages":false,"daysLimitImportMessages":null,"organization":null,"logo":null,"ignoreJids":[],"webhook_url":"w"}`,
			&Chatwoot{AccountID: "1", Token: "t", URL: "u", NameInbox: "n", IgnoreJids: []string{}, WebhookURL: "w"}, ""},
		{"not loaded", `{"enabled":null,"url":"","webhook_url":"w"}`, nil, "not loaded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := newTestClient(t, "", reply(200, tt.body))
			got, err := c.FindChatwoot(context.Background(), "日本")
			if rec.only(t).EscapedPath != "/chatwoot/find/%E6%97%A5%E6%9C%AC" {
				t.Fatalf("path %s", rec.only(t).EscapedPath)
			}
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			assertDeepEqual(t, "chatwoot", got, tt.want)
		})
	}
}
