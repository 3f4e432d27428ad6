package emulator

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// chatState is one kind's bots and default settings in one instance.
type chatState struct {
	bots     []*botRow
	settings *botSettingsRow
	// inserting is the write that found no settings row and is inserting
	// one (see insertSettingsRow); nil otherwise.
	inserting *settingsInsert
}

// settingsInsert is a settings row's insert under way.
type settingsInsert struct {
	done chan struct{} // closed once the insert is made or has failed
	// losers counts the writers that found no row meanwhile, so that tests
	// can tell they arrived.
	losers int
}

type botRow struct {
	id                   string
	vals                 map[string]any // column → value; nil is NULL
	createdAt, updatedAt time.Time
}

type botSettingsRow struct {
	id                   string
	vals                 map[string]any
	fallbackID           *string
	createdAt, updatedAt time.Time
}

type credsRow struct {
	id, name, apiKey     string
	createdAt, updatedAt time.Time
}

func (inst *instance) chat(k *botKind) *chatState {
	if inst.chatbots == nil {
		inst.chatbots = map[string]*chatState{}
	}
	st := inst.chatbots[k.prefix]
	if st == nil {
		st = &chatState{}
		inst.chatbots[k.prefix] = st
	}
	return st
}

func chatbotRoutes() []*route {
	var out []*route
	for _, k := range botKinds {
		bind := func(f func(*Server, *botKind, http.ResponseWriter, *request)) handlerFunc {
			return func(s *Server, w http.ResponseWriter, rq *request) { f(s, k, w, rq) }
		}
		out = append(out,
			&route{http.MethodPost, []string{k.prefix, "create", ":name"}, bind((*Server).createBot)},
			&route{http.MethodGet, []string{k.prefix, "find", ":name"}, bind((*Server).findBots)},
			&route{http.MethodGet, []string{k.prefix, "fetch", ":id", ":name"}, bind((*Server).fetchBot)},
			&route{http.MethodPut, []string{k.prefix, "update", ":id", ":name"}, bind((*Server).updateBot)},
			&route{http.MethodDelete, []string{k.prefix, "delete", ":id", ":name"}, bind((*Server).deleteBot)},
			&route{http.MethodPost, []string{k.prefix, "settings", ":name"}, bind((*Server).setBotSettings)},
			&route{http.MethodGet, []string{k.prefix, "fetchSettings", ":name"}, bind((*Server).fetchBotSettings)},
		)
	}
	return append(out,
		&route{http.MethodPost, []string{"openai", "creds", ":name"}, (*Server).createCreds},
		&route{http.MethodGet, []string{"openai", "creds", ":name"}, (*Server).findCreds},
		&route{http.MethodDelete, []string{"openai", "creds", ":id", ":name"}, (*Server).deleteCreds},
	)
}

// isBotCreate reports a chatbot kind's create route.
func isBotCreate(rt *route) bool {
	return rt.method == http.MethodPost && len(rt.segs) == 3 && rt.segs[1] == "create" && botKindOf(rt.segs[0]) != nil
}

// isCredsCreate reports the OpenAI credential create route.
func isCredsCreate(rt *route) bool {
	return rt.method == http.MethodPost && len(rt.segs) == 3 && rt.segs[0] == "openai" && rt.segs[1] == "creds"
}

// enabled reports whether the kind's env switch is on.
func (s *Server) enabled(k *botKind) bool { return k.env == "" || s.switchOn(k.env) }

// botGuard runs the guards, the schema check (when schema is set) and the
// env switch, in Evolution's order. It returns nil after answering.
func (s *Server) botGuard(k *botKind, w http.ResponseWriter, rq *request, schema func(map[string]any) []string) *instance {
	inst := s.guard(w, rq)
	if inst == nil {
		return nil
	}
	if schema != nil {
		if rq.body == nil {
			schemaError(w, []string{"instance is not of a type(s) object"})
			return nil
		}
		if errs := schema(rq.body); len(errs) > 0 {
			schemaError(w, errs)
			return nil
		}
	}
	if !s.enabled(k) {
		badRequest(w, k.name+" is disabled")
		return nil
	}
	return inst
}

