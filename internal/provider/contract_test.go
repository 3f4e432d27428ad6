package provider

// The provider-wide contract (issue 19): the promises every resource keeps,
// checked on every resource type the provider serves, through the real
// terraform CLI against the built provider and the emulator.
//
// The resource types come from the provider's own list (New("test")(), as
// sensitivity_test.go reads the schemas), and each type's configuration
// from its documentation example, examples/resources/<type>/resource.tf,
// which every resource has (DESIGN.md, "Adding a resource"). A resource
// added later is therefore checked without being named here.
//
// How to add a check:
//  1. Write `func checkSomething(t *testing.T, c *contractCase)`. c is a
//     fresh working directory (terraform init done) holding the example,
//     with its own emulator behind a switchable front (c.server): see
//     contractCase for what it offers (c.apply, c.targetDependencies,
//     c.rotateSecrets, c.usePlainSecrets, c.scanForSecrets, …). A check that does not apply to
//     a type for a reason of the type itself (it has no secret, no create
//     route) says so with t.Skip and the reason.
//  2. Add it to contractChecks. It then runs for every resource type, in
//     parallel with the others (each case has its own emulator).
//  3. A type the check cannot exercise at all goes into contractExceptions
//     as "check type" with the reason; an exception that matches no case
//     fails the test, so the list cannot rot.
// Keep CI time in mind: every CLI command costs about a second of CPU, and
// the test runs (checks x 24 types) cases: combine steps in one apply where
// they can share it, and do not destroy at the end (the emulator goes away
// with the case).
//
// Run it alone with
//
//	TF_ACC=1 go test -count=1 -run TestContract ./internal/provider/
//
// and one check or type with -run 'TestContract/l2msg_proxy/no_secret'.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	fwschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
	"github.com/l2msg/terraform-provider-l2msg/internal/tfrun"
)

// contractCheck is one promise, checked on every resource type.
type contractCheck struct {
	name string
	run  func(t *testing.T, c *contractCase)
	// skip, when set, says from the type's schema alone why the check has
	// nothing to check there (or ""), before a working directory and an
	// emulator are set up for it.
	skip func(t *testing.T, typ string) string
}

var contractChecks = []contractCheck{
	{"no_secret_echoed", checkNoSecretEchoed, nil},
	{"ambiguous_create_adopted", checkAmbiguousCreateAdopted, nil},
	{"import_keeps_secrets", checkImportKeepsSecrets, func(t *testing.T, typ string) string {
		if twins, _ := secretTwinsOfType(t, typ); len(twins) == 0 {
			return typ + " has no secret with a write-only twin"
		}
		return ""
	}},
}

// contractExceptions are the "check type" pairs the walk cannot exercise,
// each with the reason. Empty today: every type is checked.
var contractExceptions = map[string]string{}

func TestContract(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC not set: this runs the terraform CLI")
	}
	t.Parallel()
	types := servedResourceTypes(t)
	start := time.Now()
	var mu sync.Mutex
	used := map[string]bool{}
	t.Run("cases", func(t *testing.T) {
		for _, typ := range types {
			for _, check := range contractChecks {
				key := check.name + " " + typ
				t.Run(typ+"/"+check.name, func(t *testing.T) {
					t.Parallel()
					if why, ok := contractExceptions[key]; ok {
						mu.Lock()
						used[key] = true
						mu.Unlock()
						t.Skip("exception: " + why)
					}
					if check.skip != nil {
						if why := check.skip(t, typ); why != "" {
							t.Skip(why)
						}
					}
					check.run(t, newContractCase(t, typ))
				})
			}
		}
	})
	for key := range contractExceptions {
		if !used[key] {
			t.Errorf("contractExceptions entry %q matches no check and resource type; remove it", key)
		}
	}
	t.Logf("%d checks on %d resource types took %s", len(contractChecks), len(types), time.Since(start).Round(time.Second))
}

// servedResourceTypes are the type names of the provider's resources.
func servedResourceTypes(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, ctor := range New("test")().Resources(context.Background()) {
		var md resource.MetadataResponse
		ctor().Metadata(context.Background(), resource.MetadataRequest{ProviderTypeName: "l2msg"}, &md)
		out = append(out, md.TypeName)
	}
	slices.Sort(out)
	if len(out) < 24 {
		t.Fatalf("the provider serves %d resource types, want at least 24", len(out))
	}
	return out
}

