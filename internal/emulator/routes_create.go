package emulator

import (
	"net/http"
	"regexp"
	"strings"
	"time"
)

// numberPattern is Evolution's JSON-schema pattern for "number"; like the
// original it is anchored only at the start.
var numberPattern = regexp.MustCompile(`^\d+[\.@\w-]+`)

type createAnswer struct {
	Instance  createInstanceInfo `json:"instance"`
	Hash      string             `json:"hash"`
	Webhook   createWebhookEcho  `json:"webhook"`
	Websocket struct{}           `json:"websocket"`
	Rabbitmq  struct{}           `json:"rabbitmq"`
	Nats      struct{}           `json:"nats"`
	Sqs       struct{}           `json:"sqs"`
	Settings  settingsJSON       `json:"settings"`
	Qrcode    *qrJSON            `json:"qrcode,omitempty"`
}

type createInstanceInfo struct {
	InstanceName          string  `json:"instanceName"`
	InstanceID            string  `json:"instanceId"`
	Integration           string  `json:"integration"`
	WebhookWaBusiness     *string `json:"webhookWaBusiness"`
	AccessTokenWaBusiness string  `json:"accessTokenWaBusiness"`
	Status                string  `json:"status"`
}

// createWebhookEcho echoes the webhook fields that were sent; Evolution builds
// it from the request, so fields left out are undefined and vanish.
type createWebhookEcho struct {
	WebhookURL      *string `json:"webhookUrl,omitempty"`
	WebhookHeaders  any     `json:"webhookHeaders,omitempty"`
	WebhookByEvents *bool   `json:"webhookByEvents,omitempty"`
	WebhookBase64   *bool   `json:"webhookBase64,omitempty"`
}

func (s *Server) createInstance(w http.ResponseWriter, rq *request) {
	body := rq.body
	s.lock()
	defer s.mu.Unlock()

	if name, ok := body["instanceName"].(string); ok {
		if _, taken := s.instances[name]; taken || s.nameHeld(name) {
			writeError(w, http.StatusForbidden, "", []string{`This name "` + name + `" is already in use.`})
			return
		}
	} else if !present(body, "instanceName") && len(s.instances) > 0 {
		// Evolution's guard looks the name up with a filter on undefined,
		// which Prisma drops: it matches every row.
		writeError(w, http.StatusForbidden, "", []string{`This name "undefined" is already in use.`})
		return
	}
	if !s.isGlobalKey(rq.r) {
		unauthorized(w)
		return
	}
	if body == nil {
		schemaError(w, []string{"instance is not of a type(s) object"})
		return
	}
	if errs := checkCreateSchema(body); len(errs) > 0 {
		schemaError(w, errs)
		return
	}

	integration, _ := body["integration"].(string)
	switch integration {
	case IntegrationBaileys, IntegrationBusiness, IntegrationEvolution:
	default:
		badRequest(w, "Invalid integration")
		return
	}
	token, number := stringField(body, "token"), stringField(body, "number")
	if integration == IntegrationBusiness && token == "" {
		badRequest(w, "token is required")
		return
	}
	now := s.now()
	wh, echo, ok := s.createWebhook(w, body, now)
	if !ok {
		return
	}
	if !s.createRowsFit(w, body, wh) {
		return
	}
	if integration == IntegrationBusiness && number == "" {
		badRequest(w, "number is required")
		return
	}

	hash := token
	if hash == "" {
		hash = strings.ToUpper(newUUID())
	}
	s.seq++
	inst := &instance{
		seq:         s.seq,
		id:          newUUID(),
		name:        stringField(body, "instanceName"),
		integration: integration,
		token:       hash,
		state:       initialState(integration),
		webhook:     wh,
		createdAt:   now,
		updatedAt:   now,
		clientName:  s.clientName,
	}
	if number != "" {
		inst.number = ptr(number)
	}
	inst.settings = &settingsRow{
		id: newCUID(),
		Settings: Settings{
			RejectCall:      boolField(body, "rejectCall"),
			MsgCall:         stringField(body, "msgCall"),
			GroupsIgnore:    boolField(body, "groupsIgnore"),
			AlwaysOnline:    boolField(body, "alwaysOnline"),
			ReadMessages:    boolField(body, "readMessages"),
			ReadStatus:      boolField(body, "readStatus"),
			SyncFullHistory: boolField(body, "syncFullHistory"),
			WavoipToken:     stringField(body, "wavoipToken"),
		},
		createdAt: now,
		updatedAt: now,
	}
	if boolField(body, "qrcode") && integration == IntegrationBaileys {
		inst.qr = newQR(number)
		inst.state = StateConnecting
		inst.pairedWith = number
	}
	s.instances[inst.name] = inst

	if rq.failAfterCreate {
		s.countFault(FaultCreatedThenFailed)
		serverError(w, "Internal Server Error")
		return
	}

	ans := createAnswer{
		Instance: createInstanceInfo{
			InstanceName: inst.name,
			InstanceID:   inst.id,
			Integration:  integration,
			Status:       inst.state,
		},
		Hash:     hash,
		Webhook:  echo,
		Settings: toSettingsJSON(inst.settings.Settings),
	}
	if integration == IntegrationBusiness {
		ans.Instance.WebhookWaBusiness = ptr(s.baseURL(rq.r) + "/webhook/meta")
		ans.Instance.AccessTokenWaBusiness = "evolution"
	}
	if inst.qr != nil {
		ans.Qrcode = ptr(inst.qr.json())
	}
	s.writeCreated(w, ans)
}

