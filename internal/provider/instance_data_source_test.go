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

const dataAddr = "data.l2msg_instance.test"

func matchesResource(data string) resource.TestCheckFunc {
	var checks []resource.TestCheckFunc
	for _, a := range sharedAttributes {
		checks = append(checks, resource.TestCheckResourceAttrPair(data, a, addr, a))
	}
	return resource.ComposeAggregateTestCheckFunc(checks...)
}

func dataSourceConfig(url, name, extra string) string {
	return fullConfig(url, name) + fmt.Sprintf(`
data "l2msg_instance" "test" {
  instance_name = l2msg_instance.test.id
%s}
`, extra)
}

func TestAccInstanceDataSource_matchesResource(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				Config: dataSourceConfig(url, "read me", ""),
				Check: resource.ComposeAggregateTestCheckFunc(
					matchesResource(dataAddr),
					resource.TestCheckResourceAttr(dataAddr, "webhook.events.#", "3"),
					resource.TestCheckNoResourceAttr(dataAddr, "apikey"),
					resource.TestCheckNoResourceAttr(dataAddr, "owner_jid"),
					resource.TestCheckNoResourceAttr(dataAddr, "profile_pic_url"),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectSensitiveValue(dataAddr, tfjsonpath.New("webhook").AtMapKey("headers")),
				},
			},
			{
				// Paired: the phone's profile shows, and the key when asked.
				PreConfig: func() {
					if err := emu.MarkPaired("read me"); err != nil {
						t.Fatal(err)
					}
				},
				Config: dataSourceConfig(url, "read me", "  include_apikey = true\n"),
				Check: resource.ComposeAggregateTestCheckFunc(
					matchesResource(dataAddr),
					resource.TestCheckResourceAttr(dataAddr, "status", "open"),
					resource.TestCheckResourceAttrPair(dataAddr, "apikey", addr, "apikey"),
					func(st *terraform.State) error {
						s, _ := emu.Instance("read me")
						if s.OwnerJID == "" || s.ProfilePicURL == "" {
							return fmt.Errorf("the emulator did not fill the profile: %+v", s)
						}
						return resource.ComposeAggregateTestCheckFunc(
							resource.TestCheckResourceAttr(dataAddr, "owner_jid", s.OwnerJID),
							resource.TestCheckResourceAttr(dataAddr, "profile_name", s.ProfileName),
							resource.TestCheckResourceAttr(dataAddr, "profile_pic_url", s.ProfilePicURL),
						)(st)
					},
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectSensitiveValue(dataAddr, tfjsonpath.New("apikey")),
				},
			},
		},
	})
}

// An instance made elsewhere, with no webhook and default settings.
func TestAccInstanceDataSource_someoneElsesInstance(t *testing.T) {
	_, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { createOutOfBand(t, url, client.CreateRequest{InstanceName: "theirs"}) },
				Config: providerBlock(url) + `
data "l2msg_instance" "test" {
  instance_name = "theirs"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("webhook"), knownvalue.Null()),
					statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("reject_call"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("integration"), knownvalue.StringExact("WHATSAPP-BAILEYS")),
					statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("status"), knownvalue.StringExact("close")),
				},
			},
			{
				Config: providerBlock(url) + `
data "l2msg_instance" "test" {
  instance_name = "nobody"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Could not read instance "nobody".*404`),
			},
		},
	})
}
