package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
)

const maxBody = 8 << 20

// readBody parses the request body the way express.json does before any route
// runs: only a JSON Content-Type is parsed, anything else (or nothing) is {}.
// A JSON array comes back as a nil map so handlers answer the schema error.
func readBody(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		return map[string]any{}, true
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "Internal Server Error", "request entity too large")
			return nil, false
		}
		writeError(w, http.StatusBadRequest, "Internal Server Error", "request aborted")
		return nil, false
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return map[string]any{}, true
	}
	// body-parser's strict mode accepts only objects and arrays at the top.
	if raw[0] != '{' && raw[0] != '[' {
		writeError(w, http.StatusBadRequest, "Internal Server Error", "Unexpected token '"+string(raw[:1])+"', is not valid JSON")
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	err = dec.Decode(&v)
	if err == nil && dec.More() {
		err = errors.New("unexpected non-whitespace character after JSON")
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "Internal Server Error", err.Error())
		return nil, false
	}
	obj, _ := v.(map[string]any)
	return obj, true
}

// checker collects JSON-schema style errors, worded like the jsonschema npm
// package after Evolution strips the leading "instance.".
type checker struct{ errs []string }

func (c *checker) add(msg string) { c.errs = append(c.errs, msg) }

func (c *checker) failed() bool { return len(c.errs) > 0 }

// typed checks obj[key] has the JSON type typ when present; path is how the
// property is named in the message ("rejectCall", "webhook.url").
func (c *checker) typed(obj map[string]any, key, path, typ string) bool {
	v, ok := obj[key]
	if !ok {
		return true
	}
	if !isType(v, typ) {
		c.add(path + " is not of a type(s) " + typ)
		return false
	}
	return true
}

// required checks keys are present; owner is "instance" for the top level.
func (c *checker) required(obj map[string]any, owner string, keys ...string) {
	for _, k := range keys {
		if _, ok := obj[k]; !ok {
			c.add(owner + ` requires property "` + k + `"`)
		}
	}
}

// boolEnum checks a `{type: boolean, enum: [true, false]}` property: a
// value of another type fails both keywords, and jsonschema reports both.
func (c *checker) boolEnum(obj map[string]any, key string) {
	if !c.typed(obj, key, key, "boolean") {
		c.add(key + " is not one of enum values: true,false")
	}
}

// notEmptyOnly applies Evolution's isNotEmpty(names…): only when every key
// of the body is one of names, each string among them must be non-empty.
func (c *checker) notEmptyOnly(obj map[string]any, names ...string) {
	for k := range obj {
		if !slices.Contains(names, k) {
			return
		}
	}
	for _, k := range names {
		if s, ok := obj[k].(string); ok && s == "" {
			c.add(`The "` + k + `" cannot be empty`)
		}
	}
}

func isType(v any, typ string) bool {
	var ok bool
	switch typ {
	case "boolean":
		_, ok = v.(bool)
	case "string":
		_, ok = v.(string)
	case "object":
		_, ok = v.(map[string]any)
	case "array":
		_, ok = v.([]any)
	case "integer":
		ok = isInteger(v)
	case "number":
		_, ok = v.(json.Number)
	}
	return ok
}

// boolField returns obj[key] as a bool, false when absent or not a bool.
func boolField(obj map[string]any, key string) bool {
	b, _ := obj[key].(bool)
	return b
}

func stringField(obj map[string]any, key string) string {
	s, _ := obj[key].(string)
	return s
}

func present(obj map[string]any, key string) bool {
	_, ok := obj[key]
	return ok
}
