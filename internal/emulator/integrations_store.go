package emulator

import (
	"fmt"
	"slices"
	"time"
)

// Proxy is an instance's proxy row. The server stores every string
// (non-null columns); a disabled proxy holds "" in each.
type Proxy struct {
	Enabled  bool
	Host     string
	Port     string
	Protocol string
	Username string
	Password string
}

type proxyRow struct {
	id string
	Proxy
	createdAt, updatedAt time.Time
}

// Chatwoot is an instance's Chatwoot row. Pointers are the nullable columns
// a set can leave null; IgnoreJids is nil when the JSON column is null.
type Chatwoot struct {
	Enabled                 bool
	AccountID               string
	Token                   string
	URL                     string
	NameInbox               string
	SignMsg                 bool
	SignDelimiter           *string
	Number                  *string
	ReopenConversation      bool
	ConversationPending     bool
	MergeBrazilContacts     bool
	ImportContacts          bool
	ImportMessages          bool
	DaysLimitImportMessages *int
	Organization            *string
	Logo                    *string
	IgnoreJids              []string
}

func (c Chatwoot) clone() Chatwoot {
	c.SignDelimiter = clonePtr(c.SignDelimiter)
	c.Number = clonePtr(c.Number)
	c.DaysLimitImportMessages = clonePtr(c.DaysLimitImportMessages)
	c.Organization = clonePtr(c.Organization)
	c.Logo = clonePtr(c.Logo)
	c.IgnoreJids = slices.Clone(c.IgnoreJids)
	return c
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// integrations are an instance's per-instance integration rows, each nil
// until first stored. The server deletes them with the instance.
type integrations struct {
	proxy    *proxyRow
	chatwoot *chatwootRow
	// chatwootInboxes are the inboxes autoCreate made in the (modelled)
	// Chatwoot account.
	chatwootInboxes []string
	streams         map[string]*streamRow // event streams by kind
}

// IntegrationsSnapshot is the integrations part of a Snapshot.
type IntegrationsSnapshot struct {
	// Proxy and Chatwoot are nil until a row was stored.
	Proxy    *Proxy
	Chatwoot *Chatwoot
	// ChatwootInboxes are the inboxes an autoCreate made in Chatwoot.
	ChatwootInboxes []string
	// Streams holds the event stream rows by kind ("rabbitmq"); a kind
	// never set has none.
	Streams map[string]Stream
}

type chatwootRow struct {
	id string
	Chatwoot
	createdAt, updatedAt time.Time
}

// SetProxy changes (or first creates) an instance's proxy row out of band,
// as someone using the panel would.
func (s *Server) SetProxy(name string, mutate func(*Proxy)) error {
	s.lock()
	defer s.mu.Unlock()
	inst, ok := s.instances[name]
	if !ok {
		return fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	now := s.now()
	if inst.proxy == nil {
		inst.proxy = &proxyRow{id: newCUID(), createdAt: now}
	}
	mutate(&inst.proxy.Proxy)
	inst.proxy.updatedAt = now
	return nil
}

// SetChatwoot changes (or first creates) an instance's Chatwoot row out of
// band.
func (s *Server) SetChatwoot(name string, mutate func(*Chatwoot)) error {
	s.lock()
	defer s.mu.Unlock()
	inst, ok := s.instances[name]
	if !ok {
		return fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	now := s.now()
	if inst.chatwoot == nil {
		inst.chatwoot = &chatwootRow{id: newCUID(), createdAt: now, Chatwoot: Chatwoot{Enabled: true}}
	}
	mutate(&inst.chatwoot.Chatwoot)
	inst.chatwoot.updatedAt = now
	return nil
}

// snapshotIntegrations deep-copies the integration rows.
func (inst *instance) snapshotIntegrations(snap *IntegrationsSnapshot) {
	if p := inst.proxy; p != nil {
		cp := p.Proxy
		snap.Proxy = &cp
	}
	if c := inst.chatwoot; c != nil {
		cp := c.clone()
		snap.Chatwoot = &cp
	}
	snap.ChatwootInboxes = slices.Clone(inst.chatwootInboxes)
	snap.Streams = inst.streamSnapshots()
}
