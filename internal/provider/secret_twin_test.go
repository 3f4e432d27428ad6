package provider

import (
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
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

func TestWithoutSecrets(t *testing.T) {
	if withoutSecrets(nil, "x") != nil {
		t.Fatal("nil error became an error")
	}
	api := &client.APIError{StatusCode: 400, Method: "POST", Path: "/chatwoot/set/a", Messages: []string{"bad token s3cret-value"}}
	err := withoutSecrets(api, "s3cret-value", "")
	if strings.Contains(err.Error(), "s3cret-value") || !strings.Contains(err.Error(), "(redacted)") {
		t.Fatalf("%v", err)
	}
	var got *client.APIError
	if !errors.As(err, &got) || !client.IsBadRequest(err) {
		t.Fatal("the redacted error hides the API error from errors.As")
	}
	var redacted *redactedError
	if errors.As(withoutSecrets(api), &redacted) {
		t.Fatal("no secrets should leave the error as it is")
	}
}
