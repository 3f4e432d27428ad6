//go:build pprof

package startup

import (
	"os"
	"path/filepath"
	"testing"
)

// Run with `go test -tags pprof ./internal/startup/` (make test does).
func TestProfileWritesBothProfiles(t *testing.T) {
	dir := t.TempDir()
	cpu, allocs := filepath.Join(dir, "cpu.pprof"), filepath.Join(dir, "allocs.pprof")
	t.Setenv(envCPUProfile, cpu)
	t.Setenv(envAllocProfile, allocs)

	stop := Profile()
	if _, err := os.Stat(allocs); err == nil {
		t.Errorf("the allocation profile exists before stop; it must be written when the provider stops")
	}
	stop()

	for _, path := range []string{cpu, allocs} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatalf("after stop: %v", err)
		}
		if fi.Size() == 0 {
			t.Errorf("%s is empty", path)
		}
	}
}

func TestProfileWithoutEnvironmentDoesNothing(t *testing.T) {
	t.Setenv(envCPUProfile, "")
	t.Setenv(envAllocProfile, "")
	t.Chdir(t.TempDir())
	Profile()()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("Profile wrote %d files without being asked", len(entries))
	}
}
