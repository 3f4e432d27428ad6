package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"time"
)

// streamKind is one of Evolution's event streams. They share one controller:
// POST /{name}/set/:name and GET /{name}/find/:name, a body wrapped in a key
// named after the kind, and an environment switch.
type streamKind struct {
	name string // path segment, body key and table: "rabbitmq"
	sw   string // its environment switch
	// pusher has its own schema (the app's credentials, a required object),
	// and its set ignores the switch: only find answers empty when it is off.
	pusher bool
}

// streamKinds are in the order of the properties of Evolution's eventSchema
// (pusher has a schema of its own), which is the order of schema errors.
var streamKinds = []*streamKind{
	{name: "websocket", sw: SwitchWebsocket},
	{name: "rabbitmq", sw: SwitchRabbitmq},
	{name: "nats", sw: SwitchNats},
	{name: "sqs", sw: SwitchSqs},
	{name: "kafka", sw: SwitchKafka},
	{name: "pusher", sw: SwitchPusher, pusher: true},
}

// StreamKinds lists the event stream kinds, as their path segment.
func StreamKinds() []string {
	out := make([]string, len(streamKinds))
	for i, k := range streamKinds {
		out[i] = k.name
	}
	return out
}

func streamKindNamed(name string) *streamKind {
	for _, k := range streamKinds {
		if k.name == name {
			return k
		}
	}
	return nil
}

// The stream routes join the table in routes.go; they are generated because
// the six kinds differ only in their path.
func init() {
	for _, k := range streamKinds {
		routes = append(routes,
			&route{http.MethodPost, []string{k.name, "set", ":name"}, func(s *Server, w http.ResponseWriter, rq *request) { s.setStream(k, w, rq) }},
			&route{http.MethodGet, []string{k.name, "find", ":name"}, func(s *Server, w http.ResponseWriter, rq *request) { s.findStream(k, w, rq) }},
		)
	}
}

// Stream is an instance's event stream row. AppID, Key, Secret, Cluster and
// UseTLS are Pusher's only.
type Stream struct {
	Enabled bool
	Events  []string
	AppID   string
	Key     string
	Secret  string
	Cluster string
	UseTLS  bool
}

type streamRow struct {
	id string
	Stream
	createdAt, updatedAt time.Time
}

// setIsNoop: the controller returns before touching anything, and express
// answers 201 with an empty body.
func (k *streamKind) setIsNoop(s *Server) bool {
	if k.pusher {
		return false
	}
	return !s.switchOn(k.sw)
}

func (s *Server) setStream(k *streamKind, w http.ResponseWriter, rq *request) {
	s.lock()
	defer s.mu.Unlock()
	inst := s.guard(w, rq)
	if inst == nil {
		return
	}
	body := rq.body
	if body == nil {
		schemaError(w, []string{"instance is not of a type(s) object"})
		return
	}
	var c checker
	if k.pusher {
		checkPusherBody(&c, body)
	} else {
		checkEventBody(&c, body)
	}
	if c.failed() {
		schemaError(w, c.errs)
		return
	}
	if k.setIsNoop(s) {
		writeEmpty(w, http.StatusCreated)
		return
	}
	// The schema does not require the kind's key (one schema serves five
	// kinds); the controller then assigns .events of undefined.
	obj, ok := body[k.name].(map[string]any)
	if !ok {
		serverError(w, "Cannot set properties of undefined (setting 'events')")
		return
	}
	enabled := boolField(obj, "enabled")
	events, ok := s.resolveEvents(obj, enabled)
	if !ok {
		serverError(w, lengthOfMissing(obj))
		return
	}

	now := s.now()
	row := inst.streams[k.name]
	if row == nil {
		row = &streamRow{id: newCUID(), createdAt: now}
		if inst.streams == nil {
			inst.streams = map[string]*streamRow{}
		}
		inst.streams[k.name] = row
	}
	// An upsert that writes every column it names: enabled and events, and
	// for Pusher the credentials, stored as sent even when disabled.
	row.Enabled, row.Events = enabled, events
	if k.pusher {
		row.AppID, row.Key, row.Secret, row.Cluster = stringField(obj, "appId"), stringField(obj, "key"), stringField(obj, "secret"), stringField(obj, "cluster")
		row.UseTLS = boolField(obj, "useTLS")
	}
	row.updatedAt = now
	writeJSON(w, http.StatusCreated, inst.streamJSON(k))
}

func (s *Server) findStream(k *streamKind, w http.ResponseWriter, rq *request) {
	s.lock()
	defer s.mu.Unlock()
	inst := s.guard(w, rq)
	if inst == nil {
		return
	}
	if !s.switchOn(k.sw) {
		writeEmpty(w, http.StatusOK)
		return
	}
	if inst.streams[k.name] == nil {
		writeJSON(w, http.StatusOK, nil)
		return
	}
	writeJSON(w, http.StatusOK, inst.streamJSON(k))
}

// writeEmpty is express's res.json(undefined): the status, a JSON content
// type and no body at all (not even "null").
func writeEmpty(w http.ResponseWriter, status int) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", "0")
	w.WriteHeader(status)
}

