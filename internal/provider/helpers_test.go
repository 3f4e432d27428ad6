package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
	"github.com/l2msg/terraform-provider-l2msg/internal/emulator/emulatortest"
	"github.com/l2msg/terraform-provider-l2msg/internal/tfrun"
)

// Test helpers shared by the package's tests: the in-process provider and
// emulator, HCL builders, server checks, the fault-injecting interceptor,
// state-file secret checks, and the CLI working directory of the cli_*
// tests.

const testAPIKey = "test-global-key-4f1d9c"

var testAccProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"l2msg": providerserver.NewProtocol6WithError(New("test")()),
}

// newEmulator starts an in-process emulator for one test. Test HCL leaves
// required_providers out, so the in-process provider is found under its
// default address.
func newEmulator(t *testing.T, opts emulator.Options) (*emulator.Server, string) {
	t.Helper()
	if opts.APIKey == "" {
		opts.APIKey = testAPIKey
	}
	return emulatortest.NewServer(t, opts)
}

func providerBlock(baseURL string) string {
	return fmt.Sprintf("provider \"l2msg\" {\n  base_url = %q\n  api_key  = %q\n}\n", baseURL, testAPIKey)
}

// checkDestroyed fails when the emulator still holds any instance.
func checkDestroyed(emu *emulator.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if names := emu.Names(); len(names) != 0 {
			return fmt.Errorf("instances left on the server after destroy: %v", names)
		}
		return nil
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, b := range cliBuilds {
		if b.dir != "" {
			_ = os.RemoveAll(b.dir)
		}
	}
	os.Exit(code)
}

// The cli_* tests run the real terraform CLI against the provider built as
// a binary (tfrun), as a user runs it: they repeat applies, and capture
// TF_LOG output of terraform and the provider alike, which the in-process
// test framework cannot.

// requiredProviders points the CLI at the locally built provider.
const requiredProviders = `terraform {
  required_providers {
    l2msg = { source = "l2msg/l2msg" }
  }
}
`

// cliBuild is one provider binary, built once for every CLI test of the
// run that wants it; TestMain removes it.
type cliBuild struct {
	once sync.Once
	dir  string
	p    *tfrun.Provider
	err  error
}

// cliBuilds are the provider built with the race detector (true) and
// without it (false).
var cliBuilds = map[bool]*cliBuild{true: {}, false: {}}

// cliWorkdir builds the provider (with the race detector when the tests
// have it, so the provider's own code is checked too), writes main.tf and
// runs terraform init.
func cliWorkdir(t *testing.T, config string) *tfrun.Workdir {
	t.Helper()
	return cliWorkdirBuilt(t, config, raceEnabled)
}

// cliWorkdirWithoutRace is cliWorkdir with the provider built without the
// race detector even when the tests have it. TestContract uses it: it
// checks what every resource type does with secrets, an interrupted create
// and an import, one resource and its dependencies at a time, which the
// race detector has little to check in and which a race-built provider made
// 2.6 times as costly in CPU (400 s against 155 s under `make test`, a fifth
// of the run). Concurrency in the provider is raced by the cli_* tests
// (fleets, chaos, the settings race, the hostile server) and by every
// in-process acceptance test.
func cliWorkdirWithoutRace(t *testing.T, config string) *tfrun.Workdir {
	t.Helper()
	return cliWorkdirBuilt(t, config, false)
}