// contractCase is one resource type's example in its own working
// directory, against its own emulator.
type contractCase struct {
	t *testing.T
	// typ is the resource type under test, such as l2msg_proxy.
	typ string
	// config is the example, as written to main.tf after the provider
	// block (see setConfig).
	config string
	// under are the addresses of the example's resources of type typ;
	// dependencies the addresses of the others.
	under, dependencies []string
	// vars are the example's variables and the values they are given
	// (TF_VAR_…): each holds ", \, <>& and non-ASCII, unless the attribute
	// it is assigned to refuses the character (see contractSecret).
	vars map[string]string
	// ownSecrets are the variables assigned in the blocks of type typ.
	ownSecrets []string
	// seen are every value vars ever had, for scanForSecrets.
	seen map[string]string
	// generation counts rotateSecrets calls.
	generation int

	server *contractServer
	url    string
	w      *tfrun.Workdir
	tr     *transcript
}

var (
	exampleResource = regexp.MustCompile(`(?m)^resource "([^"]+)" "([^"]+)"`)
	exampleVariable = regexp.MustCompile(`(?m)^variable "([^"]+)"`)
)

func newContractCase(t *testing.T, typ string) *contractCase {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "examples", "resources", typ, "resource.tf"))
	if err != nil {
		t.Fatalf("%s has no example to run (examples/resources/%s/resource.tf): %v", typ, typ, err)
	}
	c := &contractCase{t: t, typ: typ, config: string(raw), vars: map[string]string{}, seen: map[string]string{}}
	for _, m := range exampleResource.FindAllStringSubmatch(c.config, -1) {
		if m[1] == typ {
			c.under = append(c.under, m[1]+"."+m[2])
		} else {
			c.dependencies = append(c.dependencies, m[1]+"."+m[2])
		}
	}
	if len(c.under) == 0 {
		t.Fatalf("the example of %s has no resource of that type", typ)
	}
	for _, m := range exampleVariable.FindAllStringSubmatch(c.config, -1) {
		c.vars[m[1]] = ""
	}
	for _, block := range c.blocksUnderTest() {
		for name := range c.vars {
			if regexp.MustCompile(`var\.` + name + `\b`).MatchString(block) {
				c.ownSecrets = append(c.ownSecrets, name)
			}
		}
	}
	slices.Sort(c.ownSecrets)
	c.rotateSecrets()

	// Deleted at once: the lost-answer check replaces the instance and puts
	// a 500 over its create's answer, assuming the server made it. With the
	// measured delete lag the server may instead have refused the name it
	// was still freeing, which the 500 would hide.
	emu := emulator.New(emulator.Options{APIKey: testAPIKey, DeleteDelay: emulator.DeleteAtOnce})
	c.server = &contractServer{emu: emu}
	srv := httptest.NewServer(c.server)
	t.Cleanup(srv.Close)
	c.url = srv.URL + emu.Prefix()
	c.w = cliWorkdirWithoutRace(t, c.mainTF())
	c.tr = newTranscript(t, c.w)
	return c
}

// blocksUnderTest are the texts of the example's blocks of type typ.
func (c *contractCase) blocksUnderTest() []string {
	var out []string
	for _, loc := range exampleResource.FindAllStringSubmatchIndex(c.config, -1) {
		if c.config[loc[2]:loc[3]] != c.typ {
			continue
		}
		end := strings.Index(c.config[loc[1]:], "\n}")
		out = append(out, c.config[loc[0]:loc[1]+end+2])
	}
	return out
}

func (c *contractCase) mainTF() string {
	return fastRetryProviderBlock(c.url, 0) + c.config
}

// setConfig replaces the example (after the provider block).
func (c *contractCase) setConfig(config string) {
	c.t.Helper()
	c.config = config
	if err := c.w.WriteFile("main.tf", requiredProviders+c.mainTF()); err != nil {
		c.t.Fatal(err)
	}
}

// rotateSecrets gives every variable a new value and bumps every
// write-only version of the configuration, so the next apply sends the
// new secrets: an update (or a replacement) of every resource that has a
// secret.
func (c *contractCase) rotateSecrets() {
	c.newSecretValues()
	if c.generation > 1 {
		c.setConfig(regexp.MustCompile(`(_wo_version\s*=\s*)\d+`).ReplaceAllString(c.config, fmt.Sprintf("${1}%d", c.generation)))
	}
}

