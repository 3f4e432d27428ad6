package emulator

import "net/http"

// settingsBools are the settings /settings/set requires.
var settingsBools = []string{"rejectCall", "groupsIgnore", "alwaysOnline", "readMessages", "readStatus", "syncFullHistory"}

// settingsSetAnswer is Evolution's SettingsService.create answer: the route's
// instance DTO spread next to the body exactly as it was sent.
type settingsSetAnswer struct {
	Settings settingsSetInner `json:"settings"`
}

type settingsSetInner struct {
	InstanceName string         `json:"instanceName"`
	Settings     map[string]any `json:"settings"`
}

func (s *Server) setSettings(w http.ResponseWriter, rq *request) {
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
	c.typed(body, "rejectCall", "rejectCall", "boolean")
	c.typed(body, "msgCall", "msgCall", "string")
	for _, k := range settingsBools[1:] {
		c.typed(body, k, k, "boolean")
	}
	c.typed(body, "wavoipToken", "wavoipToken", "string")
	c.required(body, "instance", settingsBools...)
	if c.failed() {
		schemaError(w, c.errs)
		return
	}

	if col := settingsTooLong(stringField(body, "msgCall"), stringField(body, "wavoipToken")); col != "" {
		// Not caught by Evolution: the express error handler answers 500.
		serverError(w, columnTooLong("setting.upsert", col))
		return
	}
	now := s.now()
	if inst.settings == nil {
		inst.settings = &settingsRow{id: newCUID(), createdAt: now}
	}
	st := &inst.settings.Settings
	st.RejectCall = boolField(body, "rejectCall")
	st.GroupsIgnore = boolField(body, "groupsIgnore")
	st.AlwaysOnline = boolField(body, "alwaysOnline")
	st.ReadMessages = boolField(body, "readMessages")
	st.ReadStatus = boolField(body, "readStatus")
	st.SyncFullHistory = boolField(body, "syncFullHistory")
	// Prisma ignores undefined fields in an update, so omitted strings keep their value.
	if v, ok := body["msgCall"].(string); ok {
		st.MsgCall = v
	}
	if v, ok := body["wavoipToken"].(string); ok {
		st.WavoipToken = v
	}
	inst.settings.updatedAt = now
	writeJSON(w, http.StatusCreated, settingsSetAnswer{Settings: settingsSetInner{InstanceName: inst.name, Settings: body}})
}

func (s *Server) findSettings(w http.ResponseWriter, rq *request) {
	s.lock()
	defer s.mu.Unlock()
	inst := s.guard(w, rq)
	if inst == nil {
		return
	}
	if inst.settings == nil {
		writeJSON(w, http.StatusOK, nil)
		return
	}
	writeJSON(w, http.StatusOK, toSettingsJSON(inst.settings.Settings))
}
