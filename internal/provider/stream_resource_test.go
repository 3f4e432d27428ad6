package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

const pusherTestSecret = "pusher-test-secret-8b1e"

// streamRequired is the HCL a kind cannot do without.
func streamRequired(kind string) string {
	if kind != client.StreamPusher {
		return ""
	}
	return fmt.Sprintf("  app_id  = \"1234\"\n  key     = \"app-key\"\n  cluster = \"mt1\"\n  secret  = %q\n", pusherTestSecret)
}

// streamConfig is an instance with one stream of kind, linked to it.
// instanceExtra goes into the instance, body into the stream.
func streamConfig(url, kind, name, instanceExtra, body string) string {
	return providerBlock(url) + fmt.Sprintf(`
resource "l2msg_instance" "test" {
  instance_name = %q
%s
}

resource "l2msg_instance_%s" "test" {
  instance_name = l2msg_instance.test.instance_name
  instance_id   = l2msg_instance.test.instance_id
%s%s
}
`, name, instanceExtra, kind, streamRequired(kind), body)
}

func streamAddr(kind string) string { return "l2msg_instance_" + kind + ".test" }

// checkStream runs fn against the server's row of the instance's stream.
func checkStream(emu *emulator.Server, name, kind string, fn func(emulator.Stream) error) resource.TestCheckFunc {
	return checkServer(emu, name, func(s emulator.Snapshot) error {
		st, ok := s.Streams[kind]
		if !ok {
			return fmt.Errorf("instance %q has no %s stream on the server", name, kind)
		}
		if err := fn(st); err != nil {
			return fmt.Errorf("%s stream on the server: %w (%+v)", kind, err, st)
		}
		return nil
	})
}

func wantStream(enabled bool, events []string) func(emulator.Stream) error {
	return func(st emulator.Stream) error {
		if st.Enabled != enabled || !sameSet(st.Events, events) {
			return fmt.Errorf("enabled=%v events=%v, want enabled=%v events=%v", st.Enabled, st.Events, enabled, events)
		}
		return nil
	}
}

// TestAccStream_lifecycle takes every kind through create (every event),
// an update of the events, drift made on the server, import, switching off,
// and destroy, which switches it off on the server. Each step also proves
// that the next plan is empty.
func TestAccStream_lifecycle(t *testing.T) {
	for _, k := range streamKinds {
		t.Run(k.name, func(t *testing.T) {
			emu, url := newEmulator(t, emulator.Options{})
			name, kind, addr := "life-"+k.name, k.name, streamAddr(k.name)
			cfg := func(body string) string { return streamConfig(url, kind, name, "", body) }
			some := []string{"CALL", "MESSAGES_UPSERT"}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             checkDestroyed(emu),
				Steps: []resource.TestStep{
					{
						Config: cfg(""),
						Check: resource.ComposeAggregateTestCheckFunc(
							resource.TestCheckResourceAttr(addr, "id", name),
							resource.TestCheckResourceAttr(addr, "enabled", "true"),
							resource.TestCheckResourceAttr(addr, "events.#", fmt.Sprint(len(client.CurrentEvents))),
							resource.TestCheckResourceAttrPair(addr, "instance_id", "l2msg_instance.test", "instance_id"),
							checkStream(emu, name, kind, wantStream(true, emulator.AllEvents)),
						),
					},
					{
						Config: cfg(`  events = ["CALL", "MESSAGES_UPSERT"]`),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
						},
						Check: resource.ComposeAggregateTestCheckFunc(
							resource.TestCheckResourceAttr(addr, "events.#", "2"),
							checkStream(emu, name, kind, wantStream(true, some)),
						),
					},
					{
						// Changed on the server: the plan puts it back.
						PreConfig: func() {
							if err := emu.SetStream(name, kind, func(st *emulator.Stream) {
								st.Enabled, st.Events = true, []string{"CONNECTION_UPDATE"}
								st.Cluster = "eu"
							}); err != nil {
								t.Fatal(err)
							}
						},
						Config: cfg(`  events = ["CALL", "MESSAGES_UPSERT"]`),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
						},
						Check: checkStream(emu, name, kind, func(st emulator.Stream) error {
							if err := wantStream(true, some)(st); err != nil {
								return err
							}
							if kind == client.StreamPusher && (st.Cluster != "mt1" || st.Secret != pusherTestSecret || st.AppID != "1234") {
								return fmt.Errorf("pusher app not restored")
							}
							return nil
						}),
					},
					{
						ResourceName:      addr,
						ImportState:       true,
						ImportStateId:     name,
						ImportStateVerify: true,
						// An import leaves the Pusher secret out of state: it
						// cannot tell whether the configuration uses secret_wo.
						ImportStateVerifyIgnore: []string{"secret"},
					},
					{
						// Disabled: the server forgets the events, state keeps them.
						Config: cfg("  enabled = false\n  events  = [\"CALL\", \"MESSAGES_UPSERT\"]"),
						Check: resource.ComposeAggregateTestCheckFunc(
							resource.TestCheckResourceAttr(addr, "enabled", "false"),
							resource.TestCheckResourceAttr(addr, "events.#", "2"),
							checkStream(emu, name, kind, wantStream(false, nil)),
						),
					},
					{
						Config: cfg(`  events = ["CALL", "MESSAGES_UPSERT"]`),
						Check:  checkStream(emu, name, kind, wantStream(true, some)),
					},
					{
						// Destroying the stream alone switches it off.
						Config: providerBlock(url) + fmt.Sprintf("resource \"l2msg_instance\" \"test\" {\n  instance_name = %q\n}\n", name),
						Check: checkStream(emu, name, kind, func(st emulator.Stream) error {
							if err := wantStream(false, nil)(st); err != nil {
								return err
							}
							if st.Secret != "" {
								return fmt.Errorf("the destroyed stream kept its secret")
							}
							return nil
						}),
					},
				},
			})
		})
	}
}

