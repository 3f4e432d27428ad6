package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

const listAddr = "data.l2msg_instances.test"

func listConfig(url, filters string) string {
	return providerBlock(url) + fmt.Sprintf(`
data "l2msg_instances" "test" {
%s}
`, filters)
}

func names(want ...string) knownvalue.Check {
	var checks []knownvalue.Check
	for _, n := range want {
		checks = append(checks, knownvalue.ObjectPartial(map[string]knownvalue.Check{"instance_name": knownvalue.StringExact(n)}))
	}
	return knownvalue.ListExact(checks)
}

func TestAccInstancesDataSource_filters(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	instances := tfjsonpath.New("instances")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					for _, n := range []string{"sales-2", "support", "sales-1"} {
						createOutOfBand(t, url, client.CreateRequest{InstanceName: n})
					}
					if err := emu.MarkPaired("sales-2"); err != nil {
						t.Fatal(err)
					}
					emu.ResetStats()
				},
				Config: listConfig(url, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(listAddr, instances, names("sales-1", "sales-2", "support")),
				},
				// Every read of the list is one fetchInstances request: no
				// settings or webhook request per instance.
				Check: func(*terraform.State) error {
					st := emu.Stats()
					if n := st.ByRoute["GET /instance/fetchInstances"]; n == 0 || n != st.Total {
						return fmt.Errorf("requests: %v", st.ByRoute)
					}
					return nil
				},
			},
			{
				Config: listConfig(url, "  name_prefix = \"sales-\"\n"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(listAddr, instances, names("sales-1", "sales-2")),
				},
			},
			{
				Config: listConfig(url, "  name_prefix = \"sales-\"\n  status = \"open\"\n  include_apikey = true\n"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(listAddr, instances, names("sales-2")),
					statecheck.ExpectSensitiveValue(listAddr, instances.AtSliceIndex(0).AtMapKey("apikey")),
				},
				Check: func(st *terraform.State) error {
					s, _ := emu.Instance("sales-2")
					return resource.ComposeAggregateTestCheckFunc(
						resource.TestCheckResourceAttr(listAddr, "instances.0.apikey", s.Token),
						resource.TestCheckResourceAttr(listAddr, "instances.0.instance_id", s.ID),
						resource.TestCheckResourceAttr(listAddr, "instances.0.owner_jid", s.OwnerJID),
						resource.TestCheckResourceAttr(listAddr, "instances.0.profile_pic_url", s.ProfilePicURL),
					)(st)
				},
			},
			{
				Config: listConfig(url, "  name_prefix = \"nobody\"\n"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(listAddr, instances, knownvalue.ListExact([]knownvalue.Check{})),
				},
			},
		},
	})
}

// The list shows what the resource shows, for what the list carries.
func TestAccInstancesDataSource_matchesResource(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	var checks []resource.TestCheckFunc
	for _, a := range sharedAttributes {
		if a != "id" && a[:min(len(a), 7)] != "webhook" {
			checks = append(checks, resource.TestCheckResourceAttrPair(listAddr, "instances.0."+a, addr, a))
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{{
			Config: fullConfig(url, "listed") + `
data "l2msg_instances" "test" {
  name_prefix = l2msg_instance.test.id
}
`,
			Check: resource.ComposeAggregateTestCheckFunc(append(checks,
				resource.TestCheckResourceAttr(listAddr, "instances.#", "1"),
				resource.TestCheckNoResourceAttr(listAddr, "instances.0.apikey"),
			)...),
		}},
	})
}

func TestAccInstancesDataSource_badStatusRejectedAtPlan(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config:      listConfig(url, "  status = \"paired\"\n"),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)status.*value must be one of`),
		}},
	})
	if st := emu.Stats(); st.Total != 0 {
		t.Fatalf("bad input reached the server: %d requests (%v)", st.Total, st.ByRoute)
	}
}
