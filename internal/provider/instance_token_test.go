package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

var writeOnlyAvailable = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)}

func tokenConfig(url, name, body string) string {
	return providerBlock(url) + fmt.Sprintf(`
resource "l2msg_instance" "test" {
  instance_name = %q
%s
}
`, name, body)
}

// serverToken checks the key the server gave the instance.
func serverToken(emu *emulator.Server, name, want string) resource.TestCheckFunc {
	return checkServer(emu, name, func(s emulator.Snapshot) error {
		if s.Token != want {
			return fmt.Errorf("the server's key is %.4q…, want %.4q…", s.Token, want)
		}
		return nil
	})
}

var (
	expectReplace = resource.ConfigPlanChecks{
		PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
	}
	expectUpdate = resource.ConfigPlanChecks{
		PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
	}
)

func TestAccInstance_token(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				Config: tokenConfig(url, "keyed", `  token = "first-key-0123456789"`),
				Check: resource.ComposeAggregateTestCheckFunc(
					serverToken(emu, "keyed", "first-key-0123456789"),
					resource.TestCheckResourceAttr(addr, "apikey", "first-key-0123456789"),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectSensitiveValue(addr, tfjsonpath.New("token")),
				},
			},
			{
				Config:           tokenConfig(url, "keyed", `  token = "second-key-0123456789"`),
				ConfigPlanChecks: expectReplace,
				Check: resource.ComposeAggregateTestCheckFunc(
					serverToken(emu, "keyed", "second-key-0123456789"),
					resource.TestCheckResourceAttr(addr, "apikey", "second-key-0123456789"),
				),
			},
			{
				// Removing token keeps the instance and its key.
				Config:           tokenConfig(url, "keyed", ""),
				ConfigPlanChecks: expectUpdate,
				Check: resource.ComposeAggregateTestCheckFunc(
					serverToken(emu, "keyed", "second-key-0123456789"),
					resource.TestCheckResourceAttr(addr, "apikey", "second-key-0123456789"),
					resource.TestCheckNoResourceAttr(addr, "token"),
				),
			},
			{
				// Adding the key it already has changes nothing remote.
				PreConfig:        emu.ResetStats,
				Config:           tokenConfig(url, "keyed", `  token = "second-key-0123456789"`),
				ConfigPlanChecks: expectUpdate,
				Check: func(*terraform.State) error {
					if n := emu.Stats().Mutating; n != 0 {
						return fmt.Errorf("adopting the current key sent %d mutating requests", n)
					}
					return nil
				},
			},
		},
	})
}

const woSecret = "write-only-key-5f2b8e91"

func TestAccInstance_tokenWriteOnly(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	dir := t.TempDir()
	wo := func(secret string, version int) string {
		return tokenConfig(url, "hidden", fmt.Sprintf("  token_wo         = %q\n  token_wo_version = %d", secret, version))
	}
	apikeyNull := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("apikey"), knownvalue.Null()),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("token_wo"), knownvalue.Null()),
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   writeOnlyAvailable,
		WorkingDir:               dir,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				Config: wo(woSecret, 1),
				Check: resource.ComposeAggregateTestCheckFunc(
					serverToken(emu, "hidden", woSecret),
					resource.TestCheckResourceAttr(addr, "token_wo_version", "1"),
					checkStateFilesLackSecrets(dir, func() []string { return []string{woSecret} }),
				),
				ConfigStateChecks: apikeyNull,
				// The default post-apply refresh and plan prove a refresh
				// keeps apikey null and plans nothing.
			},
			{
				// A new version replaces the instance with the new key.
				Config:           wo(woSecret+"-v2", 2),
				ConfigPlanChecks: expectReplace,
				Check: resource.ComposeAggregateTestCheckFunc(
					serverToken(emu, "hidden", woSecret+"-v2"),
					checkStateFilesLackSecrets(dir, func() []string { return []string{woSecret, woSecret + "-v2"} }),
				),
				ConfigStateChecks: apikeyNull,
			},
			{
				// Dropping token_wo keeps the instance, and apikey stays null:
				// the key is still the write-only one.
				Config:            tokenConfig(url, "hidden", ""),
				ConfigPlanChecks:  expectUpdate,
				ConfigStateChecks: apikeyNull,
				Check:             checkStateFilesLackSecrets(dir, func() []string { return []string{woSecret + "-v2"} }),
			},
			{
				// A refresh, saved to the state file: Read must not bring
				// the key back now that nothing in state says write-only.
				// The post-apply plan above refreshes only in memory.
				RefreshState: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckNoResourceAttr(addr, "apikey"),
					checkStateFilesLackSecrets(dir, func() []string { return []string{woSecret + "-v2"} }),
				),
			},
			{
				// Bringing token_wo back: nothing in state shows the key it
				// replaces, so a new version means a new instance.
				Config:            wo(woSecret+"-v3", 7),
				ConfigPlanChecks:  expectReplace,
				ConfigStateChecks: apikeyNull,
				Check:             serverToken(emu, "hidden", woSecret+"-v3"),
			},
		},
	})
}

