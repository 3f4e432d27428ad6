package client

import (
	"slices"
	"strings"
	"testing"
)

// contractEvents is the event list of l2msg-api.md, pasted as is, with
// MESSAGING_HISTORY_SET (Evolution API 2.4) before NEW_JWT_TOKEN: the
// provider validates webhook events against Events, so a name missing there
// would be refused at plan time.
const contractEvents = `APPLICATION_STARTUP QRCODE_UPDATED MESSAGES_SET MESSAGES_UPSERT MESSAGES_EDITED MESSAGES_UPDATE
MESSAGES_DELETE SEND_MESSAGE SEND_MESSAGE_UPDATE CONTACTS_SET CONTACTS_UPSERT CONTACTS_UPDATE
PRESENCE_UPDATE CHATS_SET CHATS_UPSERT CHATS_UPDATE CHATS_DELETE GROUPS_UPSERT GROUP_UPDATE
GROUP_PARTICIPANTS_UPDATE CONNECTION_UPDATE LABELS_EDIT LABELS_ASSOCIATION CALL TYPEBOT_START
TYPEBOT_CHANGE_STATUS REMOVE_INSTANCE LOGOUT_INSTANCE INSTANCE_CREATE INSTANCE_DELETE STATUS_INSTANCE
MESSAGING_HISTORY_SET NEW_JWT_TOKEN`

func TestEventsMatchContract(t *testing.T) {
	want := strings.Fields(contractEvents)
	if !slices.Equal(Events, want) {
		t.Errorf("Events = %v\nwant %v", Events, want)
	}
}

func TestIntegrations(t *testing.T) {
	want := []string{"WHATSAPP-BAILEYS", "WHATSAPP-BUSINESS", "EVOLUTION"}
	if !slices.Equal(Integrations, want) {
		t.Errorf("Integrations = %v, want %v", Integrations, want)
	}
}
