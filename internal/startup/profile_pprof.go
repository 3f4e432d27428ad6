//go:build pprof

package startup

import (
	"log"
	"os"
	"runtime/pprof"
)

// A provider built with -tags pprof writes a CPU profile to the file named
// by envCPUProfile and, when it stops, the profile of every allocation it
// made to envAllocProfile. The tag keeps runtime/pprof out of release
// builds; the fleet benchmark (bench/fleetbench -cpuprofile) uses it.
const (
	envCPUProfile   = "L2MSG_PROVIDER_CPUPROFILE"
	envAllocProfile = "L2MSG_PROVIDER_ALLOCPROFILE"
)

// Profile starts the profiles the environment asks for and returns the
// function that writes and closes them, to run once the provider stops
// serving (a debug-mode provider stops on interrupt). It exits the process
// when a profile file cannot be created: a profiling run without its
// profile is wasted.
func Profile() (stop func()) {
	var stops []func()
	if path := os.Getenv(envCPUProfile); path != "" {
		f := create(envCPUProfile, path)
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatalf("%s: %v", envCPUProfile, err)
		}
		stops = append(stops, func() {
			pprof.StopCPUProfile()
			closeFile(envCPUProfile, f)
		})
	}
	if path := os.Getenv(envAllocProfile); path != "" {
		stops = append(stops, func() {
			f := create(envAllocProfile, path)
			if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
				log.Printf("%s: %v", envAllocProfile, err)
			}
			closeFile(envAllocProfile, f)
		})
	}
	return func() {
		for _, stop := range stops {
			stop()
		}
	}
}

func create(env, path string) *os.File {
	f, err := os.Create(path)
	if err != nil {
		log.Fatalf("%s: %v", env, err)
	}
	return f
}

func closeFile(env string, f *os.File) {
	if err := f.Close(); err != nil {
		log.Printf("%s: %v", env, err)
	}
}
