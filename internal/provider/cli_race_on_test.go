//go:build race

package provider

// raceEnabled: the test binary has the race detector, so the provider
// binary the CLI tests build gets it too.
const raceEnabled = true
