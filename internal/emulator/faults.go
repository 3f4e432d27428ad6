package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FaultKind is one kind of injected failure.
type FaultKind string

// The fault kinds. Their string values are what -fault-kinds and the admin
// route accept.
const (
	// Fault500 answers 500 with Evolution's plain-string envelope.
	Fault500 FaultKind = "500"
	// Fault503 answers 503, as a gateway in front of the server would.
	Fault503 FaultKind = "503"
	// Fault429 answers 429 with a Retry-After header in whole seconds.
	Fault429 FaultKind = "429"
	// FaultLatency sleeps FaultConfig.Latency, then serves normally.
	FaultLatency FaultKind = "latency"
	// FaultDrop closes the connection without answering.
	FaultDrop FaultKind = "drop"
	// FaultCreatedThenFailed applies to creates only (instances, chatbots
	// and OpenAI credentials): the object is stored,
	// then the answer is a 500, like a timeout after the server did the work.
	FaultCreatedThenFailed FaultKind = "created-then-failed"
)

// FaultKinds lists every kind.
var FaultKinds = []FaultKind{Fault500, Fault503, Fault429, FaultLatency, FaultDrop, FaultCreatedThenFailed}

const (
	defaultFaultLatency = 100 * time.Millisecond
	defaultRetryAfter   = time.Second
)

// FaultConfig makes a share of API requests fail. Each request draws from a
// random source seeded with Seed, so a given sequence of requests meets the
// same faults on every run.
type FaultConfig struct {
	// Rate is the probability (0..1) that a request gets a fault.
	Rate float64
	Seed int64
	// Kinds are drawn from uniformly among those that apply to the route.
	Kinds []FaultKind
	// RetryAfter is sent with 429 (default 1s).
	RetryAfter time.Duration
	// Latency is the FaultLatency sleep (default 100ms).
	Latency time.Duration
}

// Validate reports a rate outside 0..1 or an unknown kind.
func (c FaultConfig) Validate() error {
	if c.Rate < 0 || c.Rate > 1 || math.IsNaN(c.Rate) {
		return fmt.Errorf("fault rate %v is not between 0 and 1", c.Rate)
	}
	for _, k := range c.Kinds {
		if !slices.Contains(FaultKinds, k) {
			return fmt.Errorf("unknown fault kind %q (known: %s)", k, kindList())
		}
	}
	if c.RetryAfter < 0 || c.Latency < 0 {
		return errors.New("fault durations must not be negative")
	}
	return nil
}

func kindList() string {
	names := make([]string, len(FaultKinds))
	for i, k := range FaultKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ",")
}

// ParseFaultKinds reads a comma-separated list such as "500,429,drop".
func ParseFaultKinds(list string) ([]FaultKind, error) {
	var out []FaultKind
	for part := range strings.SplitSeq(list, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k := FaultKind(part)
		if !slices.Contains(FaultKinds, k) {
			return nil, fmt.Errorf("unknown fault kind %q (known: %s)", part, kindList())
		}
		out = append(out, k)
	}
	return out, nil
}

type faultConfigJSON struct {
	Rate       float64         `json:"rate"`
	Seed       int64           `json:"seed"`
	Kinds      []FaultKind     `json:"kinds"`
	RetryAfter json.RawMessage `json:"retryAfter,omitempty"`
	Latency    json.RawMessage `json:"latency,omitempty"`
}

// MarshalJSON writes durations as Go duration strings ("1.5s").
func (c FaultConfig) MarshalJSON() ([]byte, error) {
	kinds := c.Kinds
	if kinds == nil {
		kinds = []FaultKind{}
	}
	return json.Marshal(faultConfigJSON{
		Rate: c.Rate, Seed: c.Seed, Kinds: kinds,
		RetryAfter: json.RawMessage(strconv.Quote(c.RetryAfter.String())),
		Latency:    json.RawMessage(strconv.Quote(c.Latency.String())),
	})
}

// UnmarshalJSON accepts durations as strings ("250ms") or nanosecond numbers.
func (c *FaultConfig) UnmarshalJSON(b []byte) error {
	var raw faultConfigJSON
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	retry, err := parseJSONDuration(raw.RetryAfter)
	if err != nil {
		return fmt.Errorf("retryAfter: %w", err)
	}
	latency, err := parseJSONDuration(raw.Latency)
	if err != nil {
		return fmt.Errorf("latency: %w", err)
	}
	*c = FaultConfig{Rate: raw.Rate, Seed: raw.Seed, Kinds: raw.Kinds, RetryAfter: retry, Latency: latency}
	return nil
}

func parseJSONDuration(raw json.RawMessage) (time.Duration, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return time.ParseDuration(s)
	}
	var n int64
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, errors.New("want a duration string such as \"1s\" or nanoseconds")
	}
	return time.Duration(n), nil
}

// SetFaults replaces the fault configuration and reseeds the random source.
// Unknown kinds are ignored; use Validate first to reject them.
func (s *Server) SetFaults(cfg FaultConfig) {
	cfg.Kinds = slices.Clone(cfg.Kinds)
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = cfg
	seed := uint64(cfg.Seed)
	s.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// Faults returns the current fault configuration.
func (s *Server) Faults() FaultConfig {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	cfg := s.faults
	cfg.Kinds = slices.Clone(cfg.Kinds)
	return cfg
}

// pickFault draws whether this request fails and how. Every request draws
// once (and a faulted one twice), so the sequence depends only on the seed
// and the order of requests.
func (s *Server) pickFault(isCreate bool) (FaultKind, FaultConfig, bool) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	cfg := s.faults
	if cfg.Rate <= 0 || len(cfg.Kinds) == 0 {
		return "", cfg, false
	}
	if s.rng.Float64() >= cfg.Rate {
		return "", cfg, false
	}
	var cands []FaultKind
	for _, k := range cfg.Kinds {
		if !slices.Contains(FaultKinds, k) || (k == FaultCreatedThenFailed && !isCreate) {
			continue
		}
		cands = append(cands, k)
	}
	if len(cands) == 0 {
		return "", cfg, false
	}
	return cands[s.rng.IntN(len(cands))], cfg, true
}

// injectFault applies a drawn fault; it reports whether the request should
// still be served.
func (s *Server) injectFault(w http.ResponseWriter, rq *request) bool {
	isCreate := rq.route != nil && (rq.route.template() == "POST /instance/create" || isBotCreate(rq.route) || isCredsCreate(rq.route))
	kind, cfg, ok := s.pickFault(isCreate)
	if !ok {
		return true
	}
	switch kind {
	case FaultCreatedThenFailed:
		// Counted by the create handler, only if it really stored something.
		rq.failAfterCreate = true
		return true
	case FaultLatency:
		s.countFault(kind)
		d := cfg.Latency
		if d == 0 {
			d = defaultFaultLatency
		}
		return sleepCtx(rq.r.Context(), d)
	}
	s.countFault(kind)
	switch kind {
	case Fault500:
		serverError(w, "Internal Server Error")
	case Fault503:
		writeError(w, http.StatusServiceUnavailable, "", "Service Unavailable")
	case Fault429:
		d := cfg.RetryAfter
		if d == 0 {
			d = defaultRetryAfter
		}
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
		writeError(w, http.StatusTooManyRequests, "", "Too Many Requests")
	case FaultDrop:
		drop(w)
	}
	return false
}

// drop closes the client connection without a response.
func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// HTTP/2 cannot be hijacked; aborting the handler resets the stream.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