func (s *Server) createBot(k *botKind, w http.ResponseWriter, rq *request) {
	s.lock()
	defer s.mu.Unlock()
	inst := s.botGuard(k, w, rq, k.checkBotSchema)
	if inst == nil {
		return
	}
	data := maps.Clone(rq.body)
	st := inst.chat(k)
	now := s.now()

	if k.prefix == "openai" {
		if msg := openaiRequired(data); msg != "" {
			serverError(w, msg)
			return
		}
		if openaiDuplicate(st, data, nil) {
			serverError(w, "Openai Bot already exists")
			return
		}
	} else if k.dupCreate != nil && duplicate(st, data, k.dupCreate, nil) {
		serverError(w, k.name+" already exists")
		return
	}

	// The OpenAI bot makes its kind's settings row whenever there is none;
	// the other kinds when they leave a behaviour field falsy.
	if st.settings == nil && (k.prefix == "openai" || anyFalsy(data)) {
		if !s.insertSettingsRow(w, inst, st) {
			return
		}
		now = s.now()
		if k.prefix == "openai" {
			if !s.credsExistLocked(stringField(data, "openaiCredsId")) {
				serverError(w, "Error setting default settings")
				return
			}
			st.settings = s.openaiSeedSettings(data, now)
		}
	}
	s.fillDefaults(k, st, data, now)

	if msg := triggerConflict(k, st, data, nil); msg != "" {
		serverError(w, msg)
		return
	}
	row := &botRow{id: newCUID(), vals: map[string]any{}, createdAt: now, updatedAt: now}
	for _, f := range k.columns() {
		v, ok := data[f.name]
		if !ok {
			row.vals[f.name] = f.def
			continue
		}
		if !storable(f, v) {
			serverError(w, "Error creating "+k.name)
			return
		}
		row.vals[f.name] = v
	}
	if k.prefix == "openai" && !s.credsExistLocked(stringField(data, "openaiCredsId")) {
		serverError(w, "Error creating "+k.name)
		return
	}
	st.bots = append(st.bots, row)
	if rq.failAfterCreate {
		s.countFault(FaultCreatedThenFailed)
		serverError(w, "Internal Server Error")
		return
	}
	writeJSON(w, http.StatusCreated, row.json(k, inst.id))
}

// fillDefaults is create's step 3: when any behaviour field is falsy, the
// missing ones come from the kind's settings row, and a first bot creates
// that row from its own values.
func (s *Server) fillDefaults(k *botKind, st *chatState, data map[string]any, now time.Time) {
	if !anyFalsy(data) {
		return
	}
	for _, name := range behaviourFields {
		if v, ok := data[name]; ok && v != nil {
			continue
		}
		switch {
		case st.settings != nil:
			data[name] = st.settings.vals[name]
		case name == "splitMessages":
			data[name] = false
		case name == "timePerChar":
			data[name] = jsonNum(0)
		}
	}
	if st.settings == nil {
		row := &botSettingsRow{id: newCUID(), vals: map[string]any{}, createdAt: now, updatedAt: now}
		for _, f := range k.settingsColumns() {
			v, ok := data[f.name]
			if !ok {
				v = f.def
			}
			row.vals[f.name] = v
		}
		st.settings = row
	}
}

// anyFalsy is create's test for filling defaults: a behaviour field the
// body leaves out or sends falsy.
func anyFalsy(data map[string]any) bool {
	return slices.ContainsFunc(behaviourFields, func(name string) bool { return !truthy(data[name]) })
}

// insertSettingsRow is the race of the server's find-then-insert of a kind's
// settings row (BaseChatbotController.settings: findFirst, then create),
// called with s.mu held by a bot create or a settings set that found no
// row. On the real server these are two queries: two writers of one
// instance and kind that both find no row both insert, and the later insert
// fails on the row's unique instanceId, so that write answers 500 "Error
// setting default settings" having made nothing (no bot either). The
// emulator answers too fast for writes to meet by chance, so the first
// writer holds its insert back for the race window with the lock released;
// a writer that finds no row meanwhile loses: it answers once the winner's
// insert is made. It returns with s.mu held; false after answering.
func (s *Server) insertSettingsRow(w http.ResponseWriter, inst *instance, st *chatState) bool {
	if !s.settingsRace {
		return true
	}
	fail := func() bool {
		serverError(w, "Error setting default settings")
		return false
	}
	if in := st.inserting; in != nil {
		in.losers++
		s.mu.Unlock()
		<-in.done
		s.lock()
		return fail()
	}
	in := &settingsInsert{done: make(chan struct{})}
	st.inserting = in
	s.mu.Unlock()
	s.raceWait()
	s.lock()
	st.inserting = nil
	close(in.done)
	// The insert fails on a row made meanwhile (an admin call) and on the
	// instance's foreign key once the instance is gone.
	if st.settings != nil || s.instances[inst.name] != inst {
		return fail()
	}
	return true
}

