package emulator

import "unicode/utf8"

// Evolution stores instances in PostgreSQL through Prisma, and the schema's
// VarChar columns bound some fields. Evolution does not check them itself:
// the database refuses a longer value, and how that surfaces depends on
// which write hit it (see routes_create.go and the set routes).
const (
	maxNameLen       = 255 // Instance.name
	maxTokenLen      = 255 // Instance.token
	maxMsgCallLen    = 100 // Setting.msgCall
	maxWavoipLen     = 100 // Setting.wavoipToken
	maxWebhookURLLen = 500 // Webhook.url
)

// tooLong reports a value longer than a VarChar(n) column holds: PostgreSQL
// counts characters, not bytes.
func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// columnTooLong is Prisma's message (P2000) for a value longer than its
// column, as Evolution passes it on.
func columnTooLong(call, column string) string {
	return "\nInvalid `this.prismaRepository." + call + "()` invocation:\n\n\n" +
		"The provided value for the column is too long for the column's type. Column: " + column
}

// foreignKeyFailed is Prisma's message (P2003) for a row whose instance row
// was never written: saving the instance swallows its own error, so the
// next write (webhook or settings) is the one that fails.
func foreignKeyFailed(call, constraint string) string {
	return "\nInvalid `this.prismaRepository." + call + "()` invocation:\n\n\n" +
		"Foreign key constraint violated: `" + constraint + " (index)`"
}

// settingsTooLong is the column a settings body overflows, or "".
func settingsTooLong(msgCall, wavoipToken string) string {
	switch {
	case tooLong(msgCall, maxMsgCallLen):
		return "msgCall"
	case tooLong(wavoipToken, maxWavoipLen):
		return "wavoipToken"
	}
	return ""
}
