package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// Proxy is an instance's proxy. The server stores every field as a string;
// a disabled proxy holds "" in each.
type Proxy struct {
	Enabled  bool
	Host     string
	Port     string
	Protocol string
	Username string
	Password string
}

// Chatwoot is an instance's Chatwoot inbox configuration. Pointer fields
// are the server's nullable columns: nil is null.
type Chatwoot struct {
	Enabled             bool
	AccountID           string
	Token               string
	URL                 string
	SignMsg             bool
	SignDelimiter       *string
	ReopenConversation  bool
	ConversationPending bool
	// NameInbox "" asks the server for its default, the instance name.
	NameInbox           string
	ImportContacts      bool
	ImportMessages      bool
	MergeBrazilContacts bool
	// DaysLimitImportMessages nil is left out of a set (the server keeps
	// its value: null cannot be sent) and is null when read.
	DaysLimitImportMessages *int64
	IgnoreJids              []string
	Number                  *string
	Organization            *string
	Logo                    *string
	// WebhookURL is where Chatwoot calls the server back; only set and
	// find report it (not the instance listing), so it is "" otherwise.
	WebhookURL string
}

// proxyBody always carries all six fields: the first set of an instance
// without username and password answers 201 but stores nothing.
type proxyBody struct {
	Enabled  bool   `json:"enabled"`
	Host     string `json:"host"`
	Port     string `json:"port"`
	Protocol string `json:"protocol"`
	Username string `json:"username"`
	Password string `json:"password"`
}

type wireProxy struct {
	Enabled  bool   `json:"enabled"`
	Host     string `json:"host"`
	Port     string `json:"port"`
	Protocol string `json:"protocol"`
	Username string `json:"username"`
	Password string `json:"password"`
}

func (w *wireProxy) proxy() *Proxy {
	if w == nil {
		return nil
	}
	p := Proxy(*w)
	return &p
}

// SetProxy writes every field of the instance's proxy. The server first
// tests the proxy by fetching an address on the internet through it, with
// no timeout of its own: a proxy that never answers keeps this call open
// until ctx ends. A failed test is a 400 "Invalid proxy". The server does
// not check that its write succeeded: read the proxy back to be sure.
func (c *Client) SetProxy(ctx context.Context, name string, p Proxy) error {
	_, err := c.do(ctx, call{method: http.MethodPost, path: pathFor("/proxy/set", name), instance: name, in: proxyBody(p)})
	return err
}

// FindProxy returns the instance's proxy, or nil when it has none.
func (c *Client) FindProxy(ctx context.Context, name string) (*Proxy, error) {
	var wp wireProxy
	isNull, err := c.do(ctx, call{method: http.MethodGet, path: pathFor("/proxy/find", name), instance: name, out: &wp})
	if err != nil || isNull {
		return nil, err
	}
	return wp.proxy(), nil
}

// chatwootBody sends the seven fields the server requires, also when
// switching Chatwoot off, and every optional one, so that a field left out
// cannot keep an old value: null clears the nullable ones.
type chatwootBody struct {
	Enabled                 bool     `json:"enabled"`
	AccountID               string   `json:"accountId"`
	Token                   string   `json:"token"`
	URL                     string   `json:"url"`
	SignMsg                 bool     `json:"signMsg"`
	SignDelimiter           *string  `json:"signDelimiter"`
	ReopenConversation      bool     `json:"reopenConversation"`
	ConversationPending     bool     `json:"conversationPending"`
	NameInbox               string   `json:"nameInbox"`
	ImportContacts          bool     `json:"importContacts"`
	ImportMessages          bool     `json:"importMessages"`
	MergeBrazilContacts     bool     `json:"mergeBrazilContacts"`
	DaysLimitImportMessages *int64   `json:"daysLimitImportMessages,omitempty"`
	IgnoreJids              []string `json:"ignoreJids"`
	Number                  *string  `json:"number"`
	Organization            *string  `json:"organization"`
	Logo                    *string  `json:"logo"`
	AutoCreate              bool     `json:"autoCreate"`
}

type wireChatwoot struct {
	Enabled                 *bool           `json:"enabled"`
	AccountID               string          `json:"accountId"`
	Token                   string          `json:"token"`
	URL                     string          `json:"url"`
	NameInbox               string          `json:"nameInbox"`
	SignMsg                 bool            `json:"signMsg"`
	SignDelimiter           *string         `json:"signDelimiter"`
	Number                  *string         `json:"number"`
	ReopenConversation      bool            `json:"reopenConversation"`
	ConversationPending     bool            `json:"conversationPending"`
	MergeBrazilContacts     bool            `json:"mergeBrazilContacts"`
	ImportContacts          bool            `json:"importContacts"`
	ImportMessages          bool            `json:"importMessages"`
	DaysLimitImportMessages *json.Number    `json:"daysLimitImportMessages"`
	Organization            *string         `json:"organization"`
	Logo                    *string         `json:"logo"`
	IgnoreJids              json.RawMessage `json:"ignoreJids"`
	WebhookURL              string          `json:"webhook_url"`
}

