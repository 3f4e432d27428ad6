package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// Ctrl-C while a destroy waits for the server's asynchronous delete
// cancels the context Terraform gave Delete: the message must say the wait
// was interrupted, not advise a longer timeouts.delete.
func TestDeleteWaitInterrupted(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{DeleteDelay: time.Hour})
	cfg := client.Config{BaseURL: url, APIKey: testAPIKey}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateOrAdopt(context.Background(), client.CreateRequest{InstanceName: "slow"}); err != nil {
		t.Fatal(err)
	}
	r := &instanceResource{resourceBase{providerData{client: c, settings: cfg}}}

	ctx := context.Background()
	sch := instanceSchema(ctx)
	state := tfsdk.State{Schema: sch, Raw: tftypes.NewValue(sch.Type().TerraformType(ctx), nil)}
	for _, a := range []string{"id", "instance_name"} {
		if diags := state.SetAttribute(ctx, path.Root(a), "slow"); diags.HasError() {
			t.Fatal(diags)
		}
	}
	// Ctrl-C once the server has accepted the delete, as a user would
	// while the destroy waits.
	deleteCtx, interrupt := context.WithCancel(ctx)
	defer interrupt()
	go func() {
		for range 1000 {
			if snap, ok := emu.Instance("slow"); ok && snap.PendingDelete {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		interrupt()
	}()
	resp := &resource.DeleteResponse{State: state}
	r.Delete(deleteCtx, resource.DeleteRequest{State: state}, resp)

	errs := resp.Diagnostics.Errors()
	if len(errs) != 1 {
		t.Fatalf("diagnostics = %v, want one error", resp.Diagnostics)
	}
	msg := errs[0].Summary() + ": " + errs[0].Detail()
	if !strings.Contains(msg, "interrupted") || strings.Contains(msg, "timeouts.delete") {
		t.Errorf("error %q: want it to say the wait was interrupted, without advising timeouts.delete", msg)
	}
}

// The Delete that was confirming the others' deletes names them: they have
// left state, so this error is where a user learns of them.
func TestUnconfirmedDeletesNameTheOthers(t *testing.T) {
	for _, tt := range []struct {
		name, own  string
		names      []string
		cause      error
		want, nots []string
	}{
		{"own and others, deadline", "b", []string{"a", "b", "c"}, context.DeadlineExceeded,
			[]string{"not deleted in time", `instance "b" and removes it`, "stays in state", `instances "a", "c"`, "left state", "timeouts.delete"}, nil},
		{"others only, interrupted", "b", []string{"a"}, context.Canceled,
			[]string{"interrupted", `instance "a", accepted earlier`, "import them"}, []string{"stays in state", "timeouts.delete"}},
		{"own only, refused key", "a", []string{"a"}, &client.APIError{StatusCode: 401, Method: "GET", Path: "/instance/fetchInstances"},
			[]string{"Could not confirm", `instance "a"`, "stays in state", "check api_key"}, []string{"accepted earlier"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var diags diag.Diagnostics
			addUnconfirmedDeletes(&diags, tt.own, &client.UnconfirmedDeletesError{Names: tt.names, Err: tt.cause})
			if len(diags) != 1 || !diags.HasError() {
				t.Fatalf("diagnostics = %v, want one error", diags)
			}
			msg := diags[0].Summary() + ": " + diags[0].Detail()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message lacks %q:\n%s", w, msg)
				}
			}
			for _, n := range tt.nots {
				if strings.Contains(msg, n) {
					t.Errorf("message has %q:\n%s", n, msg)
				}
			}
		})
	}
}
