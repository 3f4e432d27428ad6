package emulator

import (
	"cmp"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"
)

// Connection states as Evolution reports them.
const (
	StateOpen       = "open"
	StateClose      = "close"
	StateConnecting = "connecting"
)

// Integrations Evolution v2 accepts.
const (
	IntegrationBaileys   = "WHATSAPP-BAILEYS"
	IntegrationBusiness  = "WHATSAPP-BUSINESS"
	IntegrationEvolution = "EVOLUTION"
)

var (
	// ErrNotFound is returned by the admin methods for an unknown instance.
	ErrNotFound = errors.New("emulator: instance not found")
	// ErrBadState is returned by SetState for a state Evolution never reports.
	ErrBadState = errors.New("emulator: state must be open, close or connecting")
)

// Settings are an instance's behaviour settings.
type Settings struct {
	RejectCall      bool
	MsgCall         string
	GroupsIgnore    bool
	AlwaysOnline    bool
	ReadMessages    bool
	ReadStatus      bool
	SyncFullHistory bool
	WavoipToken     string
}

// Webhook is an instance's webhook row. Headers is nil when the server stores
// null (never sent) and empty when cleared with {}.
type Webhook struct {
	Enabled  bool
	URL      string
	Headers  map[string]string
	ByEvents bool
	Base64   bool
	Events   []string
}

// Snapshot is a deep copy of one stored instance.
type Snapshot struct {
	Name        string
	ID          string
	Integration string
	Number      string
	Token       string
	Status      string
	OwnerJID    string
	ProfileName string
	// ProfilePicURL is set once a phone paired.
	ProfilePicURL string
	// QRCode and PairingCode are the pairing challenge the instance is
	// showing while connecting, so tests can look for them where they must
	// not be (a state file, a log).
	QRCode      string
	PairingCode string
	Settings    Settings
	// Webhook is nil until a webhook was set.
	Webhook *Webhook
	IntegrationsSnapshot
	// PendingDelete is true between a delete and the instance's removal.
	PendingDelete bool
	CreatedAt     time.Time
}

type instance struct {
	seq         uint64
	id          string
	name        string
	integration string
	number      *string
	token       string
	state       string
	ownerJID    *string
	profileName *string
	profilePic  *string
	qr          *qrCode
	// pairedWith is the number last given to connect; the phone that pairs
	// with it becomes the owner.
	pairedWith string
	settings   *settingsRow
	webhook    *webhookRow
	// chatbots holds each chatbot kind's bots and default settings, keyed
	// by kind prefix; creds are the OpenAI credentials. Both go with the
	// instance, as Prisma's onDelete: Cascade takes them.
	chatbots  map[string]*chatState
	creds     []*credsRow
	createdAt time.Time
	updatedAt time.Time
	deleteAt  time.Time // zero unless a delete is pending
	// nameHold is how long the name stays taken once the instance is no
	// longer listed (see deletes.go).
	nameHold time.Duration
	// clientName is the server's DATABASE_CONNECTION_CLIENT_NAME at create.
	clientName string
	integrations
}

type settingsRow struct {
	id string
	Settings
	createdAt, updatedAt time.Time
}

type webhookRow struct {
	id                   string
	enabled              bool
	url                  string
	headers              map[string]any // nil is stored as null
	byEvents             bool
	base64               bool
	events               []string
	createdAt, updatedAt time.Time
}

// lock takes the store lock and first drops instances whose delayed delete is
// due, so removal is driven by the clock on access rather than by timers.
func (s *Server) lock() {
	s.mu.Lock()
	if s.pending == 0 && len(s.heldNames) == 0 {
		return
	}
	now := s.now()
	for name, inst := range s.instances {
		if !inst.deleteAt.IsZero() && !now.Before(inst.deleteAt) {
			s.removeLocked(name)
			s.heldNames[name] = inst.deleteAt.Add(inst.nameHold)
		}
	}
	for name, until := range s.heldNames {
		if !now.Before(until) {
			delete(s.heldNames, name)
		}
	}
}

func (s *Server) removeLocked(name string) bool {
	inst, ok := s.instances[name]
	if !ok {
		return false
	}
	if !inst.deleteAt.IsZero() {
		s.pending--
	}
	delete(s.instances, name)
	return true
}

// sortedLocked returns the instances in creation order.
func (s *Server) sortedLocked() []*instance {
	out := slices.Collect(maps.Values(s.instances))
	slices.SortFunc(out, func(a, b *instance) int { return cmp.Compare(a.seq, b.seq) })
	return out
}

func (s *Server) isGlobalKey(r *http.Request) bool {
	return keyEqual(r.Header.Get("apikey"), s.apiKey)
}

// authorized reports whether the request's key may act on inst: the global
// key or the instance's own token.
func (s *Server) authorized(r *http.Request, inst *instance) bool {
	key := r.Header.Get("apikey")
	return keyEqual(key, s.apiKey) || keyEqual(key, inst.token)
}