// createRowsFit stands for the database writes of a create: the instance
// row, whose failure Evolution swallows (no name, or a name or token longer
// than its column), then the webhook and the settings rows, whose failure
// is answered 400 with the database's message after the half-made instance
// is deleted. It writes that answer and reports false.
func (s *Server) createRowsFit(w http.ResponseWriter, body map[string]any, wh *webhookRow) bool {
	noRow := !present(body, "instanceName") ||
		tooLong(stringField(body, "instanceName"), maxNameLen) || tooLong(stringField(body, "token"), maxTokenLen)
	switch {
	case noRow && wh != nil:
		badRequest(w, foreignKeyFailed("webhook.upsert", "Webhook_instanceId_fkey"))
	case wh != nil && tooLong(wh.url, maxWebhookURLLen):
		badRequest(w, columnTooLong("webhook.upsert", "url"))
	case noRow:
		badRequest(w, foreignKeyFailed("setting.upsert", "Setting_instanceId_fkey"))
	case settingsTooLong(stringField(body, "msgCall"), stringField(body, "wavoipToken")) != "":
		badRequest(w, columnTooLong("setting.upsert", settingsTooLong(stringField(body, "msgCall"), stringField(body, "wavoipToken"))))
	default:
		return true
	}
	return false
}

// checkCreateSchema mirrors Evolution's instanceSchema: instanceName is not
// required, only not empty when given.
func checkCreateSchema(body map[string]any) []string {
	var c checker
	c.typed(body, "instanceName", "instanceName", "string")
	c.typed(body, "token", "token", "string")
	if c.typed(body, "number", "number", "string") && present(body, "number") &&
		!numberPattern.MatchString(stringField(body, "number")) {
		c.add(`number does not match pattern "^\\d+[\\.@\\w-]+"`)
	}
	c.typed(body, "businessId", "businessId", "string")
	c.typed(body, "qrcode", "qrcode", "boolean")
	c.typed(body, "rejectCall", "rejectCall", "boolean")
	c.typed(body, "msgCall", "msgCall", "string")
	for _, k := range []string{"groupsIgnore", "alwaysOnline", "readMessages", "readStatus", "syncFullHistory"} {
		c.typed(body, k, k, "boolean")
	}
	c.typed(body, "wavoipToken", "wavoipToken", "string")
	if name, ok := body["instanceName"].(string); ok && name == "" {
		c.add(`The "instanceName" cannot be empty`)
	}
	return c.errs
}

// createWebhook validates and builds the webhook given at create. It writes
// the error answer itself and reports ok=false on failure.
func (s *Server) createWebhook(w http.ResponseWriter, body map[string]any, now time.Time) (*webhookRow, createWebhookEcho, bool) {
	var echo createWebhookEcho
	v, ok := body["webhook"]
	if !ok || v == nil {
		return nil, echo, true
	}
	obj, isObj := v.(map[string]any)
	if !isObj {
		schemaError(w, []string{"webhook is not of a type(s) object"})
		return nil, echo, false
	}
	var c checker
	c.typed(obj, "url", "webhook.url", "string")
	c.typed(obj, "headers", "webhook.headers", "object")
	c.typed(obj, "byEvents", "webhook.byEvents", "boolean")
	c.typed(obj, "base64", "webhook.base64", "boolean")
	if obj["events"] != nil {
		checkEvents(&c, obj, "webhook.events")
	}
	if c.failed() {
		schemaError(w, c.errs)
		return nil, echo, false
	}
	url := stringField(obj, "url")
	if !validWebhookURL(url) {
		badRequest(w, `Invalid "url" property`)
		return nil, echo, false
	}
	events, ok := s.resolveEvents(obj, true)
	if !ok {
		badRequest(w, lengthOfMissing(obj))
		return nil, echo, false
	}

	headers, _ := obj["headers"].(map[string]any)
	row := &webhookRow{
		id:        newCUID(),
		enabled:   true, // Evolution's create always enables the webhook it was given
		url:       url,
		headers:   headers,
		byEvents:  boolField(obj, "byEvents"),
		base64:    boolField(obj, "base64"),
		events:    events,
		createdAt: now,
		updatedAt: now,
	}
	echo.WebhookURL = ptr(url)
	if h, ok := obj["headers"]; ok {
		echo.WebhookHeaders = h
	}
	if b, ok := obj["byEvents"].(bool); ok {
		echo.WebhookByEvents = ptr(b)
	}
	if b, ok := obj["base64"].(bool); ok {
		echo.WebhookBase64 = ptr(b)
	}
	return row, echo, true
}
