package emulator

import (
	"cmp"
	"context"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Options configure a Server. APIKey is required.
type Options struct {
	// APIKey is the global key: it can call every route.
	APIKey string
	// Prefix is a path prefix such as "/whatsapp" (l2msg); "" is self-hosted style.
	Prefix string
	// DeleteDelay is how long a deleted instance lingers (still listed, name
	// still taken) before it is gone, like Evolution's asynchronous cleanup.
	DeleteDelay time.Duration
	// Latency is added to every API request, for benchmarks.
	Latency time.Duration
	// Faults are injected into API requests; see FaultConfig.
	Faults FaultConfig
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// LiteralEmptyEvents stores "events": [] of an enabled webhook or event
	// stream as [] instead of expanding it to every event name as Evolution
	// v2 does.
	LiteralEmptyEvents bool
	// LogRequests keeps every API request in order, with its answer's
	// status, for Requests. Off by default: the log grows with every
	// request.
	LogRequests bool
	// V1Shapes answers create and fetchInstances in Evolution v1's shapes,
	// those l2msg's page shows (v1.go); requests and routes stay v2's.
	V1Shapes bool
	// Disabled lists integration environment switches that are off
	// (SwitchChatwoot, …); every other integration is on. See SetSwitch.
	Disabled []string
	// NoSettingsRace turns off the race of a chatbot kind's settings row:
	// writes that find no row then insert one one at a time instead of
	// failing the later one, as the real server does (see doc.go).
	NoSettingsRace bool
	// SettingsRaceWindow is how long a write that found no settings row
	// takes to insert one, while a second writer of the instance and kind
	// still finds none; 0 means DefaultSettingsRaceWindow.
	SettingsRaceWindow time.Duration
}

// DefaultSettingsRaceWindow is long enough that writes a client sends
// together meet in it, as they do on the real server, whose window is two
// database round trips; short enough not to slow a first bot noticeably.
const DefaultSettingsRaceWindow = 100 * time.Millisecond

// Server is the emulator. It implements http.Handler and is safe for
// concurrent use.
type Server struct {
	apiKey             string
	prefix             string
	deleteDelay        time.Duration
	latency            time.Duration
	literalEmptyEvents bool
	logRequests        bool
	v1Shapes           bool
	now                func() time.Time
	// settingsRace is on unless Options.NoSettingsRace; raceWait is the
	// window of a settings row's insert (tests replace it to hold it open).
	settingsRace bool
	raceWait     func()

	mu        sync.Mutex
	seq       uint64
	pending   int // instances waiting for their delayed removal
	instances map[string]*instance

	statsMu    sync.Mutex
	stats      Stats
	requestLog []LoggedRequest

	faultMu sync.Mutex
	faults  FaultConfig
	rng     *rand.Rand

	switchMu    sync.Mutex
	switchesOff map[string]bool
}

// New returns a Server. It panics when opts.APIKey is empty, because a server
// that accepts any key would make every auth test pass vacuously.
func New(opts Options) *Server {
	if opts.APIKey == "" {
		panic("emulator: Options.APIKey is required")
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	s := &Server{
		apiKey:             opts.APIKey,
		prefix:             normalizePrefix(opts.Prefix),
		deleteDelay:        opts.DeleteDelay,
		latency:            opts.Latency,
		literalEmptyEvents: opts.LiteralEmptyEvents,
		logRequests:        opts.LogRequests,
		v1Shapes:           opts.V1Shapes,
		now:                now,
		instances:          map[string]*instance{},
		settingsRace:       !opts.NoSettingsRace,
	}
	window := cmp.Or(opts.SettingsRaceWindow, DefaultSettingsRaceWindow)
	s.raceWait = func() { time.Sleep(window) }
	s.ResetStats()
	s.SetFaults(opts.Faults)
	for _, name := range opts.Disabled {
		s.SetSwitch(name, false)
	}
	return s
}

// Prefix returns the normalised path prefix ("" or "/something").
func (s *Server) Prefix() string { return s.prefix }

func normalizePrefix(p string) string {
	p = strings.TrimRight(strings.TrimSpace(p), "/")
	if p != "" && !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return p
}

// request is what a route handler gets: the matched route, the decoded
// :name segment and the parsed body.
type request struct {
	r     *http.Request
	route *route
	name  string
	// id is the decoded :id segment of chatbot routes.
	id string
	// body is the JSON object sent; nil when the body was JSON but not an
	// object (handlers answer the schema error for that).
	body map[string]any
	// failAfterCreate is set by the created-then-failed fault.
	failAfterCreate bool
}

// ServeHTTP routes admin requests, then applies latency and faults, parses the
// body and dispatches API requests.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.EscapedPath()
	if path == adminRoot || strings.HasPrefix(path, adminRoot+"/") {
		s.serveAdmin(w, r, strings.TrimPrefix(path, adminRoot))
		return
	}

	if !sleepCtx(r.Context(), s.latency) {
		return
	}

	rt, name, id, decodeErr := s.match(r.Method, path)
	tmpl := "unmatched"
	if rt != nil {
		tmpl = rt.template()
	}
	s.countRequest(r.Method, tmpl)

	rq := &request{r: r, route: rt, name: name, id: id}
	if s.logRequests {
		rec := &statusRecorder{ResponseWriter: w}
		w = rec
		defer func() { s.logRequest(rq, tmpl, rec.status) }()
	}
	if !s.injectFault(w, rq) {
		return
	}

	body, ok := readBody(w, r)
	if !ok {
		return
	}
	rq.body = body

	if decodeErr != "" {
		// express fails to decode the param before any guard runs.
		writeError(w, http.StatusBadRequest, "Internal Server Error", decodeErr)
		return
	}
	if rt == nil {
		writeError(w, http.StatusNotFound, "", []string{"Cannot " + strings.ToUpper(r.Method) + " " + r.URL.RequestURI()})
		return
	}
	rt.handler(s, w, rq)
}

// sleepCtx waits d or until ctx ends; it reports whether the wait completed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
