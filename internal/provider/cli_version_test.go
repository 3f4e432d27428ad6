package provider

import (
	"context"
	"os"
	"testing"

	"github.com/hashicorp/go-version"

	"github.com/l2msg/terraform-provider-l2msg/internal/tfrun"
)

// skipCLIBelow skips a CLI test when the CLI under test (Terraform or
// OpenTofu) is older than minVersion, the first version with feature: the
// tfversion checks of terraform-plugin-testing, for tests that drive the CLI
// themselves.
// Call it before cliWorkdir: an older CLI fails init on configuration it
// does not know.
func skipCLIBelow(t *testing.T, minVersion, feature string) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC not set: this runs the terraform CLI")
	}
	w, err := tfrun.NewWorkdir(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	have, err := w.Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if have.LessThan(version.Must(version.NewVersion(minVersion))) {
		t.Skipf("%s is %s: %s need %s or later", w.Terraform, have, feature, minVersion)
	}
}
