package emulator

import "net/http"

// guard applies Evolution's guards for /…/:name routes in their order: an
// unknown instance is 404 whatever the key, then a key that is neither the
// global key nor the instance's own is 401. The store lock must be held.
func (s *Server) guard(w http.ResponseWriter, rq *request) *instance {
	inst, ok := s.instances[rq.name]
	if !ok {
		instanceNotFound(w, rq.name)
		return nil
	}
	if !s.authorized(rq.r, inst) {
		unauthorized(w)
		return nil
	}
	return inst
}

// initialState: Baileys instances wait for a phone; the API-backed channels
// (Meta's WhatsApp Business, EVOLUTION) start open in Evolution.
func initialState(integration string) string {
	if integration == IntegrationBaileys {
		return StateClose
	}
	return StateOpen
}

func (s *Server) fetchInstances(w http.ResponseWriter, rq *request) {
	q := rq.r.URL.Query()
	name, id, number := q.Get("instanceName"), q.Get("instanceId"), q.Get("number")
	s.lock()
	defer s.mu.Unlock()

	rows := []instanceRow{}
	if !s.isGlobalKey(rq.r) {
		// Evolution lets an instance key list the instances holding that key,
		// narrowed by the filters; finding none is 401, not 404.
		key := rq.r.Header.Get("apikey")
		for _, inst := range s.sortedLocked() {
			if keyEqual(key, inst.token) && (name == "" || inst.name == name) && (id == "" || inst.id == id) {
				rows = append(rows, inst.row())
			}
		}
		if len(rows) == 0 {
			unauthorized(w)
			return
		}
		s.writeListing(w, rows, name != "")
		return
	}

	switch {
	case id != "" || number != "":
		// Evolution looks instanceId (or number) up first and ignores instanceName then.
		var found *instance
		for _, inst := range s.sortedLocked() {
			if (id != "" && inst.id == id) || (id == "" && deref(inst.number) == number) {
				found = inst
				break
			}
		}
		if found == nil {
			missing := id
			if missing == "" {
				missing = number
			}
			writeError(w, http.StatusNotFound, "", []string{`Instance "` + missing + `" not found`})
			return
		}
		rows = append(rows, found.row())
	case name != "":
		inst, ok := s.instances[name]
		if !ok {
			writeError(w, http.StatusNotFound, "", []string{`Instance "` + name + `" not found`})
			return
		}
		rows = append(rows, inst.row())
	default:
		for _, inst := range s.sortedLocked() {
			rows = append(rows, inst.row())
		}
	}
	s.writeListing(w, rows, name != "" && id == "" && number == "")
}

func (s *Server) connect(w http.ResponseWriter, rq *request) {
	number := rq.r.URL.Query().Get("number")
	s.lock()
	defer s.mu.Unlock()
	inst := s.guard(w, rq)
	if inst == nil {
		return
	}
	switch inst.state {
	case StateOpen:
		writeJSON(w, http.StatusOK, inst.stateJSON())
	case StateConnecting:
		// Evolution hands back the QR it is already showing.
		if inst.qr == nil {
			inst.qr = newQR(number)
		}
		writeJSON(w, http.StatusOK, inst.qr.json())
	default:
		if inst.integration != IntegrationBaileys {
			// No phone to pair: the API-backed channels simply reconnect.
			s.setStateLocked(inst, StateOpen)
			writeJSON(w, http.StatusOK, inst.stateJSON())
			return
		}
		s.setStateLocked(inst, StateConnecting)
		inst.qr = newQR(number)
		if number != "" {
			inst.pairedWith = number
		}
		writeJSON(w, http.StatusOK, inst.qr.json())
	}
}

func (s *Server) connectionState(w http.ResponseWriter, rq *request) {
	s.lock()
	defer s.mu.Unlock()
	if inst := s.guard(w, rq); inst != nil {
		writeJSON(w, http.StatusOK, inst.stateJSON())
	}
}

// restartError is what Evolution's restart answers (with 200) when it catches
// its own exception: the exception is a plain object, so it stringifies badly.
type restartError struct {
	Error   bool   `json:"error"`
	Message string `json:"message"`
}

func (s *Server) restart(w http.ResponseWriter, rq *request) {
	s.lock()
	defer s.mu.Unlock()
	inst := s.guard(w, rq)
	if inst == nil {
		return
	}
	switch inst.state {
	case StateClose:
		writeJSON(w, http.StatusOK, restartError{Error: true, Message: "[object Object]"})
	case StateConnecting:
		// The socket is rebuilt, so a fresh QR replaces the old one.
		inst.qr = newQR("")
		inst.updatedAt = s.now()
		writeJSON(w, http.StatusOK, inst.qr.json())
	default:
		writeJSON(w, http.StatusOK, inst.stateJSON())
	}
}

func (s *Server) logout(w http.ResponseWriter, rq *request) {
	s.lock()
	defer s.mu.Unlock()
	inst := s.guard(w, rq)
	if inst == nil {
		return
	}
	if inst.state == StateClose {
		badRequest(w, `The "`+inst.name+`" instance is not connected`)
		return
	}
	s.setStateLocked(inst, StateClose)
	writeJSON(w, http.StatusOK, statusAnswer{Status: "SUCCESS", Response: statusInner{Message: "Instance logged out"}})
}

func (s *Server) deleteInstance(w http.ResponseWriter, rq *request) {
	s.lock()
	defer s.mu.Unlock()
	inst := s.guard(w, rq)
	if inst == nil {
		return
	}
	// Evolution logs a connected instance out before removing it.
	if inst.state != StateClose {
		s.setStateLocked(inst, StateClose)
	}
	s.startDelete(inst)
	writeJSON(w, http.StatusOK, statusAnswer{Status: "SUCCESS", Response: statusInner{Message: "Instance deleted"}})
}

// baseURL is how this server is reached, standing in for Evolution's SERVER_URL.
func (s *Server) baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + s.prefix
}
