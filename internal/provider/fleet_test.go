package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// fleetConfig is n instances, each with a webhook, as agencies manage them.
// It counts rather than using for_each, whose string keys the testing
// framework's state checks cannot address.
func fleetConfig(providerHCL string, n int) string {
	return providerHCL + fmt.Sprintf(`
resource "l2msg_instance" "fleet" {
  count         = %d
  instance_name = format("fleet-%%02d", count.index)
  webhook = {
    url    = "https://hooks.example.com/fleet-${format("%%02d", count.index)}"
    events = ["MESSAGES_UPSERT"]
  }
}
`, n)
}

func fleetAddr(i int) string { return fmt.Sprintf("l2msg_instance.fleet[%d]", i) }

// A refresh of 30 instances reads them all from one listing: one request
// for the listing, one webhook/find each, where reading each instance alone
// would take 60.
func TestAccInstance_fleetRefreshUsesOneListing(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	const n = 30
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{Config: fleetConfig(providerBlock(url), n)},
			{
				PreConfig:    emu.ResetStats,
				RefreshState: true,
				Check: func(*terraform.State) error {
					st := emu.Stats()
					if st.Total > n+2 {
						return fmt.Errorf("a refresh of %d instances made %d requests, want at most %d: %v", n, st.Total, n+2, st.ByRoute)
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

// Changes made outside Terraform to a few instances among 30 still show:
// settings and webhook from the shared listing and webhook/find, and an
// instance missing from the listing is re-created.
func TestAccInstance_fleetDriftIsDetected(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	cfg := fleetConfig(providerBlock(url), 30)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					if err := emu.SetSettings("fleet-17", func(s *emulator.Settings) { s.RejectCall = true }); err != nil {
						t.Fatal(err)
					}
					if err := emu.SetWebhook("fleet-23", func(w *emulator.Webhook) { w.URL = "https://elsewhere.example.com" }); err != nil {
						t.Fatal(err)
					}
					if !emu.Remove("fleet-05") {
						t.Fatal("fleet-05 was not on the server")
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(fleetAddr(17), plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(fleetAddr(23), plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(fleetAddr(5), plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(fleetAddr(0), plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction(fleetAddr(29), plancheck.ResourceActionNoop),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkServer(emu, "fleet-17", func(s emulator.Snapshot) error {
						if s.Settings.RejectCall {
							return fmt.Errorf("reject_call was not put back")
						}
						return nil
					}),
					checkServer(emu, "fleet-23", func(s emulator.Snapshot) error {
						if s.Webhook == nil || s.Webhook.URL != "https://hooks.example.com/fleet-23" {
							return fmt.Errorf("webhook was not put back: %+v", s.Webhook)
						}
						return nil
					}),
					checkServer(emu, "fleet-05", func(emulator.Snapshot) error { return nil }),
				),
			},
		},
	})
}
