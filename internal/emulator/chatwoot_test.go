package emulator

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

func chatwootBody(kv ...any) map[string]any {
	return with(map[string]any{"enabled": true, "accountId": "1", "token": "cw-token", "url": "https://cw.example.com",
		"signMsg": false, "reopenConversation": true, "conversationPending": false}, kv...)
}

func TestChatwootFindStubUntilSet(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("c", nil)
	e.do("GET", "/chatwoot/find/c", globalKey, nil).wantJSON(t, http.StatusOK,
		`{"enabled":false,"url":"","accountId":"","token":"","signMsg":false,"nameInbox":"","webhook_url":""}`)
	e.do("GET", "/chatwoot/find/ghost", globalKey, nil).wantStatus(t, http.StatusNotFound)
	e.do("POST", "/chatwoot/set/c", "", chatwootBody()).wantStatus(t, http.StatusUnauthorized)
}

func TestChatwootSetEchoesAndFinds(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("sales team", nil)
	r := e.do("POST", "/chatwoot/set/"+seg("sales team"), globalKey, chatwootBody("signDelimiter", "--", "number", "5511"))
	r.wantStatus(t, http.StatusCreated)
	echo := r.obj(t)
	wantHook := e.base + "/chatwoot/webhook/sales%20team"
	// The body comes back with the server's changes: nameInbox defaults to
	// the instance name, signDelimiter is nulled because signMsg is false.
	if echo["nameInbox"] != "sales team" || echo["signDelimiter"] != nil || echo["webhook_url"] != wantHook || echo["number"] != "5511" || echo["token"] != "cw-token" {
		t.Fatalf("echo %v", echo)
	}
	find := e.do("GET", "/chatwoot/find/"+seg("sales team"), globalKey, nil)
	find.wantStatus(t, http.StatusOK)
	row := find.obj(t)
	if got := keys(row); !slices.Equal(got, []string{"accountId", "conversationPending", "daysLimitImportMessages", "enabled", "ignoreJids",
		"importContacts", "importMessages", "logo", "mergeBrazilContacts", "nameInbox", "organization", "reopenConversation",
		"signDelimiter", "signMsg", "token", "url", "webhook_url"}) {
		t.Fatalf("find keys %v (never number)", got)
	}
	if row["token"] != "cw-token" || row["reopenConversation"] != true || row["importContacts"] != false ||
		len(row["ignoreJids"].([]any)) != 0 || row["daysLimitImportMessages"] != nil || row["webhook_url"] != wantHook {
		t.Fatalf("find %v", row)
	}
	listed := e.do("GET", "/instance/fetchInstances", globalKey, nil).arr(t)[0].(map[string]any)["Chatwoot"].(map[string]any)
	if got := keys(listed); !slices.Equal(got, []string{"accountId", "conversationPending", "createdAt", "daysLimitImportMessages", "enabled", "id",
		"ignoreJids", "importContacts", "importMessages", "instanceId", "logo", "mergeBrazilContacts", "nameInbox", "number", "organization",
		"reopenConversation", "signDelimiter", "signMsg", "token", "updatedAt", "url"}) {
		t.Fatalf("listing keys %v", got)
	}
	if listed["number"] != "5511" || listed["ignoreJids"] != nil || listed["token"] != "cw-token" {
		t.Fatalf("listing row %v", listed)
	}
}