func cliWorkdirBuilt(t *testing.T, config string, race bool) *tfrun.Workdir {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC not set: this runs the terraform CLI")
	}
	ctx := context.Background()
	build := cliBuilds[race]
	build.once.Do(func() {
		// One build serves every test in the package, so it outlives any
		// one test's TempDir; TestMain removes it.
		build.dir, build.err = os.MkdirTemp("", "l2msg-provider-") //nolint:usetesting // shared across tests
		if build.err == nil {
			build.p, build.err = tfrun.BuildProvider(ctx, build.dir, tfrun.BuildOptions{Race: race})
		}
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	w, err := tfrun.NewWorkdir(t.TempDir(), build.p)
	if err != nil {
		t.Fatal(err)
	}
	if race {
		// A race in the provider stops it at once, so the CLI reports a
		// crash instead of the race going by unseen in its stderr.
		w.Env = append(w.Env, "GORACE=halt_on_error=1")
	}
	if err := w.WriteFile("main.tf", requiredProviders+config); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Run(ctx, "init", "-no-color"); err != nil {
		t.Fatal(err)
	}
	return w
}

// cliResource is one resource instance of `terraform show -json`.
type cliResource struct {
	Address string         `json:"address"`
	Values  map[string]any `json:"values"`
	Tainted bool           `json:"tainted"`
}

// cliState reads the state as saved, without a refresh.
func cliState(t *testing.T, w *tfrun.Workdir) []cliResource {
	t.Helper()
	res, err := w.Run(context.Background(), "show", "-json")
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Values *struct {
			RootModule struct {
				Resources []cliResource `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &out); err != nil {
		t.Fatalf("terraform show -json: %v", err)
	}
	if out.Values == nil {
		return nil
	}
	return out.Values.RootModule.Resources
}

// readStateFile returns the raw state file of the working directory.
func readStateFile(t *testing.T, w *tfrun.Workdir) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(w.Dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// str reads a string attribute of a shown resource.
func str(values map[string]any, key string) string {
	s, _ := values[key].(string)
	return s
}

func fmtBool(values map[string]any, key string) string { return fmt.Sprint(values[key]) }

// crashed reports terraform's words for a provider that died: a panic or
// a race the race detector halted on. Such a run is a bug, not a fault to
// ride out with another apply.
func crashed(stderr string) bool {
	for _, s := range []string{"Plugin did not respond", "plugin crashed", "DATA RACE", "panic:"} {
		if strings.Contains(stderr, s) {
			return true
		}
	}
	return false
}

// action is what an interceptor does with one request.
type action int

const (
	forward action = iota
	// failBefore answers 500 without the server seeing the request.
	failBefore
	// failAfter lets the server do the work, then answers 500.
	failAfter
	// holdAfter lets the server do the work, then holds the answer until
	// the client gives up on it (an interrupted apply), and answers 500.
	holdAfter
	// echoBack answers 400 with the request's body and headers in the
	// error envelope, as some servers and proxies do: a leak test.
	echoBack
)

// interceptor sits in front of an emulator and fails the requests its rule
// picks: failures aimed at one route and one moment, which the emulator's
// random faults cannot be.
type interceptor struct {
	emu  *emulator.Server
	mu   sync.Mutex
	rule func(method, path string) action
	hits map[string]int
}

// newInterceptor starts an emulator behind an interceptor that forwards
// everything until a rule is set, and returns the base URL to configure.
func newInterceptor(t *testing.T) (*interceptor, string) {
	t.Helper()
	ic := &interceptor{emu: emulator.New(emulator.Options{APIKey: testAPIKey}), hits: map[string]int{}}
	srv := httptest.NewServer(ic)
	t.Cleanup(srv.Close)
	return ic, srv.URL + ic.emu.Prefix()
}

func (ic *interceptor) setRule(rule func(method, path string) action) {
	ic.mu.Lock()
	defer ic.mu.Unlock()
	ic.rule = rule
}

// count is how many requests to method and a path starting with prefix
// reached the interceptor, failed ones included.
func (ic *interceptor) count(method, prefix string) int {
	ic.mu.Lock()
	defer ic.mu.Unlock()
	n := 0
	for k, v := range ic.hits {
		if strings.HasPrefix(k, method+" "+prefix) {
			n += v
		}
	}
	return n
}

func (ic *interceptor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ic.mu.Lock()
	ic.hits[r.Method+" "+r.URL.Path]++
	act := forward
	if ic.rule != nil {
		act = ic.rule(r.Method, r.URL.Path)
	}
	ic.mu.Unlock()
	act.serve(ic.emu, w, r)
}

// serve does what act says with a request to emu.
func (act action) serve(emu *emulator.Server, w http.ResponseWriter, r *http.Request) {
	switch act {
	case echoBack:
		body, _ := io.ReadAll(r.Body)
		hdr, _ := json.Marshal(r.Header)
		msg, _ := json.Marshal([]string{"invalid request: " + string(body), "headers: " + string(hdr)})
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"status":400,"error":"Bad Request","response":{"message":`+string(msg)+`}}`)
	case holdAfter:
		emu.ServeHTTP(httptest.NewRecorder(), r)
		select {
		case <-r.Context().Done():
		case <-time.After(time.Minute):
		}
		failWith500(w, r)
	case failAfter:
		emu.ServeHTTP(httptest.NewRecorder(), r)
		fallthrough
	case failBefore:
		failWith500(w, r)
	default:
		emu.ServeHTTP(w, r)
	}
}

func failWith500(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = io.WriteString(w, `{"status":500,"error":"Internal Server Error","response":{"message":"injected by the test"}}`)
}

// fastRetryProviderBlock is providerBlock with few, short retries, so tests
// of failures that outlast every retry stay quick.
func fastRetryProviderBlock(baseURL string, maxRetries int) string {
	return fmt.Sprintf(`provider "l2msg" {
  base_url        = %q
  api_key         = %q
  max_retries     = %d
  min_retry_delay = "10ms"
  max_retry_delay = "50ms"
}
`, baseURL, testAPIKey, maxRetries)
}

// checkStateFilesLackSecrets reads every state file terraform wrote under
// dir (the test case's WorkingDir), backups included, and fails if one holds
// any of the secrets. It proves what the framework's shimmed state cannot:
// that a value never reached the file itself. secrets is called at check
// time, when the server knows them.
func checkStateFilesLackSecrets(dir string, secrets func() []string) resource.TestCheckFunc {
	return checkStateLacksSecrets(dir, func(name string) bool { return strings.Contains(name, "tfstate") }, secrets)
}

// checkCurrentStateLacksSecrets only reads the current state files, for
// tests where an earlier step stored the secret on purpose (in a backup).
func checkCurrentStateLacksSecrets(dir string, secrets func() []string) resource.TestCheckFunc {
	return checkStateLacksSecrets(dir, func(name string) bool { return name == "terraform.tfstate" }, secrets)
}

func checkStateLacksSecrets(dir string, isState func(name string) bool, secrets func() []string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		want := secrets()
		for _, s := range want {
			if len(s) < 6 {
				return fmt.Errorf("secret %q is too short to look for", s)
			}
		}
		var files int
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !isState(d.Name()) {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			files++
			for _, s := range want {
				if strings.Contains(string(b), s) {
					return fmt.Errorf("state file %s holds a secret (%.6s…)", p, s)
				}
			}
			return nil
		})
		if err == nil && files == 0 {
			err = fmt.Errorf("no state file under %s", dir)
		}
		return err
	}
}

