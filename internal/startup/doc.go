// Package startup holds what the provider process changes about itself
// before it serves Terraform: the garbage collector's target (TuneGC), the
// log sinks nobody reads (SilenceUnreadLogs) and, in builds with the pprof
// tag, profiling (Profile). Each changes process-wide state, so main calls
// them once, in the open, rather than from init functions.
package startup
