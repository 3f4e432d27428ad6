package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// The wire types accept both server generations: v2 (camelCase, flat
// fetchInstances rows, `hash` a string) and v1 (snake_case settings,
// rows wrapped in {"instance":…}, `hash` an object). Decoding into one
// struct with both spellings keeps it to a single pass over large listings.

type wireSettings struct {
	RejectCall        *bool   `json:"rejectCall"`
	MsgCall           *string `json:"msgCall"`
	GroupsIgnore      *bool   `json:"groupsIgnore"`
	AlwaysOnline      *bool   `json:"alwaysOnline"`
	ReadMessages      *bool   `json:"readMessages"`
	ReadStatus        *bool   `json:"readStatus"`
	SyncFullHistory   *bool   `json:"syncFullHistory"`
	RejectCallV1      *bool   `json:"reject_call"`
	MsgCallV1         *string `json:"msg_call"`
	GroupsIgnoreV1    *bool   `json:"groups_ignore"`
	AlwaysOnlineV1    *bool   `json:"always_online"`
	ReadMessagesV1    *bool   `json:"read_messages"`
	ReadStatusV1      *bool   `json:"read_status"`
	SyncFullHistoryV1 *bool   `json:"sync_full_history"`
}

func firstBool(a, b *bool) bool {
	if a != nil {
		return *a
	}
	return b != nil && *b
}

func firstString(a, b *string) string {
	if a != nil {
		return *a
	}
	if b != nil {
		return *b
	}
	return ""
}

func (w *wireSettings) settings() *Settings {
	if w == nil {
		return nil
	}
	return &Settings{
		RejectCall:      firstBool(w.RejectCall, w.RejectCallV1),
		MsgCall:         firstString(w.MsgCall, w.MsgCallV1),
		GroupsIgnore:    firstBool(w.GroupsIgnore, w.GroupsIgnoreV1),
		AlwaysOnline:    firstBool(w.AlwaysOnline, w.AlwaysOnlineV1),
		ReadMessages:    firstBool(w.ReadMessages, w.ReadMessagesV1),
		ReadStatus:      firstBool(w.ReadStatus, w.ReadStatusV1),
		SyncFullHistory: firstBool(w.SyncFullHistory, w.SyncFullHistoryV1),
	}
}

// settingsBody is what settings/set takes: the six booleans are required,
// and msgCall is always sent because we manage it.
type settingsBody struct {
	RejectCall      bool   `json:"rejectCall"`
	MsgCall         string `json:"msgCall"`
	GroupsIgnore    bool   `json:"groupsIgnore"`
	AlwaysOnline    bool   `json:"alwaysOnline"`
	ReadMessages    bool   `json:"readMessages"`
	ReadStatus      bool   `json:"readStatus"`
	SyncFullHistory bool   `json:"syncFullHistory"`
}

func newSettingsBody(s Settings) settingsBody {
	return settingsBody(s)
}

type webhookBody struct {
	Enabled  bool              `json:"enabled"`
	URL      string            `json:"url"`
	Headers  map[string]string `json:"headers"`
	ByEvents bool              `json:"byEvents"`
	Base64   bool              `json:"base64"`
	Events   []string          `json:"events"`
}

// newWebhookBody sends every field: webhook/set is an upsert, so a field
// left out would keep its old value on the server.
func newWebhookBody(w Webhook) webhookBody {
	b := webhookBody(w)
	if b.Headers == nil {
		b.Headers = map[string]string{}
	}
	if b.Events == nil {
		b.Events = []string{}
	}
	return b
}

type webhookSetBody struct {
	Webhook webhookBody `json:"webhook"`
}

func (b webhookSetBody) secretValues() []string { return b.Webhook.secretValues() }

func (b *webhookBody) secretValues() []string {
	out := make([]string, 0, len(b.Headers))
	for _, v := range b.Headers {
		out = append(out, v)
	}
	return out
}

type createBody struct {
	InstanceName string `json:"instanceName"`
	Integration  string `json:"integration"`
	Token        string `json:"token,omitempty"`
	QRCode       bool   `json:"qrcode"`
	Number       string `json:"number,omitempty"`
	settingsBody
	Webhook *webhookBody `json:"webhook,omitempty"`
}

func (b createBody) secretValues() []string {
	out := []string{b.Token}
	if b.Webhook != nil {
		out = append(out, b.Webhook.secretValues()...)
	}
	return out
}