// The server stores "every event" as its full list, as [] (servers that
// keep the empty list), or with names newer than this provider knows: none
// of them is a change from events left out.
func TestAccStream_everyEventNeverDiffs(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	const name = "every"
	setEvents := func(events []string) func() {
		return func() {
			if err := emu.SetStream(name, client.StreamNats, func(st *emulator.Stream) { st.Events = events }); err != nil {
				t.Fatal(err)
			}
		}
	}
	cfg := streamConfig(url, client.StreamNats, name, "", "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{Config: cfg},
			{PreConfig: setEvents(append(slices.Clone(emulator.AllEvents), "MESSAGING_HISTORY_SET")), Config: cfg, PlanOnly: true},
			{PreConfig: setEvents([]string{}), Config: cfg, PlanOnly: true},
			{
				// A list that is not "every event" is drift.
				PreConfig:          setEvents(emulator.AllEvents[1:]),
				Config:             cfg,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// TestAccStream_replacedWithInstance: replacing the instance deletes its
// streams on the server; with instance_id linked, the same apply re-creates
// them, and the plan after it is empty.
func TestAccStream_replacedWithInstance(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{DeleteDelay: 0})
	const name = "replaced"
	cfg := func(number string) string {
		return streamConfig(url, client.StreamRabbitmq, name, fmt.Sprintf("  number = %q", number), `  events = ["CALL"]`) + fmt.Sprintf(`
resource "l2msg_instance_pusher" "test" {
  instance_name = l2msg_instance.test.instance_name
  instance_id   = l2msg_instance.test.instance_id
%s}
`, streamRequired(client.StreamPusher))
	}
	var oldID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				Config: cfg("5511900000001"),
				Check: checkServer(emu, name, func(s emulator.Snapshot) error {
					oldID = s.ID
					return nil
				}),
			},
			{
				Config: cfg("5511900000002"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("l2msg_instance.test", plancheck.ResourceActionDestroyBeforeCreate),
						plancheck.ExpectResourceAction(streamAddr(client.StreamRabbitmq), plancheck.ResourceActionDestroyBeforeCreate),
						plancheck.ExpectResourceAction(streamAddr(client.StreamPusher), plancheck.ResourceActionDestroyBeforeCreate),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkServer(emu, name, func(s emulator.Snapshot) error {
						if s.ID == oldID {
							return fmt.Errorf("the instance was not replaced")
						}
						return nil
					}),
					checkStream(emu, name, client.StreamRabbitmq, wantStream(true, []string{"CALL"})),
					checkStream(emu, name, client.StreamPusher, wantStream(true, emulator.AllEvents)),
					resource.TestCheckResourceAttrPair(streamAddr(client.StreamRabbitmq), "instance_id", "l2msg_instance.test", "instance_id"),
				),
			},
		},
	})
}