func TestCheckStateFilesLackSecretsFindsThem(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "work1"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "work1", "terraform.tfstate.backup"), []byte(`{"apikey":"s3cr3t-value"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "work1", "terraform.tfstate"), []byte(`{}`), 0o600); err != nil {
		t.Fatal(err)
	}
	secret := func() []string { return []string{"s3cr3t-value"} }
	if err := checkStateFilesLackSecrets(dir, secret)(nil); err == nil || !strings.Contains(err.Error(), "backup") {
		t.Errorf("a secret in a backup went unnoticed: %v", err)
	}
	if err := checkCurrentStateLacksSecrets(dir, secret)(nil); err != nil {
		t.Errorf("current state only: %v", err)
	}
	if err := checkStateFilesLackSecrets(t.TempDir(), secret)(nil); err == nil {
		t.Error("an empty directory passed: the check must find a state file")
	}
}

const addr = "l2msg_instance.test"

// fullConfig sets every field of the create call's body.
func fullConfig(baseURL, name string) string {
	return providerBlock(baseURL) + fmt.Sprintf(`
resource "l2msg_instance" "test" {
  instance_name     = %q
  integration       = "WHATSAPP-BAILEYS"
  qrcode            = true
  number            = "5511999999999"
  reject_call       = true
  msg_call          = "busy, call later"
  groups_ignore     = true
  always_online     = true
  read_messages     = true
  read_status       = true
  sync_full_history = true

  webhook = {
    url       = "https://hooks.example.com/wa"
    by_events = true
    base64    = true
    headers = {
      autorization   = "Bearer s3cr3t-hook-token"
      "Content-Type" = "application/json"
    }
    events = ["APPLICATION_STARTUP", "MESSAGES_UPSERT", "CONNECTION_UPDATE"]
  }
}
`, name)
}

func minimalConfig(baseURL, name string) string {
	return providerBlock(baseURL) + fmt.Sprintf(`
resource "l2msg_instance" "test" {
  instance_name = %q
}
`, name)
}

// checkServer runs fn against the emulator's stored copy of an instance.
func checkServer(emu *emulator.Server, name string, fn func(emulator.Snapshot) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		snap, ok := emu.Instance(name)
		if !ok {
			return fmt.Errorf("instance %q is not on the server", name)
		}
		return fn(snap)
	}
}

func sameSet(got, want []string) bool {
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w)
}

// createOutOfBand makes an instance as someone else would, outside Terraform.
func createOutOfBand(t *testing.T, url string, req client.CreateRequest) {
	t.Helper()
	c, err := client.New(client.Config{BaseURL: url, APIKey: testAPIKey})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateInstance(context.Background(), req); err != nil {
		t.Fatal(err)
	}
}

// decodeQRText reads qr_text's drawing back: each character is two
// modules stacked, a block half meaning light. The picture is scaled up so
// the reader sees crisp modules.
func decodeQRText(t *testing.T, text string) string {
	t.Helper()
	if strings.ContainsRune(text, '\x1b') {
		t.Fatalf("the drawing holds escape sequences")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	width := len([]rune(lines[0]))
	const scale = 4
	img := image.NewGray(image.Rect(0, 0, width*scale, len(lines)*2*scale))
	for y, line := range lines {
		runes := []rune(line)
		if len(runes) != width {
			t.Fatalf("line %d is %d wide, line 0 is %d", y, len(runes), width)
		}
		for x, r := range runes {
			var top, bottom bool // light halves
			switch r {
			case '█':
				top, bottom = true, true
			case '▀':
				top = true
			case '▄':
				bottom = true
			case ' ':
			default:
				t.Fatalf("unexpected character %q at line %d column %d", r, y, x)
			}
			for i, light := range []bool{top, bottom} {
				c := color.Gray{Y: 0}
				if light {
					c = color.Gray{Y: 255}
				}
				for dy := range scale {
					for dx := range scale {
						img.SetGray(x*scale+dx, (2*y+i)*scale+dy, c)
					}
				}
			}
		}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decoding the drawing: %v\n%s", err, text)
	}
	return res.GetText()
}

// sharedAttributes are the attributes the resource and the data source
// both have, webhook fields included.
var sharedAttributes = []string{
	"id", "instance_name", "instance_id", "integration", "number", "status",
	"reject_call", "msg_call", "groups_ignore", "always_online", "read_messages", "read_status", "sync_full_history",
	"webhook.url", "webhook.enabled", "webhook.by_events", "webhook.base64",
	"webhook.headers.%", "webhook.headers.autorization", "webhook.headers.Content-Type",
	"webhook.events.#",
}

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// skipCLIBelow skips a CLI test when the CLI under test (Terraform or
// OpenTofu) is older than minVersion, the first version with feature: the
// tfversion checks of terraform-plugin-testing, for tests that drive the CLI
// themselves.
// Call it before cliWorkdir: an older CLI fails init on configuration it
// does not know.
func skipCLIBelow(t *testing.T, minVersion, feature string) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC not set: this runs the terraform CLI")
	}
	w, err := tfrun.NewWorkdir(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	have, err := w.Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if have.LessThan(version.Must(version.NewVersion(minVersion))) {
		t.Skipf("%s is %s: %s need %s or later", w.Terraform, have, feature, minVersion)
	}
}
