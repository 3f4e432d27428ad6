package emulator

import "slices"

// AllEvents are the webhook event names Evolution v2.3 accepts, in its order.
// An enabled webhook set with "events": [] is stored with all of them.
var AllEvents = []string{
	"APPLICATION_STARTUP", "QRCODE_UPDATED", "MESSAGES_SET", "MESSAGES_UPSERT",
	"MESSAGES_EDITED", "MESSAGES_UPDATE", "MESSAGES_DELETE", "SEND_MESSAGE",
	"SEND_MESSAGE_UPDATE", "CONTACTS_SET", "CONTACTS_UPSERT", "CONTACTS_UPDATE",
	"PRESENCE_UPDATE", "CHATS_SET", "CHATS_UPSERT", "CHATS_UPDATE", "CHATS_DELETE",
	"GROUPS_UPSERT", "GROUP_UPDATE", "GROUP_PARTICIPANTS_UPDATE", "CONNECTION_UPDATE",
	"LABELS_EDIT", "LABELS_ASSOCIATION", "CALL", "TYPEBOT_START",
	"TYPEBOT_CHANGE_STATUS", "REMOVE_INSTANCE", "LOGOUT_INSTANCE", "INSTANCE_CREATE",
	"INSTANCE_DELETE", "STATUS_INSTANCE",
}

func knownEvent(name string) bool { return slices.Contains(AllEvents, name) }

// enumMessage is the jsonschema wording for a value outside the event enum.
func enumMessage(path string) string {
	msg := path + " is not one of enum values: "
	for i, e := range AllEvents {
		if i > 0 {
			msg += ","
		}
		msg += e
	}
	return msg
}