type wireWebhook struct {
	Enabled           *bool            `json:"enabled"`
	URL               string           `json:"url"`
	Headers           json.RawMessage  `json:"headers"`
	Events            []string         `json:"events"`
	WebhookByEvents   *bool            `json:"webhookByEvents"`
	WebhookBase64     *bool            `json:"webhookBase64"`
	ByEvents          *bool            `json:"byEvents"`
	Base64            *bool            `json:"base64"`
	WebhookByEventsV1 *bool            `json:"webhook_by_events"`
	WebhookBase64V1   *bool            `json:"webhook_base64"`
	Webhook           *json.RawMessage `json:"webhook"`
}

func (w *wireWebhook) webhook() (*Webhook, error) {
	// Some servers wrap the row: {"webhook":{…}}.
	if w.Webhook != nil && w.URL == "" {
		var inner wireWebhook
		if err := json.Unmarshal(*w.Webhook, &inner); err != nil {
			return nil, err
		}
		return inner.webhook()
	}
	headers, err := decodeHeaders(w.Headers)
	if err != nil {
		return nil, err
	}
	byEvents := w.WebhookByEvents
	if byEvents == nil {
		byEvents = w.ByEvents
	}
	b64 := w.WebhookBase64
	if b64 == nil {
		b64 = w.Base64
	}
	events := w.Events
	if events == nil {
		events = []string{}
	}
	return &Webhook{
		Enabled:  w.Enabled == nil || *w.Enabled,
		URL:      w.URL,
		Headers:  headers,
		ByEvents: firstBool(byEvents, w.WebhookByEventsV1),
		Base64:   firstBool(b64, w.WebhookBase64V1),
		Events:   events,
	}, nil
}

// decodeHeaders accepts an object of strings (or of other JSON values,
// rendered as text), null, or a JSON string holding such an object, which
// some database drivers hand back for JSON columns.
func decodeHeaders(raw json.RawMessage) (map[string]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return map[string]string{}, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		if s == "" {
			return map[string]string{}, nil
		}
		return decodeHeaders(json.RawMessage(s))
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("webhook headers: %w", err)
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		switch t := v.(type) {
		case string:
			out[k] = t
		case nil:
			out[k] = ""
		default:
			b, _ := json.Marshal(t)
			out[k] = string(b)
		}
	}
	return out, nil
}

// decodeJSON is json.Unmarshal, except that an answer type which decodes
// itself gets the body directly. json.Unmarshal would first validate the
// whole body and then scan it once more to hand it over, and the type's own
// json.Unmarshal validates it again: for a 1,000-instance listing those two
// extra passes were more than half the decoding time.
func decodeJSON(body []byte, out any) error {
	if u, ok := out.(json.Unmarshaler); ok {
		return u.UnmarshalJSON(body)
	}
	return json.Unmarshal(body, out)
}

// integrationName accepts v2's string and v1's {"integration": "..."}.
func integrationName(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	// Names are plain ASCII: skip a decoder per row of a large listing.
	if n := len(raw); n >= 2 && raw[0] == '"' && raw[n-1] == '"' && bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : n-1])
	}
	if raw[0] == '"' {
		var s string
		_ = json.Unmarshal(raw, &s)
		return s
	}
	var obj struct {
		Integration string `json:"integration"`
	}
	_ = json.Unmarshal(raw, &obj)
	return obj.Integration
}

type wireInstanceV1 struct {
	InstanceName      string          `json:"instanceName"`
	InstanceID        string          `json:"instanceId"`
	Status            string          `json:"status"`
	Owner             string          `json:"owner"`
	ProfileName       string          `json:"profileName"`
	ProfilePictureURL string          `json:"profilePictureUrl"`
	Integration       json.RawMessage `json:"integration"`
	APIKey            string          `json:"apikey"`
	Number            string          `json:"number"`
}

type wireInstanceRow struct {
	// v2
	ID               string          `json:"id"`
	Name             string          `json:"name"`
	ConnectionStatus string          `json:"connectionStatus"`
	OwnerJID         string          `json:"ownerJid"`
	ProfileName      string          `json:"profileName"`
	ProfilePicURL    string          `json:"profilePicUrl"`
	Integration      json.RawMessage `json:"integration"`
	Number           *string         `json:"number"`
	Token            string          `json:"token"`
	Setting          *wireSettings   `json:"Setting"`
	// Relations that servers before v2 do not list.
	Proxy    listedRow[wireProxy]    `json:"Proxy"`
	Chatwoot listedRow[wireChatwoot] `json:"Chatwoot"`
	// Event streams: the listing has these four, not Kafka or Pusher.
	Websocket listedRow[wireStream] `json:"Websocket"`
	Rabbitmq  listedRow[wireStream] `json:"Rabbitmq"`
	Nats      listedRow[wireStream] `json:"Nats"`
	Sqs       listedRow[wireStream] `json:"Sqs"`
	// v1
	Instance *wireInstanceV1 `json:"instance"`
}

