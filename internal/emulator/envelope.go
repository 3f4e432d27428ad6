package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
)

// envelope is Evolution's error body. Its key order matches express's output.
type envelope struct {
	Status   int          `json:"status"`
	Error    string       `json:"error"`
	Response envelopeBody `json:"response"`
}

type envelopeBody struct {
	// Message is []string for most errors, [][]string for JSON-schema
	// failures and a plain string for 401 and uncaught 500s.
	Message any `json:"message"`
}

// writeJSON writes v the way express's res.json does: no HTML escaping, no
// trailing newline.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only our own types are encoded here; failing means a bug in the emulator.
		panic("emulator: encoding answer: " + err.Error())
	}
	body := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeError writes the error envelope; reason "" means the status text.
func writeError(w http.ResponseWriter, status int, reason string, message any) {
	if reason == "" {
		reason = http.StatusText(status)
	}
	writeJSON(w, status, envelope{Status: status, Error: reason, Response: envelopeBody{Message: message}})
}

// badRequest is a 400 thrown by Evolution's code: plain strings in an array.
func badRequest(w http.ResponseWriter, msgs ...string) {
	writeError(w, http.StatusBadRequest, "", msgs)
}

// schemaError is a 400 from JSON-schema validation: the list of errors nested
// in the message array, because Evolution passes the array as one argument.
func schemaError(w http.ResponseWriter, errs []string) {
	writeError(w, http.StatusBadRequest, "", [][]string{errs})
}

func unauthorized(w http.ResponseWriter) {
	writeError(w, http.StatusUnauthorized, "", "Unauthorized")
}

func instanceNotFound(w http.ResponseWriter, name string) {
	writeError(w, http.StatusNotFound, "", []string{`The "` + name + `" instance does not exist`})
}

// serverError is an uncaught exception: 500 with a plain-string message.
func serverError(w http.ResponseWriter, message string) {
	writeError(w, http.StatusInternalServerError, "", message)
}
