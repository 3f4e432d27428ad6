package provider

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

func v1FleetConfig(url, number string) string {
	return providerBlock(url) + fmt.Sprintf(`
resource "l2msg_instance" "test" {
  count         = 3
  instance_name = "v1-${count.index}"
  number        = %q
}
`, number)
}

// Against a server answering in v1's shapes (the create answer l2msg's page
// shows, rows keeping their name under instance.instanceName), a
// replacement of three instances and their destroy wait, as against a v2
// server, until the server no longer lists the old names: the three deletes
// are confirmed by one listing of v1 rows.
func TestAccInstance_v1Server(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{V1Shapes: true, DeleteDelay: 1500 * time.Millisecond, LogRequests: true})
	names := []string{"v1-0", "v1-1", "v1-2"}
	// Each name is deleted, then created once, answered 201: a create sent
	// while the old instance was still listed would be refused (403), and
	// the apply would fail.
	createdAfterDeletes := func(*terraform.State) error {
		for _, n := range names {
			var seen []string
			deleted, created := false, 0
			for _, rq := range emu.Requests() {
				if rq.Name != n {
					continue
				}
				seen = append(seen, fmt.Sprintf("%s %d", rq.Route, rq.Status))
				switch rq.Route {
				case "DELETE /instance/delete/:name":
					deleted = rq.Status == http.StatusOK
				case "POST /instance/create":
					if !deleted || rq.Status != http.StatusCreated {
						return fmt.Errorf("%s: requests %v, want its delete, then one create answered 201", n, seen)
					}
					created++
				}
			}
			if created != 1 {
				return fmt.Errorf("%s: requests %v, want its delete, then one create answered 201", n, seen)
			}
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				Config: v1FleetConfig(url, "5511911111111"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr+".0", "instance_name", "v1-0"),
					resource.TestCheckResourceAttrSet(addr+".2", "id"),
				),
			},
			{
				PreConfig: emu.ResetStats,
				Config:    v1FleetConfig(url, "5511922222222"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr+"[1]", plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: createdAfterDeletes,
			},
		},
	})
}
