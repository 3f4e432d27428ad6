package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

var ephemeralAvailable = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)}

// pairingChallenge lists what the emulator shows a phone for an instance.
func pairingChallenge(emu *emulator.Server, name string) func() []string {
	return func() []string {
		snap, _ := emu.Instance(name)
		out := []string{"data:image/png"}
		for _, s := range []string{snap.QRCode, snap.PairingCode} {
			if s != "" {
				out = append(out, s)
			}
		}
		return out
	}
}

// The README's flow: one configuration creates the instance and draws its
// QR code during the apply, and the code never reaches state. The drawing
// goes to a file here instead of the README's /dev/tty, so the test can
// decode it and compare it with what the server shows.
func TestAccInstanceConnect_createAndPairInOneApply(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	dir := t.TempDir()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   ephemeralAvailable,
		WorkingDir:               dir,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + `
resource "l2msg_instance" "test" {
  instance_name = "pair me"
}

ephemeral "l2msg_instance_connect" "test" {
  instance_name = l2msg_instance.test.id
  number        = "5511988887777"
}

resource "terraform_data" "scan_me" {
  provisioner "local-exec" {
    command = "printf '%s' \"$QR\" > scan-me.txt && printf '%s' \"$PAIRING_CODE\" > pairing-code.txt"
    environment = {
      QR           = provider::l2msg::qr_text(ephemeral.l2msg_instance_connect.test.code)
      PAIRING_CODE = ephemeral.l2msg_instance_connect.test.pairing_code
    }
  }
}
`,
			Check: resource.ComposeAggregateTestCheckFunc(
				checkServer(emu, "pair me", func(s emulator.Snapshot) error {
					if s.Status != emulator.StateConnecting || s.QRCode == "" || s.PairingCode == "" {
						return fmt.Errorf("connect was not called during apply: %+v", s)
					}
					if got := decodeQRText(t, readWorkFile(t, dir, "scan-me.txt")); got != s.QRCode {
						return fmt.Errorf("the drawn QR code reads %.12q…, the server shows %.12q…", got, s.QRCode)
					}
					if got := readWorkFile(t, dir, "pairing-code.txt"); got != s.PairingCode {
						return fmt.Errorf("pairing code %q, the server shows %q", got, s.PairingCode)
					}
					return nil
				}),
				checkStateFilesLackSecrets(dir, pairingChallenge(emu, "pair me")),
			),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}},
	})
}

// readWorkFile reads a file a provisioner wrote in the test's working
// directory, which terraform-plugin-testing creates somewhere under dir.
func readWorkFile(t *testing.T, dir, name string) string {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join(dir, "*", name))
	if len(matches) != 1 {
		t.Fatalf("found %d files named %s under %s", len(matches), name, dir)
	}
	b, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func echoFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"l2msg": providerserver.NewProtocol6WithError(New("test")()),
		"echo":  echoprovider.NewProviderServer(),
	}
}

// echoConfig records the ephemeral values in echo.<echo>. The echo resource
// only records them when it is created, so each step names a new one.
func echoConfig(url, name, number, echo string) string {
	numberLine := ""
	if number != "" {
		numberLine = fmt.Sprintf("  number        = %q\n", number)
	}
	return providerBlock(url) + fmt.Sprintf(`
resource "l2msg_instance" "test" {
  instance_name = %q
}

ephemeral "l2msg_instance_connect" "test" {
  instance_name = l2msg_instance.test.id
%s}

provider "echo" {
  data = ephemeral.l2msg_instance_connect.test
}

resource "echo" %q {}
`, name, numberLine, echo)
}

// The echo provider copies the ephemeral values into state, only here, so
// that the test can compare them with the server's.
func TestAccInstanceConnect_values(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	data := tfjsonpath.New("data")
	matchesServer := func(echo string, withPairing bool) resource.TestCheckFunc {
		return func(st *terraform.State) error {
			snap, _ := emu.Instance("echoed")
			a := st.RootModule().Resources["echo."+echo].Primary.Attributes
			if a["data.state"] != "connecting" || a["data.code"] != snap.QRCode || a["data.pairing_code"] != snap.PairingCode {
				return fmt.Errorf("echoed %v, server %q %q", a, snap.QRCode, snap.PairingCode)
			}
			if withPairing != (snap.PairingCode != "") {
				return fmt.Errorf("pairing code %q", snap.PairingCode)
			}
			if !regexp.MustCompile(`^data:image/png;base64,`).MatchString(a["data.base64"]) {
				return fmt.Errorf("base64 %.40q", a["data.base64"])
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: echoFactories(),
		TerraformVersionChecks:   ephemeralAvailable,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				Config: echoConfig(url, "echoed", "5511988887777", "one"),
				Check:  matchesServer("one", true),
			},
			{
				// The phone pairs: connect now says so, with no challenge.
				PreConfig: func() {
					if err := emu.MarkPaired("echoed"); err != nil {
						t.Fatal(err)
					}
				},
				Config: echoConfig(url, "echoed", "5511988887777", "two"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.two", data, knownvalue.ObjectExact(map[string]knownvalue.Check{
						"instance_name": knownvalue.StringExact("echoed"),
						"number":        knownvalue.StringExact("5511988887777"),
						"state":         knownvalue.StringExact("open"),
						"code":          knownvalue.Null(),
						"base64":        knownvalue.Null(),
						"pairing_code":  knownvalue.Null(),
					})),
				},
			},
			{
				// Logged out and connected again without a number: a QR code only.
				PreConfig: func() {
					if err := emu.SetState("echoed", emulator.StateClose); err != nil {
						t.Fatal(err)
					}
				},
				Config: echoConfig(url, "echoed", "", "three"),
				Check:  matchesServer("three", false),
			},
		},
	})
}

func TestAccInstanceConnect_unknownInstanceSaysHowToDefer(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   ephemeralAvailable,
		Steps: []resource.TestStep{{
			// The name repeated as a literal: Terraform opens the ephemeral
			// resource during plan, before the instance exists.
			Config: providerBlock(url) + `
resource "l2msg_instance" "test" {
  instance_name = "later"
}

ephemeral "l2msg_instance_connect" "test" {
  instance_name = "later"
}
`,
			ExpectError: regexp.MustCompile(`(?s)Instance "later" does not exist.*instance_name\s+=\s+l2msg_instance.<name>.id`),
		}},
	})
	if n := len(emu.Names()); n != 0 {
		t.Fatalf("the failed plan created %d instances", n)
	}
}

func TestAccInstanceConnect_badInputRejectedAtPlan(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{})
	// The cases run in parallel, after this function returns.
	t.Cleanup(func() {
		if st := emu.Stats(); st.Total != 0 {
			t.Errorf("bad input reached the server: %d requests (%v)", st.Total, st.ByRoute)
		}
	})
	for name, tc := range map[string]struct{ body, want string }{
		"slash in name":  {`instance_name = "a/b"`, `(?s)instance_name.*must not contain a slash`},
		"plus in number": {"instance_name = \"x\"\n  number = \"+5511999999999\"", `(?s)number.*country code first`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				TerraformVersionChecks:   ephemeralAvailable,
				Steps: []resource.TestStep{{
					Config:      providerBlock(url) + "ephemeral \"l2msg_instance_connect\" \"test\" {\n  " + tc.body + "\n}\n",
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}
