package emulator

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

type handlerFunc func(s *Server, w http.ResponseWriter, rq *request)

// route is one API route; a last segment of ":name" is the instance name and
// a ":id" segment (chatbot routes put it before the name) is an object id.
type route struct {
	method  string
	segs    []string
	handler handlerFunc
}

func (rt *route) template() string { return rt.method + " /" + strings.Join(rt.segs, "/") }

var routes = []*route{
	{http.MethodPost, []string{"instance", "create"}, (*Server).createInstance},
	{http.MethodGet, []string{"instance", "fetchInstances"}, (*Server).fetchInstances},
	{http.MethodGet, []string{"instance", "connect", ":name"}, (*Server).connect},
	{http.MethodGet, []string{"instance", "connectionState", ":name"}, (*Server).connectionState},
	{http.MethodPost, []string{"instance", "restart", ":name"}, (*Server).restart},
	{http.MethodDelete, []string{"instance", "logout", ":name"}, (*Server).logout},
	{http.MethodDelete, []string{"instance", "delete", ":name"}, (*Server).deleteInstance},
	{http.MethodPost, []string{"settings", "set", ":name"}, (*Server).setSettings},
	{http.MethodGet, []string{"settings", "find", ":name"}, (*Server).findSettings},
	{http.MethodPost, []string{"webhook", "set", ":name"}, (*Server).setWebhook},
	{http.MethodGet, []string{"webhook", "find", ":name"}, (*Server).findWebhook},
	{http.MethodPost, []string{"proxy", "set", ":name"}, (*Server).setProxy},
	{http.MethodGet, []string{"proxy", "find", ":name"}, (*Server).findProxy},
	{http.MethodPost, []string{"chatwoot", "set", ":name"}, (*Server).setChatwoot},
	{http.MethodGet, []string{"chatwoot", "find", ":name"}, (*Server).findChatwoot},
}

// Routes lists the API route templates ("POST /instance/create", …), the keys
// Stats.ByRoute uses.
func Routes() []string {
	out := make([]string, len(routes))
	for i, rt := range routes {
		out[i] = rt.template()
	}
	return out
}

// match finds the route for an escaped path. Like express, literal segments
// compare case-insensitively, one trailing slash is ignored, and the name
// segment is percent-decoded (so "a%2Fb" is the name "a/b"). decodeErr is set
// when the name segment does not decode to UTF-8.
func (s *Server) match(method, escapedPath string) (rt *route, name, id, decodeErr string) {
	rest, ok := strings.CutPrefix(escapedPath, s.prefix)
	if !ok || !strings.HasPrefix(rest, "/") {
		return nil, "", "", ""
	}
	if method == http.MethodHead {
		// express answers HEAD through the GET route.
		method = http.MethodGet
	}
	rest = strings.TrimSuffix(rest[1:], "/")
	segs := strings.Split(rest, "/")
	for _, cand := range routes {
		if cand.method != method || len(cand.segs) != len(segs) {
			continue
		}
		matched := true
		for i, want := range cand.segs {
			if want == ":name" || want == ":id" {
				if segs[i] == "" {
					matched = false
				}
				continue
			}
			if !strings.EqualFold(want, segs[i]) {
				matched = false
				break
			}
		}
		if !matched {
			continue
		}
		for i, want := range cand.segs {
			if want != ":name" && want != ":id" {
				continue
			}
			decoded, err := url.PathUnescape(segs[i])
			// decodeURIComponent also rejects escapes that are not UTF-8.
			if err != nil || !utf8.ValidString(decoded) {
				return cand, "", "", "Failed to decode param '" + segs[i] + "'"
			}
			if want == ":name" {
				name = decoded
			} else {
				id = decoded
			}
		}
		return cand, name, id, ""
	}
	return nil, "", "", ""
}
