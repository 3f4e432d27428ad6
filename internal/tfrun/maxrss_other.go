//go:build !linux

package tfrun

import "os"

// maxRSS is not reported here: the unit of ru_maxrss differs between
// platforms, and the benchmarks run on Linux.
func maxRSS(*os.ProcessState) int64 { return 0 }
