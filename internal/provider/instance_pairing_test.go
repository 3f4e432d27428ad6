package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

func TestAccInstance_pairingChallengeFromCreateAnswer(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	cfg := providerBlock(url) + `
resource "l2msg_instance" "test" {
  instance_name = "scan me"
  qrcode        = true
  number        = "5511966665555"
}
`
	var created emulator.Snapshot
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: func(st *terraform.State) error {
					created, _ = emu.Instance("scan me")
					a := st.RootModule().Resources[addr].Primary.Attributes
					if created.QRCode == "" || a["qrcode_code"] != created.QRCode || a["pairing_code"] != created.PairingCode ||
						!strings.HasPrefix(a["qrcode_base64"], "data:image/png;base64,") {
						return fmt.Errorf("state %q %q, server %q %q", a["qrcode_code"], a["pairing_code"], created.QRCode, created.PairingCode)
					}
					return nil
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectSensitiveValue(addr, tfjsonpath.New("pairing_code")),
					statecheck.ExpectSensitiveValue(addr, tfjsonpath.New("qrcode_code")),
					statecheck.ExpectSensitiveValue(addr, tfjsonpath.New("qrcode_base64")),
				},
			},
			{
				// Once paired the server shows no challenge; state keeps the
				// one from the create answer, with no diff.
				PreConfig: func() {
					if err := emu.MarkPaired("scan me"); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "status", "open"),
					func(st *terraform.State) error {
						if got := st.RootModule().Resources[addr].Primary.Attributes["qrcode_code"]; got != created.QRCode {
							return fmt.Errorf("qrcode_code changed after pairing: %q", got)
						}
						return nil
					},
				),
			},
		},
	})
}

func TestAccInstance_noPairingChallengeWithoutQRCode(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{{
			Config: minimalConfig(url, "no qr"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("pairing_code"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("qrcode_code"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("qrcode_base64"), knownvalue.Null()),
			},
		}},
	})
}

func waitConfig(url, name, wait, extra string) string {
	return providerBlock(url) + fmt.Sprintf(`
resource "l2msg_instance" "test" {
  instance_name       = %q
  qrcode              = true
  wait_for_connection = %q
%s}
`, name, wait, extra)
}

// pairWhenPolled stands in for a person with a phone: once the provider
// has polled the new instance's state, the phone pairs. It is a PreConfig,
// so it starts with the step and not while a parallel test waits its turn.
// The loop is bounded; the test fails on its own if the pairing never
// happens.
func pairWhenPolled(t *testing.T, emu *emulator.Server, name string) func() {
	return func() {
		done := make(chan struct{})
		t.Cleanup(func() { <-done })
		go func() {
			defer close(done)
			for range 1200 {
				if emu.Stats().ByRoute["GET /instance/connectionState/:name"] > 0 {
					if err := emu.MarkPaired(name); err != nil {
						t.Errorf("MarkPaired: %v", err)
					}
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
			t.Errorf("the provider never polled the state of %q", name)
		}()
	}
}

func TestAccInstance_waitForConnectionSucceedsWhenPaired(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{{
			PreConfig: pairWhenPolled(t, emu, "waiting"),
			Config:    waitConfig(url, "waiting", "2m", ""),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "status", "open"),
				resource.TestCheckResourceAttr(addr, "wait_for_connection", "2m"),
				checkServer(emu, "waiting", func(s emulator.Snapshot) error {
					if s.Status != emulator.StateOpen {
						return fmt.Errorf("server state %q", s.Status)
					}
					return nil
				}),
			),
		}},
	})
}

func TestAccInstance_waitForConnectionTimesOut(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	var firstID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				Config: waitConfig(url, "lonely", "1s", ""),
				ExpectError: regexp.MustCompile(`(?s)No phone paired with instance "lonely" within 1s.*"connecting".*` +
					`kept\s+in\s+state,\s+marked\s+tainted.*terraform\s+untaint`),
			},
			{
				// The instance was kept, tainted: the next apply replaces it,
				// even with the wait gone from the configuration.
				PreConfig: func() {
					s, ok := emu.Instance("lonely")
					if !ok {
						t.Fatal("the instance was not kept on the server")
					}
					firstID = s.ID
				},
				Config: providerBlock(url) + `
resource "l2msg_instance" "test" {
  instance_name = "lonely"
  qrcode        = true
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: checkServer(emu, "lonely", func(s emulator.Snapshot) error {
					if s.ID == firstID {
						return fmt.Errorf("the tainted instance was not replaced")
					}
					return nil
				}),
			},
		},
	})
}

func TestAccInstance_waitForConnectionBoundedByCreateTimeout(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{{
			Config:      waitConfig(url, "impatient", "1h", "  timeouts {\n    create = \"1s\"\n  }\n"),
			ExpectError: regexp.MustCompile(`(?s)not paired before timeouts.create.*Raise timeouts.create`),
		}},
	})
}

func TestAccInstance_waitForConnectionRejectedAtPlan(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{})
	// The cases run in parallel, after this function returns.
	t.Cleanup(func() {
		if st := emu.Stats(); st.Total != 0 {
			t.Errorf("bad input reached the server: %d requests (%v)", st.Total, st.ByRoute)
		}
	})
	for _, wait := range []string{"soon", "0s", "-5m", "5"} {
		t.Run(wait, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []resource.TestStep{{
					Config:      waitConfig(url, "x", wait, ""),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)wait_for_connection\s+must\s+be\s+a\s+positive\s+Go\s+duration`),
				}},
			})
		})
	}
}

// A quick check that the wait does not hold the create when the
// integration needs no phone: API-backed instances start open.
func TestAccInstance_waitForConnectionOpenAtOnce(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{{
			Config: waitConfig(url, "evo", "10m", "  integration = \"EVOLUTION\"\n"),
			Check:  resource.TestCheckResourceAttr(addr, "status", "open"),
		}},
	})
	if n := emu.Stats().ByRoute["GET /instance/connectionState/:name"]; n != 1 {
		t.Fatalf("connectionState polled %d times, want 1", n)
	}
}