// checkEventBody is eventSchema: every one of the five kinds' keys is
// optional and checked when present, whichever route it was sent to.
func checkEventBody(c *checker, body map[string]any) {
	for _, k := range streamKinds {
		if k.pusher || !c.typed(body, k.name, k.name, "object") {
			continue
		}
		obj, ok := body[k.name].(map[string]any)
		if !ok {
			continue
		}
		if v, ok := obj["enabled"]; ok {
			if _, isBool := v.(bool); !isBool {
				c.add(k.name + ".enabled is not of a type(s) boolean")
				c.add(k.name + ".enabled is not one of enum values: true,false")
			}
		}
		if present(obj, "events") {
			checkEvents(c, obj, k.name+".events")
		}
		c.required(obj, k.name, "enabled")
	}
}

// pusherRequired are pusherSchema's required keys, which are also the keys
// of its isNotEmpty rule.
var pusherRequired = []string{"enabled", "appId", "key", "secret", "cluster", "useTLS"}

func checkPusherBody(c *checker, body map[string]any) {
	if c.typed(body, "pusher", "pusher", "object") {
		if obj, ok := body["pusher"].(map[string]any); ok {
			c.typed(obj, "enabled", "pusher.enabled", "boolean")
			for _, key := range []string{"appId", "key", "secret", "cluster"} {
				c.typed(obj, key, "pusher."+key, "string")
			}
			c.typed(obj, "useTLS", "pusher.useTLS", "boolean")
			if present(obj, "events") {
				checkEvents(c, obj, "pusher.events")
			}
			c.required(obj, "pusher", pusherRequired...)
			// isNotEmpty applies only when every key is one of the six, so
			// a body with events (or any other key) skips it.
			minimal := true
			for key := range obj {
				minimal = minimal && slices.Contains(pusherRequired, key)
			}
			for _, key := range pusherRequired {
				if v, ok := obj[key].(string); minimal && ok && v == "" {
					c.add(`The "` + key + `" cannot be empty`)
				}
			}
		}
	}
	c.required(body, "instance", "pusher")
}

// eventRowJSON is the Prisma row of websocket, rabbitmq, nats, sqs and kafka.
type eventRowJSON struct {
	ID         string   `json:"id"`
	Enabled    bool     `json:"enabled"`
	Events     []string `json:"events"`
	CreatedAt  string   `json:"createdAt"`
	UpdatedAt  string   `json:"updatedAt"`
	InstanceID string   `json:"instanceId"`
}

type pusherRowJSON struct {
	ID         string   `json:"id"`
	Enabled    bool     `json:"enabled"`
	AppID      string   `json:"appId"`
	Key        string   `json:"key"`
	Secret     string   `json:"secret"`
	Cluster    string   `json:"cluster"`
	UseTLS     bool     `json:"useTLS"`
	Events     []string `json:"events"`
	CreatedAt  string   `json:"createdAt"`
	UpdatedAt  string   `json:"updatedAt"`
	InstanceID string   `json:"instanceId"`
}

// streamJSON is the kind's row; it must exist.
func (inst *instance) streamJSON(k *streamKind) any {
	row := inst.streams[k.name]
	events := row.Events
	if events == nil {
		events = []string{}
	}
	if k.pusher {
		return pusherRowJSON{
			ID: row.id, Enabled: row.Enabled, AppID: row.AppID, Key: row.Key, Secret: row.Secret,
			Cluster: row.Cluster, UseTLS: row.UseTLS, Events: events,
			CreatedAt: isoTime(row.createdAt), UpdatedAt: isoTime(row.updatedAt), InstanceID: inst.id,
		}
	}
	return eventRowJSON{
		ID: row.id, Enabled: row.Enabled, Events: events,
		CreatedAt: isoTime(row.createdAt), UpdatedAt: isoTime(row.updatedAt), InstanceID: inst.id,
	}
}

// listedStream is a fetchInstances relation: the row or null, whatever the
// switches say. Kafka and Pusher are not part of the listing.
func (inst *instance) listedStream(name string) any {
	if inst.streams[name] == nil {
		return nil
	}
	return inst.streamJSON(streamKindNamed(name))
}

func (inst *instance) streamSnapshots() map[string]Stream {
	if len(inst.streams) == 0 {
		return nil
	}
	out := make(map[string]Stream, len(inst.streams))
	for name, row := range inst.streams {
		st := row.Stream
		st.Events = slices.Clone(st.Events)
		out[name] = st
	}
	return out
}

// SetStream changes (or first creates) an instance's event stream row out of
// band, as a user of the dashboard would; it ignores the switches.
func (s *Server) SetStream(name, kind string, mutate func(*Stream)) error {
	k := streamKindNamed(kind)
	if k == nil {
		return fmt.Errorf("emulator: unknown event stream kind %q (known: %v)", kind, StreamKinds())
	}
	s.lock()
	defer s.mu.Unlock()
	inst, ok := s.instances[name]
	if !ok {
		return fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	now := s.now()
	row := inst.streams[kind]
	if row == nil {
		row = &streamRow{id: newCUID(), createdAt: now, Stream: Stream{Events: []string{}}}
		if inst.streams == nil {
			inst.streams = map[string]*streamRow{}
		}
		inst.streams[kind] = row
	}
	st := row.Stream
	st.Events = slices.Clone(st.Events)
	mutate(&st)
	if st.Events == nil {
		st.Events = []string{}
	}
	row.Stream = st
	row.updatedAt = now
	return nil
}
