package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

func TestCheckListen(t *testing.T) {
	tests := []struct {
		addr   string
		remote bool
		ok     bool
	}{
		{"127.0.0.1:8080", false, true},
		{"127.0.0.2:0", false, true},
		{"[::1]:8080", false, true},
		{"localhost:8080", false, true},
		{":8080", false, false},
		{"0.0.0.0:8080", false, false},
		{"[::]:8080", false, false},
		{"192.168.1.10:8080", false, false},
		{"example.com:8080", false, false},
		{"0.0.0.0:8080", true, true},
		{":8080", true, true},
		{"no-port", false, false},
	}
	for _, tt := range tests {
		err := checkListen(tt.addr, tt.remote)
		if (err == nil) != tt.ok {
			t.Errorf("checkListen(%q, %v) = %v, want ok=%v", tt.addr, tt.remote, err, tt.ok)
		}
	}
}

func TestParseFlags(t *testing.T) {
	noEnv := func(string) string { return "" }
	env := func(k string) string {
		if k == apiKeyEnv {
			return "from-env"
		}
		return ""
	}

	if _, err := parseFlags(nil, noEnv, io.Discard); err == nil || !strings.Contains(err.Error(), apiKeyEnv) {
		t.Fatalf("missing key: %v", err)
	}
	cfg, err := parseFlags(nil, env, io.Discard)
	// Deletes lag as on the real server by default, as the README says;
	// clientName is the server's default.
	if err != nil || cfg.apiKey != "from-env" || cfg.listen != "127.0.0.1:8080" || cfg.options().DeleteDelay != 0 ||
		cfg.options().ClientName != "evolution" || cfg.options().WebhookRetry != 5*time.Second || cfg.refuseProxies {
		t.Fatalf("%+v %v", cfg, err)
	}
	for flagValue, want := range map[string]time.Duration{"0": emulator.DeleteAtOnce, "measured": 0, "3s": 3 * time.Second} {
		if cfg, err := parseFlags([]string{"-delete-delay", flagValue}, env, io.Discard); err != nil || cfg.options().DeleteDelay != want {
			t.Errorf("-delete-delay %s: %v %v", flagValue, cfg.options().DeleteDelay, err)
		}
	}
	cfg, err = parseFlags([]string{"-webhook-receivers-down", "-webhook-retry", "10ms", "-client-name", "evolution_exchange",
		"-refuse-proxies", "-working-proxies", "a.example, b.example"}, env, io.Discard)
	if o := cfg.options(); err != nil || !o.WebhookReceiversDown || o.WebhookRetry != 10*time.Millisecond ||
		o.ClientName != "evolution_exchange" || !o.RefuseProxies || !slices.Equal(o.WorkingProxies, []string{"a.example", "b.example"}) {
		t.Fatalf("%+v %v", o, err)
	}
	cfg, err = parseFlags([]string{"-api-key", "flag", "-prefix", "/whatsapp", "-delete-delay", "2s",
		"-fault-rate", "0.2", "-fault-seed", "5", "-fault-kinds", "drop,created-then-failed"}, env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.apiKey != "flag" || cfg.prefix != "/whatsapp" || cfg.deleteDelay.d != 2*time.Second ||
		cfg.faults.Rate != 0.2 || cfg.faults.Seed != 5 || len(cfg.faults.Kinds) != 2 || cfg.faults.Kinds[1] != emulator.FaultCreatedThenFailed {
		t.Fatalf("%+v", cfg)
	}
	if cfg, _ = parseFlags([]string{"-disable", "CHATWOOT_ENABLED, NATS_ENABLED"}, env, io.Discard); !slices.Equal(cfg.disabled, []string{"CHATWOOT_ENABLED", "NATS_ENABLED"}) {
		t.Fatalf("-disable %v", cfg.disabled)
	}
	if cfg, _ = parseFlags([]string{"-v1"}, env, io.Discard); !cfg.v1Shapes {
		t.Fatal("-v1 was not read")
	}
	// The settings race is on by default, as on the real server.
	if cfg, _ = parseFlags(nil, env, io.Discard); !cfg.settingsRace || cfg.raceWindow != emulator.DefaultSettingsRaceWindow {
		t.Fatalf("settings race by default: %v %s", cfg.settingsRace, cfg.raceWindow)
	}
	if cfg, _ = parseFlags([]string{"-settings-race=false", "-settings-race-window", "1s"}, env, io.Discard); cfg.settingsRace || cfg.raceWindow != time.Second {
		t.Fatalf("-settings-race=false: %v %s", cfg.settingsRace, cfg.raceWindow)
	}
	if cfg, _ = parseFlags([]string{"-fault-rate", "0.1"}, env, io.Discard); len(cfg.faults.Kinds) != 3 {
		t.Fatalf("default kinds %v", cfg.faults.Kinds)
	}
	for _, bad := range [][]string{
		{"-fault-kinds", "boom"},
		{"-fault-rate", "2"},
		{"-delete-delay", "-1s"},
		{"-delete-delay", "soon"},
		{"-listen", "0.0.0.0:8080"},
		{"-settings-race-window", "-1s"},
		{"extra"},
	} {
		if _, err := parseFlags(bad, env, io.Discard); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if _, err := parseFlags([]string{"-listen", "0.0.0.0:0", "-allow-remote"}, env, io.Discard); err != nil {
		t.Errorf("-allow-remote: %v", err)
	}
	if _, err := parseFlags([]string{"-h"}, env, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
}

// syncBuffer is written by server goroutines and read by the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRunServesLogsAndShutsDown(t *testing.T) {
	addrFile := filepath.Join(t.TempDir(), "addr")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-addr-file", addrFile, "-prefix", "/whatsapp",
			"-fault-rate", "1", "-fault-kinds", "drop"}, func(string) string { return "super-secret-key" }, logs)
	}()

	var addr string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(addrFile); err == nil {
			addr = strings.TrimSpace(string(b))
			break
		}
	}
	if addr == "" {
		t.Fatalf("no address written; logs:\n%s", logs)
	}
	base := "http://" + addr

	post := func(path, body string) (int, error) {
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
		req.Header.Set("apikey", "super-secret-key")
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		res.Body.Close()
		return res.StatusCode, nil
	}
	// The drop fault hijacks through the logging wrapper.
	if _, err := post("/whatsapp/instance/create", `{}`); err == nil {
		t.Fatal("drop fault did not drop")
	}
	if code, err := post("/__emulator/faults", `{}`); err != nil || code != http.StatusNoContent {
		t.Fatalf("turning faults off: %d %v", code, err)
	}
	code, err := post("/whatsapp/instance/create", `{"instanceName":"x","integration":"WHATSAPP-BAILEYS",
		"webhook":{"url":"https://h.example","headers":{"authorization":"Bearer hook-secret"},"events":[]}}`)
	if err != nil || code != http.StatusCreated {
		t.Fatalf("create: %d %v", code, err)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no shutdown")
	}
	out := logs.String()
	for _, want := range []string{"listening on http://" + addr + "/whatsapp", "POST /whatsapp/instance/create 201", "POST /whatsapp/instance/create dropped", "shutting down"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{"super-secret-key", "hook-secret"} {
		if strings.Contains(out, secret) {
			t.Errorf("log leaks %q:\n%s", secret, out)
		}
	}
	if _, err := os.Stat(addrFile); !os.IsNotExist(err) {
		t.Errorf("address file left behind: %v", err)
	}
}
