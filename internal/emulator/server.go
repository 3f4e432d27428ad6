package emulator

import (
	"cmp"
	"context"
	"math/rand/v2"
	"net/http"
	"slices"
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
	// DeleteDelay is how long a deleted instance stays listed, its name
	// taken, after the delete answered, like Evolution's asynchronous
	// cleanup; a create of the name is then refused for a further 80–270 ms
	// as on the real server. Zero is the lag measured on the real server (a
	// random 160–730 ms); DeleteAtOnce removes the instance and frees its
	// name at once. Longer delays are for tests of the wait.
	DeleteDelay time.Duration
	// WebhookReceiversDown makes every webhook receiver unreachable, as a
	// server without outside access finds them; a receiver whose host is
	// under .invalid always is. A delete of an instance whose enabled
	// webhook gets REMOVE_INSTANCE (an empty events list does) waits for
	// the server's retries of that event to an unreachable receiver
	// (WebhookHold) before it starts.
	WebhookReceiversDown bool
	// WebhookRetry is the first wait between the server's attempts to
	// deliver an event (doubling, at most 60 times it, 10 attempts). Zero is
	// the server's 5 s, which holds a delete for 1215 s; tests shorten it.
	WebhookRetry time.Duration
	// ClientName is the server's DATABASE_CONNECTION_CLIENT_NAME, stored
	// with each instance and shown as clientName in fetchInstances rows.
	// Empty is the server's default, "evolution".
	ClientName string
	// RefuseProxies makes /proxy/set refuse (400 "Invalid proxy", nothing
	// saved) every proxy whose host is not in WorkingProxies, as the real
	// server does for every proxy its connectivity test cannot get through.
	// Off, the emulator decides offline by the address (see doc.go).
	RefuseProxies bool
	// WorkingProxies are the proxy hosts RefuseProxies lets through to the
	// offline test.
	WorkingProxies []string
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
	apiKey               string
	prefix               string
	deleteDelay          time.Duration
	webhookReceiversDown bool
	webhookRetry         time.Duration
	clientName           string
	refuseProxies        bool
	workingProxies       []string
	latency              time.Duration
	literalEmptyEvents   bool
	logRequests          bool
	v1Shapes             bool
	now                  func() time.Time
	// settingsRace is on unless Options.NoSettingsRace; raceWait is the
	// window of a settings row's insert (tests replace it to hold it open).
	settingsRace bool
	raceWait     func()

	mu        sync.Mutex
	seq       uint64
	pending   int // instances waiting for their delayed removal
	instances map[string]*instance
	// heldNames are names no longer listed whose delete is still
	// finishing: a create of one is refused until the time it maps to.
	heldNames map[string]time.Time

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
	if opts.WebhookRetry <= 0 {
		opts.WebhookRetry = defaultWebhookRetry
	}
	if opts.ClientName == "" {
		opts.ClientName = defaultClientName
	}
	s := &Server{
		apiKey:               opts.APIKey,
		prefix:               normalizePrefix(opts.Prefix),
		deleteDelay:          opts.DeleteDelay,
		webhookReceiversDown: opts.WebhookReceiversDown,
		webhookRetry:         opts.WebhookRetry,
		clientName:           opts.ClientName,
		refuseProxies:        opts.RefuseProxies,
		workingProxies:       slices.Clone(opts.WorkingProxies),
		heldNames:            map[string]time.Time{},
		latency:              opts.Latency,
		literalEmptyEvents:   opts.LiteralEmptyEvents,
		logRequests:          opts.LogRequests,
		v1Shapes:             opts.V1Shapes,
		now:                  now,
		instances:            map[string]*instance{},
		settingsRace:         !opts.NoSettingsRace,
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