// Moving a key from token to token_wo keeps the instance and hides the key.
func TestAccInstance_tokenToWriteOnly(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	dir := t.TempDir()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   writeOnlyAvailable,
		WorkingDir:               dir,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{Config: tokenConfig(url, "moving", fmt.Sprintf("  token = %q", woSecret))},
			{
				Config:           tokenConfig(url, "moving", fmt.Sprintf("  token_wo         = %q\n  token_wo_version = 1", woSecret)),
				ConfigPlanChecks: expectUpdate,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("apikey"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("token"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					serverToken(emu, "moving", woSecret),
					checkCurrentStateLacksSecrets(dir, func() []string { return []string{woSecret} }),
				),
			},
			{
				// A different write-only key on the move needs a new instance.
				Config:           tokenConfig(url, "moving", fmt.Sprintf("  token_wo         = %q\n  token_wo_version = 2", woSecret+"-new")),
				ConfigPlanChecks: expectReplace,
				Check:            serverToken(emu, "moving", woSecret+"-new"),
			},
		},
	})
}

// An import has no configuration, so it cannot tell token_wo from token and
// leaves apikey null: the key is in no state file (nor in the saved plan,
// TestAccImportSecretTwins).
func TestAccInstance_tokenWriteOnlyImportBlock(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	dir := t.TempDir()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   writeOnlyAvailable,
		WorkingDir:               dir,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{{
			PreConfig: func() {
				createOutOfBand(t, url, client.CreateRequest{InstanceName: "adopted", Token: woSecret})
			},
			Config: tokenConfig(url, "adopted", fmt.Sprintf("  token_wo         = %q\n  token_wo_version = 1", woSecret)) + `
import {
  to = l2msg_instance.test
  id = "adopted"
}
`,
			ConfigPlanChecks: expectUpdate,
			Check: resource.ComposeAggregateTestCheckFunc(
				serverToken(emu, "adopted", woSecret),
				checkStateFilesLackSecrets(dir, func() []string { return []string{woSecret} }),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("apikey"), knownvalue.Null()),
			},
		}},
	})
}

// terraform import has no configuration at all: apikey stays null, so the
// key is in no state file, and the next apply (an update in place that
// sends nothing) records token_wo_version.
func TestAccInstance_tokenWriteOnlyImportCommand(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	dir := t.TempDir()
	cfg := tokenConfig(url, "imported", fmt.Sprintf("  token_wo         = %q\n  token_wo_version = 1", woSecret))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   writeOnlyAvailable,
		WorkingDir:               dir,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					createOutOfBand(t, url, client.CreateRequest{InstanceName: "imported", Token: woSecret})
				},
				Config:             cfg,
				ResourceName:       addr,
				ImportState:        true,
				ImportStateId:      "imported",
				ImportStatePersist: true,
				ImportStateCheck: func(s []*terraform.InstanceState) error {
					if len(s) != 1 || s[0].Attributes["apikey"] != "" {
						return fmt.Errorf("terraform import read the write-only key into apikey")
					}
					return checkStateFilesLackSecrets(dir, func() []string { return []string{woSecret} })(nil)
				},
			},
			{
				Config:           cfg,
				ConfigPlanChecks: expectUpdate,
				Check:            checkStateFilesLackSecrets(dir, func() []string { return []string{woSecret} }),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("apikey"), knownvalue.Null()),
				},
			},
		},
	})
}

