package client

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// BotKind is one chatbot integration. Every kind has the same routes under
// its own path prefix; the body fields differ, so bots travel as maps of
// their JSON fields and the caller knows each kind's fields.
type BotKind struct {
	// Prefix is the path prefix without its slash: "typebot".
	Prefix string
	// Name is how the server names the kind in its messages: "Typebot".
	Name string
	// Env is the server's environment switch for the kind; "" when the kind
	// cannot be switched off.
	Env string
}

// The chatbot kinds.
var (
	Typebot      = BotKind{Prefix: "typebot", Name: "Typebot", Env: "TYPEBOT_ENABLED"}
	OpenAI       = BotKind{Prefix: "openai", Name: "Openai", Env: "OPENAI_ENABLED"}
	Dify         = BotKind{Prefix: "dify", Name: "Dify", Env: "DIFY_ENABLED"}
	Flowise      = BotKind{Prefix: "flowise", Name: "Flowise", Env: "FLOWISE_ENABLED"}
	N8n          = BotKind{Prefix: "n8n", Name: "N8n", Env: "N8N_ENABLED"}
	EvoAI        = BotKind{Prefix: "evoai", Name: "Evoai", Env: "EVOAI_ENABLED"}
	EvolutionBot = BotKind{Prefix: "evolutionBot", Name: "EvolutionBot"}
)

// BotKinds lists every kind.
var BotKinds = []BotKind{Typebot, OpenAI, Dify, Flowise, N8n, EvoAI, EvolutionBot}

// Bot is one chatbot row. Fields holds every column the server returned
// except id and instanceId, by JSON name; numbers are json.Number, a NULL
// column is nil.
type Bot struct {
	ID         string
	InstanceID string
	Fields     map[string]any
}

// BotSettings are a kind's per-instance defaults. Exists is false when the
// instance has no row and the server answered its built-in defaults.
type BotSettings struct {
	Exists     bool
	InstanceID string
	// FallbackID is the fallback bot's id, "" for none.
	FallbackID string
	// Fields are the row's columns by JSON name (numbers are json.Number),
	// without id, instanceId, fallbackId and the fallback bot.
	Fields map[string]any
}

// OpenAICreds is an OpenAI credential; BotIDs are the bots that use it.
type OpenAICreds struct {
	ID     string
	Name   string
	APIKey string
	BotIDs []string
}

func botPath(kind BotKind, route, id, instance string) string {
	p := "/" + kind.Prefix + "/" + route
	if id != "" {
		p += "/" + url.PathEscape(id)
	}
	return pathFor(p, instance)
}

// CreateBot creates a bot from its JSON body. The client's bot creates and
// settings sets of one instance and kind go one at a time: the first may
// make the kind's settings row, which the server cannot make twice at once
// (settings_row.go).
func (c *Client) CreateBot(ctx context.Context, kind BotKind, instance string, body map[string]any) (*Bot, error) {
	var row jsonObject
	err := c.withSettingsRow(ctx, kind, instance, func() error {
		_, err := c.do(ctx, call{method: http.MethodPost, path: botPath(kind, "create", "", instance), instance: instance, in: body, out: &row})
		return err
	})
	if err != nil {
		return nil, err
	}
	return row.bot(), nil
}

// CreateBotOrAdopt creates a bot without making two (see createOrAdopt).
// before are the ids of the instance's bots of the kind from before the
// create: after a failure that leaves the outcome unknown, a bot not among
// them that has every field of body (Bot.Has) is the create's, and is
// adopted (the bool result). The server's rule answers ("Trigger already
// exists", …) end the create as they are.
func (c *Client) CreateBotOrAdopt(ctx context.Context, kind BotKind, instance string, body map[string]any, before []string) (*Bot, bool, error) {
	create := func(ctx context.Context, _ int) (*Bot, error) { return c.CreateBot(ctx, kind, instance, body) }
	find := func(ctx context.Context, _ error) (*Bot, bool, error) {
		bots, err := c.ListBots(ctx, kind, instance)
		if err != nil {
			return nil, false, err
		}
		var found *Bot
		for i := range bots {
			if slices.Contains(before, bots[i].ID) || !bots[i].Has(body) {
				continue
			}
			if found != nil {
				return nil, false, fmt.Errorf("two new %s bots, %q and %q, have this create's fields: neither can be told to be its", kind.Name, found.ID, bots[i].ID)
			}
			found = &bots[i]
		}
		return found, found != nil, nil
	}
	return createOrAdopt(ctx, c, kind.Name+" bot", map[string]any{"instance_name": instance}, create, find)
}