func (c *contractCase) newSecretValues() {
	c.generation++
	for name := range c.vars {
		v := c.contractSecret(name)
		c.vars[name] = v
		c.seen[fmt.Sprintf("%s (generation %d)", name, c.generation)] = v
	}
}

// usePlainSecrets gives the variables new values and moves the blocks of
// the type under test from the write-only form of their secrets to the
// plain, Sensitive one (`api_key_wo = var.k` and its version become
// `api_key = var.k`), so the next apply sends the new secrets from plan
// and state instead of the configuration. The variables lose `ephemeral`,
// which only write-only arguments accept. It reports whether any block
// changed form.
func (c *contractCase) usePlainSecrets() bool {
	c.newSecretValues()
	config := regexp.MustCompile(`(?m)^\s*ephemeral\s*=\s*true\s*\n`).ReplaceAllString(c.config, "")
	changed := false
	for _, block := range c.blocksUnderTest() {
		plain := regexp.MustCompile(`(?m)^\s*\w+_wo_version\s*=.*\n`).ReplaceAllString(block, "")
		plain = regexp.MustCompile(`(?m)^(\s*\w+)_wo(\s*)=(\s*var\.)`).ReplaceAllString(plain, "${1}${2}   =${3}")
		if plain != block {
			changed = true
			config = strings.Replace(config, block, plain, 1)
		}
	}
	c.setConfig(config)
	return changed
}

// contractSecret is a value for the variable name, holding every
// character a server's escaping changes, ", \, <, >, &, and non-ASCII,
// except those a validator of the attribute it is assigned to refuses at
// plan (a proxy password cannot hold \): a plan that fails sends nothing,
// and would prove nothing.
func (c *contractCase) contractSecret(name string) string {
	v := fmt.Sprintf(`s3cr3t-%s-%d-"q\b<a>&é✓`, strings.ReplaceAll(name, "_", "-"), c.generation)
	for _, drop := range []string{`\`, `"`, `<>&`, `é✓`} {
		if c.accepted(name, v) {
			return v
		}
		v = strings.Trim(strings.Map(func(r rune) rune {
			if strings.ContainsRune(drop, r) {
				return -1
			}
			return r
		}, v), "-")
	}
	if !c.accepted(name, v) {
		c.t.Fatalf("the validators of the attributes var.%s is assigned to refuse %q", name, v)
	}
	return v
}

// accepted runs the string validators of every attribute the variable is
// assigned to directly (attr = var.name) on v.
func (c *contractCase) accepted(name, v string) bool {
	assigned := regexp.MustCompile(`(?m)^\s*(\w+)\s*=\s*var\.` + name + `\s*$`)
	for _, m := range assigned.FindAllStringSubmatch(c.config, -1) {
		typ := c.typeAssigning(m[0])
		for _, ctor := range New("test")().Resources(context.Background()) {
			r := ctor()
			var md resource.MetadataResponse
			r.Metadata(context.Background(), resource.MetadataRequest{ProviderTypeName: "l2msg"}, &md)
			if md.TypeName != typ {
				continue
			}
			var sr resource.SchemaResponse
			r.Schema(context.Background(), resource.SchemaRequest{}, &sr)
			a, ok := sr.Schema.Attributes[m[1]].(fwschema.StringAttribute)
			if !ok {
				continue
			}
			for _, val := range a.Validators {
				var resp validator.StringResponse
				val.ValidateString(context.Background(), validator.StringRequest{ConfigValue: types.StringValue(v)}, &resp)
				if resp.Diagnostics.HasError() {
					return false
				}
			}
		}
	}
	return true
}

// typeAssigning is the resource type of the block holding line.
func (c *contractCase) typeAssigning(line string) string {
	i := strings.Index(c.config, line)
	typ := ""
	for _, loc := range exampleResource.FindAllStringSubmatchIndex(c.config, -1) {
		if loc[0] < i {
			typ = c.config[loc[2]:loc[3]]
		}
	}
	return typ
}

// env is the variables' values for terraform.
func (c *contractCase) env() []string {
	var out []string
	for name, v := range c.vars {
		out = append(out, "TF_VAR_"+name+"="+v)
	}
	return out
}

// apply runs terraform (apply, plan, …) with the variables and TRACE logs
// (c.tr); wantOK says whether it must succeed.
func (c *contractCase) apply(wantOK bool, args ...string) tfrun.Result {
	c.t.Helper()
	env := c.w.Env
	c.w.Env = append(slices.Clone(env), c.env()...)
	defer func() { c.w.Env = env }()
	return c.tr.run(wantOK, args...)
}