func TestAccInstance_tokenRejectedAtPlan(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{})
	cases := []struct{ name, body, want string }{
		{"token and token_wo", "token = \"aaaaaaaa\"\n  token_wo = \"bbbbbbbb\"\n  token_wo_version = 1",
			`(?s)token.*cannot be configured together`},
		{"token_wo without version", `token_wo = "bbbbbbbb"`, `(?s)token_wo.*must be configured together`},
		{"version without token_wo", `token_wo_version = 1`, `(?s)token_wo.*must be configured together`},
		{"space in token", `token = "two words"`, `(?s)token must be 1 to 255 visible ASCII characters without spaces.*got 9 characters`},
		{"token_wo with a newline", "token_wo = \"a\\nbcdefgh\"\n  token_wo_version = 1", `(?s)token_wo must be 1 to 255`},
		{"long token", `token = "` + fmt.Sprintf("%0256d", 0) + `"`, `(?s)token must be 1 to 255.*got 256 characters`},
		{"business without token", "integration = \"WHATSAPP-BUSINESS\"\n  number = \"5511999999999\"",
			`(?s)token.*requires the Meta access token in token\s+\(or\s+token_wo\)`},
	}
	// The cases run in parallel, after this function returns.
	t.Cleanup(func() {
		if st := emu.Stats(); st.Total != 0 {
			t.Errorf("bad input reached the server: %d requests (%v)", st.Total, st.ByRoute)
		}
	})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				TerraformVersionChecks:   writeOnlyAvailable,
				Steps: []resource.TestStep{{
					Config:      providerBlock(url) + "resource \"l2msg_instance\" \"test\" {\n  instance_name = \"x\"\n  " + tc.body + "\n}\n",
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

func TestAccInstance_businessWithWriteOnlyToken(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   writeOnlyAvailable,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{{
			Config: tokenConfig(url, "meta", fmt.Sprintf(`  integration      = "WHATSAPP-BUSINESS"
  number           = "5511999999999"
  token_wo         = %q
  token_wo_version = 1`, woSecret)),
			Check: resource.ComposeAggregateTestCheckFunc(
				serverToken(emu, "meta", woSecret),
				resource.TestCheckResourceAttr(addr, "status", "open"),
				resource.TestCheckNoResourceAttr(addr, "apikey"),
			),
		}},
	})
}

// A key moved between token_wo and token, in either direction and back, is
// the same key: the instance (and its paired phone) stays. apikey is null
// after token_wo, so only the key's hash in private state can tell.
func TestAccInstance_keyMovesBetweenWriteOnlyAndToken(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	var id string
	sameInstance := func(*terraform.State) error {
		snap, ok := emu.Instance("moved")
		switch {
		case !ok:
			return fmt.Errorf("instance gone")
		case id == "":
			id = snap.ID
		case snap.ID != id:
			return fmt.Errorf("instance replaced: id %s, was %s", snap.ID, id)
		}
		return nil
	}
	wo := tokenConfig(url, "moved", fmt.Sprintf("  token_wo         = %q\n  token_wo_version = 1", woSecret))
	plain := tokenConfig(url, "moved", fmt.Sprintf("  token = %q", woSecret))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   writeOnlyAvailable,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{Config: wo, Check: resource.ComposeAggregateTestCheckFunc(serverToken(emu, "moved", woSecret), sameInstance)},
			{Config: plain, ConfigPlanChecks: expectUpdate, Check: sameInstance},
			{Config: wo, ConfigPlanChecks: expectUpdate, Check: sameInstance},
			{Config: plain, ConfigPlanChecks: expectUpdate, Check: sameInstance},
			// Another key is another instance.
			{Config: tokenConfig(url, "moved", fmt.Sprintf("  token = %q", woSecret+"-other")), ConfigPlanChecks: expectReplace},
		},
	})
}
