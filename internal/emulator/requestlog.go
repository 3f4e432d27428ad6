package emulator

import (
	"net/http"
	"slices"
)

// LoggedRequest is one API request as the server answered it, for tests
// that assert what a client saw and in which order.
type LoggedRequest struct {
	Method string
	// Route is the route template ("GET /instance/fetchInstances"), or
	// "unmatched".
	Route string
	// Name is the instance the request is about: the decoded :name segment,
	// else the instanceName query parameter, else the body's instanceName
	// (create); "" for none.
	Name string
	// Status is the answer's status; 0 when the connection was dropped or
	// the request gave up before an answer.
	Status int
}

// Requests returns the API requests answered since the server started or
// ResetStats was last called, in the order their answers were written.
// Admin requests are not logged. Nothing is kept unless
// Options.LogRequests is set.
func (s *Server) Requests() []LoggedRequest {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	return slices.Clone(s.requestLog)
}

func (s *Server) logRequest(rq *request, tmpl string, status int) {
	name := rq.name
	if name == "" {
		name = rq.r.URL.Query().Get("instanceName")
	}
	if n, ok := rq.body["instanceName"].(string); ok && name == "" {
		name = n
	}
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.requestLog = append(s.requestLog, LoggedRequest{Method: rq.r.Method, Route: tmpl, Name: name, Status: status})
}

// statusRecorder notes the status a handler answered.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection, which the drop
// fault hijacks.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
