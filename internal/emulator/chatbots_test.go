package emulator

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// botBody is a minimal valid create body of a kind with a keyword trigger;
// tag makes the kind's own fields distinct so duplicate checks stay quiet.
func botBody(t *testing.T, e *env, inst, kind, tag string) map[string]any {
	t.Helper()
	b := map[string]any{"enabled": true, "triggerType": "keyword", "triggerOperator": "equals", "triggerValue": "hi " + tag, "ignoreJids": []any{}}
	switch kind {
	case "typebot":
		b["url"], b["typebot"] = "https://typebot.example/"+tag, "flow-"+tag
	case "openai":
		b["openaiCredsId"], b["botType"], b["model"], b["maxTokens"] = "none", "chatCompletion", "gpt-"+tag, 100
		if e.srv.switchOn(SwitchOpenai) {
			b["openaiCredsId"] = e.creds(inst)
		}
	case "dify":
		b["botType"], b["apiUrl"], b["apiKey"] = "chatBot", "https://dify.example/"+tag, "k-"+tag
	case "flowise", "evolutionBot":
		b["apiUrl"], b["apiKey"] = "https://api.example/"+tag, "k-"+tag
	case "n8n":
		b["webhookUrl"], b["basicAuthUser"], b["basicAuthPass"] = "https://n8n.example/"+tag, "u", "p-"+tag
	case "evoai":
		b["agentUrl"], b["apiKey"] = "https://evoai.example/"+tag, "k-"+tag
	}
	return b
}

// creds returns the id of the instance's OpenAI credential, creating one.
func (e *env) creds(inst string) string {
	e.t.Helper()
	for id, name := range e.srv.OpenAICreds(inst) {
		if name == "c-"+inst {
			return id
		}
	}
	r := e.do("POST", "/openai/creds/"+inst, globalKey, map[string]any{"name": "c-" + inst, "apiKey": "sk-" + inst})
	r.wantStatus(e.t, http.StatusCreated)
	return r.obj(e.t)["id"].(string)
}

func kindName(kind string) string { return botKindOf(kind).name }