func TestChatwootSignDelimiterDroppedOnFirstSet(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("c", nil)
	body := chatwootBody("signMsg", true, "signDelimiter", "\n--\n")
	e.do("POST", "/chatwoot/set/c", globalKey, body).wantStatus(t, http.StatusCreated)
	if row := e.do("GET", "/chatwoot/find/c", globalKey, nil).obj(t); row["signDelimiter"] != nil || row["signMsg"] != true {
		t.Fatalf("after the first set %v", row)
	}
	e.do("POST", "/chatwoot/set/c", globalKey, chatwootBody("signMsg", true, "signDelimiter", "\n--\n")).wantStatus(t, http.StatusCreated)
	if row := e.do("GET", "/chatwoot/find/c", globalKey, nil).obj(t); row["signDelimiter"] != "\n--\n" {
		t.Fatalf("after the second set %v", row)
	}
	// signMsg false nulls it; an empty delimiter reads back as null.
	e.do("POST", "/chatwoot/set/c", globalKey, chatwootBody("signMsg", true, "signDelimiter", "")).wantStatus(t, http.StatusCreated)
	if row := e.do("GET", "/chatwoot/find/c", globalKey, nil).obj(t); row["signDelimiter"] != nil {
		t.Fatalf("empty delimiter %v", row)
	}
}

func TestChatwootUpdateKeepsOmittedFields(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("c", nil)
	e.do("POST", "/chatwoot/set/c", globalKey, chatwootBody("importContacts", true, "daysLimitImportMessages", 7,
		"ignoreJids", []string{"1@g.us"}, "organization", "Org", "nameInbox", "Inbox")).wantStatus(t, http.StatusCreated)
	e.do("POST", "/chatwoot/set/c", globalKey, chatwootBody()).wantStatus(t, http.StatusCreated)
	snap, _ := e.srv.Instance("c")
	cw := snap.Chatwoot
	if !cw.ImportContacts || *cw.DaysLimitImportMessages != 7 || !slices.Equal(cw.IgnoreJids, []string{"1@g.us"}) || *cw.Organization != "Org" {
		t.Fatalf("omitted fields changed: %+v", cw)
	}
	// nameInbox left out falls back to the instance name again.
	if cw.NameInbox != "c" {
		t.Fatalf("nameInbox %q", cw.NameInbox)
	}
}

func TestChatwootValidation(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("c", nil)
	schema := func(msgs string) string {
		return `{"status":400,"error":"Bad Request","response":{"message":[[` + msgs + `]]}}`
	}
	bad := func(msg string) string {
		return `{"status":400,"error":"Bad Request","response":{"message":["` + msg + `"]}}`
	}
	off := map[string]any{"enabled": false, "accountId": "", "token": "", "url": "", "signMsg": false,
		"reopenConversation": false, "conversationPending": false}
	tests := []struct {
		name   string
		body   any
		status int
		want   string
	}{
		{"switching off still needs all seven", map[string]any{"enabled": false}, 400,
			schema(`"instance requires property \"accountId\"","instance requires property \"token\"","instance requires property \"url\"","instance requires property \"signMsg\"","instance requires property \"reopenConversation\"","instance requires property \"conversationPending\""`)},
		{"empty strings on a minimal body", off, 400,
			schema(`"The \"accountId\" cannot be empty","The \"token\" cannot be empty","The \"url\" cannot be empty"`)},
		{"types", chatwootBody("signMsg", "no", "daysLimitImportMessages", "7", "ignoreJids", []any{1}), 400,
			schema(`"signMsg is not of a type(s) boolean","signMsg is not one of enum values: true,false","daysLimitImportMessages is not of a type(s) number","ignoreJids[0] is not of a type(s) string"`)},
		{"url", chatwootBody("url", "not a url"), 400, bad("url is not valid")},
		{"url scheme", chatwootBody("url", "gopher://cw.example.com"), 400, bad("url is not valid")},
		{"accountId", chatwootBody("accountId", "", "nameInbox", "x"), 400, bad("accountId is required")},
		{"token", chatwootBody("token", "", "nameInbox", "x"), 400, bad("token is required")},
		{"too long for the column", chatwootBody("accountId", strings.Repeat("1", 101)), 500,
			`{"status":500,"error":"Internal Server Error","response":{"message":"The provided value for the column is too long for the column's type. Column: accountId"}}`},
		{"fraction of a day", chatwootBody("daysLimitImportMessages", 1.5), 500,
			"{\"status\":500,\"error\":\"Internal Server Error\",\"response\":{\"message\":\"Invalid value for argument `daysLimitImportMessages`: Expected Int, provided Float.\"}}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.do("POST", "/chatwoot/set/c", globalKey, tt.body).wantJSON(t, tt.status, tt.want)
		})
	}
	if snap, _ := e.srv.Instance("c"); snap.Chatwoot != nil {
		t.Fatalf("a rejected set stored %+v", snap.Chatwoot)
	}
	// With one key more, switching off with empty strings passes; the url is
	// not checked then.
	e.do("POST", "/chatwoot/set/c", globalKey, with(off, "nameInbox", "")).wantStatus(t, http.StatusCreated)
	// require_tld is false and the scheme is optional.
	e.do("POST", "/chatwoot/set/c", globalKey, chatwootBody("url", "chatwoot:3000/app")).wantStatus(t, http.StatusCreated)
}

