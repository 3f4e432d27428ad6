package emulator

// The JSON shapes Evolution answers with. Structs (not maps) keep the key
// order of the real answers, which makes diffs against captures readable.

type settingsJSON struct {
	RejectCall      bool   `json:"rejectCall"`
	MsgCall         string `json:"msgCall"`
	GroupsIgnore    bool   `json:"groupsIgnore"`
	AlwaysOnline    bool   `json:"alwaysOnline"`
	ReadMessages    bool   `json:"readMessages"`
	ReadStatus      bool   `json:"readStatus"`
	SyncFullHistory bool   `json:"syncFullHistory"`
	WavoipToken     string `json:"wavoipToken"`
}

func toSettingsJSON(st Settings) settingsJSON {
	return settingsJSON(st)
}

// settingRow is the Prisma Setting row nested in fetchInstances.
type settingRow struct {
	ID              string `json:"id"`
	RejectCall      bool   `json:"rejectCall"`
	MsgCall         string `json:"msgCall"`
	GroupsIgnore    bool   `json:"groupsIgnore"`
	AlwaysOnline    bool   `json:"alwaysOnline"`
	ReadMessages    bool   `json:"readMessages"`
	ReadStatus      bool   `json:"readStatus"`
	SyncFullHistory bool   `json:"syncFullHistory"`
	WavoipToken     string `json:"wavoipToken"`
	CreatedAt       string `json:"createdAt"`
	UpdatedAt       string `json:"updatedAt"`
	InstanceID      string `json:"instanceId"`
}

type countJSON struct {
	Message int `json:"Message"`
	Contact int `json:"Contact"`
	Chat    int `json:"Chat"`
}

// instanceRow is one element of the fetchInstances array (Prisma Instance
// with its relations). The webhook is never part of it.
type instanceRow struct {
	ID                      string      `json:"id"`
	Name                    string      `json:"name"`
	ConnectionStatus        string      `json:"connectionStatus"`
	OwnerJid                *string     `json:"ownerJid"`
	ProfileName             *string     `json:"profileName"`
	ProfilePicURL           *string     `json:"profilePicUrl"`
	Integration             string      `json:"integration"`
	Number                  *string     `json:"number"`
	BusinessID              *string     `json:"businessId"`
	Token                   string      `json:"token"`
	ClientName              string      `json:"clientName"`
	DisconnectionReasonCode *int        `json:"disconnectionReasonCode"`
	DisconnectionObject     any         `json:"disconnectionObject"`
	DisconnectionAt         *string     `json:"disconnectionAt"`
	CreatedAt               string      `json:"createdAt"`
	UpdatedAt               string      `json:"updatedAt"`
	Chatwoot                any         `json:"Chatwoot"`
	Proxy                   any         `json:"Proxy"`
	Rabbitmq                any         `json:"Rabbitmq"`
	Nats                    any         `json:"Nats"`
	Sqs                     any         `json:"Sqs"`
	Websocket               any         `json:"Websocket"`
	Setting                 *settingRow `json:"Setting"`
	Count                   countJSON   `json:"_count"`
}

// defaultClientName is Evolution's default DATABASE_CONNECTION_CLIENT_NAME
// (its example environment file sets evolution_exchange).
const defaultClientName = "evolution"

func (inst *instance) row() instanceRow {
	r := instanceRow{
		ID:               inst.id,
		Name:             inst.name,
		ConnectionStatus: inst.state,
		OwnerJid:         inst.ownerJID,
		ProfileName:      inst.profileName,
		ProfilePicURL:    inst.profilePic,
		Integration:      inst.integration,
		Number:           inst.number,
		Token:            inst.token,
		ClientName:       inst.clientName,
		CreatedAt:        isoTime(inst.createdAt),
		UpdatedAt:        isoTime(inst.updatedAt),
		Rabbitmq:         inst.listedStream("rabbitmq"),
		Nats:             inst.listedStream("nats"),
		Sqs:              inst.listedStream("sqs"),
		Websocket:        inst.listedStream("websocket"),
	}
	if p := inst.proxy; p != nil {
		r.Proxy = inst.proxyJSON()
	}
	if c := inst.chatwoot; c != nil {
		r.Chatwoot = inst.chatwootRowJSON()
	}
	if st := inst.settings; st != nil {
		r.Setting = &settingRow{
			ID: st.id, RejectCall: st.RejectCall, MsgCall: st.MsgCall, GroupsIgnore: st.GroupsIgnore,
			AlwaysOnline: st.AlwaysOnline, ReadMessages: st.ReadMessages, ReadStatus: st.ReadStatus,
			SyncFullHistory: st.SyncFullHistory, WavoipToken: st.WavoipToken,
			CreatedAt: isoTime(st.createdAt), UpdatedAt: isoTime(st.updatedAt), InstanceID: inst.id,
		}
	}
	return r
}

// webhookJSON is the Prisma Webhook row that /webhook/set and /webhook/find return.
type webhookJSON struct {
	ID              string         `json:"id"`
	URL             string         `json:"url"`
	Headers         map[string]any `json:"headers"`
	Enabled         bool           `json:"enabled"`
	Events          []string       `json:"events"`
	WebhookByEvents bool           `json:"webhookByEvents"`
	WebhookBase64   bool           `json:"webhookBase64"`
	CreatedAt       string         `json:"createdAt"`
	UpdatedAt       string         `json:"updatedAt"`
	InstanceID      string         `json:"instanceId"`
}

func (inst *instance) webhookJSON() webhookJSON {
	wh := inst.webhook
	events := wh.events
	if events == nil {
		events = []string{}
	}
	return webhookJSON{
		ID: wh.id, URL: wh.url, Headers: wh.headers, Enabled: wh.enabled, Events: events,
		WebhookByEvents: wh.byEvents, WebhookBase64: wh.base64,
		CreatedAt: isoTime(wh.createdAt), UpdatedAt: isoTime(wh.updatedAt), InstanceID: inst.id,
	}
}

type stateJSON struct {
	Instance stateInner `json:"instance"`
}

type stateInner struct {
	InstanceName string `json:"instanceName"`
	State        string `json:"state"`
}

func (inst *instance) stateJSON() stateJSON {
	return stateJSON{Instance: stateInner{InstanceName: inst.name, State: inst.state}}
}

// statusAnswer is the {"status":"SUCCESS",…} body of logout and delete.
type statusAnswer struct {
	Status   string      `json:"status"`
	Error    bool        `json:"error"`
	Response statusInner `json:"response"`
}

type statusInner struct {
	Message string `json:"message"`
}
