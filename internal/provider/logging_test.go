package provider

import (
	"context"
	"io"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// The client logs from a goroutine of its own (the deletion poller) with
// the context of the call that started it, while that call goes on
// logging. tflog's masking rewrites the fields of the logger held in the
// context in place, so two goroutines logging through one context must not
// share them: under -race this found the provider crashing mid-apply
// ("Plugin did not respond") when a create waited for its name's delete.
func TestClientLogFromTwoGoroutinesSharingAContext(t *testing.T) {
	ctx := tflogtest.RootLogger(context.Background(), io.Discard)
	ctx = tflog.SetField(ctx, "tf_req_id", "a-request")
	ctx = withMasks(ctx, "a-secret-value")
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				clientLog(ctx, client.LogDebug, "polling", map[string]any{"url": "http://127.0.0.1/x"})
			}
		}()
	}
	wg.Wait()
}
