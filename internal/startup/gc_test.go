package startup

import (
	"os"
	"runtime/debug"
	"testing"
)

func TestTuneGC(t *testing.T) {
	old := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(old) })

	// t.Setenv restores GOGC afterwards; the variable must then be unset,
	// not empty, for TuneGC to see no user choice.
	t.Setenv("GOGC", "")
	_ = os.Unsetenv("GOGC")
	TuneGC()
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("without GOGC: GC percent %d, want %d", got, gcPercent)
	}

	// A user's GOGC wins (the runtime has already applied it).
	t.Setenv("GOGC", "50")
	debug.SetGCPercent(50)
	TuneGC()
	if got := debug.SetGCPercent(100); got != 50 {
		t.Errorf("with GOGC=50: GC percent %d, want 50", got)
	}
}
