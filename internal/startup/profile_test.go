//go:build !pprof

package startup

import (
	"os"
	"testing"
)

// Without the pprof tag, Profile ignores the environment: release builds
// never profile.
func TestProfileOffWithoutTag(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("L2MSG_PROVIDER_CPUPROFILE", dir+"/cpu.pprof")
	t.Setenv("L2MSG_PROVIDER_ALLOCPROFILE", dir+"/allocs.pprof")
	Profile()()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("Profile wrote %d files in a build without the pprof tag", len(entries))
	}
}
