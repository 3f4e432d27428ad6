package emulator

import "net/http"

// Options.V1Shapes: l2msg's own page for the create call shows Evolution
// v1's answer (l2msg-create-instance-doc.txt), and v1 servers list instances
// in v1's rows. The emulator can answer in those shapes, so that a client
// (and the provider above it) is tried end to end against a v1 server:
//
//   - create: {"instance":{"instanceName","instanceId","webhook_wa_business",
//     "access_token_wa_business","status":"created"},"hash":{"apikey":…},
//     "settings":{snake_case}} (plus the qrcode when one was asked for);
//   - fetchInstances: [{"instance":{instanceName, instanceId, status, owner,
//     profileName, profilePictureUrl, integration, apikey, number}}], and a
//     single object, not an array, when filtered by instanceName.
//
// Only the answers change: the routes, the requests accepted, the errors
// and what is stored are the v2 server's.

type v1CreateAnswer struct {
	Instance v1CreateInstance `json:"instance"`
	Hash     v1Hash           `json:"hash"`
	Settings v1Settings       `json:"settings"`
	Qrcode   *qrJSON          `json:"qrcode,omitempty"`
}

type v1CreateInstance struct {
	InstanceName          string  `json:"instanceName"`
	InstanceID            string  `json:"instanceId"`
	WebhookWaBusiness     *string `json:"webhook_wa_business"`
	AccessTokenWaBusiness string  `json:"access_token_wa_business"`
	Status                string  `json:"status"`
}

type v1Hash struct {
	APIKey string `json:"apikey"`
}

type v1Settings struct {
	RejectCall      bool   `json:"reject_call"`
	MsgCall         string `json:"msg_call"`
	GroupsIgnore    bool   `json:"groups_ignore"`
	AlwaysOnline    bool   `json:"always_online"`
	ReadMessages    bool   `json:"read_messages"`
	ReadStatus      bool   `json:"read_status"`
	SyncFullHistory bool   `json:"sync_full_history"`
}

// v1Create is the v1 form of a v2 create answer.
func v1Create(a createAnswer) v1CreateAnswer {
	st := a.Settings
	return v1CreateAnswer{
		Instance: v1CreateInstance{
			InstanceName:          a.Instance.InstanceName,
			InstanceID:            a.Instance.InstanceID,
			WebhookWaBusiness:     a.Instance.WebhookWaBusiness,
			AccessTokenWaBusiness: a.Instance.AccessTokenWaBusiness,
			Status:                "created",
		},
		Hash: v1Hash{APIKey: a.Hash},
		Settings: v1Settings{
			RejectCall: st.RejectCall, MsgCall: st.MsgCall, GroupsIgnore: st.GroupsIgnore,
			AlwaysOnline: st.AlwaysOnline, ReadMessages: st.ReadMessages, ReadStatus: st.ReadStatus,
			SyncFullHistory: st.SyncFullHistory,
		},
		Qrcode: a.Qrcode,
	}
}

type v1Row struct {
	Instance v1RowInstance `json:"instance"`
}

type v1RowInstance struct {
	InstanceName      string        `json:"instanceName"`
	InstanceID        string        `json:"instanceId"`
	Owner             *string       `json:"owner"`
	ProfileName       *string       `json:"profileName"`
	ProfilePictureURL *string       `json:"profilePictureUrl"`
	Integration       v1Integration `json:"integration"`
	Number            *string       `json:"number"`
	APIKey            string        `json:"apikey"`
	Status            string        `json:"status"`
}

// v1Integration: v1 lists the integration as an object.
type v1Integration struct {
	Integration string `json:"integration"`
}

func v1RowOf(r instanceRow) v1Row {
	return v1Row{Instance: v1RowInstance{
		InstanceName: r.Name, InstanceID: r.ID, Owner: r.OwnerJid, ProfileName: r.ProfileName,
		ProfilePictureURL: r.ProfilePicURL, Integration: v1Integration{Integration: r.Integration},
		Number: r.Number, APIKey: r.Token, Status: r.ConnectionStatus,
	}}
}

// writeListing answers fetchInstances with rows, in v2's shape or v1's;
// byName is a listing filtered by instanceName, one object in v1.
func (s *Server) writeListing(w http.ResponseWriter, rows []instanceRow, byName bool) {
	if !s.v1Shapes {
		writeJSON(w, http.StatusOK, rows)
		return
	}
	if byName && len(rows) == 1 {
		writeJSON(w, http.StatusOK, v1RowOf(rows[0]))
		return
	}
	out := make([]v1Row, len(rows))
	for i, r := range rows {
		out[i] = v1RowOf(r)
	}
	writeJSON(w, http.StatusOK, out)
}

// writeCreated answers a create in v2's shape or v1's.
func (s *Server) writeCreated(w http.ResponseWriter, a createAnswer) {
	if s.v1Shapes {
		writeJSON(w, http.StatusCreated, v1Create(a))
		return
	}
	writeJSON(w, http.StatusCreated, a)
}
