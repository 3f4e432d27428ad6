package provider

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/hashicorp/go-version"

	"github.com/l2msg/terraform-provider-l2msg/internal/tfrun"
)

// skipCLIBelow skips a CLI test when the CLI under test (Terraform or
// OpenTofu, which reports its own version the same way) is older than min,
// the first version with feature: the tfversion checks of
// terraform-plugin-testing, for tests that drive the CLI themselves.
func skipCLIBelow(t *testing.T, w *tfrun.Workdir, minVersion, feature string) {
	t.Helper()
	res, err := w.Run(context.Background(), "version", "-json")
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &out); err != nil {
		t.Fatalf("%s version -json: %v", w.Terraform, err)
	}
	have, err := version.NewVersion(out.Version)
	if err != nil {
		t.Fatalf("%s version -json: %v", w.Terraform, err)
	}
	if have.LessThan(version.Must(version.NewVersion(minVersion))) {
		t.Skipf("%s is %s: %s need %s or later", w.Terraform, have, feature, minVersion)
	}
}