// openaiSeedSettings is the settings row the first OpenAI bot creates:
// fixed values, each replaced by the body's when truthy.
func (s *Server) openaiSeedSettings(data map[string]any, now time.Time) *botSettingsRow {
	seed := map[string]any{
		"openaiCredsId": data["openaiCredsId"], "expire": jsonNum(300), "keywordFinish": "bye",
		"delayMessage": jsonNum(1000), "unknownMessage": "Sorry, I dont understand",
		"listeningFromMe": true, "stopBotFromMe": true, "keepOpen": false, "debounceTime": jsonNum(1),
		"ignoreJids": []any{}, "speechToText": false, "splitMessages": false, "timePerChar": jsonNum(50),
	}
	for k := range seed {
		if truthy(data[k]) {
			seed[k] = data[k]
		}
	}
	return &botSettingsRow{id: newCUID(), vals: seed, createdAt: now, updatedAt: now}
}

func openaiRequired(data map[string]any) string {
	switch stringField(data, "botType") {
	case "assistant":
		if !truthy(data["assistantId"]) {
			return "Assistant ID is required"
		}
	case "chatCompletion":
		if !truthy(data["model"]) {
			return "Model is required"
		}
		if !truthy(data["maxTokens"]) {
			return "Max tokens is required"
		}
	}
	return ""
}

func openaiDuplicate(st *chatState, data map[string]any, self *botRow) bool {
	if stringField(data, "botType") == "assistant" {
		return duplicate(st, data, []string{"assistantId", "botType"}, self)
	}
	return duplicate(st, data, []string{"model", "maxTokens", "botType"}, self)
}

