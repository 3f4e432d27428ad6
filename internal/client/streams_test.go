package client

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
)

const eventRow = `{"id":"cm1","enabled":true,"events":["CALL","MESSAGES_UPSERT"],"createdAt":"2025-03-01T12:00:00.000Z","updatedAt":"2025-03-01T12:00:00.000Z","instanceId":"i1"}`

const pusherRow = `{"id":"cm2","enabled":true,"appId":"123","key":"k","secret":"pusher-SECRET-4d1c","cluster":"mt1","useTLS":true,"events":["CALL"],"createdAt":"2025-03-01T12:00:00.000Z","updatedAt":"2025-03-01T12:00:00.000Z","instanceId":"i1"}`

func TestSetStreamBody(t *testing.T) {
	for _, kind := range []string{StreamWebsocket, StreamRabbitmq, StreamNats, StreamSqs, StreamKafka} {
		t.Run(kind, func(t *testing.T) {
			c, rec := newTestClient(t, "", reply(201, eventRow))
			got, err := c.SetStream(context.Background(), kind, "sales 1", Stream{Enabled: true, AppID: "not sent"})
			if err != nil {
				t.Fatal(err)
			}
			req := rec.only(t)
			if req.Method != "POST" || req.EscapedPath != "/"+kind+"/set/sales%201" {
				t.Fatalf("%s %s", req.Method, req.EscapedPath)
			}
			// events is always sent: an enabled stream without it is a 500.
			assertDeepEqual(t, "body", jsonBody(t, req.Body), map[string]any{kind: map[string]any{"enabled": true, "events": []any{}}})
			assertDeepEqual(t, "stored", got, &Stream{Enabled: true, Events: []string{"CALL", "MESSAGES_UPSERT"}})
		})
	}
}

func TestSetPusherBodyAndReadBack(t *testing.T) {
	c, rec := newTestClient(t, "", reply(200, pusherRow))
	in := Stream{Enabled: true, Events: []string{"CALL"}, AppID: "123", Key: "k", Secret: "pusher-SECRET-4d1c", Cluster: "mt1", UseTLS: true}
	got, err := c.SetStream(context.Background(), StreamPusher, "sales", in)
	if err != nil {
		t.Fatal(err)
	}
	assertDeepEqual(t, "stored", got, &in)
	// Pusher's set ignores PUSHER_ENABLED, so it is checked with a find.
	if calls := rec.calls(); !slices.Equal(calls, []string{"POST /pusher/set/sales", "GET /pusher/find/sales"}) {
		t.Fatalf("calls %v", calls)
	}
	assertDeepEqual(t, "body", jsonBody(t, rec.requests()[0].Body), map[string]any{"pusher": map[string]any{
		"enabled": true, "appId": "123", "key": "k", "secret": "pusher-SECRET-4d1c", "cluster": "mt1", "useTLS": true, "events": []any{"CALL"},
	}})
}

func TestStreamSwitchedOff(t *testing.T) {
	tests := []struct {
		kind     string
		set      bool
		handler  http.HandlerFunc
		wantText []string
	}{
		{StreamRabbitmq, true, reply(201, ""), []string{"RABBITMQ_ENABLED=true", "POST /rabbitmq/set/x", "nothing was stored"}},
		{StreamNats, false, reply(200, ""), []string{"NATS_ENABLED=true", "GET /nats/find/x"}},
		{StreamSqs, true, reply(201, "  "), []string{"SQS_ENABLED=true", "SQS_GLOBAL_ENABLED"}},
		{StreamWebsocket, true, reply(201, ""), []string{"WEBSOCKET_ENABLED=true"}},
		{StreamKafka, false, reply(200, ""), []string{"KAFKA_ENABLED=true"}},
		// Pusher's set answers the row; only the find is empty.
		{StreamPusher, true, func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				reply(201, pusherRow)(w, r)
				return
			}
			reply(200, "")(w, r)
		}, []string{"PUSHER_ENABLED=true", "GET /pusher/find/x"}},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			c, _ := newTestClient(t, "", tt.handler)
			var err error
			if tt.set {
				_, err = c.SetStream(context.Background(), tt.kind, "x", Stream{Enabled: true, Secret: "pusher-SECRET-4d1c"})
			} else {
				_, err = c.FindStream(context.Background(), tt.kind, "x")
			}
			var off *StreamSwitchedOffError
			if !errors.As(err, &off) || off.Kind != tt.kind {
				t.Fatalf("err = %v, want a StreamSwitchedOffError", err)
			}
			for _, want := range tt.wantText {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("%q lacks %q", err, want)
				}
			}
			if strings.Contains(err.Error(), "pusher-SECRET") {
				t.Errorf("the error holds the secret: %v", err)
			}
		})
	}
}

