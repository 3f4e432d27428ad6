package tfrun

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Normally terraform starts the provider itself, so the provider's CPU time
// disappears into terraform's children and its memory into terraform's own
// peak. In reattach mode the caller starts the provider binary with -debug,
// tells terraform where it listens through TF_REATTACH_PROVIDERS, and is the
// provider's parent: when the provider exits, its own rusage (CPU, peak RSS)
// is read from the wait.
//
// One provider process then serves every walk of one terraform command
// (validate, plan, apply), where terraform would have started one process
// per walk. Each walk still configures the provider afresh, so a client and
// its caches live for one walk either way; only process start-up is saved.

// Usage is what a provider process used over its life.
type Usage struct {
	// CPU is user plus system time.
	CPU time.Duration
	// MaxRSS is the peak resident set size in bytes; 0 where the platform
	// does not report it.
	MaxRSS int64
}

// Reattached is a provider process started in debug mode.
type Reattached struct {
	// Env is the TF_REATTACH_PROVIDERS=… entry that points terraform at
	// the process.
	Env string

	cmd    *exec.Cmd
	stderr *syncBuffer
	exited chan struct{}
}

// StartReattached starts p's binary in debug mode with env added to its
// environment, and waits (bounded by ctx and 30 s) until it prints its
// reattach configuration.
func StartReattached(ctx context.Context, p *Provider, env []string) (*Reattached, error) {
	cmd := exec.Command(p.Binary, "-debug")
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	r := &Reattached{cmd: cmd, stderr: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stderr = r.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the provider: %w", err)
	}

	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		sent := false
		for sc.Scan() {
			if v, ok := reattachLine(sc.Text()); ok && !sent {
				found <- v
				sent = true
			}
		}
		// Keep draining so the provider never blocks on a full pipe.
		_, _ = io.Copy(io.Discard, stdout)
		close(found)
	}()
	go func() {
		_ = cmd.Wait()
		close(r.exited)
	}()

	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	select {
	case v, ok := <-found:
		if ok {
			if v, err = forEveryHost(v); err != nil {
				_ = cmd.Process.Kill()
				<-r.exited
				return nil, err
			}
			r.Env = "TF_REATTACH_PROVIDERS=" + v
			return r, nil
		}
		<-r.exited
		return nil, fmt.Errorf("the provider exited without printing TF_REATTACH_PROVIDERS\nstderr:\n%s", r.stderr)
	case <-wait.Done():
		_ = cmd.Process.Kill()
		<-r.exited
		return nil, fmt.Errorf("waiting for the provider's reattach configuration: %w\nstderr:\n%s", wait.Err(), r.stderr)
	}
}

// reattachLine finds the value in the line the POSIX branch of
// tf6server prints: `	TF_REATTACH_PROVIDERS='{…}'`. The JSON holds no
// single quote, so no shell unquoting is needed.
func reattachLine(line string) (string, bool) {
	const key = "TF_REATTACH_PROVIDERS='"
	i := strings.Index(line, key)
	if i < 0 {
		return "", false
	}
	v := strings.TrimSuffix(strings.TrimSpace(line[i+len(key):]), "'")
	if !strings.HasPrefix(v, "{") {
		return "", false
	}
	return v, true
}

// forEveryHost repeats each provider of a reattach configuration under every
// host of Hosts: the provider announces itself under Terraform's registry,
// and OpenTofu reads the same configuration's `l2msg/l2msg` as an address on
// its own.
func forEveryHost(v string) (string, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(v), &m); err != nil {
		return "", fmt.Errorf("the provider's TF_REATTACH_PROVIDERS is not JSON: %w", err)
	}
	for addr, cfg := range m {
		for _, h := range Hosts {
			if rest, ok := strings.CutPrefix(addr, Hosts[0]+"/"); ok {
				m[h+"/"+rest] = cfg
			}
		}
	}
	b, err := json.Marshal(m)
	return string(b), err
}

// Stop interrupts the provider, which makes a debug-mode provider return from
// Serve and exit, and reports its usage. A provider that does not exit within
// 10 s is killed and Stop returns an error.
func (r *Reattached) Stop() (Usage, error) {
	_ = r.cmd.Process.Signal(os.Interrupt)
	var err error
	select {
	case <-r.exited:
	case <-time.After(10 * time.Second):
		_ = r.cmd.Process.Kill()
		<-r.exited
		err = errors.New("the provider did not exit within 10s of an interrupt; killed")
	}
	ps := r.cmd.ProcessState
	if ps == nil {
		return Usage{}, errors.Join(err, errors.New("no process state for the provider"))
	}
	u := Usage{CPU: ps.UserTime() + ps.SystemTime(), MaxRSS: maxRSS(ps)}
	return u, err
}

// Stderr returns what the provider wrote to stderr so far.
func (r *Reattached) Stderr() string { return r.stderr.String() }

// RunReattached runs one terraform command against a provider process of its
// own, started with providerEnv, and returns the command's result with the
// provider's usage.
func (w *Workdir) RunReattached(ctx context.Context, p *Provider, providerEnv []string, args ...string) (Result, Usage, error) {
	r, err := StartReattached(ctx, p, providerEnv)
	if err != nil {
		return Result{Args: args}, Usage{}, err
	}
	rw := *w
	rw.Env = append(append([]string(nil), w.Env...), r.Env)
	res, runErr := rw.Run(ctx, args...)
	u, stopErr := r.Stop()
	if runErr != nil {
		runErr = fmt.Errorf("%w\nprovider stderr:\n%s", runErr, lastBytes(r.Stderr(), 4096))
	}
	return res, u, errors.Join(runErr, stopErr)
}

func lastBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// syncBuffer is a bytes.Buffer safe for the writer goroutine exec starts
// and a reader on another goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
