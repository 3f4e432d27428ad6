package emulator

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
)

// webhookURLPattern is the check Evolution v2's webhook controller applies.
var webhookURLPattern = regexp.MustCompile(`^(https?://)`)

func validWebhookURL(u string) bool { return webhookURLPattern.MatchString(u) }

// checkEvents validates an events array the way the jsonschema enum does.
func checkEvents(c *checker, obj map[string]any, path string) {
	if !c.typed(obj, "events", path, "array") {
		return
	}
	items, _ := obj["events"].([]any)
	for i, item := range items {
		itemPath := path + "[" + strconv.Itoa(i) + "]"
		name, ok := item.(string)
		switch {
		case !ok:
			// The items schema has both type and enum: both fail.
			c.add(itemPath + " is not of a type(s) string")
			c.add(enumMessage(itemPath))
		case !knownEvent(name):
			c.add(enumMessage(itemPath))
		}
	}
}

// resolveEvents decides what events a webhook stores. A disabled webhook
// stores []; an enabled one needs the key (ok=false otherwise, which Evolution
// hits as a TypeError reading .length), and [] means every event.
func (s *Server) resolveEvents(obj map[string]any, enabled bool) ([]string, bool) {
	if !enabled {
		return []string{}, true
	}
	list, ok := obj["events"].([]any)
	if !ok {
		return nil, false
	}
	if len(list) == 0 {
		if s.literalEmptyEvents {
			return []string{}, true
		}
		return slices.Clone(AllEvents), true
	}
	events := make([]string, 0, len(list))
	for _, item := range list {
		name, _ := item.(string)
		events = append(events, name)
	}
	return events, true
}

// lengthOfMissing is the TypeError JavaScript raises for events.length when
// events is missing or null.
func lengthOfMissing(obj map[string]any) string {
	if v, ok := obj["events"]; ok && v == nil {
		return "Cannot read properties of null (reading 'length')"
	}
	return "Cannot read properties of undefined (reading 'length')"
}

func (s *Server) setWebhook(w http.ResponseWriter, rq *request) {
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
	if c.typed(body, "webhook", "webhook", "object") {
		if obj, ok := body["webhook"].(map[string]any); ok {
			c.typed(obj, "enabled", "webhook.enabled", "boolean")
			c.typed(obj, "url", "webhook.url", "string")
			c.typed(obj, "headers", "webhook.headers", "object")
			c.typed(obj, "byEvents", "webhook.byEvents", "boolean")
			c.typed(obj, "base64", "webhook.base64", "boolean")
			if present(obj, "events") {
				checkEvents(&c, obj, "webhook.events")
			}
			c.required(obj, "webhook", "enabled", "url")
			if u, ok := obj["url"].(string); ok && u == "" {
				c.add(`The "url" cannot be empty`)
			}
		}
	}
	c.required(body, "instance", "webhook")
	if c.failed() {
		schemaError(w, c.errs)
		return
	}

	// The schema check above guarantees these types.
	obj, _ := body["webhook"].(map[string]any)
	url := stringField(obj, "url")
	if !validWebhookURL(url) {
		badRequest(w, `Invalid "url" property`)
		return
	}
	if tooLong(url, maxWebhookURLLen) {
		// Not caught by Evolution: the express error handler answers 500.
		serverError(w, columnTooLong("webhook.upsert", "url"))
		return
	}
	enabled := boolField(obj, "enabled")
	events, ok := s.resolveEvents(obj, enabled)
	if !ok {
		// Not caught by Evolution: the express error handler answers 500.
		serverError(w, lengthOfMissing(obj))
		return
	}

	now := s.now()
	row := inst.webhook
	if row == nil {
		row = &webhookRow{id: newCUID(), createdAt: now}
		inst.webhook = row
	}
	// An upsert: fields left out keep their stored value (null/false when new).
	if h, ok := obj["headers"].(map[string]any); ok {
		row.headers = h
	}
	if b, ok := obj["byEvents"].(bool); ok {
		row.byEvents = b
	}
	if b, ok := obj["base64"].(bool); ok {
		row.base64 = b
	}
	row.enabled, row.url, row.events = enabled, url, events
	row.updatedAt = now
	writeJSON(w, http.StatusCreated, inst.webhookJSON())
}

func (s *Server) findWebhook(w http.ResponseWriter, rq *request) {
	s.lock()
	defer s.mu.Unlock()
	inst := s.guard(w, rq)
	if inst == nil {
		return
	}
	if inst.webhook == nil {
		writeJSON(w, http.StatusOK, nil)
		return
	}
	writeJSON(w, http.StatusOK, inst.webhookJSON())
}