// Has reports whether the bot has every field of a create or update body,
// compared as JSON (the row's numbers are json.Number, the body's Go
// numbers): the bot that body would make. Fields the body leaves out are
// not compared: the server fills them in.
func (b *Bot) Has(body map[string]any) bool {
	for k, want := range body {
		got, ok := b.Fields[k]
		if !ok {
			return false
		}
		jw, errW := json.Marshal(want)
		jg, errG := json.Marshal(got)
		if errW != nil || errG != nil || !bytes.Equal(jw, jg) {
			return false
		}
	}
	return true
}

// UpdateBot replaces a bot's fields. The server needs the required fields
// again; fields left out keep their values.
func (c *Client) UpdateBot(ctx context.Context, kind BotKind, instance, id string, body map[string]any) (*Bot, error) {
	var row jsonObject
	if _, err := c.do(ctx, call{method: http.MethodPut, path: botPath(kind, "update", id, instance), instance: instance, in: body, out: &row}); err != nil {
		return nil, err
	}
	return row.bot(), nil
}

// DeleteBot deletes a bot. The server answers an unknown id like any other
// failure (500), so a caller that must tell "already gone" apart lists
// the bots first.
func (c *Client) DeleteBot(ctx context.Context, kind BotKind, instance, id string) error {
	_, err := c.do(ctx, call{method: http.MethodDelete, path: botPath(kind, "delete", id, instance), instance: instance})
	return err
}

// ListBots returns the instance's bots of a kind. Reading a bot through this
// list, rather than the fetch route, guarantees it belongs to the instance:
// fetch answers any bot id, whichever instance owns it.
func (c *Client) ListBots(ctx context.Context, kind BotKind, instance string) ([]Bot, error) {
	var rows []jsonObject
	if _, err := c.do(ctx, call{method: http.MethodGet, path: botPath(kind, "find", "", instance), instance: instance, out: &rows}); err != nil {
		return nil, err
	}
	out := make([]Bot, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r.bot())
	}
	return out, nil
}

// SetBotSettings upserts a kind's defaults. The fallback bot is sent as
// body["fallbackId"]. It waits for the client's bot creates of the instance
// and kind, as CreateBot does.
func (c *Client) SetBotSettings(ctx context.Context, kind BotKind, instance string, body map[string]any) (*BotSettings, error) {
	var row jsonObject
	err := c.withSettingsRow(ctx, kind, instance, func() error {
		_, err := c.do(ctx, call{method: http.MethodPost, path: botPath(kind, "settings", "", instance), instance: instance, in: body, out: &row})
		return err
	})
	if err != nil {
		return nil, err
	}
	return row.settings(), nil
}

// FetchBotSettings reads a kind's defaults.
func (c *Client) FetchBotSettings(ctx context.Context, kind BotKind, instance string) (*BotSettings, error) {
	var row jsonObject
	isNull, err := c.do(ctx, call{method: http.MethodGet, path: botPath(kind, "fetchSettings", "", instance), instance: instance, out: &row})
	if err != nil {
		return nil, err
	}
	if isNull {
		return &BotSettings{Fields: map[string]any{}}, nil
	}
	return row.settings(), nil
}

// CreateOpenAICreds registers an OpenAI API key under a name.
func (c *Client) CreateOpenAICreds(ctx context.Context, instance, name, apiKey string) (*OpenAICreds, error) {
	var row jsonObject
	body := openAICredsBody{"name": name, "apiKey": apiKey}
	if _, err := c.do(ctx, call{method: http.MethodPost, path: pathFor("/openai/creds", instance), instance: instance, in: body, out: &row}); err != nil {
		return nil, err
	}
	return row.creds(), nil
}