func TestChatwootDisabledByEnv(t *testing.T) {
	e := newEnv(t, Options{Disabled: []string{SwitchChatwoot}})
	e.create("c", nil)
	want := `{"status":400,"error":"Bad Request","response":{"message":["Chatwoot is disabled"]}}`
	e.do("POST", "/chatwoot/set/c", globalKey, chatwootBody()).wantJSON(t, http.StatusBadRequest, want)
	e.do("GET", "/chatwoot/find/c", globalKey, nil).wantJSON(t, http.StatusBadRequest, want)
	// The schema is checked first.
	e.do("POST", "/chatwoot/set/c", globalKey, map[string]any{}).wantStatus(t, http.StatusBadRequest)
	e.srv.SetSwitch(SwitchChatwoot, true)
	e.do("POST", "/chatwoot/set/c", globalKey, chatwootBody()).wantStatus(t, http.StatusCreated)
	// The listing shows the row whatever the switch says.
	e.srv.SetSwitch(SwitchChatwoot, false)
	if row := e.do("GET", "/instance/fetchInstances", globalKey, nil).arr(t)[0].(map[string]any); row["Chatwoot"] == nil {
		t.Fatal("listing hid the Chatwoot row")
	}
}

func TestChatwootAutoCreate(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("c", nil)
	e.do("POST", "/chatwoot/set/c", globalKey, chatwootBody("autoCreate", true, "nameInbox", "Sales")).wantStatus(t, http.StatusCreated)
	e.do("POST", "/chatwoot/set/c", globalKey, chatwootBody("autoCreate", true, "nameInbox", "Sales")).wantStatus(t, http.StatusCreated)
	if snap, _ := e.srv.Instance("c"); !slices.Equal(snap.ChatwootInboxes, []string{"Sales"}) {
		t.Fatalf("inboxes %v", snap.ChatwootInboxes)
	}
	// Chatwoot unreachable: 500, but the configuration was saved first.
	e.do("POST", "/chatwoot/set/c", globalKey, chatwootBody("autoCreate", true, "url", "https://cw.down.invalid", "accountId", "9")).wantJSON(t,
		http.StatusInternalServerError, `{"status":500,"error":"Internal Server Error","response":{"message":"getaddrinfo ENOTFOUND cw.down.invalid"}}`)
	if snap, _ := e.srv.Instance("c"); snap.Chatwoot.URL != "https://cw.down.invalid" || snap.Chatwoot.AccountID != "9" {
		t.Fatalf("config not saved before Chatwoot failed: %+v", snap.Chatwoot)
	}
}

func TestSetChatwootOutOfBand(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("c", nil)
	if err := e.srv.SetChatwoot("c", func(c *Chatwoot) { c.URL = "https://elsewhere.example"; c.NameInbox = "x" }); err != nil {
		t.Fatal(err)
	}
	if row := e.do("GET", "/chatwoot/find/c", globalKey, nil).obj(t); row["url"] != "https://elsewhere.example" || row["enabled"] != true {
		t.Fatalf("row %v", row)
	}
	if err := e.srv.SetChatwoot("ghost", func(*Chatwoot) {}); err == nil {
		t.Fatal("SetChatwoot of an unknown instance")
	}
}
