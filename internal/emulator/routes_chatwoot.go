package emulator

import (
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// chatwootRequired are the properties chatwootSchema requires, also when
// the set switches Chatwoot off.
var chatwootRequired = []string{"enabled", "accountId", "token", "url", "signMsg", "reopenConversation", "conversationPending"}

// chatwootColumnLimits are the VarChar sizes of the Chatwoot row.
var chatwootColumnLimits = map[string]int{
	"accountId": 100, "token": 100, "url": 500, "nameInbox": 100, "signDelimiter": 100,
	"number": 100, "organization": 100, "logo": 500,
}

// chatwootFindJSON is what findChatwoot answers for a stored row: exactly
// these keys, with webhook_url added by the controller.
type chatwootFindJSON struct {
	Enabled                 bool     `json:"enabled"`
	AccountID               string   `json:"accountId"`
	Token                   string   `json:"token"`
	URL                     string   `json:"url"`
	NameInbox               string   `json:"nameInbox"`
	SignMsg                 bool     `json:"signMsg"`
	SignDelimiter           *string  `json:"signDelimiter"`
	ReopenConversation      bool     `json:"reopenConversation"`
	ConversationPending     bool     `json:"conversationPending"`
	MergeBrazilContacts     bool     `json:"mergeBrazilContacts"`
	ImportContacts          bool     `json:"importContacts"`
	ImportMessages          bool     `json:"importMessages"`
	DaysLimitImportMessages *int     `json:"daysLimitImportMessages"`
	Organization            *string  `json:"organization"`
	Logo                    *string  `json:"logo"`
	IgnoreJids              []string `json:"ignoreJids"`
	WebhookURL              string   `json:"webhook_url"`
}

// chatwootStubJSON is findChatwoot's answer when no row exists.
type chatwootStubJSON struct {
	Enabled    bool   `json:"enabled"`
	URL        string `json:"url"`
	AccountID  string `json:"accountId"`
	Token      string `json:"token"`
	SignMsg    bool   `json:"signMsg"`
	NameInbox  string `json:"nameInbox"`
	WebhookURL string `json:"webhook_url"`
}

// chatwootRowJSON is the full Prisma Chatwoot row, as fetchInstances nests it.
type chatwootRowJSON struct {
	ID                      string   `json:"id"`
	Enabled                 bool     `json:"enabled"`
	AccountID               string   `json:"accountId"`
	Token                   string   `json:"token"`
	URL                     string   `json:"url"`
	NameInbox               string   `json:"nameInbox"`
	SignMsg                 bool     `json:"signMsg"`
	SignDelimiter           *string  `json:"signDelimiter"`
	Number                  *string  `json:"number"`
	ReopenConversation      bool     `json:"reopenConversation"`
	ConversationPending     bool     `json:"conversationPending"`
	MergeBrazilContacts     bool     `json:"mergeBrazilContacts"`
	ImportContacts          bool     `json:"importContacts"`
	ImportMessages          bool     `json:"importMessages"`
	DaysLimitImportMessages *int     `json:"daysLimitImportMessages"`
	Organization            *string  `json:"organization"`
	Logo                    *string  `json:"logo"`
	IgnoreJids              []string `json:"ignoreJids"`
	CreatedAt               string   `json:"createdAt"`
	UpdatedAt               string   `json:"updatedAt"`
	InstanceID              string   `json:"instanceId"`
}

func (inst *instance) chatwootRowJSON() *chatwootRowJSON {
	c := inst.chatwoot
	return &chatwootRowJSON{
		ID: c.id, Enabled: c.Enabled, AccountID: c.AccountID, Token: c.Token, URL: c.URL, NameInbox: c.NameInbox,
		SignMsg: c.SignMsg, SignDelimiter: c.SignDelimiter, Number: c.Number, ReopenConversation: c.ReopenConversation,
		ConversationPending: c.ConversationPending, MergeBrazilContacts: c.MergeBrazilContacts,
		ImportContacts: c.ImportContacts, ImportMessages: c.ImportMessages, DaysLimitImportMessages: c.DaysLimitImportMessages,
		Organization: c.Organization, Logo: c.Logo, IgnoreJids: c.IgnoreJids,
		CreatedAt: isoTime(c.createdAt), UpdatedAt: isoTime(c.updatedAt), InstanceID: inst.id,
	}
}

// chatwootWebhookURL is where Chatwoot calls back: SERVER_URL, then the
// name through encodeURIComponent.
func (s *Server) chatwootWebhookURL(r *http.Request, name string) string {
	return s.baseURL(r) + "/chatwoot/webhook/" + encodeURIComponent(name)
}

func encodeURIComponent(s string) string {
	const keep = "-_.!~*'()"
	var b strings.Builder
	for _, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte(keep, c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteString("%" + strings.ToUpper(hexByte(c)))
		}
	}
	return b.String()
}

