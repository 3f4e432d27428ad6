package client

import "slices"

// Settings are an instance's call and read behaviour.
type Settings struct {
	RejectCall      bool
	MsgCall         string
	GroupsIgnore    bool
	AlwaysOnline    bool
	ReadMessages    bool
	ReadStatus      bool
	SyncFullHistory bool
}

// Webhook is an instance's webhook. An empty Events list means every event.
type Webhook struct {
	Enabled  bool
	URL      string
	Headers  map[string]string
	ByEvents bool
	Base64   bool
	Events   []string
}

// EventRemoveInstance is the event the server delivers to an instance's
// webhook before it deletes the instance. It waits for that delivery, with
// its retries (10 attempts, 5 s doubling up to 300 s): a receiver that is
// down keeps the instance listed, its name taken, for 10 to 22 minutes.
const EventRemoveInstance = "REMOVE_INSTANCE"

// GetsRemoveEvent reports whether the webhook receives EventRemoveInstance:
// it is enabled and lists that event, or lists none (every event).
func (w *Webhook) GetsRemoveEvent() bool {
	return w != nil && w.Enabled && (len(w.Events) == 0 || slices.Contains(w.Events, EventRemoveInstance))
}

// Instance is one WhatsApp instance as fetchInstances reports it, whichever
// server version answered.
type Instance struct {
	Name          string
	ID            string
	Integration   string
	Status        string
	Number        string
	OwnerJID      string
	ProfileName   string
	ProfilePicURL string
	// Token is the instance's own API key.
	Token string
	// Settings is nil when the server did not include them (v1 servers).
	Settings *Settings
	// IntegrationsListed reports whether the listing carried the
	// integration rows below (v2 servers do); when it did not, a nil row
	// says nothing and the row's own find route must be asked.
	IntegrationsListed bool
	// Proxy and Chatwoot are the instance's rows, nil when it has none.
	// Chatwoot.WebhookURL is never set here: the listing does not carry it.
	Proxy    *Proxy
	Chatwoot *Chatwoot
	// Streams are the event stream rows the listing carried, by kind
	// (websocket, rabbitmq, nats, sqs): nil for none. A kind not in the map
	// was not listed (Kafka, Pusher, older servers): ask FindStream. The
	// listing shows rows whatever the server's environment switches say.
	Streams map[string]*Stream
}

// CreateRequest is the body of POST /instance/create.
type CreateRequest struct {
	InstanceName string
	Integration  string
	// Token becomes the instance's API key. CreateOrAdopt makes a random
	// one when it is empty: the key is how it recognises its own instance.
	Token    string
	QRCode   bool
	Number   string
	Settings Settings
	// Webhook is nil for no webhook; a webhook given at create is enabled.
	Webhook *Webhook
}

// CreateResult is what create answers.
type CreateResult struct {
	Instance Instance
	// APIKey is the instance's own key: `hash` in v2, `hash.apikey` in v1.
	APIKey string
	// Settings is nil when the answer carried none.
	Settings *Settings
	// QRCode is set when the create asked for one and the server sent it.
	QRCode *QRCode
	// Adopted is true when a create's answer was lost and the instance,
	// found with our key, was taken over (see CreateOrAdopt). Its settings
	// and webhook may not be all there: the create may have stopped
	// half-way.
	Adopted bool
}

// QRCode is a pairing challenge: scan Base64 (a PNG data URI) or Code, or
// type PairingCode on the phone.
type QRCode struct {
	PairingCode string
	Code        string
	Base64      string
	Count       int
}

// ConnectResult is the answer of connect: either the instance is already
// open, or a QR code to pair it.
type ConnectResult struct {
	// State is "open" when the instance is already connected, else empty.
	State  string
	QRCode *QRCode
}

// Connection states the server reports.
const (
	StateOpen       = "open"
	StateClose      = "close"
	StateConnecting = "connecting"
)

// Integrations the server accepts.
const (
	IntegrationBaileys   = "WHATSAPP-BAILEYS"
	IntegrationBusiness  = "WHATSAPP-BUSINESS"
	IntegrationEvolution = "EVOLUTION"
)

// Integrations lists every accepted integration.
var Integrations = []string{IntegrationBaileys, IntegrationBusiness, IntegrationEvolution}

// Events lists every webhook event name a server may accept: v2.3's 31
// (CurrentEvents, what a v2 server stores for "every event"),
// MESSAGING_HISTORY_SET from v2.4, and V1OnlyEvents, which l2msg's page
// still documents but v2 servers refuse.
var (
	Events        = slices.Concat(CurrentEvents, []string{"MESSAGING_HISTORY_SET"}, V1OnlyEvents)
	V1OnlyEvents  = []string{"NEW_JWT_TOKEN"}
	CurrentEvents = []string{
		"APPLICATION_STARTUP", "QRCODE_UPDATED", "MESSAGES_SET", "MESSAGES_UPSERT",
		"MESSAGES_EDITED", "MESSAGES_UPDATE", "MESSAGES_DELETE", "SEND_MESSAGE",
		"SEND_MESSAGE_UPDATE", "CONTACTS_SET", "CONTACTS_UPSERT", "CONTACTS_UPDATE",
		"PRESENCE_UPDATE", "CHATS_SET", "CHATS_UPSERT", "CHATS_UPDATE", "CHATS_DELETE",
		"GROUPS_UPSERT", "GROUP_UPDATE", "GROUP_PARTICIPANTS_UPDATE", "CONNECTION_UPDATE",
		"LABELS_EDIT", "LABELS_ASSOCIATION", "CALL", "TYPEBOT_START",
		"TYPEBOT_CHANGE_STATUS", "REMOVE_INSTANCE", "LOGOUT_INSTANCE", "INSTANCE_CREATE",
		"INSTANCE_DELETE", "STATUS_INSTANCE",
	}
)
