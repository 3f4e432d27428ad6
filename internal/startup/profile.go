//go:build !pprof

package startup

// Profile does nothing without the pprof build tag (see profile_pprof.go);
// its stop function does nothing either.
func Profile() (stop func()) {
	return func() {}
}