// targetDependencies applies the example's other resources (the instance,
// a credential a bot uses), so what follows concerns the type under test
// alone.
func (c *contractCase) targetDependencies() {
	c.t.Helper()
	if len(c.dependencies) == 0 {
		return
	}
	args := []string{"apply", "-auto-approve"}
	for _, d := range c.dependencies {
		args = append(args, "-target="+d)
	}
	c.apply(true, args...)
}

// scanForSecrets fails the test if any secret (every value the variables
// had, and the provider's API key), in any spelling, is in what terraform
// printed or logged.
func (c *contractCase) scanForSecrets() {
	c.t.Helper()
	secrets := map[string]string{}
	for what, s := range c.seen {
		for how, spelled := range spellings(s) {
			secrets[what+", "+how] = spelled
		}
	}
	for how, spelled := range spellings(testAPIKey) {
		secrets["api_key, "+how] = spelled
	}
	logs, total := c.tr.scan(secrets)
	if len(logs) != c.tr.n || total == 0 {
		c.t.Errorf("captured %d log files (%d bytes) of %d commands", len(logs), total, c.tr.n)
	}
}

// spellings are s as servers and loggers write it: as is, escaped by Go's
// encoding/json (\u003c), by JavaScript's JSON.stringify (<> as they are),
// either of those twice or one after the other (a JSON text quoted in
// another), HTML-escaped (as is or JSON-escaped first), every character as
// \uXXXX. Written apart from redaction.go on purpose: the test must not
// share the code it checks.
func spellings(s string) map[string]string {
	out := map[string]string{"raw": s, "HTML": html.EscapeString(s), "\\u": allUnicodeEscapes(s)}
	escapes := map[string]func(string) string{"Go JSON": goJSON, "JS JSON": jsJSON}
	for a, fa := range escapes {
		out[a] = fa(s)
		out["HTML of "+a] = html.EscapeString(fa(s))
		for b, fb := range escapes {
			out[b+" of "+a] = fb(fa(s))
		}
	}
	for k, v := range out {
		if k != "raw" && v == s {
			delete(out, k)
		}
	}
	return out
}

func goJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

func jsJSON(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	out := strings.TrimSpace(b.String())
	return out[1 : len(out)-1]
}

