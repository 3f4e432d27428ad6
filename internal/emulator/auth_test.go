package emulator

import (
	"net/http"
	"testing"
)

const unauthorizedBody = `{"status":401,"error":"Unauthorized","response":{"message":"Unauthorized"}}`

func TestGuardOrder(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("taken", nil)
	create := map[string]any{"instanceName": "taken", "integration": IntegrationBaileys}
	tests := []struct {
		name, method, path, key string
		body                    any
		status                  int
		want                    string
	}{
		{"unknown instance beats a bad key", "GET", "/settings/find/ghost", "bad", nil, 404,
			`{"status":404,"error":"Not Found","response":{"message":["The \"ghost\" instance does not exist"]}}`},
		{"unknown instance beats a missing key", "DELETE", "/instance/delete/ghost", "", nil, 404,
			`{"status":404,"error":"Not Found","response":{"message":["The \"ghost\" instance does not exist"]}}`},
		{"unknown instance beats an invalid body", "POST", "/settings/set/ghost", globalKey, map[string]any{}, 404,
			`{"status":404,"error":"Not Found","response":{"message":["The \"ghost\" instance does not exist"]}}`},
		{"taken name beats a bad key", "POST", "/instance/create", "bad", create, 403,
			`{"status":403,"error":"Forbidden","response":{"message":["This name \"taken\" is already in use."]}}`},
		{"taken name with the global key", "POST", "/instance/create", globalKey, create, 403,
			`{"status":403,"error":"Forbidden","response":{"message":["This name \"taken\" is already in use."]}}`},
		{"missing key", "GET", "/instance/connectionState/taken", "", nil, 401, unauthorizedBody},
		{"bad key", "GET", "/webhook/find/taken", "nope", nil, 401, unauthorizedBody},
		{"bad key beats an invalid body", "POST", "/webhook/set/taken", "nope", map[string]any{}, 401, unauthorizedBody},
		{"bad key on create beats validation", "POST", "/instance/create", "nope", map[string]any{"instanceName": "new"}, 401, unauthorizedBody},
		{"no key on fetchInstances", "GET", "/instance/fetchInstances", "", nil, 401, unauthorizedBody},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.do(tt.method, tt.path, tt.key, tt.body).wantJSON(t, tt.status, tt.want)
		})
	}
}

func TestInstanceKeyScope(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("mine", nil)
	e.create("theirs", nil)
	mine := e.token("mine")

	own := []struct{ method, path string }{
		{"GET", "/instance/connectionState/mine"},
		{"GET", "/instance/connect/mine"},
		{"POST", "/instance/restart/mine"},
		{"GET", "/settings/find/mine"},
		{"GET", "/webhook/find/mine"},
		{"DELETE", "/instance/logout/mine"},
	}
	for _, rt := range own {
		if r := e.do(rt.method, rt.path, mine, nil); r.status != http.StatusOK {
			t.Errorf("%s %s with the instance key: %d %s", rt.method, rt.path, r.status, r.body)
		}
	}
	e.do("POST", "/settings/set/mine", mine, allSettings(false)).wantStatus(t, http.StatusCreated)

	for _, rt := range []struct{ method, path string }{
		{"GET", "/instance/connectionState/theirs"},
		{"GET", "/settings/find/theirs"},
		{"DELETE", "/instance/delete/theirs"},
	} {
		e.do(rt.method, rt.path, mine, nil).wantJSON(t, http.StatusUnauthorized, unauthorizedBody)
	}
	e.do("POST", "/instance/create", mine, map[string]any{"instanceName": "new", "integration": IntegrationBaileys}).
		wantJSON(t, http.StatusUnauthorized, unauthorizedBody)
	e.do("DELETE", "/instance/delete/mine", mine, nil).wantStatus(t, http.StatusOK)
}

func TestFetchInstancesKeysAndFilters(t *testing.T) {
	e := newEnv(t, Options{})
	e.create("one", map[string]any{"number": "5511900000001"})
	e.create("two", nil)
	one, _ := e.srv.Instance("one")

	names := func(r resp) []string {
		t.Helper()
		var out []string
		for _, row := range r.arr(t) {
			out = append(out, row.(map[string]any)["name"].(string))
		}
		return out
	}
	tests := []struct {
		name, query, key string
		status           int
		want             []string
		body             string
	}{
		{"global lists all in creation order", "", globalKey, 200, []string{"one", "two"}, ""},
		{"global by name", "?instanceName=two", globalKey, 200, []string{"two"}, ""},
		{"global by id", "?instanceId=" + one.ID, globalKey, 200, []string{"one"}, ""},
		{"id wins over name", "?instanceName=two&instanceId=" + one.ID, globalKey, 200, []string{"one"}, ""},
		{"global by number", "?number=5511900000001", globalKey, 200, []string{"one"}, ""},
		{"empty filter is no filter", "?instanceName=", globalKey, 200, []string{"one", "two"}, ""},
		{"unknown name", "?instanceName=ghost", globalKey, 404, nil,
			`{"status":404,"error":"Not Found","response":{"message":["Instance \"ghost\" not found"]}}`},
		{"unknown id", "?instanceId=nope", globalKey, 404, nil,
			`{"status":404,"error":"Not Found","response":{"message":["Instance \"nope\" not found"]}}`},
		{"instance key alone sees only its instance", "", one.Token, 200, []string{"one"}, ""},
		{"instance key filtered by its name", "?instanceName=one", one.Token, 200, []string{"one"}, ""},
		{"instance key filtered by another name", "?instanceName=two", one.Token, 401, nil, unauthorizedBody},
		{"instance key filtered by an unknown name", "?instanceName=ghost", one.Token, 401, nil, unauthorizedBody},
		{"bad key", "?instanceName=one", "bad", 401, nil, unauthorizedBody},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do("GET", "/instance/fetchInstances"+tt.query, tt.key, nil)
			if tt.body != "" {
				r.wantJSON(t, tt.status, tt.body)
				return
			}
			r.wantStatus(t, tt.status)
			if got := names(r); !equalStrings(got, tt.want) {
				t.Fatalf("names %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("no instances is an empty array", func(t *testing.T) {
		empty := newEnv(t, Options{})
		if got := string(empty.do("GET", "/instance/fetchInstances", globalKey, nil).body); got != "[]" {
			t.Fatalf("body %s", got)
		}
	})
}

func allSettings(v bool) map[string]any {
	return map[string]any{
		"rejectCall": v, "groupsIgnore": v, "alwaysOnline": v,
		"readMessages": v, "readStatus": v, "syncFullHistory": v,
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