func hexByte(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}

var hostLabel = regexp.MustCompile(`^[a-zA-Z0-9\x{00a1}-\x{ffff}]([a-zA-Z0-9\x{00a1}-\x{ffff}-]*[a-zA-Z0-9\x{00a1}-\x{ffff}])?$`)

// isURL approximates validator.js isURL(url, {require_tld: false}), which
// the Chatwoot controller uses: the scheme is optional but must be http,
// https or ftp; the host is a name of dot-separated labels or an IP; no
// white space anywhere.
func isURL(raw string) bool {
	if raw == "" || len(raw) > 2083 || strings.ContainsAny(raw, " \t\r\n<>") || strings.HasPrefix(raw, "mailto:") {
		return false
	}
	withScheme := raw
	if i := strings.Index(raw, "://"); i >= 0 {
		switch strings.ToLower(raw[:i]) {
		case "http", "https", "ftp":
		default:
			return false
		}
	} else {
		withScheme = "http://" + raw
	}
	u, err := url.Parse(withScheme)
	if err != nil || u.Hostname() == "" {
		return false
	}
	host := u.Hostname()
	if net.ParseIP(host) != nil {
		return true
	}
	for _, label := range strings.Split(strings.TrimSuffix(host, "."), ".") {
		if !hostLabel.MatchString(label) {
			return false
		}
	}
	return true
}

// chatwootUnreachable models Chatwoot failing during autoCreate: the
// emulator has no Chatwoot, and treats a URL whose host is under the
// reserved .invalid domain as one that does not resolve (see doc.go).
func chatwootUnreachable(rawURL string) (host string, unreachable bool) {
	u, err := url.Parse(rawURL)
	if err != nil || !strings.Contains(rawURL, "://") {
		u, err = url.Parse("http://" + rawURL)
	}
	if err != nil {
		return rawURL, true
	}
	host = strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	return host, host == "invalid" || strings.HasSuffix(host, ".invalid")
}

func (s *Server) setChatwoot(w http.ResponseWriter, rq *request) {
	s.lock()
	defer s.mu.Unlock()
	inst := s.guard(w, rq)
	if inst == nil {
		return
	}
	body := rq.body
	if body == nil {
		schemaError(w, []string{"instance is not of a type(s) object"})
		return
	}
	var c checker
	c.boolEnum(body, "enabled")
	c.typed(body, "accountId", "accountId", "string")
	c.typed(body, "token", "token", "string")
	c.typed(body, "url", "url", "string")
	c.boolEnum(body, "signMsg")
	for _, k := range []string{"signDelimiter", "nameInbox"} {
		if v, ok := body[k]; ok && v != nil {
			if _, isString := v.(string); !isString {
				c.add(k + " is not of a type(s) string,null")
			}
		}
	}
	for _, k := range []string{"reopenConversation", "conversationPending", "autoCreate", "importContacts", "mergeBrazilContacts", "importMessages"} {
		if present(body, k) {
			c.boolEnum(body, k)
		}
	}
	c.typed(body, "daysLimitImportMessages", "daysLimitImportMessages", "number")
	if c.typed(body, "ignoreJids", "ignoreJids", "array") {
		items, _ := body["ignoreJids"].([]any)
		for i, item := range items {
			if _, ok := item.(string); !ok {
				c.add("ignoreJids[" + strconv.Itoa(i) + "] is not of a type(s) string")
			}
		}
	}
	c.required(body, "instance", chatwootRequired...)
	c.notEmptyOnly(body, chatwootRequired...)
	if c.failed() {
		schemaError(w, c.errs)
		return
	}

	if !s.switchOn(SwitchChatwoot) {
		badRequest(w, "Chatwoot is disabled")
		return
	}
	if boolField(body, "enabled") {
		switch {
		case !isURL(stringField(body, "url")):
			badRequest(w, "url is not valid")
			return
		case stringField(body, "accountId") == "":
			badRequest(w, "accountId is required")
			return
		case stringField(body, "token") == "":
			badRequest(w, "token is required")
			return
		}
		if !boolField(body, "signMsg") {
			body["signDelimiter"] = nil
		}
	}
	if stringField(body, "nameInbox") == "" {
		body["nameInbox"] = inst.name
	}
	if msg, ok := s.storeChatwootLocked(inst, body); !ok {
		serverError(w, msg)
		return
	}
	if boolField(body, "autoCreate") {
		host, unreachable := chatwootUnreachable(stringField(body, "url"))
		if unreachable {
			// The configuration above is saved; only the client hears of this.
			serverError(w, "getaddrinfo ENOTFOUND "+host)
			return
		}
		inbox := stringField(body, "nameInbox")
		if !slices.Contains(inst.chatwootInboxes, inbox) {
			inst.chatwootInboxes = append(inst.chatwootInboxes, inbox)
		}
	}
	body["webhook_url"] = s.chatwootWebhookURL(rq.r, inst.name)
	writeJSON(w, http.StatusCreated, body)
}

