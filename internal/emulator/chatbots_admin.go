package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// Out-of-band access to chatbot rows, for tests that change or delete a bot
// behind a client's back. Rows are JSON-shaped maps (camelCase keys, numbers
// as float64 when read), as the routes return them.

// Chatbots returns the instance's bots of a kind ("typebot", …) as find
// would answer them.
func (s *Server) Chatbots(instanceName, kind string) []map[string]any {
	k := botKindOf(kind)
	s.lock()
	defer s.mu.Unlock()
	inst, ok := s.instances[instanceName]
	if !ok || k == nil {
		return nil
	}
	var out []map[string]any
	for _, b := range inst.chat(k).bots {
		out = append(out, plain(b.json(k, inst.id)))
	}
	return out
}

// UpdateChatbot changes a stored bot's columns.
func (s *Server) UpdateChatbot(kind, id string, mutate func(row map[string]any)) error {
	k := botKindOf(kind)
	s.lock()
	defer s.mu.Unlock()
	if k == nil {
		return fmt.Errorf("emulator: unknown chatbot kind %q", kind)
	}
	b, _ := s.findBotLocked(k, id)
	if b == nil {
		return fmt.Errorf("%w: no %s bot %q", ErrNotFound, kind, id)
	}
	vals := plain(b.vals)
	mutate(vals)
	b.vals = withNumbers(vals)
	b.updatedAt = s.now()
	return nil
}

// RemoveChatbot deletes a bot, as someone using the manager UI would.
func (s *Server) RemoveChatbot(kind, id string) bool {
	k := botKindOf(kind)
	s.lock()
	defer s.mu.Unlock()
	if k == nil {
		return false
	}
	found := false
	s.dropBotsLocked(k, func(b *botRow) bool {
		found = found || b.id == id
		return b.id == id
	})
	return found
}

// ChatbotSettings returns the kind's default settings row of an instance
// (with fallbackId), or false when the instance has none.
func (s *Server) ChatbotSettings(instanceName, kind string) (map[string]any, bool) {
	k := botKindOf(kind)
	s.lock()
	defer s.mu.Unlock()
	inst, ok := s.instances[instanceName]
	if !ok || k == nil || inst.chat(k).settings == nil {
		return nil, false
	}
	return plain(inst.chat(k).settings.json(k, inst.id, nil)), true
}

// UpdateChatbotSettings changes an existing settings row's columns;
// "fallbackId" sets the fallback.
func (s *Server) UpdateChatbotSettings(instanceName, kind string, mutate func(row map[string]any)) error {
	k := botKindOf(kind)
	s.lock()
	defer s.mu.Unlock()
	inst, ok := s.instances[instanceName]
	if !ok || k == nil || inst.chat(k).settings == nil {
		return fmt.Errorf("%w: no %s settings in %q", ErrNotFound, kind, instanceName)
	}
	row := inst.chat(k).settings
	vals := plain(row.vals)
	fb := ""
	if row.fallbackID != nil {
		fb = *row.fallbackID
	}
	vals["fallbackId"] = fb
	mutate(vals)
	if id, _ := vals["fallbackId"].(string); id != "" {
		row.fallbackID = &id
	} else {
		row.fallbackID = nil
	}
	delete(vals, "fallbackId")
	row.vals = withNumbers(vals)
	row.updatedAt = s.now()
	return nil
}

// OpenAICreds returns the instance's OpenAI credentials as id → name.
func (s *Server) OpenAICreds(instanceName string) map[string]string {
	s.lock()
	defer s.mu.Unlock()
	inst, ok := s.instances[instanceName]
	if !ok {
		return nil
	}
	out := map[string]string{}
	for _, c := range slices.Clone(inst.creds) {
		out[c.id] = c.name
	}
	return out
}

// plain round-trips a row through JSON so callers get float64 numbers and
// no aliasing with the store.
func plain(m map[string]any) map[string]any {
	raw, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return out
}

// withNumbers is the inverse: numbers become json.Number, as the request
// decoder stores them.
func withNumbers(m map[string]any) map[string]any {
	raw, _ := json.Marshal(m)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out map[string]any
	_ = dec.Decode(&out)
	return out
}
