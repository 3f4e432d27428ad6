package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
)

// The event stream kinds, as the server names them in paths and bodies.
const (
	StreamWebsocket = "websocket"
	StreamRabbitmq  = "rabbitmq"
	StreamNats      = "nats"
	StreamSqs       = "sqs"
	StreamKafka     = "kafka"
	StreamPusher    = "pusher"
)

// StreamEvents are the event names a stream accepts: the webhook's v2.3
// names and MESSAGING_HISTORY_SET, which Evolution 2.4 added.
var StreamEvents = append(slices.Clone(CurrentEvents), "MESSAGING_HISTORY_SET")

// streamSwitches are the server's environment variables that turn each
// kind on. Evolution reads them as off unless they are exactly "true".
var streamSwitches = map[string]string{
	StreamWebsocket: "WEBSOCKET_ENABLED",
	StreamRabbitmq:  "RABBITMQ_ENABLED",
	StreamNats:      "NATS_ENABLED",
	StreamSqs:       "SQS_ENABLED",
	StreamKafka:     "KAFKA_ENABLED",
	StreamPusher:    "PUSHER_ENABLED",
}

// StreamSwitch returns the environment variable that turns kind on.
func StreamSwitch(kind string) string { return streamSwitches[kind] }

// Stream is an instance's event stream. AppID, Key, Secret, Cluster and
// UseTLS are Pusher's only: they are neither sent nor read for other kinds.
type Stream struct {
	Enabled bool
	// Events are the events sent. On a set, empty means every event: the
	// server then stores and reports the whole list. A disabled stream
	// stores none.
	Events  []string
	AppID   string
	Key     string
	Secret  string
	Cluster string
	UseTLS  bool
}

// streamBody is the body of /{kind}/set: wrapped in the kind's key, and
// always with events, since an enabled stream without them is a 500.
type streamBody struct {
	Enabled bool     `json:"enabled"`
	Events  []string `json:"events"`
}

type pusherBody struct {
	Enabled bool     `json:"enabled"`
	AppID   string   `json:"appId"`
	Key     string   `json:"key"`
	Secret  string   `json:"secret"`
	Cluster string   `json:"cluster"`
	UseTLS  bool     `json:"useTLS"`
	Events  []string `json:"events"`
}

// wireStream is a stream row: set's answer, find's, and the listing's
// relations.
type wireStream struct {
	Enabled bool     `json:"enabled"`
	Events  []string `json:"events"`
	AppID   string   `json:"appId"`
	Key     string   `json:"key"`
	Secret  string   `json:"secret"`
	Cluster string   `json:"cluster"`
	UseTLS  bool     `json:"useTLS"`
}

func (w *wireStream) stream() *Stream {
	if w == nil {
		return nil
	}
	s := Stream(*w)
	if s.Events == nil {
		s.Events = []string{}
	}
	return &s
}

func streamRequest(kind string, s Stream) any {
	events := s.Events
	if events == nil {
		events = []string{}
	}
	var inner any = streamBody{Enabled: s.Enabled, Events: events}
	if kind == StreamPusher {
		inner = pusherBody{Enabled: s.Enabled, AppID: s.AppID, Key: s.Key, Secret: s.Secret, Cluster: s.Cluster, UseTLS: s.UseTLS, Events: events}
	}
	return map[string]any{kind: inner}
}

// SetStream writes the instance's stream of the given kind and returns it
// as the server stored it. A server with the kind switched off answers with
// an empty body: that is a *StreamSwitchedOffError. Pusher's set stores the
// row even then, and only its find tells, so for Pusher the stream is read
// back once to be sure.
func (c *Client) SetStream(ctx context.Context, kind, name string, s Stream) (*Stream, error) {
	if _, ok := streamSwitches[kind]; !ok {
		return nil, fmt.Errorf("unknown event stream kind %q", kind)
	}
	path := pathFor("/"+kind+"/set", name)
	raw, err := c.send(ctx, call{method: http.MethodPost, path: path, instance: name, in: streamRequest(kind, s)})
	if err != nil {
		return nil, err
	}
	stored, err := decodeStream(kind, http.MethodPost, path, raw)
	if err != nil {
		return nil, err
	}
	if stored == nil {
		return nil, fmt.Errorf("%s %s: the server answered null instead of the stored stream", http.MethodPost, path)
	}
	if kind == StreamPusher {
		if _, err := c.FindStream(ctx, kind, name); err != nil {
			return nil, err
		}
	}
	return stored, nil
}

// FindStream returns the instance's stream of the given kind, or nil when
// it has none. A server with the kind switched off answers with an empty
// body: that is a *StreamSwitchedOffError.
func (c *Client) FindStream(ctx context.Context, kind, name string) (*Stream, error) {
	if _, ok := streamSwitches[kind]; !ok {
		return nil, fmt.Errorf("unknown event stream kind %q", kind)
	}
	path := pathFor("/"+kind+"/find", name)
	raw, err := c.send(ctx, call{method: http.MethodGet, path: path, instance: name})
	if err != nil {
		return nil, err
	}
	return decodeStream(kind, http.MethodGet, path, raw)
}

func decodeStream(kind, method, path string, raw []byte) (*Stream, error) {
	if len(raw) == 0 {
		return nil, &StreamSwitchedOffError{Kind: kind, Method: method, Path: path}
	}
	if string(raw) == "null" {
		return nil, nil
	}
	var w wireStream
	if err := json.Unmarshal(raw, &w); err != nil {
		// No part of the body in the error: a Pusher row holds its secret.
		return nil, fmt.Errorf("%s %s: the server's answer is not a %s row", method, path, kind)
	}
	return w.stream(), nil
}

// setStreams copies the listed stream rows into inst.Streams: a kind the
// row carried maps to its stream, or nil for none; a kind it did not carry
// (older servers) is absent.
func (r *wireInstanceRow) setStreams(inst *Instance) {
	listed := [...]struct {
		kind string
		row  *listedRow[wireStream]
	}{{StreamWebsocket, &r.Websocket}, {StreamRabbitmq, &r.Rabbitmq}, {StreamNats, &r.Nats}, {StreamSqs, &r.Sqs}}
	for _, l := range listed {
		if !l.row.present {
			continue
		}
		if inst.Streams == nil {
			inst.Streams = make(map[string]*Stream, len(listed))
		}
		inst.Streams[l.kind] = l.row.row.stream()
	}
}

func cloneStreams(in map[string]*Stream) map[string]*Stream {
	if in == nil {
		return nil
	}
	out := make(map[string]*Stream, len(in))
	for kind, s := range in {
		if s != nil {
			cp := *s
			cp.Events = slices.Clone(s.Events)
			s = &cp
		}
		out[kind] = s
	}
	return out
}
