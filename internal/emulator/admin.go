package emulator

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// adminRoot is outside any API prefix so tools find it whatever the prefix.
const adminRoot = "/__emulator"

// serveAdmin answers the admin routes. They need the global key, are not
// counted in Stats and never get faults.
//
//	GET  /__emulator/stats
//	POST /__emulator/stats/reset
//	GET  /__emulator/faults
//	POST /__emulator/faults                  body: FaultConfig JSON
//	POST /__emulator/instances/{name}/paired
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request, rest string) {
	if !s.isGlobalKey(r) {
		unauthorized(w)
		return
	}
	segs := strings.Split(strings.Trim(rest, "/"), "/")
	switch {
	case r.Method == http.MethodGet && rest == "/stats":
		writeJSON(w, http.StatusOK, s.Stats())
	case r.Method == http.MethodPost && rest == "/stats/reset":
		s.ResetStats()
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodGet && rest == "/faults":
		writeJSON(w, http.StatusOK, s.Faults())
	case r.Method == http.MethodPost && rest == "/faults":
		var cfg FaultConfig
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
		if err := dec.Decode(&cfg); err != nil {
			badRequest(w, "invalid fault config: "+err.Error())
			return
		}
		if err := cfg.Validate(); err != nil {
			badRequest(w, err.Error())
			return
		}
		s.SetFaults(cfg)
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodPost && len(segs) == 3 && segs[0] == "instances" && segs[2] == "paired":
		name, err := url.PathUnescape(segs[1])
		if err != nil || name == "" {
			badRequest(w, "invalid instance name")
			return
		}
		if err := s.MarkPaired(name); errors.Is(err, ErrNotFound) {
			instanceNotFound(w, name)
			return
		}
		writeJSON(w, http.StatusOK, stateJSON{Instance: stateInner{InstanceName: name, State: StateOpen}})
	default:
		writeError(w, http.StatusNotFound, "", []string{"Cannot " + r.Method + " " + r.URL.RequestURI()})
	}
}