func TestFindStream(t *testing.T) {
	c, rec := newTestClient(t, "", reply(200, "null"))
	got, err := c.FindStream(context.Background(), StreamKafka, "a/b")
	if err != nil || got != nil {
		t.Fatalf("null: %+v %v", got, err)
	}
	if req := rec.only(t); req.Method != "GET" || req.EscapedPath != "/kafka/find/a%2Fb" {
		t.Fatalf("%s %s", req.Method, req.EscapedPath)
	}

	c, _ = newTestClient(t, "", reply(200, pusherRow))
	got, err = c.FindStream(context.Background(), StreamPusher, "x")
	if err != nil {
		t.Fatal(err)
	}
	assertDeepEqual(t, "pusher", got, &Stream{Enabled: true, Events: []string{"CALL"}, AppID: "123", Key: "k", Secret: "pusher-SECRET-4d1c", Cluster: "mt1", UseTLS: true})

	// A disabled row's events are [], never nil.
	c, _ = newTestClient(t, "", reply(200, `{"enabled":false,"events":null}`))
	if got, err := c.FindStream(context.Background(), StreamSqs, "x"); err != nil || got.Events == nil || got.Enabled {
		t.Fatalf("%+v %v", got, err)
	}

	// An answer that is not a row is an error that quotes nothing of it.
	c, _ = newTestClient(t, "", reply(200, `{"secret":"pusher-SECRET-4d1c","events":"CALL"}`))
	if _, err := c.FindStream(context.Background(), StreamPusher, "x"); err == nil || strings.Contains(err.Error(), "pusher-SECRET") {
		t.Fatalf("err = %v", err)
	}
	if _, err := c.FindStream(context.Background(), "carrier-pigeon", "x"); err == nil {
		t.Fatal("an unknown kind was accepted")
	}
}

func TestStreamErrorsPassThrough(t *testing.T) {
	c, _ := newTestClient(t, "", reply(500, `{"status":500,"error":"Internal Server Error","response":{"message":"Cannot read properties of undefined (reading 'length')"}}`))
	_, err := c.SetStream(context.Background(), StreamNats, "x", Stream{Enabled: true})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 {
		t.Fatalf("err = %v", err)
	}
	// A stream set is an upsert: a 500 is not ambiguous, it can be retried.
	if IsAmbiguous(err) {
		t.Fatalf("a stream set was treated as non-idempotent: %v", err)
	}
}

func TestStreamSetIsRetried(t *testing.T) {
	var n int
	c, rec := newConfiguredClient(t, Config{MaxRetries: 2, MinRetryDelay: 1, MaxRetryDelay: 1}, "", func(w http.ResponseWriter, r *http.Request) {
		n++
		if n == 1 {
			reply(503, "")(w, r)
			return
		}
		reply(201, eventRow)(w, r)
	})
	if _, err := c.SetStream(context.Background(), StreamSqs, "x", Stream{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	if len(rec.requests()) != 2 {
		t.Fatalf("calls %v", rec.calls())
	}
}

func TestListingCarriesStreams(t *testing.T) {
	c, rec := newTestClient(t, "", reply(200, `[
	  {"name":"a","id":"1","Rabbitmq":`+eventRow+`,"Nats":null,"Sqs":null,"Websocket":{"enabled":false,"events":[]}},
	  {"name":"b","id":"2"}
	]`))
	a, err := c.LookupInstance(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	assertDeepEqual(t, "streams", a.Streams, map[string]*Stream{
		StreamRabbitmq:  {Enabled: true, Events: []string{"CALL", "MESSAGES_UPSERT"}},
		StreamNats:      nil,
		StreamSqs:       nil,
		StreamWebsocket: {Enabled: false, Events: []string{}},
	})
	// Each lookup gets its own copy.
	a.Streams[StreamRabbitmq].Events[0] = "changed"
	a.Streams[StreamNats] = &Stream{}
	again, err := c.LookupInstance(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	if again.Streams[StreamRabbitmq].Events[0] != "CALL" || again.Streams[StreamNats] != nil {
		t.Fatalf("the listing was changed through a lookup: %+v", again.Streams)
	}
	// A row without the relations says nothing about streams.
	b, err := c.LookupInstance(context.Background(), "b")
	if err != nil || b.Streams != nil {
		t.Fatalf("%+v %v", b, err)
	}
	if len(rec.requests()) != 1 {
		t.Fatalf("calls %v", rec.calls())
	}
}

func TestListingFixtureStreams(t *testing.T) {
	c, _ := newTestClient(t, "", reply(200, fixture(t, "fetch_v2_integrations.json")))
	got, err := c.FetchInstances(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if s := got[0].Streams; len(s) != 4 || s[StreamRabbitmq] != nil {
		t.Fatalf("sales streams %+v", s)
	}
	if _, ok := got[0].Streams[StreamKafka]; ok {
		t.Fatal("kafka is not listed")
	}
}
