package provider

import (
	"context"
	"strings"
	"testing"
	"time"

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