func (w *wireChatwoot) chatwoot() (*Chatwoot, error) {
	if w == nil {
		return nil, nil
	}
	cw := &Chatwoot{
		Enabled: w.Enabled != nil && *w.Enabled, AccountID: w.AccountID, Token: w.Token, URL: w.URL,
		SignMsg: w.SignMsg, ReopenConversation: w.ReopenConversation, ConversationPending: w.ConversationPending,
		NameInbox: w.NameInbox, ImportContacts: w.ImportContacts, ImportMessages: w.ImportMessages,
		MergeBrazilContacts: w.MergeBrazilContacts, Number: w.Number, Organization: w.Organization, Logo: w.Logo,
		WebhookURL: w.WebhookURL,
	}
	// find reports an empty delimiter as null; the listing does not.
	if w.SignDelimiter != nil && *w.SignDelimiter != "" {
		cw.SignDelimiter = w.SignDelimiter
	}
	if w.DaysLimitImportMessages != nil {
		n, err := w.DaysLimitImportMessages.Int64()
		if err != nil {
			return nil, fmt.Errorf("chatwoot daysLimitImportMessages %q is not a whole number", w.DaysLimitImportMessages.String())
		}
		cw.DaysLimitImportMessages = &n
	}
	jids, err := stringList(w.IgnoreJids)
	if err != nil {
		return nil, fmt.Errorf("chatwoot ignoreJids: %w", err)
	}
	cw.IgnoreJids = jids
	return cw, nil
}

// stringList reads a JSON column meant to hold strings: null is empty, and
// other values are kept as their JSON text, as the server's find does with
// String(x).
func stringList(raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	out := []string{}
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return out, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, err
	}
	for _, item := range items {
		var s string
		if err := json.Unmarshal(item, &s); err != nil {
			s = string(item)
		}
		out = append(out, s)
	}
	return out, nil
}

// ErrInstanceNotLoaded is what Chatwoot find reports (with 200) for an
// instance the server has in its database but not in memory.
var ErrInstanceNotLoaded = errors.New("the server has the instance in its database but has not loaded it; restart or connect it and try again")

// SetChatwoot writes the instance's Chatwoot configuration and returns it
// as the server echoes it, with the inbox name and webhook_url it filled in.
// With autoCreate the server then calls Chatwoot to create the inbox; if
// that fails, the answer is a 500 although the configuration was saved.
func (c *Client) SetChatwoot(ctx context.Context, name string, cw Chatwoot, autoCreate bool) (*Chatwoot, error) {
	body := chatwootBody{
		Enabled: cw.Enabled, AccountID: cw.AccountID, Token: cw.Token, URL: cw.URL, SignMsg: cw.SignMsg,
		SignDelimiter: cw.SignDelimiter, ReopenConversation: cw.ReopenConversation, ConversationPending: cw.ConversationPending,
		NameInbox: cw.NameInbox, ImportContacts: cw.ImportContacts, ImportMessages: cw.ImportMessages,
		MergeBrazilContacts: cw.MergeBrazilContacts, DaysLimitImportMessages: cw.DaysLimitImportMessages,
		IgnoreJids: cw.IgnoreJids, Number: cw.Number, Organization: cw.Organization, Logo: cw.Logo,
		AutoCreate: autoCreate,
	}
	if body.IgnoreJids == nil {
		body.IgnoreJids = []string{}
	}
	var echo wireChatwoot
	isNull, err := c.do(ctx, call{method: http.MethodPost, path: pathFor("/chatwoot/set", name), instance: name, in: body, out: &echo})
	if err != nil {
		return nil, err
	}
	if isNull {
		return nil, fmt.Errorf("chatwoot/set of %q: the server answered with an empty body", name)
	}
	return echo.chatwoot()
}

// FindChatwoot returns the instance's Chatwoot configuration, or nil when it
// has none (the server answers a stub then, told apart from a disabled
// configuration by its empty webhook_url).
func (c *Client) FindChatwoot(ctx context.Context, name string) (*Chatwoot, error) {
	var w wireChatwoot
	isNull, err := c.do(ctx, call{method: http.MethodGet, path: pathFor("/chatwoot/find", name), instance: name, out: &w})
	if err != nil || isNull {
		return nil, err
	}
	if w.Enabled == nil {
		return nil, fmt.Errorf("chatwoot/find of %q: %w", name, ErrInstanceNotLoaded)
	}
	if !*w.Enabled && w.WebhookURL == "" {
		return nil, nil
	}
	return w.chatwoot()
}

// listedRow is a relation of a fetchInstances row: it records whether the
// key was there at all, since v1 servers do not list integrations and a
// missing key then says nothing about the instance.
type listedRow[T any] struct {
	present bool
	row     *T
}

func (l *listedRow[T]) UnmarshalJSON(b []byte) error {
	l.present = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil
	}
	l.row = new(T)
	return json.Unmarshal(b, l.row)
}

// setIntegrations copies the listed integration rows into inst. A row that
// does not decode leaves IntegrationsListed false, so that the find route,
// which reports the problem, is asked instead.
func (r *wireInstanceRow) setIntegrations(inst *Instance) {
	if !r.Proxy.present || !r.Chatwoot.present {
		return
	}
	cw, err := r.Chatwoot.row.chatwoot()
	if err != nil {
		return
	}
	inst.Proxy, inst.Chatwoot, inst.IntegrationsListed = r.Proxy.row.proxy(), cw, true
}

// cloneRows copies what the listing shares between lookups.
func (inst *Instance) cloneRows() {
	if inst.Settings != nil {
		s := *inst.Settings
		inst.Settings = &s
	}
	if inst.Proxy != nil {
		p := *inst.Proxy
		inst.Proxy = &p
	}
	if inst.Chatwoot != nil {
		cw := *inst.Chatwoot
		cw.IgnoreJids = append([]string{}, cw.IgnoreJids...)
		inst.Chatwoot = &cw
	}
	inst.Streams = cloneStreams(inst.Streams)
}

func (b proxyBody) secretValues() []string    { return []string{b.Password} }
func (b chatwootBody) secretValues() []string { return []string{b.Token} }