// A server without the stream's environment switch answers with an empty
// body and stores nothing; every kind turns that into an error naming the
// variable. Pusher's set even succeeds there: only its find tells.
func TestAccStream_switchedOffOnTheServer(t *testing.T) {
	for _, k := range streamKinds {
		t.Run(k.name, func(t *testing.T) {
			sw := client.StreamSwitch(k.name)
			emu, url := newEmulator(t, emulator.Options{Disabled: []string{sw}})
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             checkDestroyed(emu),
				Steps: []resource.TestStep{
					{
						Config:      streamConfig(url, k.name, "off-"+k.name, "", ""),
						ExpectError: regexp.MustCompile(`(?s)switched\s+off.*` + sw + `=true`),
					},
					{
						// The failed apply recorded nothing: with the switch
						// on, the stream is still to be created.
						PreConfig: func() { emu.SetSwitch(sw, true) },
						Config:    streamConfig(url, k.name, "off-"+k.name, "", ""),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(streamAddr(k.name), plancheck.ResourceActionCreate)},
						},
					},
				},
			})
		})
	}
}

// Switched off after apply: Kafka and Pusher, read with their find route,
// fail the refresh with the variable's name. The listed kinds keep their
// stored row in the listing, so the plan stays quiet until a change, which
// then fails the same way.
func TestAccStream_switchedOffAfterApply(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	const name = "later"
	cfg := func(events string) string {
		return streamConfig(url, client.StreamKafka, name, "", "") + fmt.Sprintf(`
resource "l2msg_instance_rabbitmq" "test" {
  instance_name = l2msg_instance.test.instance_name
  events        = [%s]
}
`, events)
	}
	set := func(sw string, on bool) func() { return func() { emu.SetSwitch(sw, on) } }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{Config: cfg(`"CALL"`)},
			{PreConfig: set(emulator.SwitchKafka, false), Config: cfg(`"CALL"`), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)KAFKA_ENABLED=true`)},
			{PreConfig: set(emulator.SwitchKafka, true), Config: cfg(`"CALL"`), PlanOnly: true},
			{PreConfig: set(emulator.SwitchRabbitmq, false), Config: cfg(`"CALL"`), PlanOnly: true},
			{Config: cfg(`"CALL", "LOGOUT_INSTANCE"`), ExpectError: regexp.MustCompile(`(?s)RABBITMQ_ENABLED=true`)},
			{PreConfig: set(emulator.SwitchRabbitmq, true), Config: cfg(`"CALL", "LOGOUT_INSTANCE"`),
				Check: checkStream(emu, name, client.StreamRabbitmq, wantStream(true, []string{"CALL", "LOGOUT_INSTANCE"}))},
		},
	})
}

// Pusher's secret through the write-only twin: sent, never in state,
// rotated by its version, and kept out of the plan after an import.
func TestAccStream_pusherSecretWriteOnly(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	const name = "pusher-wo"
	addr := streamAddr(client.StreamPusher)
	dir := t.TempDir()
	noSecret := checkStateFilesLackSecrets(dir, func() []string { return []string{"wo-secret-one", "wo-secret-two"} })
	cfg := func(secret string, version int) string {
		return providerBlock(url) + fmt.Sprintf(`
resource "l2msg_instance" "test" {
  instance_name = %q
}

resource "l2msg_instance_pusher" "test" {
  instance_name     = l2msg_instance.test.instance_name
  app_id            = "1234"
  key               = "app-key"
  cluster           = "eu"
  use_tls           = true
  secret_wo         = %q
  secret_wo_version = %d
}
`, name, secret, version)
	}
	secretIs := func(want string) resource.TestCheckFunc {
		return checkStream(emu, name, client.StreamPusher, func(st emulator.Stream) error {
			if st.Secret != want || !st.UseTLS || st.Cluster != "eu" {
				return fmt.Errorf("secret/use_tls/cluster not as sent")
			}
			return nil
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   writeOnlyAvailable,
		CheckDestroy:             checkDestroyed(emu),
		WorkingDir:               dir,
		Steps: []resource.TestStep{
			{
				Config: cfg("wo-secret-one", 1),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckNoResourceAttr(addr, "secret"),
					resource.TestCheckNoResourceAttr(addr, "secret_wo"),
					secretIs("wo-secret-one"),
					noSecret,
				),
			},
			{
				// A new value without a new version is not seen.
				Config:   cfg("wo-secret-two", 1),
				PlanOnly: true,
			},
			{
				Config: cfg("wo-secret-two", 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(resource.TestCheckNoResourceAttr(addr, "secret"), secretIs("wo-secret-two"), noSecret),
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateId:           name,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"secret", "secret_wo_version"},
			},
		},
	})
}

// With the secret in state, a secret changed on the server is drift.
func TestAccStream_pusherSecretDrift(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	const name = "pusher-drift"
	cfg := streamConfig(url, client.StreamPusher, name, "", "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					if err := emu.SetStream(name, client.StreamPusher, func(st *emulator.Stream) { st.Secret = "changed-elsewhere" }); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(streamAddr(client.StreamPusher), plancheck.ResourceActionUpdate)},
				},
				Check: checkStream(emu, name, client.StreamPusher, func(st emulator.Stream) error {
					if st.Secret != pusherTestSecret {
						return fmt.Errorf("secret not restored")
					}
					return nil
				}),
			},
		},
	})
}

// A refresh of instances with streams reads the listed kinds from the one
// instance listing: no find request for websocket, RabbitMQ, NATS or SQS,
// one for each Kafka stream (the listing does not carry it).
func TestAccStream_refreshUsesTheListing(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	const n = 3
	var cfg strings.Builder
	cfg.WriteString(providerBlock(url))
	fmt.Fprintf(&cfg, "resource \"l2msg_instance\" \"fleet\" {\n  count = %d\n  instance_name = \"streams-${count.index}\"\n}\n", n)
	for _, kind := range []string{client.StreamWebsocket, client.StreamRabbitmq, client.StreamNats, client.StreamSqs, client.StreamKafka} {
		fmt.Fprintf(&cfg, "resource \"l2msg_instance_%s\" \"fleet\" {\n  count = %d\n  instance_name = l2msg_instance.fleet[count.index].instance_name\n  instance_id = l2msg_instance.fleet[count.index].instance_id\n}\n", kind, n)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{Config: cfg.String()},
			{
				PreConfig:    emu.ResetStats,
				RefreshState: true,
				Check: func(*terraform.State) error {
					st := emu.Stats()
					for _, kind := range []string{client.StreamWebsocket, client.StreamRabbitmq, client.StreamNats, client.StreamSqs} {
						if got := st.ByRoute["GET /"+kind+"/find/:name"]; got != 0 {
							return fmt.Errorf("%s find called %d times: %v", kind, got, st.ByRoute)
						}
					}
					if got := st.ByRoute["GET /kafka/find/:name"]; got != n {
						return fmt.Errorf("kafka find called %d times, want %d: %v", got, n, st.ByRoute)
					}
					if got := st.ByRoute["GET /instance/fetchInstances"]; got != 1 {
						return fmt.Errorf("fetchInstances called %d times, want once: %v", got, st.ByRoute)
					}
					return nil
				},
			},
		},
	})
}

// A configured instance_id that is not the instance's stops the apply
// before anything is written.
func TestAccStream_instanceIDMismatch(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	cfg := providerBlock(url) + `
resource "l2msg_instance" "test" {
  instance_name = "mismatch"
}

resource "l2msg_instance_sqs" "test" {
  instance_name = l2msg_instance.test.instance_name
  instance_id   = "00000000-0000-0000-0000-000000000000"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{{
			Config:      cfg,
			ExpectError: regexp.MustCompile(`(?s)Instance id does not match`),
		}, {
			Config: providerBlock(url) + `
resource "l2msg_instance" "test" {
  instance_name = "mismatch"
}
`,
			Check: checkServer(emu, "mismatch", func(s emulator.Snapshot) error {
				if len(s.Streams) != 0 {
					return fmt.Errorf("a stream was written: %+v", s.Streams)
				}
				return nil
			}),
		}},
	})
}

