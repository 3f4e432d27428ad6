package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// The server's columns count characters, not bytes: values at the limits,
// written in a two-byte letter, pass the plan and the server alike.
func TestAccInstance_limitsInCharacters(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	name := strings.Repeat("é", 255)
	hook := "https://h.example.com/" + strings.Repeat("é", 500-len("https://h.example.com/"))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + fmt.Sprintf(`
resource "l2msg_instance" "test" {
  instance_name = %q
  msg_call      = %q
  webhook = { url = %q }
}
`, name, strings.Repeat("é", 100), hook),
			Check: func(*terraform.State) error {
				snap, ok := emu.Instance(name)
				if !ok || snap.Settings.MsgCall != strings.Repeat("é", 100) || snap.Webhook == nil || snap.Webhook.URL != hook {
					return fmt.Errorf("server holds %v", emu.Names())
				}
				return nil
			},
		}},
	})
}

func countStringErrors(t *testing.T, attr schema.StringAttribute, value string) (errs int) {
	t.Helper()
	for _, v := range attr.Validators {
		var resp validator.StringResponse
		v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("x"), ConfigValue: types.StringValue(value)}, &resp)
		errs += resp.Diagnostics.ErrorsCount()
	}
	return errs
}

// An empty instance_name is one mistake: one error, not one per rule.
func TestEmptyInstanceNameIsOneError(t *testing.T) {
	attr, _ := instanceSchema(context.Background()).Attributes["instance_name"].(schema.StringAttribute)
	if errs := countStringErrors(t, attr, ""); errs != 1 {
		t.Fatalf("an empty instance_name gives %d errors, want 1", errs)
	}
	if errs := countStringErrors(t, attr, strings.Repeat("é", 255)); errs != 0 {
		t.Fatalf("255 two-byte characters give %d errors, want none", errs)
	}
}

// NEW_JWT_TOKEN is on l2msg's page, so it is accepted, but v2 servers
// refuse it at apply: the plan says so. MESSAGING_HISTORY_SET (v2.4) is
// accepted without a word.
func TestWebhookEventsWarnings(t *testing.T) {
	webhook, _ := instanceSchema(context.Background()).Attributes["webhook"].(schema.SingleNestedAttribute)
	events, _ := webhook.Attributes["events"].(schema.SetAttribute)
	run := func(names ...string) (errs, warns int, detail string) {
		set, _ := types.SetValueFrom(context.Background(), types.StringType, names)
		for _, v := range events.Validators {
			var resp validator.SetResponse
			v.ValidateSet(context.Background(), validator.SetRequest{Path: path.Root("webhook").AtName("events"), ConfigValue: set}, &resp)
			errs += resp.Diagnostics.ErrorsCount()
			warns += resp.Diagnostics.WarningsCount()
			for _, d := range resp.Diagnostics.Warnings() {
				detail += d.Detail()
			}
		}
		return errs, warns, detail
	}
	if errs, warns, detail := run("CALL", "NEW_JWT_TOKEN"); errs != 0 || warns != 1 || !strings.Contains(detail, "v2 servers") {
		t.Errorf("NEW_JWT_TOKEN: %d errors, %d warnings (%q); want one warning about v2 servers", errs, warns, detail)
	}
	if errs, warns, _ := run("MESSAGING_HISTORY_SET", "CALL"); errs != 0 || warns != 0 {
		t.Errorf("MESSAGING_HISTORY_SET: %d errors, %d warnings; want neither", errs, warns)
	}
}