func plus(m map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func wantServerError(t *testing.T, r resp, msg string) {
	t.Helper()
	r.wantJSON(t, http.StatusInternalServerError, `{"status":500,"error":"Internal Server Error","response":{"message":"`+strings.ReplaceAll(msg, `"`, `\"`)+`"}}`)
}

func TestChatbotLifecycleEveryKind(t *testing.T) {
	for _, kind := range BotKinds() {
		t.Run(kind, func(t *testing.T) {
			e := newEnv(t, Options{})
			e.create("a", nil)
			e.create("b", nil)
			p := "/" + kind

			r := e.do("POST", p+"/create/a", globalKey, botBody(t, e, "a", kind, "1"))
			r.wantStatus(t, http.StatusCreated)
			bot := r.obj(t)
			id := bot["id"].(string)
			if bot["instanceId"] == "" || bot["triggerValue"] != "hi 1" || bot["enabled"] != true {
				t.Fatalf("created %v", bot)
			}
			if got := e.do("GET", p+"/find/a", globalKey, nil).arr(t); len(got) != 1 || got[0].(map[string]any)["id"] != id {
				t.Fatalf("find %v", got)
			}
			if got := e.do("GET", p+"/find/b", globalKey, nil).arr(t); len(got) != 0 {
				t.Fatalf("find of another instance %v", got)
			}
			e.do("GET", p+"/fetch/"+id+"/a", globalKey, nil).wantStatus(t, http.StatusOK)
			// fetch does not check the instance: b sees a's bot.
			if got := e.do("GET", p+"/fetch/"+id+"/b", globalKey, nil).obj(t); got["id"] != id {
				t.Fatalf("fetch through another instance %v", got)
			}
			if r := e.do("GET", p+"/fetch/nope/a", globalKey, nil); r.status != http.StatusOK || string(r.body) != "null" {
				t.Fatalf("fetch unknown: %d %s", r.status, r.body)
			}

			upd := plus(botBody(t, e, "a", kind, "1"), "description", "changed")
			r = e.do("PUT", p+"/update/"+id+"/a", globalKey, upd)
			r.wantStatus(t, http.StatusOK)
			if r.obj(t)["description"] != "changed" {
				t.Fatalf("update %s", r.body)
			}
			// A bot of another instance cannot be updated or deleted there.
			wantServerError(t, e.do("PUT", p+"/update/"+id+"/b", globalKey, upd), "Error updating "+kindName(kind))
			wantServerError(t, e.do("DELETE", p+"/delete/"+id+"/b", globalKey, nil), "Error deleting "+kindName(kind)+" bot")

			e.do("DELETE", p+"/delete/"+id+"/a", globalKey, nil).wantJSON(t, http.StatusOK, `{"bot":{"id":"`+id+`"}}`)
			// "Already gone" looks like any other failure.
			wantServerError(t, e.do("DELETE", p+"/delete/"+id+"/a", globalKey, nil), "Error deleting "+kindName(kind)+" bot")
		})
	}
}

func TestChatbotGuardsAndSwitches(t *testing.T) {
	e := newEnv(t, Options{Disabled: []string{"TYPEBOT_ENABLED", "OPENAI_ENABLED", "DIFY_ENABLED", "FLOWISE_ENABLED", "N8N_ENABLED", "EVOAI_ENABLED"}})
	e.create("a", nil)
	for _, kind := range BotKinds() {
		body := botBody(t, e, "a", kind, "1")
		e.do("POST", "/"+kind+"/create/ghost", globalKey, body).wantStatus(t, http.StatusNotFound)
		e.do("POST", "/"+kind+"/create/a", "wrong", body).wantStatus(t, http.StatusUnauthorized)
		// The schema error comes before the switch.
		e.do("POST", "/"+kind+"/create/a", globalKey, map[string]any{"enabled": true}).wantStatus(t, http.StatusBadRequest)
		if kind == "evolutionBot" {
			// No switch: always on.
			e.do("POST", "/"+kind+"/create/a", globalKey, body).wantStatus(t, http.StatusCreated)
			continue
		}
		disabled := `{"status":400,"error":"Bad Request","response":{"message":["` + kindName(kind) + ` is disabled"]}}`
		e.do("POST", "/"+kind+"/create/a", globalKey, body).wantJSON(t, http.StatusBadRequest, disabled)
		e.do("GET", "/"+kind+"/find/a", globalKey, nil).wantJSON(t, http.StatusBadRequest, disabled)
		e.do("GET", "/"+kind+"/fetchSettings/a", globalKey, nil).wantJSON(t, http.StatusBadRequest, disabled)
	}
	e.do("POST", "/openai/creds/a", globalKey, map[string]any{"name": "n", "apiKey": "k"}).
		wantJSON(t, http.StatusBadRequest, `{"status":400,"error":"Bad Request","response":{"message":["Openai is disabled"]}}`)
	e.srv.SetSwitch(SwitchTypebot, true)
	e.do("POST", "/typebot/create/a", globalKey, botBody(t, e, "a", "typebot", "1")).wantStatus(t, http.StatusCreated)
}

func TestChatbotSchema(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("a", nil)
	bad := func(path string, body any, msgs string) {
		t.Helper()
		e.do("POST", path, globalKey, body).wantJSON(t, http.StatusBadRequest, `{"status":400,"error":"Bad Request","response":{"message":[`+msgs+`]}}`)
	}
	bad("/typebot/create/a", map[string]any{},
		`["instance requires property \"enabled\"","instance requires property \"triggerType\"","instance requires property \"url\"","instance requires property \"typebot\""]`)
	bad("/dify/create/a", map[string]any{"enabled": true, "triggerType": "sometimes", "botType": "chatBot", "expire": 1.5},
		`["triggerType is not one of enum values: all,keyword,none,advanced","expire is not of a type(s) integer"]`)
	bad("/openai/create/a", map[string]any{"enabled": true, "triggerType": "all", "openaiCredsId": "x", "botType": "chat", "ignoreJids": []any{1}},
		`["ignoreJids[0] is not of a type(s) string","botType is not one of enum values: assistant,chatCompletion"]`)
	// keepOpen is not in the typebot schema: a wrong type passes the schema
	// and fails the insert.
	wantServerError(t, e.do("POST", "/typebot/create/a", globalKey, plus(botBody(t, e, "a", "typebot", "1"), "keepOpen", "yes")), "Error creating Typebot")
	// Column limits are the DB's: the generic create error.
	wantServerError(t, e.do("POST", "/flowise/create/a", globalKey, plus(botBody(t, e, "a", "flowise", "1"), "keywordFinish", strings.Repeat("x", 101))), "Error creating Flowise")
	e.do("POST", "/flowise/create/a", globalKey, plus(botBody(t, e, "a", "flowise", "1"), "keywordFinish", strings.Repeat("é", 100))).wantStatus(t, http.StatusCreated)
}

func TestChatbotTriggerRules(t *testing.T) {
	for _, kind := range BotKinds() {
		t.Run(kind, func(t *testing.T) {
			e := newEnv(t, Options{})
			e.create("a", nil)
			e.create("b", nil)
			p := "/" + kind
			name := kindName(kind)
			create := func(tag string, kv ...any) resp {
				return e.do("POST", p+"/create/a", globalKey, plus(botBody(t, e, "a", kind, tag), kv...))
			}
			allMsg := `You already have a ` + name + ` with an "All" trigger, you cannot have more bots while it is active`

			wantServerError(t, create("1", "triggerValue", ""), "Trigger operator and value are required")
			wantServerError(t, create("1", "triggerType", "advanced", "triggerValue", ""), "Trigger value is required")
			first := create("1").obj(t)["id"].(string)
			// Same operator and value, whatever the rest: a duplicate.
			wantServerError(t, create("2", "triggerValue", "hi 1"), "Trigger already exists")
			// Another instance is free to use it.
			e.do("POST", p+"/create/b", globalKey, plus(botBody(t, e, "b", kind, "2"), "triggerValue", "hi 1")).wantStatus(t, http.StatusCreated)
			adv := create("3", "triggerType", "advanced", "triggerValue", "contains:x").obj(t)["id"].(string)
			wantServerError(t, create("4", "triggerType", "advanced", "triggerOperator", "regex", "triggerValue", "contains:x"), "Trigger already exists")

			all := create("5", "triggerType", "all").obj(t)["id"].(string)
			// Checked even when the new one is disabled; not for other triggers.
			wantServerError(t, create("6", "triggerType", "all", "enabled", false), allMsg)
			create("7").wantStatus(t, http.StatusCreated)

			// Every update failure is the same message.
			upd := func(id, tag string, kv ...any) resp {
				return e.do("PUT", p+"/update/"+id+"/a", globalKey, plus(botBody(t, e, "a", kind, tag), kv...))
			}
			wantServerError(t, upd(first, "1", "triggerType", "all"), "Error updating "+name)
			wantServerError(t, upd(adv, "3", "triggerType", "keyword", "triggerValue", "hi 1"), "Error updating "+name)
			wantServerError(t, upd(first, "1", "triggerType", "advanced", "triggerValue", ""), "Error updating "+name)
			// Excluding itself: re-sending its own trigger is fine.
			upd(first, "1").wantStatus(t, http.StatusOK)
			upd(all, "5", "triggerType", "all").wantStatus(t, http.StatusOK)
			// Disable the "all" bot: another may be added.
			upd(all, "5", "triggerType", "all", "enabled", false).wantStatus(t, http.StatusOK)
			create("8", "triggerType", "all").wantStatus(t, http.StatusCreated)
		})
	}
}

func TestChatbotDuplicates(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("a", nil)
	same := func(kind string, kv ...any) map[string]any {
		return plus(botBody(t, e, "a", kind, "x"), kv...)
	}
	for kind, msg := range map[string]string{"dify": "Dify already exists", "flowise": "Flowise already exists", "n8n": "N8n already exists", "evoai": "Evoai already exists", "openai": "Openai Bot already exists"} {
		e.do("POST", "/"+kind+"/create/a", globalKey, same(kind)).wantStatus(t, http.StatusCreated)
		wantServerError(t, e.do("POST", "/"+kind+"/create/a", globalKey, same(kind, "triggerValue", "other")), msg)
	}
	// An omitted apiKey is not compared: any bot with the same apiUrl matches.
	noKey := same("flowise", "triggerValue", "other2")
	delete(noKey, "apiKey")
	wantServerError(t, e.do("POST", "/flowise/create/a", globalKey, noKey), "Flowise already exists")

	// typebot and evolutionBot check duplicates on update only.
	for _, kind := range []string{"typebot", "evolutionBot"} {
		first := e.do("POST", "/"+kind+"/create/a", globalKey, same(kind)).obj(t)["id"].(string)
		second := e.do("POST", "/"+kind+"/create/a", globalKey, same(kind, "triggerValue", "other")).obj(t)["id"].(string)
		_ = first
		wantServerError(t, e.do("PUT", "/"+kind+"/update/"+second+"/a", globalKey, same(kind, "triggerValue", "other")), "Error updating "+kindName(kind))
	}
}

func TestChatbotN8nPassword(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("a", nil)
	body := botBody(t, e, "a", "n8n", "1")
	body["basicAuthPassword"] = "ignored"
	got := e.do("POST", "/n8n/create/a", globalKey, body).obj(t)
	if got["basicAuthPass"] != "p-1" {
		t.Fatalf("basicAuthPass %v", got["basicAuthPass"])
	}
	if _, ok := got["basicAuthPassword"]; ok {
		t.Fatalf("basicAuthPassword stored: %v", got)
	}
	delete(body, "basicAuthPass")
	body["triggerValue"], body["webhookUrl"] = "other", "https://n8n.example/2"
	if got := e.do("POST", "/n8n/create/a", globalKey, body).obj(t); got["basicAuthPass"] != nil {
		t.Fatalf("basicAuthPassword read as the password: %v", got["basicAuthPass"])
	}
}

func TestChatbotDefaultFill(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("a", nil)
	// No row: fetchSettings answers the built-in defaults.
	e.do("GET", "/dify/fetchSettings/a", globalKey, nil).wantJSON(t, http.StatusOK,
		`{"expire":300,"keywordFinish":"bye","delayMessage":1000,"unknownMessage":"Sorry, I dont understand","listeningFromMe":true,"stopBotFromMe":true,"keepOpen":false,"debounceTime":1,"ignoreJids":[],"splitMessages":false,"timePerChar":0,"fallbackId":"","fallback":null}`)

	// The first bot creates the row from its own values.
	first := e.do("POST", "/dify/create/a", globalKey, plus(botBody(t, e, "a", "dify", "1"), "expire", 7, "ignoreJids", []any{})).obj(t)
	if first["timePerChar"] != 0.0 || first["splitMessages"] != false || first["expire"] != 7.0 {
		t.Fatalf("first bot %v", first)
	}
	row, ok := e.srv.ChatbotSettings("a", "dify")
	if !ok || row["expire"] != 7.0 || row["timePerChar"] != 0.0 || row["keywordFinish"] != nil {
		t.Fatalf("settings created by the first bot: %v", row)
	}
	e.do("POST", "/dify/settings/a", globalKey, difySettings(map[string]any{"keywordFinish": "#end", "delayMessage": 5})).wantStatus(t, http.StatusOK)
	// Later bots get what they leave out from the row; sent values win.
	got := e.do("POST", "/dify/create/a", globalKey, plus(botBody(t, e, "a", "dify", "2"), "delayMessage", 9)).obj(t)
	if got["keywordFinish"] != "#end" || got["delayMessage"] != 9.0 || got["expire"] != 20.0 {
		t.Fatalf("filled bot %v", got)
	}
	// Update does not fill.
	upd := e.do("PUT", "/dify/update/"+got["id"].(string)+"/a", globalKey, plus(botBody(t, e, "a", "dify", "2"), "keywordFinish", "k")).obj(t)
	if upd["delayMessage"] != 9.0 || upd["keywordFinish"] != "k" {
		t.Fatalf("updated bot %v", upd)
	}
}

// A first bot without ignoreJids leaves NULL in the defaults; the next bot
// copies it and the insert fails.
func TestChatbotNullIgnoreJids(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("a", nil)
	noJids := func(tag string) map[string]any {
		b := botBody(t, e, "a", "evoai", tag)
		delete(b, "ignoreJids")
		return b
	}
	e.do("POST", "/evoai/create/a", globalKey, noJids("1")).wantStatus(t, http.StatusCreated)
	wantServerError(t, e.do("POST", "/evoai/create/a", globalKey, noJids("2")), "Error creating Evoai")
	e.do("POST", "/evoai/create/a", globalKey, botBody(t, e, "a", "evoai", "2")).wantStatus(t, http.StatusCreated)
	// Sending ignoreJids to the settings repairs it.
	e.do("POST", "/evoai/settings/a", globalKey, difySettings(nil)).wantStatus(t, http.StatusOK)
	e.do("POST", "/evoai/create/a", globalKey, noJids("3")).wantStatus(t, http.StatusCreated)
	// The typebot settings schema does not type ignoreJids: null reaches the DB.
	wantServerError(t, e.do("POST", "/typebot/settings/a", globalKey, plus(typebotSettings(), "ignoreJids", nil)), "Error setting default settings")
}

func difySettings(extra map[string]any) map[string]any {
	b := plus(typebotSettings(), "expire", 20, "keepOpen", false, "debounceTime", 10, "ignoreJids", []any{}, "splitMessages", false, "timePerChar", 50)
	for k, v := range extra {
		b[k] = v
	}
	return b
}

func typebotSettings() map[string]any {
	return map[string]any{"expire": 20, "keywordFinish": "#sair", "delayMessage": 1000, "unknownMessage": "?", "listeningFromMe": false, "stopBotFromMe": false}
}

func TestChatbotSettings(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("a", nil)
	e.create("b", nil)
	e.do("POST", "/n8n/settings/a", globalKey, typebotSettings()).wantJSON(t, http.StatusBadRequest,
		`{"status":400,"error":"Bad Request","response":{"message":[["instance requires property \"keepOpen\"","instance requires property \"debounceTime\"","instance requires property \"ignoreJids\"","instance requires property \"splitMessages\"","instance requires property \"timePerChar\""]]}}`)
	r := e.do("POST", "/typebot/settings/a", globalKey, typebotSettings())
	r.wantStatus(t, http.StatusOK)
	if got := r.obj(t); got["fallbackId"] != nil || got["typebotIdFallback"] != nil || got["keywordFinish"] != "#sair" {
		t.Fatalf("settings answer %v", got)
	}
	bot := e.do("POST", "/typebot/create/a", globalKey, botBody(t, e, "a", "typebot", "1")).obj(t)["id"].(string)
	other := e.do("POST", "/typebot/create/b", globalKey, botBody(t, e, "b", "typebot", "1")).obj(t)["id"].(string)

	// The schema's column name is ignored; fallbackId is what counts.
	e.do("POST", "/typebot/settings/a", globalKey, plus(typebotSettings(), "typebotIdFallback", bot)).wantStatus(t, http.StatusOK)
	if row, _ := e.srv.ChatbotSettings("a", "typebot"); row["fallbackId"] != nil {
		t.Fatalf("typebotIdFallback was read: %v", row)
	}
	wantServerError(t, e.do("POST", "/typebot/settings/a", globalKey, plus(typebotSettings(), "fallbackId", "nope")), "Error setting default settings")
	wantServerError(t, e.do("POST", "/typebot/settings/a", globalKey, plus(typebotSettings(), "fallbackId", 5)), "Error setting default settings")
	// A foreign key only: another instance's bot passes.
	e.do("POST", "/typebot/settings/a", globalKey, plus(typebotSettings(), "fallbackId", other)).wantStatus(t, http.StatusOK)
	// An upsert: only what is sent changes.
	r = e.do("POST", "/typebot/settings/a", globalKey, plus(typebotSettings(), "fallbackId", bot, "expire", 1))
	if got := r.obj(t); got["fallbackId"] != bot || got["typebotIdFallback"] != bot || got["expire"] != 1.0 {
		t.Fatalf("settings answer %v", got)
	}
	got := e.do("GET", "/typebot/fetchSettings/a", globalKey, nil).obj(t)
	if got["fallbackId"] != bot || got["fallback"].(map[string]any)["id"] != bot || got["Fallback"].(map[string]any)["id"] != bot {
		t.Fatalf("fetchSettings %v", got)
	}
	// Deleting the fallback bot clears the link.
	e.do("DELETE", "/typebot/delete/"+bot+"/a", globalKey, nil).wantStatus(t, http.StatusOK)
	if got := e.do("GET", "/typebot/fetchSettings/a", globalKey, nil).obj(t); got["fallbackId"] != nil || got["fallback"] != nil {
		t.Fatalf("fallback after delete %v", got)
	}
	wantServerError(t, e.do("POST", "/typebot/settings/a", globalKey, plus(typebotSettings(), "unknownMessage", strings.Repeat("x", 101))), "Error setting default settings")
	// null clears the fallback.
	e.do("POST", "/typebot/settings/a", globalKey, plus(typebotSettings(), "fallbackId", other)).wantStatus(t, http.StatusOK)
	if got := e.do("POST", "/typebot/settings/a", globalKey, plus(typebotSettings(), "fallbackId", nil)).obj(t); got["fallbackId"] != nil {
		t.Fatalf("null fallback %v", got)
	}
}

func TestOpenAIBotRules(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("a", nil)
	body := func(kv ...any) map[string]any { return plus(botBody(t, e, "a", "openai", "1"), kv...) }
	wantServerError(t, e.do("POST", "/openai/create/a", globalKey, body("botType", "assistant")), "Assistant ID is required")
	wantServerError(t, e.do("POST", "/openai/create/a", globalKey, body("model", "")), "Model is required")
	wantServerError(t, e.do("POST", "/openai/create/a", globalKey, body("maxTokens", 0)), "Max tokens is required")
	// Unknown creds and no settings row yet.
	wantServerError(t, e.do("POST", "/openai/create/a", globalKey, body("openaiCredsId", "nope")), "Error setting default settings")
	if _, ok := e.srv.ChatbotSettings("a", "openai"); ok {
		t.Fatal("a failed create left settings")
	}
	// The first bot seeds the defaults; body values win when truthy.
	e.do("POST", "/openai/create/a", globalKey, body("delayMessage", 5)).wantStatus(t, http.StatusCreated)
	row, _ := e.srv.ChatbotSettings("a", "openai")
	if row["openaiCredsId"] != e.creds("a") || row["expire"] != 300.0 || row["delayMessage"] != 5.0 || row["keywordFinish"] != "bye" || row["speechToText"] != false {
		t.Fatalf("seeded settings %v", row)
	}
	// With settings: unknown creds fail the insert.
	wantServerError(t, e.do("POST", "/openai/create/a", globalKey, body("openaiCredsId", "nope", "model", "other", "triggerValue", "z")), "Error creating Openai")
	wantServerError(t, e.do("POST", "/openai/create/a", globalKey, body("triggerValue", "z")), "Openai Bot already exists")
}

func TestOpenAICreds(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("a", nil)
	e.create("b", nil)
	bad := func(inst string, body any, status int, msg string) {
		t.Helper()
		r := e.do("POST", "/openai/creds/"+inst, globalKey, body)
		r.wantJSON(t, status, `{"status":`+strconv.Itoa(status)+`,"error":"`+http.StatusText(status)+`","response":{"message":`+msg+`}}`)
	}
	bad("a", map[string]any{"name": "", "apiKey": "k"}, 400, `[["The \"name\" cannot be empty"]]`)
	bad("a", map[string]any{"name": "", "apiKey": "k", "x": 1}, 400, `["Name is required"]`)
	bad("a", map[string]any{"name": "n", "apiKey": "", "x": 1}, 400, `["API Key is required"]`)
	r := e.do("POST", "/openai/creds/a", globalKey, map[string]any{"name": "main", "apiKey": "sk-1"})
	r.wantStatus(t, http.StatusCreated)
	creds := r.obj(t)
	if creds["apiKey"] != "sk-1" || creds["name"] != "main" {
		t.Fatalf("creds %v", creds)
	}
	id := creds["id"].(string)
	bad("b", map[string]any{"name": "other", "apiKey": "sk-1"}, 400, `["This API key is already registered. Please use a different API key."]`)
	bad("a", map[string]any{"name": "main", "apiKey": "sk-2"}, 400, `["This credential name is already in use. Please choose a different name."]`)
	// Names are unique across instances in the DB only.
	bad("b", map[string]any{"name": "main", "apiKey": "sk-2"}, 500, `"Error creating openai creds"`)

	// Another instance's creds are not found; the bots using them are deleted with them.
	wantServerError(t, e.do("DELETE", "/openai/creds/"+id+"/b", globalKey, nil), "Openai Creds not found")
	second := e.do("POST", "/openai/creds/a", globalKey, map[string]any{"name": "second", "apiKey": "sk-3"}).obj(t)["id"].(string)
	e.do("POST", "/openai/create/a", globalKey, plus(botBody(t, e, "a", "openai", "1"), "openaiCredsId", id)).wantStatus(t, http.StatusCreated) // seeds settings → main
	onSecond := e.do("POST", "/openai/create/a", globalKey, plus(botBody(t, e, "a", "openai", "2"), "openaiCredsId", second)).obj(t)["id"].(string)
	list := e.do("GET", "/openai/creds/a", globalKey, nil).arr(t)
	for _, c := range list {
		c := c.(map[string]any)
		if n := len(c["OpenaiAssistant"].([]any)); c["name"] != "c-a" && n != 1 {
			t.Fatalf("creds %v lists %d bots, want 1", c["name"], n)
		}
	}
	// The defaults point at main: refused, nothing deleted.
	wantServerError(t, e.do("DELETE", "/openai/creds/"+id+"/a", globalKey, nil), "Error deleting openai creds")
	if len(e.srv.Chatbots("a", "openai")) != 2 {
		t.Fatal("a refused delete removed bots")
	}
	e.do("DELETE", "/openai/creds/"+second+"/a", globalKey, nil).wantJSON(t, http.StatusOK, `{"openaiCreds":{"id":"`+second+`"}}`)
	for _, b := range e.srv.Chatbots("a", "openai") {
		if b["id"] == onSecond {
			t.Fatal("the bot using the deleted creds survived")
		}
	}
	// Move the defaults, then the old creds can go.
	e.do("POST", "/openai/settings/a", globalKey, plus(difySettings(nil), "openaiCredsId", e.newCreds("a", "third"))).wantStatus(t, http.StatusOK)
	e.do("DELETE", "/openai/creds/"+id+"/a", globalKey, nil).wantStatus(t, http.StatusOK)
	if len(e.srv.Chatbots("a", "openai")) != 0 {
		t.Fatal("cascade")
	}
}

func (e *env) newCreds(inst, name string) string {
	e.t.Helper()
	r := e.do("POST", "/openai/creds/"+inst, globalKey, map[string]any{"name": name, "apiKey": "sk-" + name})
	r.wantStatus(e.t, http.StatusCreated)
	return r.obj(e.t)["id"].(string)
}

// Deleting the instance takes its bots, settings and creds.
func TestChatbotInstanceCascade(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("a", nil)
	e.do("POST", "/typebot/create/a", globalKey, botBody(t, e, "a", "typebot", "1")).wantStatus(t, http.StatusCreated)
	e.srv.Remove("a")
	e.create("a", nil)
	if len(e.srv.Chatbots("a", "typebot")) != 0 || len(e.srv.OpenAICreds("a")) != 0 {
		t.Fatal("bots survived the instance")
	}
}

// The created-then-failed fault covers chatbot and OpenAI credential
// creates too: the object is stored and the answer is a 500 that carries no rule message.
func TestChatbotCreatedThenFailed(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("a", nil)
	e.srv.SetFaults(FaultConfig{Rate: 1, Seed: 1, Kinds: []FaultKind{FaultCreatedThenFailed}})
	wantServerError(t, e.do("POST", "/typebot/create/a", globalKey, botBody(t, e, "a", "typebot", "1")), "Internal Server Error")
	if n := len(e.srv.Chatbots("a", "typebot")); n != 1 {
		t.Fatalf("%d bots stored, want 1", n)
	}
	// Other routes are not creates: served as usual.
	e.do("GET", "/typebot/find/a", globalKey, nil).wantStatus(t, http.StatusOK)
	// An OpenAI credential create too.
	wantServerError(t, e.do("POST", "/openai/creds/a", globalKey, map[string]any{"name": "main", "apiKey": "sk-1"}), "Internal Server Error")
	if n := len(e.srv.OpenAICreds("a")); n != 1 {
		t.Fatalf("%d credentials stored, want 1", n)
	}
	if got := e.srv.Stats().FaultsInjected[string(FaultCreatedThenFailed)]; got != 2 {
		t.Fatalf("faults counted %d", got)
	}
}
