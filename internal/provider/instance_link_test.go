package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestInstanceLinkModifier(t *testing.T) {
	sch := schema.Schema{Attributes: map[string]schema.Attribute{"instance_id": instanceLinkAttribute()}}
	objType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"instance_id": tftypes.String}}
	some := tftypes.NewValue(objType, map[string]tftypes.Value{"instance_id": tftypes.NewValue(tftypes.String, "x")})
	null := tftypes.NewValue(objType, nil)
	unknown := types.StringUnknown()
	tests := []struct {
		name         string
		state        tftypes.Value
		stateValue   types.String
		config       types.String
		wantPlan     types.String
		wantReplaced bool
	}{
		{"create", null, types.StringNull(), types.StringValue("a"), unknown, false},
		{"unchanged", some, types.StringValue("a"), types.StringValue("a"), unknown, false},
		{"instance replaced: unknown", some, types.StringValue("a"), unknown, unknown, true},
		{"another instance", some, types.StringValue("a"), types.StringValue("b"), unknown, true},
		{"left out keeps the state", some, types.StringValue("a"), types.StringNull(), types.StringValue("a"), false},
		{"first set after an import", some, types.StringNull(), types.StringValue("a"), unknown, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := planmodifier.StringRequest{
				State:       tfsdk.State{Schema: sch, Raw: tt.state},
				Plan:        tfsdk.Plan{Schema: sch, Raw: some},
				StateValue:  tt.stateValue,
				ConfigValue: tt.config,
				PlanValue:   unknown,
			}
			resp := &planmodifier.StringResponse{PlanValue: req.PlanValue}
			instanceLinkModifier{}.PlanModifyString(context.Background(), req, resp)
			if resp.RequiresReplace != tt.wantReplaced || !resp.PlanValue.Equal(tt.wantPlan) {
				t.Fatalf("replace=%v plan=%v", resp.RequiresReplace, resp.PlanValue)
			}
		})
	}
}

func TestCheckInstanceLink(t *testing.T) {
	var diags diag.Diagnostics
	for _, ok := range []types.String{types.StringNull(), types.StringUnknown(), types.StringValue("id-1")} {
		checkInstanceLink(ok, "sales", "id-1", &diags)
	}
	if diags.HasError() {
		t.Fatalf("%v", diags)
	}
	checkInstanceLink(types.StringValue("id-0"), "sales", "id-1", &diags)
	if !diags.HasError() || !strings.Contains(diags[0].Detail(), `"id-1"`) {
		t.Fatalf("%v", diags)
	}
}
