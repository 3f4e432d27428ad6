package emulator

import (
	"net/http"
	"slices"
	"testing"
)

// stream wraps fields in the kind's key, as every stream route wants.
func stream(kind string, fields ...any) map[string]any {
	return map[string]any{kind: with(map[string]any{}, fields...)}
}

func pusherBody(fields ...any) map[string]any {
	return stream("pusher", append([]any{"enabled", true, "appId", "123", "key", "k", "secret", "s3cret", "cluster", "mt1", "useTLS", true}, fields...)...)
}

func schemaBody(msgs string) string {
	return `{"status":400,"error":"Bad Request","response":{"message":[[` + msgs + `]]}}`
}

func serverErrorBody(msg string) string {
	return `{"status":500,"error":"Internal Server Error","response":{"message":"` + msg + `"}}`
}

func TestStreamFindIsNullUntilSet(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("s", nil)
	for _, kind := range StreamKinds() {
		r := e.do("GET", "/"+kind+"/find/s", globalKey, nil)
		if r.status != http.StatusOK || string(r.body) != "null" {
			t.Fatalf("%s: %d %q", kind, r.status, r.body)
		}
	}
}

func TestStreamSetRow(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("s", nil)
	snap, _ := e.srv.Instance("s")
	for _, kind := range []string{"websocket", "rabbitmq", "nats", "sqs", "kafka"} {
		r := e.do("POST", "/"+kind+"/set/s", globalKey, stream(kind, "enabled", true, "events", []string{"CALL", "MESSAGES_UPSERT"}))
		r.wantStatus(t, http.StatusCreated)
		row := r.obj(t)
		if got := keys(row); !slices.Equal(got, []string{"createdAt", "enabled", "events", "id", "instanceId", "updatedAt"}) {
			t.Fatalf("%s row keys %v", kind, got)
		}
		if row["enabled"] != true || row["instanceId"] != snap.ID || !slices.Equal(toStrings(row["events"]), []string{"CALL", "MESSAGES_UPSERT"}) {
			t.Fatalf("%s row %s", kind, r.body)
		}
		if find := e.do("GET", "/"+kind+"/find/s", globalKey, nil); string(find.body) != string(r.body) {
			t.Fatalf("%s find %s\n set %s", kind, find.body, r.body)
		}
	}
	r := e.do("POST", "/pusher/set/s", globalKey, pusherBody("events", []string{"CALL"}))
	r.wantStatus(t, http.StatusCreated)
	row := r.obj(t)
	if got := keys(row); !slices.Equal(got, []string{"appId", "cluster", "createdAt", "enabled", "events", "id", "instanceId", "key", "secret", "updatedAt", "useTLS"}) {
		t.Fatalf("pusher row keys %v", got)
	}
	// The secret comes back in clear.
	if row["secret"] != "s3cret" || row["appId"] != "123" || row["useTLS"] != true {
		t.Fatalf("pusher row %s", r.body)
	}
	if find := e.do("GET", "/pusher/find/s", globalKey, nil); string(find.body) != string(r.body) {
		t.Fatalf("pusher find %s\n set %s", find.body, r.body)
	}
	snap, _ = e.srv.Instance("s")
	if len(snap.Streams) != 6 || snap.Streams["pusher"].Secret != "s3cret" {
		t.Fatalf("snapshot streams %+v", snap.Streams)
	}
}

func TestStreamEventsSemantics(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("s", nil)
	tests := []struct {
		name string
		body map[string]any
		want []string
	}{
		{"empty list is every event", stream("nats", "enabled", true, "events", []string{}), AllEvents},
		{"order and duplicates kept", stream("nats", "enabled", true, "events", []string{"CALL", "APPLICATION_STARTUP", "CALL"}), []string{"CALL", "APPLICATION_STARTUP", "CALL"}},
		{"disabled stores none whatever was sent", stream("nats", "enabled", false, "events", []string{"CALL"}), []string{}},
		{"disabled without events is fine", stream("nats", "enabled", false), []string{}},
		{"a second set replaces both", stream("nats", "enabled", true, "events", []string{"LOGOUT_INSTANCE"}), []string{"LOGOUT_INSTANCE"}},
		{"pusher: empty list is every event", pusherBody("events", []string{}), AllEvents},
		{"pusher: disabled stores none", pusherBody("enabled", false, "events", []string{"CALL"}), []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind := "nats"
			if _, ok := tt.body["pusher"]; ok {
				kind = "pusher"
			}
			r := e.do("POST", "/"+kind+"/set/s", globalKey, tt.body)
			r.wantStatus(t, http.StatusCreated)
			if got := toStrings(r.obj(t)["events"]); !slices.Equal(got, tt.want) {
				t.Fatalf("events %v", got)
			}
			if got := toStrings(e.do("GET", "/"+kind+"/find/s", globalKey, nil).obj(t)["events"]); !slices.Equal(got, tt.want) {
				t.Fatalf("find events %v", got)
			}
		})
	}
	// Pusher's credentials are stored as sent when it is switched off.
	if st := mustSnap(t, e, "s").Streams["pusher"]; st.Enabled || st.Secret != "s3cret" || st.AppID != "123" {
		t.Fatalf("disabled pusher %+v", st)
	}
}

