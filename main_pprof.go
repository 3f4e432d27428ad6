//go:build pprof

package main

import (
	"log"
	"os"
	"runtime/pprof"
)

// envCPUProfile names the file a provider built with -tags pprof writes its
// CPU profile to. The tag keeps profiling out of release builds; the fleet
// benchmark (bench/fleetbench -cpuprofile) uses it.
const envCPUProfile = "L2MSG_PROVIDER_CPUPROFILE"

func init() {
	path := os.Getenv(envCPUProfile)
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err != nil {
		log.Fatalf("%s: %v", envCPUProfile, err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Fatalf("%s: %v", envCPUProfile, err)
	}
	stopProfiling = func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			log.Printf("%s: %v", envCPUProfile, err)
		}
	}
}
