package emulator

import (
	"maps"
	"net/http"
)

// Stats counts API requests; admin requests are not counted.
type Stats struct {
	Total int `json:"total"`
	// Mutating counts POST, PUT, PATCH and DELETE requests.
	Mutating int `json:"mutating"`
	// ByRoute is keyed by route template ("GET /instance/connect/:name"), or
	// "unmatched" for requests no route took.
	ByRoute map[string]int `json:"byRoute"`
	// FaultsInjected is keyed by FaultKind.
	FaultsInjected map[string]int `json:"faultsInjected"`
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	out := s.stats
	out.ByRoute = maps.Clone(s.stats.ByRoute)
	out.FaultsInjected = maps.Clone(s.stats.FaultsInjected)
	return out
}

// ResetStats zeroes the counters and empties the request log.
func (s *Server) ResetStats() {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.stats = Stats{ByRoute: map[string]int{}, FaultsInjected: map[string]int{}}
	s.requestLog = nil
}

func (s *Server) countRequest(method, tmpl string) {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.stats.Total++
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		s.stats.Mutating++
	}
	s.stats.ByRoute[tmpl]++
}

func (s *Server) countFault(kind FaultKind) {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.stats.FaultsInjected[string(kind)]++
}
