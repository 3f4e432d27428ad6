package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// A code shaped like the ones WhatsApp shows: long enough for a version 10
// QR code.
const sampleCode = "2@Z2m4c1f0Rk9YcUxzN0FvZ0hqU0l6bXJ0d0VqY1ZKQ1V6a3NwR3N3dmJ0eFh1V1Z5cE1nPT0=," +
	"3Yq0mLr1t2pXo9sKf8uJw7vQe6zTy5xRa4bNc3dMe2E=,hK9pLq2wRt5yUi8oPa3sDf6gHj1kLz4xCv7bNm0QwE8=," +
	"Qm9yZSBzYW1wbGUgZGF0YSB0byBmaWxsIHRoZSBjb2RlIGxpa2UgV2hhdHNBcHAgZG9lcw=="

func TestQRTextDecodesBackToItsInput(t *testing.T) {
	for _, code := range []string{sampleCode, "A", "WZYEH1YY", "ünïcödé and spaces"} {
		text, err := qrText(code)
		if err != nil {
			t.Fatal(err)
		}
		if got := decodeQRText(t, text); got != code {
			t.Errorf("decoded %q, want %q", got, code)
		}
	}
}

func TestQRTextHasAQuietZone(t *testing.T) {
	text, err := qrText("quiet")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	// Two full lines are four light module rows, the quiet zone QR readers
	// need; every line starts with four light columns.
	for _, i := range []int{0, 1} {
		if strings.Trim(lines[i], "█") != "" {
			t.Errorf("line %d is not all light: %q", i, lines[i])
		}
	}
	// The last line's upper halves end the bottom quiet zone.
	if last := lines[len(lines)-1]; strings.Trim(last, "▀") != "" {
		t.Errorf("last line: %q", last)
	}
	for i, l := range lines[:len(lines)-1] {
		if !strings.HasPrefix(l, "████") || !strings.HasSuffix(l, "████") {
			t.Errorf("line %d has no quiet zone at its sides: %q", i, l)
		}
	}
}

func TestQRTextRejects(t *testing.T) {
	if _, err := qrText(""); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty code: %v", err)
	}
	if _, err := qrText(strings.Repeat("x", 8000)); err == nil || !strings.Contains(err.Error(), "8000 bytes") {
		t.Errorf("oversized code: %v", err)
	}
}

func TestAccQRTextFunction(t *testing.T) {
	_, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps: []resource.TestStep{
			{
				Config: providerBlock(url) + fmt.Sprintf(`
output "qr" {
  value = provider::l2msg::qr_text(%q)
}
`, sampleCode),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("qr", knownvalue.StringFunc(func(v string) error {
						if got := decodeQRText(t, v); got != sampleCode {
							return fmt.Errorf("decoded %q", got)
						}
						return nil
					})),
				},
			},
			{
				Config:      providerBlock(url) + `output "qr" { value = provider::l2msg::qr_text("") }`,
				ExpectError: regexp.MustCompile(`(?s)qr_text: code must not be empty`),
			},
		},
	})
}