func TestStreamLiteralEmptyEvents(t *testing.T) {
	e := newEnv(t, Options{LiteralEmptyEvents: true})
	e.create("s", nil)
	r := e.do("POST", "/kafka/set/s", globalKey, stream("kafka", "enabled", true, "events", []string{}))
	if got := toStrings(r.obj(t)["events"]); len(got) != 0 {
		t.Fatalf("events %v", got)
	}
}

func TestStreamValidation(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("s", nil)
	tests := []struct {
		name   string
		path   string
		body   any
		status int
		want   string
	}{
		{"body not an object", "/rabbitmq/set/s", `[]`, 400, schemaBody(`"instance is not of a type(s) object"`)},
		{"enabled required", "/rabbitmq/set/s", stream("rabbitmq", "events", []string{}), 400,
			schemaBody(`"rabbitmq requires property \"enabled\""`)},
		{"enabled wrongly typed fails type and enum", "/rabbitmq/set/s", stream("rabbitmq", "enabled", "yes", "events", []string{}), 400,
			schemaBody(`"rabbitmq.enabled is not of a type(s) boolean","rabbitmq.enabled is not one of enum values: true,false"`)},
		{"object wrongly typed", "/rabbitmq/set/s", map[string]any{"rabbitmq": nil}, 400,
			schemaBody(`"rabbitmq is not of a type(s) object"`)},
		{"unknown event", "/sqs/set/s", stream("sqs", "enabled", true, "events", []string{"CALL", "NOPE"}), 400,
			schemaBody(`"` + enumMessage("sqs.events[1]") + `"`)},
		{"event not a string", "/sqs/set/s", stream("sqs", "enabled", true, "events", []any{7}), 400,
			schemaBody(`"sqs.events[0] is not of a type(s) string","` + enumMessage("sqs.events[0]") + `"`)},
		{"null events fail the schema", "/sqs/set/s", stream("sqs", "enabled", true, "events", nil), 400,
			schemaBody(`"sqs.events is not of a type(s) array"`)},
		{"another kind's key is validated too", "/websocket/set/s", map[string]any{
			"websocket": map[string]any{"enabled": true, "events": []string{}}, "nats": map[string]any{"events": []string{}}}, 400,
			schemaBody(`"nats requires property \"enabled\""`)},
		{"enabled without events is an uncaught TypeError", "/kafka/set/s", stream("kafka", "enabled", true), 500,
			serverErrorBody(`Cannot read properties of undefined (reading 'length')`)},
		{"no key for the kind is an uncaught TypeError", "/kafka/set/s", map[string]any{}, 500,
			serverErrorBody(`Cannot set properties of undefined (setting 'events')`)},
		{"another kind's key only", "/rabbitmq/set/s", stream("nats", "enabled", true, "events", []string{}), 500,
			serverErrorBody(`Cannot set properties of undefined (setting 'events')`)},
		{"pusher key required", "/pusher/set/s", stream("rabbitmq", "enabled", true), 400,
			schemaBody(`"instance requires property \"pusher\""`)},
		{"pusher fields required", "/pusher/set/s", stream("pusher", "enabled", true, "events", []string{}), 400,
			schemaBody(`"pusher requires property \"appId\"","pusher requires property \"key\"","pusher requires property \"secret\"","pusher requires property \"cluster\"","pusher requires property \"useTLS\""`)},
		{"pusher types", "/pusher/set/s", pusherBody("appId", 123, "useTLS", "yes"), 400,
			schemaBody(`"pusher.appId is not of a type(s) string","pusher.useTLS is not of a type(s) boolean"`)},
		{"pusher empty strings on a minimal body", "/pusher/set/s", pusherBody("key", "", "cluster", ""), 400,
			schemaBody(`"The \"key\" cannot be empty","The \"cluster\" cannot be empty"`)},
		{"pusher unknown event", "/pusher/set/s", pusherBody("events", []string{"NOPE"}), 400,
			schemaBody(`"` + enumMessage("pusher.events[0]") + `"`)},
		{"pusher enabled without events", "/pusher/set/s", pusherBody(), 500,
			serverErrorBody(`Cannot read properties of undefined (reading 'length')`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.do("POST", tt.path, globalKey, tt.body).wantJSON(t, tt.status, tt.want)
		})
	}
	if snap := mustSnap(t, e, "s"); len(snap.Streams) != 0 {
		t.Fatalf("a rejected set stored %+v", snap.Streams)
	}
	// With another key in the body, the "cannot be empty" rule is skipped
	// and empty strings are stored.
	r := e.do("POST", "/pusher/set/s", globalKey, pusherBody("key", "", "events", []string{"CALL"}))
	r.wantStatus(t, http.StatusCreated)
	if row := r.obj(t); row["key"] != "" {
		t.Fatalf("row %s", r.body)
	}
}