// CreateOpenAICredsOrAdopt registers an OpenAI key without making two
// (see createOrAdopt). Name and key are each unique on the server, so after
// a failure that leaves the outcome unknown, a credential of the instance
// with both is the create's, and is adopted (the bool result).
func (c *Client) CreateOpenAICredsOrAdopt(ctx context.Context, instance, name, apiKey string) (*OpenAICreds, bool, error) {
	create := func(ctx context.Context, _ int) (*OpenAICreds, error) {
		return c.CreateOpenAICreds(ctx, instance, name, apiKey)
	}
	find := func(ctx context.Context, _ error) (*OpenAICreds, bool, error) {
		list, err := c.ListOpenAICreds(ctx, instance)
		if err != nil {
			return nil, false, err
		}
		for i := range list {
			if list[i].Is(name, apiKey) {
				return &list[i], true, nil
			}
		}
		return nil, false, nil
	}
	return createOrAdopt(ctx, c, "OpenAI credential", map[string]any{"instance_name": instance}, create, find)
}

// Is reports whether the credential has this name and key: the one a
// create of them made, since the server allows each only once.
func (o *OpenAICreds) Is(name, apiKey string) bool {
	return o.Name == name && subtle.ConstantTimeCompare([]byte(o.APIKey), []byte(apiKey)) == 1
}

// ListOpenAICreds returns the instance's OpenAI credentials.
func (c *Client) ListOpenAICreds(ctx context.Context, instance string) ([]OpenAICreds, error) {
	var rows []jsonObject
	if _, err := c.do(ctx, call{method: http.MethodGet, path: pathFor("/openai/creds", instance), instance: instance, out: &rows}); err != nil {
		return nil, err
	}
	out := make([]OpenAICreds, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r.creds())
	}
	return out, nil
}

// DeleteOpenAICreds deletes a credential. The server deletes every bot
// that uses it too, and refuses while the OpenAI defaults point at it.
func (c *Client) DeleteOpenAICreds(ctx context.Context, instance, id string) error {
	_, err := c.do(ctx, call{method: http.MethodDelete, path: pathFor("/openai/creds/"+url.PathEscape(id), instance), instance: instance})
	return err
}

// IsDisabled reports the 400 a server answers on the routes of an
// integration its environment switched off ("Typebot is disabled").
func IsDisabled(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
		return false
	}
	for _, m := range apiErr.Messages {
		if strings.HasSuffix(m, " is disabled") {
			return true
		}
	}
	return false
}

// ServerMessage returns the server's message of an API error (through an
// AmbiguousError too), or "" when err is not one.
func ServerMessage(err error) string {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return ""
	}
	return strings.Join(apiErr.Messages, "; ")
}

// jsonObject is an answer row kept generic; numbers stay json.Number.
type jsonObject map[string]any

func (o *jsonObject) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return err
	}
	if m == nil {
		return fmt.Errorf("expected a JSON object, got %.40s", b)
	}
	*o = m
	return nil
}

func (o jsonObject) str(key string) string {
	s, _ := o[key].(string)
	return s
}

func (o jsonObject) bot() *Bot {
	b := &Bot{ID: o.str("id"), InstanceID: o.str("instanceId"), Fields: map[string]any{}}
	for k, v := range o {
		switch k {
		case "id", "instanceId", "createdAt", "updatedAt":
		default:
			b.Fields[k] = v
		}
	}
	return b
}

func (o jsonObject) settings() *BotSettings {
	s := &BotSettings{Exists: o.str("id") != "", InstanceID: o.str("instanceId"), FallbackID: o.str("fallbackId"), Fields: map[string]any{}}
	for k, v := range o {
		switch {
		case k == "id", k == "instanceId", k == "createdAt", k == "updatedAt", k == "fallbackId",
			strings.EqualFold(k, "fallback"), strings.HasSuffix(k, "IdFallback"):
		default:
			s.Fields[k] = v
		}
	}
	return s
}

func (o jsonObject) creds() *OpenAICreds {
	c := &OpenAICreds{ID: o.str("id"), Name: o.str("name"), APIKey: o.str("apiKey")}
	bots, _ := o["OpenaiAssistant"].([]any)
	for _, b := range bots {
		if m, ok := b.(map[string]any); ok {
			if id, ok := m["id"].(string); ok {
				c.BotIDs = append(c.BotIDs, id)
			}
		}
	}
	return c
}

// openAICredsBody carries an OpenAI key, which an error must never repeat.
type openAICredsBody map[string]string

func (b openAICredsBody) secretValues() []string { return []string{b["apiKey"]} }
