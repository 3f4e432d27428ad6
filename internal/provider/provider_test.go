package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

const testAPIKey = "test-global-key-4f1d9c"

var testAccProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"l2msg": providerserver.NewProtocol6WithError(New("test")()),
}

// newEmulator starts an in-process emulator for one test. Test HCL leaves
// required_providers out, so the in-process provider is found under its
// default address.
func newEmulator(t *testing.T, opts emulator.Options) (*emulator.Server, string) {
	t.Helper()
	if opts.APIKey == "" {
		opts.APIKey = testAPIKey
	}
	return emulator.NewTestServer(t, opts)
}

func providerBlock(baseURL string) string {
	return fmt.Sprintf("provider \"l2msg\" {\n  base_url = %q\n  api_key  = %q\n}\n", baseURL, testAPIKey)
}

// checkDestroyed fails when the emulator still holds any instance.
func checkDestroyed(emu *emulator.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if names := emu.Names(); len(names) != 0 {
			return fmt.Errorf("instances left on the server after destroy: %v", names)
		}
		return nil
	}
}

func TestProviderSchemaMarksAPIKeySensitive(t *testing.T) {
	p := New("test")()
	var resp provider.SchemaResponse
	p.Schema(context.Background(), provider.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	attr, ok := resp.Schema.Attributes["api_key"]
	if !ok || !attr.IsSensitive() {
		t.Fatalf("api_key must exist and be Sensitive, got %#v", attr)
	}
	if d := resp.Schema.Attributes["base_url"]; d == nil || d.IsSensitive() {
		t.Fatalf("base_url must exist and not be sensitive")
	}
}
