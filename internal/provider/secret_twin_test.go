package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestSecretFromServer(t *testing.T) {
	set, null := types.StringValue("old"), types.StringNull()
	v1 := types.Int64Value(1)
	tests := []struct {
		name      string
		state     types.String
		version   types.Int64
		importing bool
		want      types.String
	}{
		{"managed: the server's value, so drift shows", set, types.Int64Null(), false, types.StringValue("srv")},
		{"write-only: never in state", null, v1, false, null},
		{"write-only import still never", null, v1, true, null},
		{"not configured stays null", null, types.Int64Null(), false, null},
		{"import takes the server's", null, types.Int64Null(), true, types.StringValue("srv")},
	}
	for _, tt := range tests {
		if got := secretFromServer(tt.state, tt.version, "srv", tt.importing); !got.Equal(tt.want) {
			t.Errorf("%s: got %v", tt.name, got)
		}
	}
}
