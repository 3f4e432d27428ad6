package provider

import (
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestSecretFromServer(t *testing.T) {
	set, null := types.StringValue("old"), types.StringNull()
	v1 := types.Int64Value(1)
	tests := []struct {
		name    string
		state   types.String
		version types.Int64
		want    types.String
	}{
		{"managed: the server's value, so drift shows", set, types.Int64Null(), types.StringValue("srv")},
		{"write-only: never in state", null, v1, null},
		// An import starts with a null secret: it cannot know the form,
		// so it never stores the server's secret.
		{"not in state (not configured, or imported) stays null", null, types.Int64Null(), null},
	}
	for _, tt := range tests {
		if got := secretFromServer(tt.state, tt.version, "srv"); !got.Equal(tt.want) {
			t.Errorf("%s: got %v", tt.name, got)
		}
	}
}

func TestSecretTwinNames(t *testing.T) {
	attrs := map[string]schema.Attribute{
		"token":            schema.StringAttribute{Optional: true, Sensitive: true},
		"token_wo":         schema.StringAttribute{Optional: true, WriteOnly: true},
		"token_wo_version": schema.Int64Attribute{Optional: true},
		"lone_wo":          schema.StringAttribute{Optional: true, WriteOnly: true},
		"plain":            schema.StringAttribute{Optional: true},
		"plain_wo":         schema.StringAttribute{Optional: true},
		"plain_wo_version": schema.Int64Attribute{Optional: true},
	}
	for k, v := range secretTwinAttributes("password", "A password") {
		attrs[k] = v
	}
	if got := secretTwinNames(attrs); !slices.Equal(got, []string{"password", "token"}) {
		t.Fatalf("got %v", got)
	}
}