func TestStreamGuards(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("s", nil)
	body := stream("websocket", "enabled", true, "events", []string{})
	// Unknown instance first, whatever the key; then the key.
	e.do("POST", "/websocket/set/ghost", "wrong", body).wantJSON(t, 404,
		`{"status":404,"error":"Not Found","response":{"message":["The \"ghost\" instance does not exist"]}}`)
	e.do("GET", "/websocket/find/s", "wrong", nil).wantJSON(t, 401,
		`{"status":401,"error":"Unauthorized","response":{"message":"Unauthorized"}}`)
	e.do("POST", "/websocket/set/s", e.token("s"), body).wantStatus(t, http.StatusCreated)
	e.do("GET", "/PUSHER/find/s/", e.token("s"), nil).wantStatus(t, http.StatusOK)
	e.do("DELETE", "/websocket/delete/s", globalKey, nil).wantStatus(t, http.StatusNotFound)
}

func TestStreamSwitchedOff(t *testing.T) {
	e := newEnv(t, Options{Disabled: []string{SwitchWebsocket, SwitchRabbitmq, SwitchNats, SwitchSqs, SwitchKafka, SwitchPusher}})
	e.create("s", nil)
	for _, kind := range []string{"websocket", "rabbitmq", "nats", "sqs", "kafka"} {
		r := e.do("POST", "/"+kind+"/set/s", globalKey, stream(kind, "enabled", true, "events", []string{}))
		if r.status != http.StatusCreated || len(r.body) != 0 || r.header.Get("Content-Length") != "0" {
			t.Fatalf("%s set: %d %q %v", kind, r.status, r.body, r.header)
		}
		// The schema is checked before the switch; the TypeErrors after it.
		e.do("POST", "/"+kind+"/set/s", globalKey, stream(kind, "enabled", "x")).wantStatus(t, http.StatusBadRequest)
		if r := e.do("POST", "/"+kind+"/set/s", globalKey, map[string]any{}); r.status != http.StatusCreated || len(r.body) != 0 {
			t.Fatalf("%s set of {}: %d %q", kind, r.status, r.body)
		}
		if r := e.do("GET", "/"+kind+"/find/s", globalKey, nil); r.status != http.StatusOK || len(r.body) != 0 {
			t.Fatalf("%s find: %d %q", kind, r.status, r.body)
		}
	}
	if snap := mustSnap(t, e, "s"); len(snap.Streams) != 0 {
		t.Fatalf("a switched-off set stored %+v", snap.Streams)
	}
	// Pusher's set ignores its switch; only its find is empty.
	r := e.do("POST", "/pusher/set/s", globalKey, pusherBody("events", []string{"CALL"}))
	if r.status != http.StatusCreated || r.obj(t)["secret"] != "s3cret" {
		t.Fatalf("pusher set: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/pusher/find/s", globalKey, nil); r.status != http.StatusOK || len(r.body) != 0 {
		t.Fatalf("pusher find: %d %q", r.status, r.body)
	}

	// Turning a switch on later shows what was stored, and rows stored
	// while on survive it being turned off again.
	e.srv.SetSwitch(SwitchRabbitmq, true)
	if r := e.do("GET", "/rabbitmq/find/s", globalKey, nil); string(r.body) != "null" {
		t.Fatalf("rabbitmq find after switching on: %q", r.body)
	}
	e.do("POST", "/rabbitmq/set/s", globalKey, stream("rabbitmq", "enabled", true, "events", []string{"CALL"})).wantStatus(t, http.StatusCreated)
	e.srv.SetSwitch(SwitchRabbitmq, false)
	if r := e.do("GET", "/rabbitmq/find/s", globalKey, nil); len(r.body) != 0 {
		t.Fatalf("rabbitmq find after switching off: %q", r.body)
	}
	// The listing shows the rows whatever the switches say.
	row := e.do("GET", "/instance/fetchInstances?instanceName=s", globalKey, nil).arr(t)[0].(map[string]any)
	if rb, ok := row["Rabbitmq"].(map[string]any); !ok || rb["enabled"] != true {
		t.Fatalf("listing Rabbitmq %v", row["Rabbitmq"])
	}
}

func TestStreamRowsInListing(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("s", nil)
	e.do("POST", "/sqs/set/s", globalKey, stream("sqs", "enabled", true, "events", []string{"CALL"})).wantStatus(t, http.StatusCreated)
	e.do("POST", "/kafka/set/s", globalKey, stream("kafka", "enabled", true, "events", []string{"CALL"})).wantStatus(t, http.StatusCreated)
	e.do("POST", "/pusher/set/s", globalKey, pusherBody("events", []string{})).wantStatus(t, http.StatusCreated)
	row := e.do("GET", "/instance/fetchInstances", globalKey, nil).arr(t)[0].(map[string]any)
	for _, k := range []string{"Rabbitmq", "Nats", "Websocket"} {
		if v, ok := row[k]; !ok || v != nil {
			t.Fatalf("%s = %v, want null", k, v)
		}
	}
	find := e.do("GET", "/sqs/find/s", globalKey, nil).obj(t)
	sqs, _ := row["Sqs"].(map[string]any)
	if !slices.Equal(keys(sqs), keys(find)) || sqs["id"] != find["id"] || !slices.Equal(toStrings(sqs["events"]), []string{"CALL"}) {
		t.Fatalf("listing Sqs %v, find %v", sqs, find)
	}
	for _, k := range []string{"Kafka", "Pusher", "kafka", "pusher"} {
		if _, ok := row[k]; ok {
			t.Fatalf("the listing has %s", k)
		}
	}
}

func TestStreamsGoWithTheInstance(t *testing.T) {
	e := newEnv(t, Options{DeleteDelay: DeleteAtOnce})
	e.create("s", nil)
	e.do("POST", "/kafka/set/s", globalKey, stream("kafka", "enabled", true, "events", []string{})).wantStatus(t, http.StatusCreated)
	e.do("DELETE", "/instance/delete/s", globalKey, nil).wantStatus(t, http.StatusOK)
	e.create("s", nil)
	if r := e.do("GET", "/kafka/find/s", globalKey, nil); string(r.body) != "null" {
		t.Fatalf("kafka of the re-created instance: %q", r.body)
	}
}

func TestSetStreamOutOfBand(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("s", nil)
	if err := e.srv.SetStream("s", "pusher", func(st *Stream) {
		*st = Stream{Enabled: true, Events: []string{"CALL"}, AppID: "9", Key: "k", Secret: "x", Cluster: "eu"}
	}); err != nil {
		t.Fatal(err)
	}
	row := e.do("GET", "/pusher/find/s", globalKey, nil).obj(t)
	if row["appId"] != "9" || row["cluster"] != "eu" || !slices.Equal(toStrings(row["events"]), []string{"CALL"}) {
		t.Fatalf("row %v", row)
	}
	if err := e.srv.SetStream("s", "pusher", func(st *Stream) { st.Events = nil }); err != nil {
		t.Fatal(err)
	}
	if row := e.do("GET", "/pusher/find/s", globalKey, nil).obj(t); row["events"] == nil || row["appId"] != "9" {
		t.Fatalf("row %v", row)
	}
	if err := e.srv.SetStream("ghost", "nats", func(*Stream) {}); err == nil {
		t.Fatal("SetStream of an unknown instance")
	}
	if err := e.srv.SetStream("s", "carrier-pigeon", func(*Stream) {}); err == nil {
		t.Fatal("SetStream of an unknown kind")
	}
}

func mustSnap(t *testing.T, e *env, name string) Snapshot {
	t.Helper()
	snap, ok := e.srv.Instance(name)
	if !ok {
		t.Fatalf("instance %q not stored", name)
	}
	return snap
}
