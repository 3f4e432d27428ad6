// Command l2msg-emulator serves the in-memory l2msg / Evolution API emulator
// over HTTP, for `make demo`, benchmarks and users' own tests.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "l2msg-emulator:", err)
		os.Exit(1)
	}
}

type config struct {
	listen      string
	allowRemote bool
	apiKey      string
	prefix      string
	addrFile    string
	deleteDelay deleteDelay
	latency     time.Duration
	faults      emulator.FaultConfig
	disabled    []string
	v1Shapes    bool
	// settingsRace and raceWindow: see emulator.Options.NoSettingsRace.
	settingsRace bool
	raceWindow   time.Duration
	// The behaviours of the real server's deletes and proxy test.
	webhookReceiversDown bool
	webhookRetry         time.Duration
	clientName           string
	refuseProxies        bool
	workingProxies       []string
}

const apiKeyEnv = "L2MSG_EMULATOR_API_KEY"

// deleteDelay is -delete-delay: "measured" (the default) is the real
// server's lag, so that a module tested against the emulator meets the wait
// for a freed name that it will meet in production; 0 removes a deleted
// instance at once; a longer duration keeps it listed that long.
type deleteDelay struct{ d time.Duration }

func (v *deleteDelay) String() string {
	if v == nil || v.d == 0 {
		return "measured"
	}
	if v.d < 0 {
		return "0s"
	}
	return v.d.String()
}

func (v *deleteDelay) Set(s string) error {
	if s == "measured" {
		v.d = 0
		return nil
	}
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		return errors.New(`want "measured" or a duration`)
	case d < 0:
		return errors.New("a delay cannot be negative")
	case d == 0:
		v.d = emulator.DeleteAtOnce
	default:
		v.d = d
	}
	return nil
}

// options is the emulator's configuration from the flags.
func (cfg config) options() emulator.Options {
	return emulator.Options{
		APIKey:               cfg.apiKey,
		Prefix:               cfg.prefix,
		DeleteDelay:          cfg.deleteDelay.d,
		Latency:              cfg.latency,
		Faults:               cfg.faults,
		Disabled:             cfg.disabled,
		WebhookReceiversDown: cfg.webhookReceiversDown,
		WebhookRetry:         cfg.webhookRetry,
		ClientName:           cfg.clientName,
		RefuseProxies:        cfg.refuseProxies,
		WorkingProxies:       cfg.workingProxies,
		V1Shapes:             cfg.v1Shapes,
		NoSettingsRace:       !cfg.settingsRace,
		SettingsRaceWindow:   cfg.raceWindow,
	}
}