// storeChatwootLocked is channel.service's setChatwoot, awaited: a value
// over its column's size fails the whole write with Prisma's message. The
// create branch does not write signDelimiter; the update branch leaves the
// fields that were not sent as they were.
func (s *Server) storeChatwootLocked(inst *instance, body map[string]any) (string, bool) {
	for k, limit := range chatwootColumnLimits {
		if v, ok := body[k].(string); ok && utf8.RuneCountInString(v) > limit {
			return "The provided value for the column is too long for the column's type. Column: " + k, false
		}
	}
	var days *int
	if n, ok := body["daysLimitImportMessages"].(json.Number); ok {
		v, err := n.Int64()
		if err != nil || v != int64(int32(v)) {
			return "Invalid value for argument `daysLimitImportMessages`: Expected Int, provided Float.", false
		}
		days = ptr(int(v))
	}
	now := s.now()
	row := inst.chatwoot
	creating := row == nil
	if creating {
		row = &chatwootRow{id: newCUID(), createdAt: now, Chatwoot: Chatwoot{Enabled: true}}
		inst.chatwoot = row
	}
	cw := &row.Chatwoot
	cw.Enabled = boolField(body, "enabled")
	cw.AccountID, cw.Token, cw.URL = stringField(body, "accountId"), stringField(body, "token"), stringField(body, "url")
	cw.NameInbox = stringField(body, "nameInbox")
	cw.SignMsg = boolField(body, "signMsg")
	cw.ReopenConversation = boolField(body, "reopenConversation")
	cw.ConversationPending = boolField(body, "conversationPending")
	if !creating {
		// signMsg ? signDelimiter : null, where an undefined delimiter
		// leaves the stored one as it was.
		switch d, sent := body["signDelimiter"]; {
		case !cw.SignMsg:
			cw.SignDelimiter = nil
		case !sent:
		case d == nil:
			cw.SignDelimiter = nil
		default:
			v, _ := d.(string)
			cw.SignDelimiter = &v
		}
	}
	setBool := func(dst *bool, k string) {
		if v, ok := body[k].(bool); ok {
			*dst = v
		}
	}
	setBool(&cw.MergeBrazilContacts, "mergeBrazilContacts")
	setBool(&cw.ImportContacts, "importContacts")
	setBool(&cw.ImportMessages, "importMessages")
	if days != nil {
		cw.DaysLimitImportMessages = days
	}
	setString := func(dst **string, k string) {
		if v, ok := body[k]; ok {
			if s, isString := v.(string); isString {
				*dst = &s
			} else if v == nil {
				*dst = nil
			}
		}
	}
	setString(&cw.Number, "number")
	setString(&cw.Organization, "organization")
	setString(&cw.Logo, "logo")
	if items, ok := body["ignoreJids"].([]any); ok {
		cw.IgnoreJids = make([]string, 0, len(items))
		for _, item := range items {
			s, _ := item.(string)
			cw.IgnoreJids = append(cw.IgnoreJids, s)
		}
	}
	row.updatedAt = now
	return "", true
}

func (s *Server) findChatwoot(w http.ResponseWriter, rq *request) {
	s.lock()
	defer s.mu.Unlock()
	inst := s.guard(w, rq)
	if inst == nil {
		return
	}
	if !s.switchOn(SwitchChatwoot) {
		badRequest(w, "Chatwoot is disabled")
		return
	}
	c := inst.chatwoot
	if c == nil {
		writeJSON(w, http.StatusOK, chatwootStubJSON{})
		return
	}
	delim := c.SignDelimiter
	if delim != nil && *delim == "" {
		delim = nil
	}
	ignore := c.IgnoreJids
	if ignore == nil {
		ignore = []string{}
	}
	writeJSON(w, http.StatusOK, chatwootFindJSON{
		Enabled: c.Enabled, AccountID: c.AccountID, Token: c.Token, URL: c.URL, NameInbox: c.NameInbox,
		SignMsg: c.SignMsg, SignDelimiter: delim, ReopenConversation: c.ReopenConversation,
		ConversationPending: c.ConversationPending, MergeBrazilContacts: c.MergeBrazilContacts,
		ImportContacts: c.ImportContacts, ImportMessages: c.ImportMessages,
		DaysLimitImportMessages: c.DaysLimitImportMessages, Organization: c.Organization, Logo: c.Logo,
		IgnoreJids: ignore, WebhookURL: s.chatwootWebhookURL(rq.r, inst.name),
	})
}