func allUnicodeEscapes(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r > 0xffff {
			r1, r2 := utf16Pair(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
			continue
		}
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}

func utf16Pair(r rune) (rune, rune) {
	r -= 0x10000
	return 0xd800 + (r>>10)&0x3ff, 0xdc00 + r&0x3ff
}

// contractServer is the emulator behind a front that, when told to, answers
// every write (POST, PUT, PATCH: not a delete) with an error quoting the request's body
// in every spelling a server might use.
type contractServer struct {
	emu *emulator.Server
	// rule, when set, picks what to do with each request first (see
	// setRule); forward leaves it to the echo.
	rule atomic.Pointer[func(method, path string) action]
	// echo is the status to answer writes with; 0 forwards them.
	echo atomic.Int32
	mu   sync.Mutex
	// echoed are the bodies answered with an echo.
	echoed []string
}

func (s *contractServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rule := s.rule.Load(); rule != nil {
		if act := (*rule)(r.Method, r.URL.Path); act != forward {
			act.serve(s.emu, w, r)
			return
		}
	}
	status := int(s.echo.Load())
	if status == 0 || r.Method == http.MethodGet || r.Method == http.MethodDelete {
		s.emu.ServeHTTP(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.echoed = append(s.echoed, string(body))
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	env, _ := json.Marshal(map[string]any{
		"status": status, "error": http.StatusText(status),
		"response": map[string]any{"message": echoMessages(body, r.Header)},
	})
	_, _ = w.Write(env)
}

// echoMessages quote body: its values as they are (as a server printing
// the object does) and HTML-escaped, the object re-serialised by Go, by
// JavaScript, with every character as \uXXXX, then quoted as a JSON string,
// then HTML-escaped, and the object itself (which the client re-serialises);
// then the request's headers.
func echoMessages(body []byte, hdr http.Header) []any {
	var obj any
	if json.Unmarshal(body, &obj) != nil {
		obj = string(body)
	}
	goText, _ := json.Marshal(obj)
	var js bytes.Buffer
	enc := json.NewEncoder(&js)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(obj)
	jsText := strings.TrimSpace(js.String())
	headers, _ := json.Marshal(hdr)
	return []any{
		fmt.Sprintf("Invalid value: %v", obj),
		"<p>Invalid value: " + html.EscapeString(fmt.Sprint(obj)) + "</p>",
		"Invalid `prisma.create()` invocation: " + string(goText),
		"Invalid body (JSON.stringify): " + jsText,
		"Invalid body (\\u): " + unicodeJSON(obj),
		"Invalid body (quoted by Go): " + goJSON(string(goText)),
		"Invalid body (quoted by JavaScript): " + jsJSON(jsText),
		"<p>Invalid body: " + html.EscapeString(jsText) + "</p>",
		obj,
		"headers: " + string(headers),
	}
}

// unicodeJSON is v as JSON with every character of every string escaped
// as \uXXXX.
func unicodeJSON(v any) string {
	switch t := v.(type) {
	case string:
		return `"` + allUnicodeEscapes(t) + `"`
	case map[string]any:
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(t)) {
			parts = append(parts, unicodeJSON(k)+":"+unicodeJSON(t[k]))
		}
		return "{" + strings.Join(parts, ",") + "}"
	case []any:
		var parts []string
		for _, e := range t {
			parts = append(parts, unicodeJSON(e))
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// echoing sets the status writes are answered with (0: forwarded).
func (s *contractServer) echoing(status int) { s.echo.Store(int32(status)) }

// setRule makes rule pick what is done with each request (nil: none).
func (s *contractServer) setRule(rule func(method, path string) action) {
	if rule == nil {
		s.rule.Store(nil)
		return
	}
	s.rule.Store(&rule)
}

// echoedAny reports whether an echoed body held one of the values.
func (s *contractServer) echoedAny(values []string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range s.echoed {
		for _, v := range values {
			if strings.Contains(b, goJSON(v)) {
				return true
			}
		}
	}
	return false
}

func (s *contractServer) echoes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.echoed)
}

// checkNoSecretEchoed (issue 19, item 1): a server answering the type's
// create, then its update (with the secrets written as in the example,
// then in their plain form), with a 400 and with a 500 that quote the
// request body in every spelling gets no secret onto the screen or into
// the TRACE logs.
func checkNoSecretEchoed(t *testing.T, c *contractCase) {
	c.targetDependencies()
	own := func() []string {
		var out []string
		for _, name := range c.ownSecrets {
			out = append(out, c.vars[name])
		}
		return out
	}
	echoed := func(step string, before int) {
		t.Helper()
		if c.server.echoes() == before {
			t.Fatalf("%s: no write of %s reached the server", step, c.typ)
		}
		if len(c.ownSecrets) > 0 && !c.server.echoedAny(own()) {
			t.Fatalf("%s: no write of %s carried its secrets (%v): the check proves nothing", step, c.typ, c.ownSecrets)
		}
	}
	for _, status := range []int{http.StatusBadRequest, http.StatusInternalServerError} {
		before := c.server.echoes()
		c.server.echoing(status)
		c.apply(false, "apply", "-auto-approve")
		echoed(fmt.Sprintf("create answered %d", status), before)
	}
	c.server.echoing(0)
	c.apply(true, "apply", "-auto-approve")
	if len(c.ownSecrets) == 0 {
		// Nothing of the type is secret: a change of the example is no
		// generic matter, and only the API key could leak, which every
		// create above carried.
		t.Logf("%s has no secret of its own: the update steps are skipped", c.typ)
		c.scanForSecrets()
		return
	}
	failedUpdates := func(form string) {
		t.Helper()
		for _, status := range []int{http.StatusBadRequest, http.StatusInternalServerError} {
			before := c.server.echoes()
			c.server.echoing(status)
			c.apply(false, "apply", "-auto-approve")
			echoed(fmt.Sprintf("update (%s) answered %d", form, status), before)
		}
	}
	// The example's form (write-only, mostly), then the plain one: the
	// secret comes from the configuration in one, from plan and state in
	// the other.
	c.rotateSecrets()
	failedUpdates("as in the example")
	if c.usePlainSecrets() {
		failedUpdates("plain form")
	} else {
		t.Logf("the example of %s writes its secrets in plain form already", c.typ)
	}
	c.scanForSecrets()
}
