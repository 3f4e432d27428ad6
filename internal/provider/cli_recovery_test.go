package provider

// An interrupted or ambiguous create of a member of an instance (a bot, an
// OpenAI credential) never leaves an object the next apply trips over, and
// what the server did not do is done again (issue 19, items 2 and 3),
// through the terraform CLI against the built provider. The interrupted
// create (Ctrl-C) of every resource type is walked in recovery_walk_test.go.

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
	"github.com/l2msg/terraform-provider-l2msg/internal/tfrun"
)

// memberCase is one resource type whose create the server cannot make
// idempotent: its configuration, the route its create goes to, and how to
// read what the server holds of it.
type memberCase struct {
	name, address, config string
	// createRoute is the create's path prefix.
	createRoute string
	// onServer returns the ids the server holds.
	onServer func(emu *emulator.Server) []string
}

// memberCases are every resource type that creates a member of an
// instance: the chatbot kinds share one resource implementation, so one
// kind stands for them.
func memberCases() []memberCase {
	return []memberCase{
		{
			name: "typebot", address: "l2msg_typebot.b", createRoute: "/typebot/create/",
			config: `
resource "l2msg_typebot" "b" {
  instance_name    = l2msg_instance.i.instance_name
  url              = "https://typebot.example.com"
  typebot          = "sales"
  trigger_type     = "keyword"
  trigger_operator = "equals"
  trigger_value    = "buy"
}
`,
			onServer: func(emu *emulator.Server) []string {
				var ids []string
				for _, b := range emu.Chatbots("recover", "typebot") {
					ids = append(ids, fmt.Sprint(b["id"]))
				}
				return ids
			},
		},
		{
			name: "openai credential", address: "l2msg_openai_credential.c", createRoute: "/openai/creds/",
			config: `
resource "l2msg_openai_credential" "c" {
  instance_name = l2msg_instance.i.instance_name
  name          = "main"
  api_key       = "sk-recover-0123456789"
}
`,
			onServer: func(emu *emulator.Server) []string {
				var ids []string
				for id := range emu.OpenAICreds("recover") {
					ids = append(ids, id)
				}
				return ids
			},
		},
	}
}

func (c memberCase) workdir(t *testing.T, url string) *tfrun.Workdir {
	return cliWorkdir(t, fastRetryProviderBlock(url, 2)+`
resource "l2msg_instance" "i" {
  instance_name = "recover"
}
`+c.config)
}

// stateID is the id state holds for the case's resource, "" for none.
func (c memberCase) stateID(t *testing.T, w *tfrun.Workdir) string {
	for _, r := range cliState(t, w) {
		if r.Address == c.address {
			return str(r.Values, "id")
		}
	}
	return ""
}

// checkAdopted: the server holds one object, the one state holds; a plan
// is empty; a destroy leaves nothing.
func (c memberCase) checkAdopted(t *testing.T, emu *emulator.Server, w *tfrun.Workdir) {
	t.Helper()
	ids := c.onServer(emu)
	if len(ids) != 1 || c.stateID(t, w) != ids[0] {
		t.Errorf("the server holds %v, state %q: want the one object, in state", ids, c.stateID(t, w))
	}
	assertConvergedAndDestroy(t, emu, w)
}

// A 500 before the server acted: the create is looked for, not found, and
// sent again, in the same apply. Before, a chatbot create gave up at once
// and said the server may have completed it.
func TestAccRecovery_createNotMadeIsSentAgain(t *testing.T) {
	t.Parallel()
	for _, c := range memberCases() {
		t.Run(c.name, func(t *testing.T) {
			ic, url := newInterceptor(t)
			w := c.workdir(t, url)
			var once sync.Once
			ic.setRule(func(method, path string) action {
				act := forward
				if method == http.MethodPost && strings.HasPrefix(path, c.createRoute) {
					once.Do(func() { act = failBefore })
				}
				return act
			})
			if _, err := w.Run(context.Background(), "apply", "-auto-approve", "-no-color"); err != nil {
				t.Fatalf("apply with one create failing before the server acted: %v", err)
			}
			if n := ic.count(http.MethodPost, c.createRoute); n != 2 {
				t.Errorf("%d creates sent, want 2", n)
			}
			ic.setRule(nil)
			c.checkAdopted(t, ic.emu, w)
		})
	}
}

// Every attempt fails before the server acts: the error says the server
// did not make it, never that it may have.
func TestAccRecovery_createNotMadeSaysSo(t *testing.T) {
	t.Parallel()
	c := memberCases()[0]
	ic, url := newInterceptor(t)
	w := c.workdir(t, url)
	ic.setRule(func(method, path string) action {
		if method == http.MethodPost && strings.HasPrefix(path, c.createRoute) {
			return failBefore
		}
		return forward
	})
	res, err := w.Run(context.Background(), "apply", "-auto-approve", "-no-color")
	if err == nil {
		t.Fatal("apply succeeded with every create failing")
	}
	if strings.Contains(res.Stderr, "may have completed") || !strings.Contains(res.Stderr, "the server did not make it") {
		t.Errorf("want the error to say the server did not make it:\n%s", res.Stderr)
	}
	ic.setRule(nil)
	if _, err := w.Run(context.Background(), "destroy", "-auto-approve", "-no-color"); err != nil {
		t.Fatal(err)
	}
}

