package emulator

import (
	"net/http"
	"testing"
)

func TestUnknownRoutesAnswerTheExpressNotFoundEnvelope(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("a", nil)
	tests := []struct {
		name, method, path, want string
	}{
		{"unknown path", "GET", "/instance/nothing", `Cannot GET /instance/nothing`},
		{"query kept", "GET", "/foo?x=1", `Cannot GET /foo?x=1`},
		{"wrong method", "PUT", "/instance/restart/a", `Cannot PUT /instance/restart/a`},
		{"v1 create method", "GET", "/instance/create", `Cannot GET /instance/create`},
		{"missing name", "GET", "/instance/connect/", `Cannot GET /instance/connect/`},
		{"extra segment", "GET", "/webhook/find/a/b", `Cannot GET /webhook/find/a/b`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(tt.method, tt.path, globalKey, nil)
			r.wantJSON(t, http.StatusNotFound, `{"status":404,"error":"Not Found","response":{"message":["`+tt.want+`"]}}`)
		})
	}
}

func TestRoutesMatchLikeExpress(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("a", nil)
	for _, path := range []string{
		"/instance/connectionState/a",
		"/instance/connectionState/a/",  // trailing slash ignored
		"/INSTANCE/connectionstate/a",   // literals are case-insensitive
		"/instance/connectionState/%61", // the name is percent-decoded
	} {
		r := e.do("GET", path, globalKey, nil)
		r.wantJSON(t, http.StatusOK, `{"instance":{"instanceName":"a","state":"close"}}`)
	}
	e.do("HEAD", "/instance/connectionState/a", globalKey, nil).wantStatus(t, http.StatusOK)
	// The name itself is case-sensitive.
	e.do("GET", "/instance/connectionState/A", globalKey, nil).wantStatus(t, http.StatusNotFound)
}

func TestPrefix(t *testing.T) {
	e := newEnv(t, Options{Prefix: "whatsapp/"})
	if e.srv.Prefix() != "/whatsapp" {
		t.Fatalf("prefix = %q", e.srv.Prefix())
	}
	e.create("p", nil) // e.base already ends in /whatsapp
	r := e.doRaw("GET", e.base[:len(e.base)-len("/whatsapp")]+"/instance/fetchInstances", globalKey, nil, "")
	r.wantJSON(t, http.StatusNotFound, `{"status":404,"error":"Not Found","response":{"message":["Cannot GET /instance/fetchInstances"]}}`)
	if got := len(e.do("GET", "/instance/fetchInstances", globalKey, nil).arr(t)); got != 1 {
		t.Fatalf("fetchInstances under the prefix listed %d instances", got)
	}
}

func TestNamesWithSpacesUnicodeAndSlashes(t *testing.T) {
	e := newEnv(t, Options{})
	for _, name := range []string{"sales team", "vendas-são-paulo", "日本語 インスタンス", "a/b", "100%", "a+b"} {
		t.Run(name, func(t *testing.T) {
			e.create(name, nil)
			r := e.do("GET", "/instance/connectionState/"+seg(name), globalKey, nil)
			if got := r.obj(t)["instance"].(map[string]any)["instanceName"]; got != name {
				t.Fatalf("instanceName = %v, want %q (%s)", got, name, r.body)
			}
			e.do("GET", "/instance/fetchInstances?instanceName="+queryEscape(name), globalKey, nil).wantStatus(t, http.StatusOK)
			e.do("DELETE", "/instance/delete/"+seg(name), globalKey, nil).wantStatus(t, http.StatusOK)
		})
	}
}

func TestBadPercentEncodingIsAnExpressDecodeError(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.do("GET", "/instance/connectionState/%E0%A4", globalKey, nil)
	r.wantJSON(t, http.StatusBadRequest, `{"status":400,"error":"Internal Server Error","response":{"message":"Failed to decode param '%E0%A4'"}}`)
}

func TestBodyParsing(t *testing.T) {
	e := newEnv(t, Options{})
	t.Run("malformed JSON is a body-parser error before any guard", func(t *testing.T) {
		r := e.do("POST", "/settings/set/unknown", "", `{"rejectCall":`)
		if r.status != http.StatusBadRequest {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		o := r.obj(t)
		if o["error"] != "Internal Server Error" || o["status"] != float64(400) {
			t.Fatalf("envelope %s", r.body)
		}
		if _, plain := o["response"].(map[string]any)["message"].(string); !plain {
			t.Fatalf("message should be a plain string: %s", r.body)
		}
	})
	t.Run("scalar JSON is rejected like body-parser strict mode", func(t *testing.T) {
		e.do("POST", "/instance/create", globalKey, `"x"`).wantStatus(t, http.StatusBadRequest)
	})
	t.Run("no JSON content type means an empty body", func(t *testing.T) {
		// No integration either: the first check that fails on an empty
		// server (instanceName is not required by the schema).
		r := e.doRaw("POST", e.base+"/instance/create", globalKey, `{"instanceName":"x","integration":"WHATSAPP-BAILEYS"}`, "text/plain")
		r.wantJSON(t, http.StatusBadRequest, `{"status":400,"error":"Bad Request","response":{"message":["Invalid integration"]}}`)
	})
	t.Run("an array body fails the object schema", func(t *testing.T) {
		r := e.do("POST", "/instance/create", globalKey, `[]`)
		r.wantJSON(t, http.StatusBadRequest, `{"status":400,"error":"Bad Request","response":{"message":[["instance is not of a type(s) object"]]}}`)
	})
	t.Run("answers are JSON without HTML escaping", func(t *testing.T) {
		r := e.do("GET", "/instance/connectionState/<x>&", globalKey, nil)
		if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Fatalf("Content-Type %q", ct)
		}
		if want := `{"status":404,"error":"Not Found","response":{"message":["The \"<x>&\" instance does not exist"]}}`; string(r.body) != want {
			t.Fatalf("body %s\nwant %s", r.body, want)
		}
	})
}