func keyEqual(got, want string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (inst *instance) snapshot() Snapshot {
	snap := Snapshot{
		Name:          inst.name,
		ID:            inst.id,
		Integration:   inst.integration,
		Number:        deref(inst.number),
		Token:         inst.token,
		Status:        inst.state,
		OwnerJID:      deref(inst.ownerJID),
		ProfileName:   deref(inst.profileName),
		ProfilePicURL: deref(inst.profilePic),
		PendingDelete: !inst.deleteAt.IsZero(),
		CreatedAt:     inst.createdAt,
	}
	if inst.qr != nil {
		snap.QRCode = inst.qr.code
		snap.PairingCode = deref(inst.qr.pairingCode)
	}
	if inst.settings != nil {
		snap.Settings = inst.settings.Settings
	}
	inst.snapshotIntegrations(&snap.IntegrationsSnapshot)
	if wh := inst.webhook; wh != nil {
		snap.Webhook = &Webhook{
			Enabled:  wh.enabled,
			URL:      wh.url,
			Headers:  headersToStrings(wh.headers),
			ByEvents: wh.byEvents,
			Base64:   wh.base64,
			Events:   slices.Clone(wh.events),
		}
	}
	return snap
}

func headersToStrings(h map[string]any) map[string]string {
	if h == nil {
		return nil
	}
	out := make(map[string]string, len(h))
	for k, v := range h {
		if s, ok := v.(string); ok {
			out[k] = s
			continue
		}
		b, _ := json.Marshal(v)
		out[k] = string(b)
	}
	return out
}

func headersFromStrings(h map[string]string) map[string]any {
	if h == nil {
		return nil
	}
	out := make(map[string]any, len(h))
	for k, v := range h {
		out[k] = v
	}
	return out
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func ptr[T any](v T) *T { return &v }

// Instance returns a deep copy of the named instance.
func (s *Server) Instance(name string) (Snapshot, bool) {
	s.lock()
	defer s.mu.Unlock()
	inst, ok := s.instances[name]
	if !ok {
		return Snapshot{}, false
	}
	return inst.snapshot(), true
}

// Names lists the stored instances (pending deletes included) in creation order.
func (s *Server) Names() []string {
	s.lock()
	defer s.mu.Unlock()
	var out []string
	for _, inst := range s.sortedLocked() {
		out = append(out, inst.name)
	}
	return out
}

// SetSettings changes an instance's settings out of band, as a user of the
// l2msg dashboard would.
func (s *Server) SetSettings(name string, mutate func(*Settings)) error {
	s.lock()
	defer s.mu.Unlock()
	inst, ok := s.instances[name]
	if !ok {
		return fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	now := s.now()
	if inst.settings == nil {
		inst.settings = &settingsRow{id: newCUID(), createdAt: now}
	}
	mutate(&inst.settings.Settings)
	inst.settings.updatedAt = now
	return nil
}

// SetWebhook changes (or first creates) an instance's webhook out of band.
func (s *Server) SetWebhook(name string, mutate func(*Webhook)) error {
	s.lock()
	defer s.mu.Unlock()
	inst, ok := s.instances[name]
	if !ok {
		return fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	now := s.now()
	var wh Webhook
	if inst.webhook == nil {
		inst.webhook = &webhookRow{id: newCUID(), createdAt: now, events: []string{}}
	} else {
		wh = *inst.snapshot().Webhook
	}
	mutate(&wh)
	row := inst.webhook
	row.enabled, row.url, row.byEvents, row.base64 = wh.Enabled, wh.URL, wh.ByEvents, wh.Base64
	row.headers = headersFromStrings(wh.Headers)
	row.events = slices.Clone(wh.Events)
	if row.events == nil {
		row.events = []string{}
	}
	row.updatedAt = now
	return nil
}

// Remove deletes an instance at once, its name freed too, as if someone
// removed it in the l2msg dashboard. It reports whether the instance existed.
func (s *Server) Remove(name string) bool {
	s.lock()
	defer s.mu.Unlock()
	delete(s.heldNames, name)
	return s.removeLocked(name)
}

// SetState forces an instance's connection state.
func (s *Server) SetState(name, state string) error {
	switch state {
	case StateOpen, StateClose, StateConnecting:
	default:
		return fmt.Errorf("%w: %q", ErrBadState, state)
	}
	s.lock()
	defer s.mu.Unlock()
	inst, ok := s.instances[name]
	if !ok {
		return fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	s.setStateLocked(inst, state)
	return nil
}

// MarkPaired makes an instance "open" as if its phone had scanned the QR,
// filling ownerJid, profileName and profilePicUrl as Evolution does on
// connection.
func (s *Server) MarkPaired(name string) error {
	s.lock()
	defer s.mu.Unlock()
	inst, ok := s.instances[name]
	if !ok {
		return fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	s.setStateLocked(inst, StateOpen)
	number := deref(inst.number)
	if number == "" {
		number = inst.pairedWith
	}
	if number == "" {
		number = fakeNumber(inst.id)
	}
	inst.ownerJID = ptr(number + "@s.whatsapp.net")
	inst.profileName = ptr(inst.name)
	inst.profilePic = ptr(profilePicURL(number))
	return nil
}

func (s *Server) setStateLocked(inst *instance, state string) {
	inst.state = state
	if state != StateConnecting {
		inst.qr = nil
	}
	inst.updatedAt = s.now()
}