// commaList splits a comma list, dropping blanks.
func commaList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var cfg config
	var kinds, disabled, workingProxies string
	fs := flag.NewFlagSet("l2msg-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.listen, "listen", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	fs.BoolVar(&cfg.allowRemote, "allow-remote", false, "allow a non-loopback -listen address")
	fs.StringVar(&cfg.apiKey, "api-key", "", "global API key (else $"+apiKeyEnv+"); required")
	fs.StringVar(&cfg.prefix, "prefix", "", `path prefix, e.g. "/whatsapp" to look like l2msg`)
	fs.StringVar(&cfg.addrFile, "addr-file", "", "write the listening address to this file once ready")
	fs.Var(&cfg.deleteDelay, "delete-delay",
		`how long a deleted instance stays listed, its name taken, as the real server's asynchronous delete: "measured" is `+
			`the real server's 0.16-0.73 s (then the name is taken 0.08-0.27 s more), a duration keeps it listed that long, 0 removes it at once`)
	fs.BoolVar(&cfg.webhookReceiversDown, "webhook-receivers-down", false,
		"every webhook receiver cannot be reached (a host under .invalid never can): deleting an instance whose webhook gets REMOVE_INSTANCE waits for the server's retries")
	fs.DurationVar(&cfg.webhookRetry, "webhook-retry", 5*time.Second,
		"first wait between the server's attempts to deliver a webhook event (doubling, at most 60 times it, 10 attempts: 5s holds a delete 1215s)")
	fs.StringVar(&cfg.clientName, "client-name", "evolution", "the server's DATABASE_CONNECTION_CLIENT_NAME, clientName in fetchInstances rows")
	fs.BoolVar(&cfg.refuseProxies, "refuse-proxies", false,
		`refuse every proxy ("Invalid proxy") except the -working-proxies hosts, as the real server's connectivity test does without outside access`)
	fs.StringVar(&workingProxies, "working-proxies", "", "comma list of proxy hosts that -refuse-proxies lets through")
	fs.DurationVar(&cfg.latency, "latency", 0, "latency added to every API request")
	fs.Float64Var(&cfg.faults.Rate, "fault-rate", 0, "share of API requests (0..1) that get a fault")
	fs.Int64Var(&cfg.faults.Seed, "fault-seed", 1, "seed of the fault sequence")
	fs.StringVar(&kinds, "fault-kinds", "", "comma list of 500,503,429,latency,drop,created-then-failed (default 500,503,429)")
	fs.DurationVar(&cfg.faults.RetryAfter, "fault-retry-after", time.Second, "Retry-After of injected 429s")
	fs.DurationVar(&cfg.faults.Latency, "fault-latency", 100*time.Millisecond, "sleep of injected latency faults")
	fs.StringVar(&disabled, "disable", "", "comma list of integration switches to turn off, e.g. CHATWOOT_ENABLED,RABBITMQ_ENABLED (all are on by default)")
	fs.BoolVar(&cfg.v1Shapes, "v1", false, "answer create and fetchInstances in Evolution v1's shapes, as l2msg's page for the create call shows")
	fs.BoolVar(&cfg.settingsRace, "settings-race", true,
		"bot creates and settings sets that find no settings row for their instance and kind at the same time race to insert it, and the later one fails (500 \"Error setting default settings\"), as on the real server; false makes them wait for each other")
	fs.DurationVar(&cfg.raceWindow, "settings-race-window", emulator.DefaultSettingsRaceWindow,
		"how long a write that found no settings row takes to insert one, during which another write of the instance and kind loses the race")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	cfg.disabled = commaList(disabled)
	cfg.workingProxies = commaList(workingProxies)
	if cfg.raceWindow < 0 {
		return cfg, errors.New("-settings-race-window must not be negative")
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if cfg.apiKey == "" {
		cfg.apiKey = getenv(apiKeyEnv)
	}
	if cfg.apiKey == "" {
		return cfg, fmt.Errorf("an API key is required: pass -api-key or set %s", apiKeyEnv)
	}
	var err error
	if cfg.faults.Kinds, err = emulator.ParseFaultKinds(kinds); err != nil {
		return cfg, err
	}
	if len(cfg.faults.Kinds) == 0 && cfg.faults.Rate > 0 {
		cfg.faults.Kinds = []emulator.FaultKind{emulator.Fault500, emulator.Fault503, emulator.Fault429}
	}
	if err := cfg.faults.Validate(); err != nil {
		return cfg, err
	}
	return cfg, checkListen(cfg.listen, cfg.allowRemote)
}

// checkListen refuses addresses reachable from other machines unless asked:
// the emulator accepts a well-known key and must not become a public service
// by accident. Host names other than localhost are refused because they may
// resolve to anything.
func checkListen(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-listen %q: %w", addr, err)
	}
	if allowRemote || host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-listen %q is not a loopback address; pass -allow-remote to listen on it anyway", addr)
}

func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cfg, err := parseFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	emu := emulator.New(cfg.options())
	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return err
	}
	logger := log.New(stderr, "", log.LstdFlags|log.Lmicroseconds)
	srv := &http.Server{
		Handler:           logRequests(emu, logger),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          logger,
	}
	addr := ln.Addr().String()
	if cfg.addrFile != "" {
		if err := writeFileAtomic(cfg.addrFile, addr+"\n"); err != nil {
			_ = ln.Close()
			return err
		}
		defer func() { _ = os.Remove(cfg.addrFile) }()
	}
	logger.Printf("l2msg-emulator listening on http://%s%s", addr, emu.Prefix())

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Printf("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	if serveErr := <-errc; !errors.Is(serveErr, http.ErrServerClosed) && err == nil {
		err = serveErr
	}
	return err
}

// writeFileAtomic lets a script polling for the file never read half of it.
func writeFileAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".addr-*")
	if err != nil {
		return err
	}
	if _, err := tmp.WriteString(content); err != nil {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// logRequests logs one line per request. It logs no header at all, so
// neither the apikey nor a webhook header value can end up in the log.
func logRequests(next http.Handler, logger *log.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			status := "dropped"
			if rec.status != 0 {
				status = fmt.Sprint(rec.status)
			}
			logger.Printf("%s %s %s %s", r.Method, r.URL.EscapedPath(), status, time.Since(start).Round(time.Microsecond))
		}()
		next.ServeHTTP(rec, r)
	})
}

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

// Unwrap lets http.ResponseController reach the connection for the drop fault.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
