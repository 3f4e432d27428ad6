package emulator

import (
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// proxyHangLimit is how long a hanging proxy test waits before it fails, as
// the operating system eventually gives up on a connection that never
// answers. Clients are expected to give up long before.
const proxyHangLimit = 2 * time.Minute

// proxyColumnLimit is the VarChar(100) of every Proxy column.
const proxyColumnLimit = 100

// proxySetAnswer is ProxyService.create's answer: the route's instance DTO
// next to the body as stored.
type proxySetAnswer struct {
	Proxy proxySetInner `json:"proxy"`
}

type proxySetInner struct {
	InstanceName string         `json:"instanceName"`
	Proxy        map[string]any `json:"proxy"`
}

// proxyJSON is the Prisma Proxy row (find and fetchInstances).
type proxyJSON struct {
	ID         string `json:"id"`
	Enabled    bool   `json:"enabled"`
	Host       string `json:"host"`
	Port       string `json:"port"`
	Protocol   string `json:"protocol"`
	Username   string `json:"username"`
	Password   string `json:"password"`
	CreatedAt  string `json:"createdAt"`
	UpdatedAt  string `json:"updatedAt"`
	InstanceID string `json:"instanceId"`
}

func (inst *instance) proxyJSON() *proxyJSON {
	p := inst.proxy
	return &proxyJSON{
		ID: p.id, Enabled: p.Enabled, Host: p.Host, Port: p.Port, Protocol: p.Protocol,
		Username: p.Username, Password: p.Password,
		CreatedAt: isoTime(p.createdAt), UpdatedAt: isoTime(p.updatedAt), InstanceID: inst.id,
	}
}

// proxyOutcome is what the modelled proxy test does.
type proxyOutcome int

const (
	proxyWorks proxyOutcome = iota
	proxyFails
	proxyHangs
)

// testProxy models Evolution's proxy test, which fetches an address on the
// internet directly and through the proxy, without a timeout. The emulator
// cannot reach the internet, so the outcome follows the address (see doc.go):
//
//   - the test fails (400 "Invalid proxy") for a protocol other than http or
//     socks (2.3.6 builds the agent from `${protocol}://…` and knows only
//     those two), a port that is not 1–65535, a host under the reserved
//     .invalid domain (it never resolves), and credentials that break the
//     URL the server builds without escaping them: a ':' in the username, or
//     '/', '?', '#', '\' or '%' in either;
//   - it hangs for a host in the documentation networks 192.0.2.0/24,
//     198.51.100.0/24 and 203.0.113.0/24, where a connection attempt is
//     never answered;
//   - it passes otherwise.
func testProxy(p Proxy) proxyOutcome {
	if p.Protocol != "http" && p.Protocol != "socks" {
		return proxyFails
	}
	if port, err := strconv.Atoi(p.Port); err != nil || port < 1 || port > 65535 {
		return proxyFails
	}
	host := strings.ToLower(strings.TrimSuffix(p.Host, "."))
	if host == "invalid" || strings.HasSuffix(host, ".invalid") || strings.ContainsAny(host, "/?#\\@ ") {
		return proxyFails
	}
	if p.Username != "" && p.Password != "" &&
		(strings.ContainsAny(p.Username, ":/?#\\%") || strings.ContainsAny(p.Password, "/?#\\%")) {
		return proxyFails
	}
	if ip := net.ParseIP(host); ip != nil {
		for _, cidr := range []string{"192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"} {
			if _, n, _ := net.ParseCIDR(cidr); n.Contains(ip) {
				return proxyHangs
			}
		}
	}
	return proxyWorks
}

// proxyWorks reports whether host is one Options.WorkingProxies names.
func (s *Server) proxyWorks(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return slices.ContainsFunc(s.workingProxies, func(h string) bool {
		return strings.ToLower(strings.TrimSuffix(h, ".")) == host
	})
}

func (s *Server) setProxy(w http.ResponseWriter, rq *request) {
	s.lock()
	inst := s.guard(w, rq)
	if inst == nil {
		s.mu.Unlock()
		return
	}
	body := rq.body
	if body == nil {
		s.mu.Unlock()
		schemaError(w, []string{"instance is not of a type(s) object"})
		return
	}
	var c checker
	c.boolEnum(body, "enabled")
	for _, k := range []string{"host", "port", "protocol", "username", "password"} {
		c.typed(body, k, k, "string")
	}
	c.required(body, "instance", "enabled", "host", "port", "protocol")
	c.notEmptyOnly(body, "enabled", "host", "port", "protocol")
	if c.failed() {
		s.mu.Unlock()
		schemaError(w, c.errs)
		return
	}
	s.mu.Unlock()

	// ProxyController.createProxy: a disabled proxy is stored blank.
	if !boolField(body, "enabled") {
		for _, k := range []string{"host", "port", "protocol", "username", "password"} {
			body[k] = ""
		}
	}
	sent := Proxy{
		Enabled:  boolField(body, "enabled"),
		Host:     stringField(body, "host"),
		Port:     stringField(body, "port"),
		Protocol: stringField(body, "protocol"),
		Username: stringField(body, "username"),
		Password: stringField(body, "password"),
	}
	if sent.Host != "" {
		outcome := testProxy(sent)
		if s.refuseProxies && !s.proxyWorks(sent.Host) {
			outcome = proxyFails
		}
		switch outcome {
		case proxyFails:
			badRequest(w, "Invalid proxy")
			return
		case proxyHangs:
			// The store lock is not held: other requests go on meanwhile.
			if sleepCtx(rq.r.Context(), proxyHangLimit) {
				badRequest(w, "Invalid proxy")
			}
			return
		}
	}

	s.lock()
	defer s.mu.Unlock()
	inst, ok := s.instances[rq.name]
	if !ok {
		// Deleted while the test ran: waInstances[name] is undefined.
		serverError(w, "Cannot read properties of undefined (reading 'setProxy')")
		return
	}
	s.storeProxyLocked(inst, body)
	writeJSON(w, http.StatusCreated, proxySetAnswer{Proxy: proxySetInner{InstanceName: inst.name, Proxy: body}})
}

// storeProxyLocked is channel.service's setProxy: a Prisma upsert that is
// not awaited, so whatever fails here is only logged and the client still
// gets 201. The create branch fails when username or password is missing
// (required columns); either branch fails on a value over 100 characters.
func (s *Server) storeProxyLocked(inst *instance, body map[string]any) {
	for _, k := range []string{"host", "port", "protocol", "username", "password"} {
		if utf8.RuneCountInString(stringField(body, k)) > proxyColumnLimit {
			return
		}
	}
	now := s.now()
	row := inst.proxy
	if row == nil {
		if !present(body, "username") || !present(body, "password") {
			return
		}
		row = &proxyRow{id: newCUID(), createdAt: now}
		inst.proxy = row
	}
	row.Enabled = boolField(body, "enabled")
	row.Host, row.Port, row.Protocol = stringField(body, "host"), stringField(body, "port"), stringField(body, "protocol")
	// Prisma leaves a field that is undefined in an update as it was.
	if v, ok := body["username"].(string); ok {
		row.Username = v
	}
	if v, ok := body["password"].(string); ok {
		row.Password = v
	}
	row.updatedAt = now
}

func (s *Server) findProxy(w http.ResponseWriter, rq *request) {
	s.lock()
	defer s.mu.Unlock()
	inst := s.guard(w, rq)
	if inst == nil {
		return
	}
	if inst.proxy == nil {
		writeJSON(w, http.StatusOK, nil)
		return
	}
	writeJSON(w, http.StatusOK, inst.proxyJSON())
}
