package provider

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// checkStateFilesLackSecrets reads every state file terraform wrote under
// dir (the test case's WorkingDir), backups included, and fails if one holds
// any of the secrets. It proves what the framework's shimmed state cannot:
// that a value never reached the file itself. secrets is called at check
// time, when the server knows them.
func checkStateFilesLackSecrets(dir string, secrets func() []string) resource.TestCheckFunc {
	return checkStateLacksSecrets(dir, func(name string) bool { return strings.Contains(name, "tfstate") }, secrets)
}

// checkCurrentStateLacksSecrets only reads the current state files, for
// tests where an earlier step stored the secret on purpose (in a backup).
func checkCurrentStateLacksSecrets(dir string, secrets func() []string) resource.TestCheckFunc {
	return checkStateLacksSecrets(dir, func(name string) bool { return name == "terraform.tfstate" }, secrets)
}

func checkStateLacksSecrets(dir string, isState func(name string) bool, secrets func() []string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		want := secrets()
		for _, s := range want {
			if len(s) < 6 {
				return fmt.Errorf("secret %q is too short to look for", s)
			}
		}
		var files int
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !isState(d.Name()) {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			files++
			for _, s := range want {
				if strings.Contains(string(b), s) {
					return fmt.Errorf("state file %s holds a secret (%.6s…)", p, s)
				}
			}
			return nil
		})
		if err == nil && files == 0 {
			err = fmt.Errorf("no state file under %s", dir)
		}
		return err
	}
}

func TestCheckStateFilesLackSecretsFindsThem(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "work1"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "work1", "terraform.tfstate.backup"), []byte(`{"apikey":"s3cr3t-value"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "work1", "terraform.tfstate"), []byte(`{}`), 0o600); err != nil {
		t.Fatal(err)
	}
	secret := func() []string { return []string{"s3cr3t-value"} }
	if err := checkStateFilesLackSecrets(dir, secret)(nil); err == nil || !strings.Contains(err.Error(), "backup") {
		t.Errorf("a secret in a backup went unnoticed: %v", err)
	}
	if err := checkCurrentStateLacksSecrets(dir, secret)(nil); err != nil {
		t.Errorf("current state only: %v", err)
	}
	if err := checkStateFilesLackSecrets(t.TempDir(), secret)(nil); err == nil {
		t.Error("an empty directory passed: the check must find a state file")
	}
}
