package provider

// The contract's check of issue 19, item 2 (see contract_test.go): a
// create that the server acted on but whose answer never came back (Ctrl-C,
// a 500 after the insert) is adopted with no error and leaves nothing
// behind, for every resource type that creates.

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
	"github.com/l2msg/terraform-provider-l2msg/internal/tfrun"
)

// isCreate is a request that makes a new object on the server, which the
// server cannot be asked to make idempotently: an instance, a bot, an
// OpenAI credential. Every other write is an upsert or an update.
func isCreate(method, path string) bool {
	return method == http.MethodPost && (path == "/instance/create" || strings.Contains(path, "/create/") ||
		strings.HasPrefix(path, "/openai/creds/"))
}

// checkAmbiguousCreateAdopted: with its dependencies in place, the type's
// create is interrupted (Ctrl-C) after the server made the object; the
// next apply succeeds, says what it did, and leaves nothing behind. Then a
// replacement whose create is answered 500 after the server made the
// object succeeds in the same apply, with a warning, and leaves nothing
// behind either. A type whose writes are all upserts has nothing to check.
func checkAmbiguousCreateAdopted(t *testing.T, c *contractCase) {
	c.targetDependencies()
	held := make(chan struct{})
	var once sync.Once
	c.server.setRule(func(method, path string) action {
		if isCreate(method, path) {
			once.Do(func() { close(held) })
			return holdAfter
		}
		return forward
	})
	res, err := c.applyInterrupted(held)
	select {
	case <-held:
	default:
		c.server.setRule(nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Skip("creates nothing the server could make twice: its writes are upserts")
	}
	if err == nil || crashed(res.Stderr) {
		t.Fatalf("the interrupted apply: %v\n%s", err, res.Stderr)
	}
	c.server.setRule(nil)
	// The object is adopted with a warning, or was recorded (tainted) by
	// the interrupted apply and is replaced: either way the user is told.
	// OpenTofu keeps what the interrupted create saved without tainting it;
	// its refresh then shows the object as changed outside and completes it.
	out := c.apply(true, "apply", "-auto-approve").Stdout
	if !strings.Contains(out, "adopted from the server") && !strings.Contains(out, "is tainted, so must be replaced") &&
		!strings.Contains(out, "Objects have changed outside of OpenTofu") {
		t.Errorf("the apply after the interrupt neither adopted the object with a warning nor replaced it:\n%s", out)
	}
	c.checkNothingLeftBehind()

	c.server.setRule(func(method, path string) action {
		if isCreate(method, path) {
			return failAfter
		}
		return forward
	})
	args := []string{"apply", "-auto-approve"}
	for _, u := range c.under {
		args = append(args, "-replace="+u)
	}
	out = c.apply(true, args...).Stdout
	c.server.setRule(nil)
	if !strings.Contains(out, "adopted after a failed answer") {
		t.Errorf("the adoption after the lost answer was not reported:\n%s", out)
	}
	if res := c.apply(true, "plan", "-detailed-exitcode"); res.ExitCode != 0 {
		t.Errorf("plan not empty:\n%s", res.Stdout)
	}
	c.checkNothingLeftBehind()
}

// applyInterrupted runs terraform apply with the variables, interrupting
// it (Ctrl-C) when interrupt is closed.
func (c *contractCase) applyInterrupted(interrupt <-chan struct{}) (tfrun.Result, error) {
	env := c.w.Env
	c.w.Env = append(slices.Clone(env), c.env()...)
	defer func() { c.w.Env = env }()
	return c.w.RunInterrupted(context.Background(), interrupt, "apply", "-auto-approve", "-no-color")
}

// checkNothingLeftBehind: every instance, bot and OpenAI credential on the
// server is one that state holds.
func (c *contractCase) checkNothingLeftBehind() {
	c.t.Helper()
	inState := map[string]bool{}
	for _, r := range cliState(c.t, c.w) {
		inState[str(r.Values, "id")] = true
		if strings.HasPrefix(r.Address, "l2msg_instance.") {
			inState["instance "+str(r.Values, "instance_name")] = true
		}
	}
	emu := c.server.emu
	var left []string
	for _, name := range emu.Names() {
		if !inState["instance "+name] {
			left = append(left, "instance "+name)
		}
		for _, k := range client.BotKinds {
			for _, b := range emu.Chatbots(name, k.Prefix) {
				if id := fmt.Sprint(b["id"]); !inState[id] {
					left = append(left, k.Name+" bot "+id)
				}
			}
		}
		for id := range emu.OpenAICreds(name) {
			if !inState[id] {
				left = append(left, "OpenAI credential "+id)
			}
		}
	}
	if len(left) > 0 {
		c.t.Errorf("left on the server, in no state: %v", left)
	}
}