// Bad stream input fails at plan with the attribute named; nothing is sent.
func TestAccStream_badInputRejectedAtPlan(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	pusher := func(body string) string {
		return "resource \"l2msg_instance_pusher\" \"test\" {\n  instance_name = \"x\"\n" + body + "\n}\n"
	}
	long := strings.Repeat("p", pusherFieldMax+1)
	app := "  app_id = \"1\"\n  key = \"k\"\n  cluster = \"mt1\"\n"
	cases := []struct{ name, config, want string }{
		{"unknown event", "resource \"l2msg_instance_rabbitmq\" \"test\" {\n  instance_name = \"x\"\n  events = [\"MESSAGE_UPSERT\"]\n}\n", `events.*value must be one of`},
		{"v1-only event", "resource \"l2msg_instance_nats\" \"test\" {\n  instance_name = \"x\"\n  events = [\"NEW_JWT_TOKEN\"]\n}\n", `events.*value must be one of`},
		{"empty events", "resource \"l2msg_instance_sqs\" \"test\" {\n  instance_name = \"x\"\n  events = []\n}\n", `events.*at least 1`},
		{"slash in instance name", "resource \"l2msg_instance_kafka\" \"test\" {\n  instance_name = \"a/b\"\n}\n", `instance_name.*must not contain a slash`},
		{"enabled a word", "resource \"l2msg_instance_websocket\" \"test\" {\n  instance_name = \"x\"\n  enabled = \"maybe\"\n}\n", `enabled.*a bool is required`},
		{"pusher without secret", pusher(app), `secret.*secret_wo`},
		{"pusher app_id too long", pusher(strings.Replace(app, `app_id = "1"`, `app_id = "`+long+`"`, 1) + "  secret = \"sec-plain-1\""), `app_id.*character count must be at most 100`},
		{"pusher key too long", pusher(strings.Replace(app, `key = "k"`, `key = "`+long+`"`, 1) + "  secret = \"sec-plain-1\""), `key.*character count must be at most 100`},
		{"pusher cluster empty", pusher(strings.Replace(app, `cluster = "mt1"`, `cluster = ""`, 1) + "  secret = \"sec-plain-1\""), `cluster.*must not be empty`},
		{"pusher secret too long", pusher(app + "  secret = \"" + long + "\""), `secret.*character count must be at most 100`},
		{"pusher secret_wo too long", pusher(app + "  secret_wo = \"" + long + "\"\n  secret_wo_version = 1"), `secret_wo.*character count must be at most 100`},
		{"pusher secret and secret_wo", pusher(app + "  secret = \"sec-plain-1\"\n  secret_wo = \"sec-wo-2\"\n  secret_wo_version = 1"), `secret.*cannot be configured together`},
		{"pusher secret_wo without version", pusher(app + "  secret_wo = \"sec-wo-2\""), `must be configured together: \[secret_wo,secret_wo_version\]`},
		{"pusher app_id missing", pusher("  key = \"k\"\n  cluster = \"mt1\"\n  secret = \"sec-plain-1\""), `app_id.*required`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []resource.TestStep{{
					Config:      providerBlock(url) + tc.config,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)` + strings.ReplaceAll(tc.want, " ", `\s+`)),
				}},
			})
		})
	}
	t.Cleanup(func() {
		if st := emu.Stats(); st.Total != 0 {
			t.Errorf("bad input reached the server: %d requests (%v)", st.Total, st.ByRoute)
		}
	})
}

// Only Pusher has a secret, Sensitive, with a write-only twin.
func TestStreamSchemaSecrets(t *testing.T) {
	for _, k := range streamKinds {
		r := k.newResource(k)
		var resp fwresource.SchemaResponse
		r.Schema(context.Background(), fwresource.SchemaRequest{}, &resp)
		if resp.Diagnostics.HasError() {
			t.Fatal(resp.Diagnostics)
		}
		if k.name != client.StreamPusher {
			if _, ok := resp.Schema.Attributes["secret"]; ok {
				t.Errorf("%s has a secret", k.name)
			}
			continue
		}
		for _, a := range []string{"secret", "secret_wo"} {
			if !resp.Schema.Attributes[a].IsSensitive() {
				t.Errorf("pusher %s is not sensitive", a)
			}
		}
		if !resp.Schema.Attributes["secret_wo"].IsWriteOnly() {
			t.Error("pusher secret_wo is not write-only")
		}
	}
}

// An instance deleted behind Terraform's back takes its streams with it:
// the refresh drops both from state, and the next apply re-creates both.
func TestAccStream_instanceRemovedOutside(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	const name = "removed"
	cfg := streamConfig(url, client.StreamWebsocket, name, "", `  events = ["CALL"]`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() { emu.Remove(name) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("l2msg_instance.test", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(streamAddr(client.StreamWebsocket), plancheck.ResourceActionCreate),
					},
				},
				Check: checkStream(emu, name, client.StreamWebsocket, wantStream(true, []string{"CALL"})),
			},
		},
	})
}

// Every stream's identity is its instance's name: set on create, and an
// import block with that identity imports it with no change to plan.
func TestAccStream_identity(t *testing.T) {
	for _, kind := range []string{client.StreamRabbitmq, client.StreamPusher} {
		t.Run(kind, func(t *testing.T) {
			emu, url := newEmulator(t, emulator.Options{})
			name := "identity-" + kind
			cfg := streamConfig(url, kind, name, "", `  events = ["CALL"]`)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				TerraformVersionChecks:   identityChecks,
				CheckDestroy:             checkDestroyed(emu),
				Steps: []resource.TestStep{
					{
						Config: cfg,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectIdentity(streamAddr(kind), map[string]knownvalue.Check{"instance_name": knownvalue.StringExact(name)}),
						},
					},
					{
						Config:          cfg,
						ResourceName:    streamAddr(kind),
						ImportState:     true,
						ImportStateKind: resource.ImportBlockWithResourceIdentity,
						// The Pusher secret, which an import leaves out of
						// state, is recorded by an update in place.
						ExpectNonEmptyPlan: kind == client.StreamPusher,
						ImportPlanChecks:   importedInPlace(streamAddr(kind)),
					},
				},
			})
		})
	}
}

// A stream's Delete switches off only the stream of the instance it was
// made for. Here the instance is deleted and re-created under its name out
// of band, with a stream of its own, and the destroy runs without a
// refresh (as `terraform destroy -refresh=false` and the test framework's
// destroy do): the new instance's stream must stay on.
func TestAccStream_deleteLeavesAnotherInstancesStream(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	const name = "recreated"
	createOutOfBand(t, url, client.CreateRequest{InstanceName: name})
	first, _ := emu.Instance(name)
	cfg := providerBlock(url) + fmt.Sprintf(`
resource "l2msg_instance_websocket" "test" {
  instance_name = %q
  instance_id   = %q
  events        = ["CALL"]
}
`, name, first.ID)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		// Without a refresh, nothing tells Terraform the instance changed.
		AdditionalCLIOptions: &resource.AdditionalCLIOptions{Plan: resource.PlanOptions{NoRefresh: true}},
		CheckDestroy: func(*terraform.State) error {
			s, ok := emu.Instance(name)
			switch {
			case !ok || s.ID == first.ID:
				return fmt.Errorf("the re-created instance is not on the server")
			case !s.Streams[client.StreamWebsocket].Enabled:
				return fmt.Errorf("the destroy switched off the re-created instance's stream: %+v", s.Streams)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: cfg,
			Check: resource.ComposeAggregateTestCheckFunc(
				checkStream(emu, name, client.StreamWebsocket, wantStream(true, []string{"CALL"})),
				func(*terraform.State) error {
					emu.Remove(name)
					createOutOfBand(t, url, client.CreateRequest{InstanceName: name})
					return emu.SetStream(name, client.StreamWebsocket, func(st *emulator.Stream) {
						st.Enabled, st.Events = true, []string{"QRCODE_UPDATED"}
					})
				},
			),
		}},
	})
}