// A bot delete answered by a passing 500 is sent again; a delete of a bot
// already gone is done.
func TestAccRecovery_botDeleteRetried(t *testing.T) {
	t.Parallel()
	c := memberCases()[0]
	ic, url := newInterceptor(t)
	w := c.workdir(t, url)
	ctx := context.Background()
	if _, err := w.Run(ctx, "apply", "-auto-approve", "-no-color"); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	ic.setRule(func(method, path string) action {
		act := forward
		if method == http.MethodDelete && strings.HasPrefix(path, "/typebot/delete/") {
			once.Do(func() { act = failBefore })
		}
		return act
	})
	if _, err := w.Run(ctx, "destroy", "-auto-approve", "-no-color"); err != nil {
		t.Fatalf("destroy with one bot delete answered 500: %v", err)
	}
	if n := ic.count(http.MethodDelete, "/typebot/delete/"); n != 2 {
		t.Errorf("%d deletes sent, want 2", n)
	}
	if names := ic.emu.Names(); len(names) != 0 {
		t.Errorf("destroy left %v", names)
	}
}

// A leftover that is not identical to the configuration is refused before
// anything is sent, named, with the command that adopts it.
func TestAccRecovery_differentLeftoverNamedWithImport(t *testing.T) {
	t.Parallel()
	for _, c := range memberCases() {
		t.Run(c.name, func(t *testing.T) {
			ic, url := newInterceptor(t)
			w := c.workdir(t, url)
			ctx := context.Background()
			if _, err := w.Run(ctx, "apply", "-auto-approve", "-no-color"); err != nil {
				t.Fatal(err)
			}
			id := c.stateID(t, w)
			// Forget it, and change the configuration a little: the
			// server's object is in the way, but is not this one.
			if _, err := w.Run(ctx, "state", "rm", c.address); err != nil {
				t.Fatal(err)
			}
			cfg := strings.NewReplacer(`typebot          = "sales"`, `typebot          = "support"`,
				`api_key       = "sk-recover-0123456789"`, `api_key       = "sk-recover-other"`).Replace(c.config)
			if err := w.WriteFile("main.tf", requiredProviders+fastRetryProviderBlock(url, 2)+`
resource "l2msg_instance" "i" {
  instance_name = "recover"
}
`+cfg); err != nil {
				t.Fatal(err)
			}
			before := ic.count(http.MethodPost, c.createRoute)
			res, err := w.Run(ctx, "apply", "-auto-approve", "-no-color")
			if err == nil {
				t.Fatal("apply succeeded with a different object in the way")
			}
			want := fmt.Sprintf(`terraform import <address> "recover/%s"`, id)
			if !strings.Contains(strings.Join(strings.Fields(strings.ReplaceAll(res.Stderr, "│", "")), " "), want) {
				t.Errorf("the error does not give %s:\n%s", want, res.Stderr)
			}
			if n := ic.count(http.MethodPost, c.createRoute); n != before {
				t.Errorf("a create was sent")
			}
			if _, err := w.Run(ctx, "destroy", "-auto-approve", "-no-color"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// Two resources with one configuration (the server allows two typebots
// with trigger_type "none") each get their own bot: the second create's
// look for an identical bot must not adopt the one the first just made.
func TestAccRecovery_identicalResourcesGetTheirOwn(t *testing.T) {
	t.Parallel()
	ic, url := newInterceptor(t)
	bot := func(name string) string {
		return fmt.Sprintf(`
resource "l2msg_typebot" %q {
  instance_name = l2msg_instance.i.instance_name
  url           = "https://typebot.example.com"
  typebot       = "same"
  trigger_type  = "none"
}
`, name)
	}
	w := cliWorkdir(t, fastRetryProviderBlock(url, 2)+`
resource "l2msg_instance" "i" {
  instance_name = "recover"
}
`+bot("a")+bot("b"))
	// One at a time, so the second create sees the first's bot.
	if _, err := w.Run(context.Background(), "apply", "-auto-approve", "-no-color", "-parallelism=1"); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, r := range cliState(t, w) {
		if strings.HasPrefix(r.Address, "l2msg_typebot.") {
			ids[str(r.Values, "id")] = true
		}
	}
	if n := len(ic.emu.Chatbots("recover", "typebot")); n != 2 || len(ids) != 2 {
		t.Errorf("the server holds %d typebots and state %d distinct ids, want 2 and 2", n, len(ids))
	}
	assertConvergedAndDestroy(t, ic.emu, w)
}