// duplicate reports another bot with the same values in cols. Like
// Prisma's where, a column the body leaves out is not compared at all.
func duplicate(st *chatState, data map[string]any, cols []string, self *botRow) bool {
	for _, b := range st.bots {
		if b == self {
			continue
		}
		same := true
		for _, c := range cols {
			if v, ok := data[c]; ok && !sameValue(v, b.vals[c]) {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	return false
}

// triggerConflict is steps 4–6: the "all" rule, then the keyword and
// advanced triggers' required values and duplicates.
func triggerConflict(k *botKind, st *chatState, data map[string]any, self *botRow) string {
	others := func(match func(*botRow) bool) bool {
		return slices.ContainsFunc(st.bots, func(b *botRow) bool { return b != self && match(b) })
	}
	switch stringField(data, "triggerType") {
	case "all":
		if others(func(b *botRow) bool { return b.vals["enabled"] == true && b.vals["triggerType"] == "all" }) {
			return `You already have a ` + k.name + ` with an "All" trigger, you cannot have more bots while it is active`
		}
	case "keyword":
		op, val := data["triggerOperator"], data["triggerValue"]
		if !truthy(op) || !truthy(val) {
			return "Trigger operator and value are required"
		}
		if others(func(b *botRow) bool { return b.vals["triggerOperator"] == op && b.vals["triggerValue"] == val }) {
			return "Trigger already exists"
		}
	case "advanced":
		val := data["triggerValue"]
		if !truthy(val) {
			return "Trigger value is required"
		}
		if others(func(b *botRow) bool { return b.vals["triggerValue"] == val }) {
			return "Trigger already exists"
		}
	}
	return ""
}

func (s *Server) updateBot(k *botKind, w http.ResponseWriter, rq *request) {
	s.lock()
	defer s.mu.Unlock()
	inst := s.botGuard(k, w, rq, k.checkBotSchema)
	if inst == nil {
		return
	}
	// Evolution logs the reason and answers this one message for all of them.
	fail := func() { serverError(w, "Error updating "+k.name) }
	st := inst.chat(k)
	i := slices.IndexFunc(st.bots, func(b *botRow) bool { return b.id == rq.id })
	if i < 0 {
		fail()
		return
	}
	self := st.bots[i]
	data := rq.body
	switch {
	case k.prefix == "openai" && (openaiRequired(data) != "" || openaiDuplicate(st, data, self)):
		fail()
		return
	case k.dupUpdate != nil && duplicate(st, data, k.dupUpdate, self):
		fail()
		return
	case triggerConflict(k, st, data, self) != "":
		fail()
		return
	}
	next := maps.Clone(self.vals)
	for _, f := range k.columns() {
		v, ok := data[f.name]
		if !ok {
			continue
		}
		if !storable(f, v) {
			fail()
			return
		}
		next[f.name] = v
	}
	if k.prefix == "openai" && !s.credsExistLocked(stringField(next, "openaiCredsId")) {
		fail()
		return
	}
	self.vals = next
	self.updatedAt = s.now()
	writeJSON(w, http.StatusOK, self.json(k, inst.id))
}

func (s *Server) deleteBot(k *botKind, w http.ResponseWriter, rq *request) {
	s.lock()
	defer s.mu.Unlock()
	inst := s.botGuard(k, w, rq, nil)
	if inst == nil {
		return
	}
	st := inst.chat(k)
	i := slices.IndexFunc(st.bots, func(b *botRow) bool { return b.id == rq.id })
	if i < 0 {
		serverError(w, "Error deleting "+k.name+" bot")
		return
	}
	s.dropBotsLocked(k, func(b *botRow) bool { return b.id == rq.id })
	writeJSON(w, http.StatusOK, map[string]any{"bot": map[string]any{"id": rq.id}})
}

// dropBotsLocked deletes the kind's bots that match, in every instance, and
// clears settings fallbacks that pointed at them (ON DELETE SET NULL).
func (s *Server) dropBotsLocked(k *botKind, match func(*botRow) bool) {
	gone := map[string]bool{}
	for _, inst := range s.instances {
		st := inst.chatbots[k.prefix]
		if st == nil {
			continue
		}
		st.bots = slices.DeleteFunc(st.bots, func(b *botRow) bool {
			if match(b) {
				gone[b.id] = true
				return true
			}
			return false
		})
	}
	for _, inst := range s.instances {
		if st := inst.chatbots[k.prefix]; st != nil && st.settings != nil && st.settings.fallbackID != nil && gone[*st.settings.fallbackID] {
			st.settings.fallbackID = nil
		}
	}
}

func (s *Server) findBots(k *botKind, w http.ResponseWriter, rq *request) {
	s.lock()
	defer s.mu.Unlock()
	inst := s.botGuard(k, w, rq, nil)
	if inst == nil {
		return
	}
	out := []map[string]any{}
	for _, b := range inst.chat(k).bots {
		out = append(out, b.json(k, inst.id))
	}
	writeJSON(w, http.StatusOK, out)
}

// fetchBot answers any bot of the kind by id: Evolution does not check that
// it belongs to the instance in the path.
func (s *Server) fetchBot(k *botKind, w http.ResponseWriter, rq *request) {
	s.lock()
	defer s.mu.Unlock()
	if s.botGuard(k, w, rq, nil) == nil {
		return
	}
	if b, owner := s.findBotLocked(k, rq.id); b != nil {
		writeJSON(w, http.StatusOK, b.json(k, owner.id))
		return
	}
	writeJSON(w, http.StatusOK, nil)
}

func (s *Server) findBotLocked(k *botKind, id string) (*botRow, *instance) {
	for _, inst := range s.instances {
		if st := inst.chatbots[k.prefix]; st != nil {
			for _, b := range st.bots {
				if b.id == id {
					return b, inst
				}
			}
		}
	}
	return nil, nil
}

func (k *botKind) checkSettingsSchema(body map[string]any) []string {
	var c checker
	for _, f := range k.settingsColumns() {
		if f.name == "ignoreJids" && !slices.Contains(k.settingsRequired, "ignoreJids") {
			// Not in the typebot settings schema: not type-checked.
			continue
		}
		checkValue(&c, body, f)
	}
	c.required(body, "instance", k.settingsRequired...)
	return c.errs
}

func (s *Server) setBotSettings(k *botKind, w http.ResponseWriter, rq *request) {
	s.lock()
	defer s.mu.Unlock()
	inst := s.botGuard(k, w, rq, k.checkSettingsSchema)
	if inst == nil {
		return
	}
	fail := func() { serverError(w, "Error setting default settings") }
	body := rq.body
	st := inst.chat(k)
	now := s.now()
	if st.settings == nil {
		if !s.insertSettingsRow(w, inst, st) {
			return
		}
		now = s.now()
	}
	row := st.settings
	if row == nil {
		row = &botSettingsRow{id: newCUID(), vals: map[string]any{}, createdAt: now}
		for _, f := range k.settingsColumns() {
			row.vals[f.name] = f.def
		}
	}
	next := maps.Clone(row.vals)
	for _, f := range k.settingsColumns() {
		v, ok := body[f.name]
		if !ok {
			continue
		}
		if !storable(f, v) {
			fail()
			return
		}
		next[f.name] = v
	}
	fallback := row.fallbackID
	if v, ok := body["fallbackId"]; ok {
		id, isString := v.(string)
		switch {
		case v == nil:
			fallback = nil
		case !isString || len(id) > 100:
			fail()
			return
		default:
			// A foreign key: any bot of the kind passes, whatever its instance.
			if b, _ := s.findBotLocked(k, id); b == nil {
				fail()
				return
			}
			fallback = &id
		}
	}
	if k.prefix == "openai" {
		creds, _ := next["openaiCredsId"].(string)
		if !s.credsExistLocked(creds) || s.credsLinkedElsewhereLocked(creds, inst) {
			fail()
			return
		}
	}
	row.vals, row.fallbackID, row.updatedAt = next, fallback, now
	st.settings = row
	writeJSON(w, http.StatusOK, row.json(k, inst.id, nil))
}

func (s *Server) fetchBotSettings(k *botKind, w http.ResponseWriter, rq *request) {
	s.lock()
	defer s.mu.Unlock()
	inst := s.botGuard(k, w, rq, nil)
	if inst == nil {
		return
	}
	row := inst.chat(k).settings
	if row == nil {
		writeJSON(w, http.StatusOK, builtinSettings)
		return
	}
	var fallback any
	if row.fallbackID != nil {
		if b, owner := s.findBotLocked(k, *row.fallbackID); b != nil {
			fallback = b.json(k, owner.id)
		}
	}
	writeJSON(w, http.StatusOK, row.json(k, inst.id, &fallback))
}

func (s *Server) credsExistLocked(id string) bool {
	_, c := s.findCredsLocked(id)
	return c != nil
}

func (s *Server) findCredsLocked(id string) (*instance, *credsRow) {
	for _, inst := range s.instances {
		for _, c := range inst.creds {
			if c.id == id {
				return inst, c
			}
		}
	}
	return nil, nil
}

// credsLinkedElsewhereLocked: OpenaiSetting.openaiCredsId is unique, so
// creds another instance's defaults use cannot be linked here.
func (s *Server) credsLinkedElsewhereLocked(id string, self *instance) bool {
	for _, inst := range s.instances {
		if inst == self {
			continue
		}
		if st := inst.chatbots["openai"]; st != nil && st.settings != nil && st.settings.vals["openaiCredsId"] == id {
			return true
		}
	}
	return false
}

func checkCredsSchema(body map[string]any) []string {
	var c checker
	c.typed(body, "name", "name", "string")
	c.typed(body, "apiKey", "apiKey", "string")
	c.required(body, "instance", "name", "apiKey")
	// isNotEmpty('name', 'apiKey') applies only to a body with no other key.
	onlyListed := true
	for key := range body {
		if key != "name" && key != "apiKey" {
			onlyListed = false
		}
	}
	if onlyListed {
		for _, key := range []string{"name", "apiKey"} {
			if v, ok := body[key].(string); ok && v == "" {
				c.add(`The "` + key + `" cannot be empty`)
			}
		}
	}
	return c.errs
}

func (s *Server) createCreds(w http.ResponseWriter, rq *request) {
	k := botKindOf("openai")
	s.lock()
	defer s.mu.Unlock()
	inst := s.botGuard(k, w, rq, checkCredsSchema)
	if inst == nil {
		return
	}
	name, key := stringField(rq.body, "name"), stringField(rq.body, "apiKey")
	switch {
	case key == "":
		badRequest(w, "API Key is required")
		return
	case name == "":
		badRequest(w, "Name is required")
		return
	}
	for _, other := range s.instances {
		for _, c := range other.creds {
			if c.apiKey == key {
				badRequest(w, "This API key is already registered. Please use a different API key.")
				return
			}
		}
	}
	for _, c := range inst.creds {
		if c.name == name {
			badRequest(w, "This credential name is already in use. Please choose a different name.")
			return
		}
	}
	// name is unique across instances in the DB, and both columns are VarChar(255).
	taken := false
	for _, other := range s.instances {
		for _, c := range other.creds {
			taken = taken || c.name == name
		}
	}
	if taken || len([]rune(name)) > 255 || len([]rune(key)) > 255 {
		serverError(w, "Error creating openai creds")
		return
	}
	now := s.now()
	c := &credsRow{id: newCUID(), name: name, apiKey: key, createdAt: now, updatedAt: now}
	inst.creds = append(inst.creds, c)
	if rq.failAfterCreate {
		s.countFault(FaultCreatedThenFailed)
		serverError(w, "Internal Server Error")
		return
	}
	writeJSON(w, http.StatusCreated, c.json(inst.id))
}

func (s *Server) findCreds(w http.ResponseWriter, rq *request) {
	k := botKindOf("openai")
	s.lock()
	defer s.mu.Unlock()
	inst := s.botGuard(k, w, rq, nil)
	if inst == nil {
		return
	}
	out := []map[string]any{}
	for _, c := range inst.creds {
		row := c.json(inst.id)
		bots := []map[string]any{}
		for _, b := range inst.chat(k).bots {
			if b.vals["openaiCredsId"] == c.id {
				bots = append(bots, b.json(k, inst.id))
			}
		}
		row["OpenaiAssistant"] = bots
		out = append(out, row)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) deleteCreds(w http.ResponseWriter, rq *request) {
	k := botKindOf("openai")
	s.lock()
	defer s.mu.Unlock()
	inst := s.botGuard(k, w, rq, nil)
	if inst == nil {
		return
	}
	i := slices.IndexFunc(inst.creds, func(c *credsRow) bool { return c.id == rq.id })
	if i < 0 {
		serverError(w, "Openai Creds not found")
		return
	}
	// OpenaiSetting → OpenaiCreds is ON DELETE RESTRICT.
	for _, other := range s.instances {
		if st := other.chatbots["openai"]; st != nil && st.settings != nil && st.settings.vals["openaiCredsId"] == rq.id {
			serverError(w, "Error deleting openai creds")
			return
		}
	}
	// OpenaiBot → OpenaiCreds is ON DELETE CASCADE.
	s.dropBotsLocked(k, func(b *botRow) bool { return b.vals["openaiCredsId"] == rq.id })
	inst.creds = slices.Delete(inst.creds, i, i+1)
	writeJSON(w, http.StatusOK, map[string]any{"openaiCreds": map[string]any{"id": rq.id}})
}

func (b *botRow) json(k *botKind, instanceID string) map[string]any {
	out := maps.Clone(b.vals)
	for _, f := range k.columns() {
		if _, ok := out[f.name]; !ok {
			out[f.name] = nil
		}
	}
	out["id"] = b.id
	out["createdAt"] = isoTime(b.createdAt)
	out["updatedAt"] = isoTime(b.updatedAt)
	out["instanceId"] = instanceID
	return out
}

// json is the settings row plus fallbackId; fetchSettings (fallback != nil)
// adds the fallback bot under both "fallback" and "Fallback".
func (r *botSettingsRow) json(k *botKind, instanceID string, fallback *any) map[string]any {
	out := maps.Clone(r.vals)
	out["id"] = r.id
	out["createdAt"] = isoTime(r.createdAt)
	out["updatedAt"] = isoTime(r.updatedAt)
	out["instanceId"] = instanceID
	var fb any
	if r.fallbackID != nil {
		fb = *r.fallbackID
	}
	out[k.fallback] = fb
	out["fallbackId"] = fb
	if fallback != nil {
		out["fallback"] = *fallback
		out["Fallback"] = *fallback
	}
	return out
}

func (c *credsRow) json(instanceID string) map[string]any {
	return map[string]any{
		"id": c.id, "name": c.name, "apiKey": c.apiKey,
		"createdAt": isoTime(c.createdAt), "updatedAt": isoTime(c.updatedAt), "instanceId": instanceID,
	}
}

// jsonNum is a number as the body decoder yields it.
func jsonNum(n int) json.Number { return json.Number(strconv.Itoa(n)) }