func (r *wireInstanceRow) instance() Instance {
	if v1 := r.Instance; v1 != nil && r.Name == "" {
		return Instance{
			Name:          v1.InstanceName,
			ID:            v1.InstanceID,
			Integration:   integrationName(v1.Integration),
			Status:        v1.Status,
			Number:        v1.Number,
			OwnerJID:      v1.Owner,
			ProfileName:   v1.ProfileName,
			ProfilePicURL: v1.ProfilePictureURL,
			Token:         v1.APIKey,
		}
	}
	inst := Instance{
		Name:          r.Name,
		ID:            r.ID,
		Integration:   integrationName(r.Integration),
		Status:        r.ConnectionStatus,
		OwnerJID:      r.OwnerJID,
		ProfileName:   r.ProfileName,
		ProfilePicURL: r.ProfilePicURL,
		Token:         r.Token,
		Settings:      r.Setting.settings(),
	}
	if r.Number != nil {
		inst.Number = *r.Number
	}
	r.setIntegrations(&inst)
	r.setStreams(&inst)
	return inst
}

// wireInstanceList is fetchInstances' answer: an array in v2, and in v1 a
// single object when filtered by name.
type wireInstanceList []wireInstanceRow

// UnmarshalJSON is called by decodeJSON with the raw body, not validated
// yet: the json.Unmarshal calls below validate it.
func (l *wireInstanceList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var one wireInstanceRow
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*l = wireInstanceList{one}
		return nil
	}
	var many []wireInstanceRow
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*l = many
	return nil
}

func (l wireInstanceList) instances() []Instance {
	out := make([]Instance, len(l))
	for i := range l {
		out[i] = l[i].instance()
	}
	return out
}

type wireQRCode struct {
	PairingCode *string `json:"pairingCode"`
	Code        string  `json:"code"`
	Base64      string  `json:"base64"`
	Count       int     `json:"count"`
}

func (q *wireQRCode) qrcode() *QRCode {
	if q == nil || (q.Code == "" && q.Base64 == "" && (q.PairingCode == nil || *q.PairingCode == "")) {
		return nil
	}
	out := &QRCode{Code: q.Code, Base64: q.Base64, Count: q.Count}
	if q.PairingCode != nil {
		out.PairingCode = *q.PairingCode
	}
	return out
}

type wireCreateAnswer struct {
	Instance struct {
		InstanceName string          `json:"instanceName"`
		InstanceID   string          `json:"instanceId"`
		Integration  json.RawMessage `json:"integration"`
		Status       string          `json:"status"`
	} `json:"instance"`
	Hash     json.RawMessage `json:"hash"`
	Settings *wireSettings   `json:"settings"`
	QRCode   *wireQRCode     `json:"qrcode"`
}

// apiKey reads `hash`: a string in v2, {"apikey": "…"} in v1.
func (a *wireCreateAnswer) apiKey() string {
	raw := bytes.TrimSpace(a.Hash)
	if len(raw) == 0 {
		return ""
	}
	if raw[0] == '"' {
		var s string
		_ = json.Unmarshal(raw, &s)
		return s
	}
	var obj struct {
		APIKey string `json:"apikey"`
	}
	_ = json.Unmarshal(raw, &obj)
	return obj.APIKey
}

type wireState struct {
	Instance *struct {
		InstanceName string `json:"instanceName"`
		State        string `json:"state"`
	} `json:"instance"`
}

type wireConnect struct {
	wireState
	wireQRCode
}

// wireFailure is the {"error":true,"message":…} that restart answers with
// 200 when it fails; a success answer has neither field. message may be a
// string or anything else the server stringified.
type wireFailure struct {
	Error   bool            `json:"error"`
	Message json.RawMessage `json:"message"`
}

func (f wireFailure) message() string {
	return strings.Join(collectStrings(f.Message), "; ")
}
