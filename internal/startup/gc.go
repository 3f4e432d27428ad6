package startup

import (
	"os"
	"runtime/debug"
)

// gcPercent is the provider's GOGC unless the environment sets one. The
// framework allocates heavily per resource (it copies the schema's attribute
// map at every step of every attribute path it walks: a third of all bytes
// allocated in a 500-instance plan), so at Go's default of 100 garbage
// collection was about 30% of the provider's CPU. 200 halves the number of
// collections for half again the heap; bench/README.md has the figures.
const gcPercent = 200

// TuneGC sets the GC percent to gcPercent unless the GOGC environment
// variable chose one.
func TuneGC() {
	if _, ok := os.LookupEnv("GOGC"); ok {
		return
	}
	debug.SetGCPercent(gcPercent)
}
