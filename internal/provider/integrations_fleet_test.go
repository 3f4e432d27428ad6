package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// integrationsFleetConfig is n instances, each with a webhook, a proxy and
// a Chatwoot inbox.
func integrationsFleetConfig(providerHCL string, n int) string {
	return fleetConfig(providerHCL, n) + fmt.Sprintf(`
resource "l2msg_instance_proxy" "fleet" {
  count         = %[1]d
  instance_name = l2msg_instance.fleet[count.index].instance_name
  instance_id   = l2msg_instance.fleet[count.index].instance_id
  host          = "proxy.example.com"
  port          = 3128
  username      = "fleet"
  password      = "fleet-pass"
}

resource "l2msg_instance_chatwoot" "fleet" {
  count          = %[1]d
  instance_name  = l2msg_instance.fleet[count.index].instance_name
  instance_id    = l2msg_instance.fleet[count.index].instance_id
  account_id     = "1"
  token          = "fleet-token"
  url            = "https://chatwoot.example.com"
  sign_msg       = true
  sign_delimiter = "\n"
}
`, n)
}

// A no-change plan of N instances that each have a proxy and a Chatwoot
// inbox costs the instance listing plus one webhook/find per instance: the
// proxy and Chatwoot rows come from the listing, so they add no request.
// The bound the issue sets is the listing plus one find per object (1+3N).
func TestAccIntegrations_fleetPlanUsesTheListing(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	const n = 12
	cfg := integrationsFleetConfig(providerBlock(url), n)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: emu.ResetStats,
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					// The step refreshes twice (plan, then the check's own
					// refresh): count per walk.
					st := emu.Stats()
					walks := st.ByRoute["GET /instance/fetchInstances"]
					if walks == 0 {
						return fmt.Errorf("no listing: %v", st.ByRoute)
					}
					if got := st.ByRoute["GET /proxy/find/:name"] + st.ByRoute["GET /chatwoot/find/:name"]; got != 0 {
						return fmt.Errorf("%d proxy/chatwoot finds, want 0 (the listing carries them): %v", got, st.ByRoute)
					}
					if st.Mutating != 0 {
						return fmt.Errorf("a no-change plan wrote: %v", st.ByRoute)
					}
					if perWalk := st.Total / walks; perWalk > n+1 {
						return fmt.Errorf("%d requests per refresh of %d instances with proxy and Chatwoot, want at most %d: %v",
							perWalk, n, n+1, st.ByRoute)
					}
					t.Logf("no-change refresh of %d instances with proxy and Chatwoot: %d requests per walk (%.2f per instance)",
						n, st.Total/walks, float64(st.Total/walks)/n)
					return nil
				},
			},
		},
	})
}
