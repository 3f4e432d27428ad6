package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	fwaction "github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// Actions and action_trigger arrived in Terraform 1.14; OpenTofu 1.12 (which
// reports its own version) has neither.
var actionsChecks = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

// actionConfig manages one instance and runs action kind on it each time
// the trigger's input changes.
func actionConfig(url, kind, name string, run int) string {
	return providerBlock(url) + fmt.Sprintf(`
resource "l2msg_instance" "test" {
  instance_name = %[2]q
}

action "l2msg_instance_%[1]s" "it" {
  config {
    instance_name = l2msg_instance.test.instance_name
  }
}

resource "terraform_data" "trigger" {
  input = %[3]d
  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.l2msg_instance_%[1]s.it]
    }
  }
}
`, kind, name, run)
}

// calls checks how often the emulator saw a route.
func calls(emu *emulator.Server, route string, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := emu.Stats().ByRoute[route]; got != want {
			return fmt.Errorf("%s called %d times, want %d", route, got, want)
		}
		return nil
	}
}

func serverState(emu *emulator.Server, name, want string) resource.TestCheckFunc {
	return checkServer(emu, name, func(s emulator.Snapshot) error {
		if s.Status != want {
			return fmt.Errorf("state on the server = %q, want %q", s.Status, want)
		}
		return nil
	})
}

// wrapped matches a message however Terraform wrapped its lines: each space
// of pattern matches any run of white space.
func wrapped(pattern string) *regexp.Regexp {
	return regexp.MustCompile("(?s)" + strings.ReplaceAll(pattern, " ", `\s+`))
}

func pair(t *testing.T, emu *emulator.Server, name string) func() {
	return func() {
		if err := emu.MarkPaired(name); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAccInstanceLogoutAction(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	const route = "DELETE /instance/logout/:name"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   actionsChecks,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				// Create, then pair the phone behind Terraform's back.
				Config: providerBlock(url) + `resource "l2msg_instance" "test" { instance_name = "act-out" }`,
			},
			{
				PreConfig: pair(t, emu, "act-out"),
				Config:    actionConfig(url, "logout", "act-out", 1),
				Check:     resource.ComposeTestCheckFunc(calls(emu, route, 1), serverState(emu, "act-out", emulator.StateClose)),
			},
			{
				// Logged out already: the server's 400 explained.
				Config: actionConfig(url, "logout", "act-out", 2),
				ExpectError: wrapped(`Could not log out instance "act-out": it is not connected.* ` +
					`no phone was ever paired with it, or it was logged out`),
			},
		},
	})
}

func TestAccInstanceRestartAction(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	const route = "POST /instance/restart/:name"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   actionsChecks,
		CheckDestroy:             checkDestroyed(emu),
		Steps: []resource.TestStep{
			{
				Config: providerBlock(url) + `resource "l2msg_instance" "test" { instance_name = "act-restart" }`,
			},
			{
				PreConfig: pair(t, emu, "act-restart"),
				Config:    actionConfig(url, "restart", "act-restart", 1),
				Check:     resource.ComposeTestCheckFunc(calls(emu, route, 1), serverState(emu, "act-restart", emulator.StateOpen)),
			},
			{
				// A closed instance: the server answers 200 {"error":true}.
				PreConfig: func() {
					if err := emu.SetState("act-restart", emulator.StateClose); err != nil {
						t.Fatal(err)
					}
				},
				Config:      actionConfig(url, "restart", "act-restart", 2),
				ExpectError: wrapped(`Could not restart instance "act-restart": it is not connected`),
			},
		},
	})
}

// TestAccInstanceActions_validatedAtPlan: a bad instance_name fails the plan
// with the attribute's path, and nothing reaches the server.
func TestAccInstanceActions_validatedAtPlan(t *testing.T) {
	for _, kind := range []string{"restart", "logout"} {
		t.Run(kind, func(t *testing.T) {
			emu, url := newEmulator(t, emulator.Options{})
			cfg := providerBlock(url) + fmt.Sprintf(`
action "l2msg_instance_%s" "bad" {
  config {
    instance_name = "a/b"
  }
}
`, kind)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				TerraformVersionChecks:   actionsChecks,
				Steps: []resource.TestStep{{
					Config:      cfg,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)instance_name.*must not contain a slash`),
				}},
			})
			if st := emu.Stats(); st.Total != 0 {
				t.Fatalf("bad input reached the server: %v", st.ByRoute)
			}
		})
	}
}

// The actions' routes, without a CLI: the acceptance tests above need
// Terraform 1.14, so `make test` on 1.11 would not see the restart action
// call logout. Each action is invoked as the framework does, against the
// emulator's request log.
func TestInstanceActionsCallTheirRoute(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		action fwaction.Action
		route  string
	}{
		{NewInstanceRestartAction(), "POST /instance/restart/:name"},
		{NewInstanceLogoutAction(), "DELETE /instance/logout/:name"},
	} {
		t.Run(tt.route, func(t *testing.T) {
			emu, url := newEmulator(t, emulator.Options{LogRequests: true})
			precreate(t, url, "act")
			if err := emu.MarkPaired("act"); err != nil {
				t.Fatal(err)
			}
			cfg := client.Config{BaseURL: url, APIKey: testAPIKey}
			c, err := client.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			a := tt.action.(fwaction.ActionWithConfigure)
			var cresp fwaction.ConfigureResponse
			a.Configure(ctx, fwaction.ConfigureRequest{ProviderData: &providerData{client: c, settings: cfg}}, &cresp)
			var sresp fwaction.SchemaResponse
			a.Schema(ctx, fwaction.SchemaRequest{}, &sresp)
			s := sresp.Schema
			config := tfsdk.Config{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx),
				map[string]tftypes.Value{"instance_name": tftypes.NewValue(tftypes.String, "act")})}
			emu.ResetStats()
			var resp fwaction.InvokeResponse
			a.Invoke(ctx, fwaction.InvokeRequest{Config: config}, &resp)
			if resp.Diagnostics.HasError() {
				t.Fatal(resp.Diagnostics)
			}
			var routes []string
			for _, rq := range emu.Requests() {
				routes = append(routes, rq.Route)
			}
			if len(routes) != 1 || routes[0] != tt.route {
				t.Errorf("requests %v, want one %s", routes, tt.route)
			}
		})
	}
}
