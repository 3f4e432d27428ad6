package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// The create and update paths when the server fails part-way. Each test
// aims one failure at one step; TestAccChaos throws them at random.

func TestAccInstance_adoptsAfterCreatedThenFailed(t *testing.T) {
	// Every create is stored by the server and then answered with a 500.
	emu, url := newEmulator(t, emulator.Options{Faults: emulator.FaultConfig{
		Rate: 1, Seed: 1, Kinds: []emulator.FaultKind{emulator.FaultCreatedThenFailed},
	}})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{{
			Config: fullConfig(url, "adopted"),
			Check: resource.ComposeAggregateTestCheckFunc(
				checkServer(emu, "adopted", func(s emulator.Snapshot) error {
					if !s.Settings.RejectCall || s.Settings.MsgCall != "busy, call later" {
						return fmt.Errorf("settings on server: %+v", s.Settings)
					}
					if s.Webhook == nil || s.Webhook.Headers["autorization"] != "Bearer s3cr3t-hook-token" || len(s.Webhook.Events) != 3 {
						return fmt.Errorf("webhook on server: %+v", s.Webhook)
					}
					return nil
				}),
				func(st *terraform.State) error {
					snap, _ := emu.Instance("adopted")
					rs := st.RootModule().Resources[addr].Primary
					if rs.Attributes["apikey"] != snap.Token || rs.Attributes["instance_id"] != snap.ID {
						return fmt.Errorf("state does not hold the adopted instance's apikey and instance_id")
					}
					stats := emu.Stats()
					if n := stats.ByRoute["POST /instance/create"]; n != 1 {
						return fmt.Errorf("create was sent %d times; an instance that exists must be adopted, not created again", n)
					}
					if n := stats.FaultsInjected[string(emulator.FaultCreatedThenFailed)]; n != 1 {
						return fmt.Errorf("%d created-then-failed faults, want 1", n)
					}
					if names := emu.Names(); len(names) != 1 {
						return fmt.Errorf("server holds %v", names)
					}
					return nil
				},
			),
		}},
	})
}

func TestAccInstance_createRetriedWhenNotStored(t *testing.T) {
	// The first create fails before the server stores anything: the
	// look-up finds nothing, so the create is sent again.
	ic, url := newInterceptor(t)
	creates := 0
	ic.setRule(func(method, path string) action {
		if method == http.MethodPost && path == "/instance/create" {
			if creates++; creates == 1 {
				return failBefore
			}
		}
		return forward
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(ic.emu),
		Steps: []resource.TestStep{{
			Config: fastRetryProviderBlock(url, 2) + `resource "l2msg_instance" "test" { instance_name = "second try" }`,
			Check: func(*terraform.State) error {
				if n := ic.count(http.MethodPost, "/instance/create"); n != 2 {
					return fmt.Errorf("create sent %d times, want 2", n)
				}
				if names := ic.emu.Names(); len(names) != 1 {
					return fmt.Errorf("server holds %v", names)
				}
				return nil
			},
		}},
	})
}

func TestAccInstance_unresolvedCreateIsTaintedThenReplaced(t *testing.T) {
	// The create is stored but answered 500, and every look-up after it
	// fails: the outcome cannot be known. The name must still reach state,
	// tainted, so the next apply finds the instance and replaces it.
	ic, url := newInterceptor(t)
	created, lookups := false, 0
	ic.setRule(func(method, path string) action {
		switch {
		case method == http.MethodPost && path == "/instance/create":
			created = true
			return failAfter
		case created && path == "/instance/fetchInstances" && lookups < 2:
			// Both attempts of the look-up (max_retries = 1); later
			// requests pass, so a failed test can still clean up.
			lookups++
			return failBefore
		}
		return forward
	})
	cfg := fastRetryProviderBlock(url, 1) + `resource "l2msg_instance" "test" {
  instance_name = "unknown outcome"
  reject_call   = true
}`
	var firstID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(ic.emu),
		Steps: []resource.TestStep{
			{
				Config:      cfg,
				ExpectError: regexp.MustCompile(`(?s)Could not create instance.*looking\s+for\s+it\s+afterwards\s+failed\s+too.*state\s+now\s+holds`),
			},
			{
				PreConfig: func() {
					snap, ok := ic.emu.Instance("unknown outcome")
					if !ok {
						t.Fatal("the create did not reach the server")
					}
					firstID = snap.ID
					ic.setRule(nil)
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: checkServer(ic.emu, "unknown outcome", func(s emulator.Snapshot) error {
					if s.ID == firstID {
						return fmt.Errorf("the tainted instance was not replaced")
					}
					if names := ic.emu.Names(); len(names) != 1 || !s.Settings.RejectCall {
						return fmt.Errorf("server holds %v, settings %+v", names, s.Settings)
					}
					return nil
				}),
			},
		},
	})
}

// The partial-failure tests below read the state as saved, with
// `terraform show -json` and no refresh, which the test framework cannot
// do: a refresh would paper over state that a failed step got wrong.

func TestAccInstance_createGivesUpAfterMaxRetries(t *testing.T) {
	// Every create fails before the server stores anything. max_retries = 2
	// allows the first create and two more: exactly 3, then an error.
	ic, url := newInterceptor(t)
	ic.setRule(func(method, path string) action {
		if method == http.MethodPost && path == "/instance/create" {
			return failBefore
		}
		return forward
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(ic.emu),
		Steps: []resource.TestStep{{
			Config:      fastRetryProviderBlock(url, 2) + `resource "l2msg_instance" "test" { instance_name = "never stored" }`,
			ExpectError: regexp.MustCompile(`Could not create instance`),
		}},
	})
	if n := ic.count(http.MethodPost, "/instance/create"); n != 3 {
		t.Errorf("create sent %d times with max_retries = 2, want 3", n)
	}
	if names := ic.emu.Names(); len(names) != 0 {
		t.Errorf("server holds %v", names)
	}
}

// The race of issue 9: the first create fails and stores nothing, someone
// else creates the name, and the retry is refused with 403. Their instance
// answers to their key, not to this create's: it is never adopted, and its
// settings are left alone.
func TestAccInstance_retryNeverAdoptsSomeoneElses(t *testing.T) {
	ic, url := newInterceptor(t)
	direct := httptest.NewServer(ic.emu)
	t.Cleanup(direct.Close)
	const theirKey = "THEIR-own-key-5c0ffee"
	creates := 0
	ic.setRule(func(method, path string) action {
		if method == http.MethodPost && path == "/instance/create" {
			switch creates++; creates {
			case 1:
				return failBefore
			case 2:
				createOutOfBand(t, direct.URL+ic.emu.Prefix(), client.CreateRequest{
					InstanceName: "raced", Token: theirKey, Settings: client.Settings{MsgCall: "theirs"}})
			}
		}
		return forward
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: fastRetryProviderBlock(url, 2) + `resource "l2msg_instance" "test" {
  instance_name = "raced"
  reject_call   = true
  msg_call      = "ours"
}`,
			ExpectError: regexp.MustCompile(`(?s)taken\s+by\s+someone\s+else`),
		}},
	})
	snap, ok := ic.emu.Instance("raced")
	if !ok || snap.Token != theirKey || snap.Settings.MsgCall != "theirs" || snap.Settings.RejectCall {
		t.Fatalf("their instance was touched: %+v", snap)
	}
}
