package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// resourceConfig is an l2msg_instance configuration with every attribute
// null but the given ones.
func resourceConfig(t *testing.T, set map[string]tftypes.Value) tfsdk.Config {
	t.Helper()
	ctx := context.Background()
	var sr resource.SchemaResponse
	NewInstanceResource().Schema(ctx, resource.SchemaRequest{}, &sr)
	typ := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
		if v, ok := set[name]; ok {
			vals[name] = v
		}
	}
	return tfsdk.Config{Schema: sr.Schema, Raw: tftypes.NewValue(typ, vals)}
}

func TestWaitWithoutQRCodeWarns(t *testing.T) {
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	boolean := func(b bool) tftypes.Value { return tftypes.NewValue(tftypes.Bool, b) }
	cases := []struct {
		name string
		set  map[string]tftypes.Value
		warn bool
	}{
		{"no wait", map[string]tftypes.Value{}, false},
		{"wait without qrcode", map[string]tftypes.Value{"wait_for_connection": str("5m")}, true},
		{"wait with qrcode = false", map[string]tftypes.Value{"wait_for_connection": str("5m"), "qrcode": boolean(false)}, true},
		{"wait with qrcode", map[string]tftypes.Value{"wait_for_connection": str("5m"), "qrcode": boolean(true)}, false},
		{"wait on an API-backed instance", map[string]tftypes.Value{"wait_for_connection": str("5m"), "integration": str("EVOLUTION")}, false},
		{"qrcode known only at apply", map[string]tftypes.Value{"wait_for_connection": str("5m"),
			"qrcode": tftypes.NewValue(tftypes.Bool, tftypes.UnknownValue)}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var resp resource.ValidateConfigResponse
			waitNeedsPairing{}.ValidateResource(context.Background(), resource.ValidateConfigRequest{Config: resourceConfig(t, tc.set)}, &resp)
			if resp.Diagnostics.HasError() {
				t.Fatal(resp.Diagnostics)
			}
			if got := resp.Diagnostics.WarningsCount() == 1; got != tc.warn {
				t.Fatalf("warned: %v, want %v (%v)", got, tc.warn, resp.Diagnostics)
			}
		})
	}
}
