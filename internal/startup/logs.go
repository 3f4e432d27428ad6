package startup

import (
	"os"
	"strings"
)

// SilenceUnreadLogs turns the plugin libraries' log lines off at the source
// when no TF_LOG* variable is set at all, which is when nobody can read them.
// Any such variable, even one terraform ignores (TF_LOG_SDK_FRAMEWORK for a
// provider run with -debug), leaves logging exactly as the plugin libraries
// configure it.
//
// Why: Terraform drops a provider's log lines unless TF_LOG or
// TF_LOG_PROVIDER is set, yet terraform-plugin-log emits the framework's
// TRACE lines whenever no level was configured: each is formatted as JSON,
// written to stderr and parsed again by terraform only to be thrown away. In
// a 500-instance plan that was about a sixth of the provider's CPU (see
// bench/README.md).
func SilenceUnreadLogs() {
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_LOG") {
			return
		}
	}
	for _, name := range []string{
		"TF_LOG_SDK",            // the SDK root logger
		"TF_LOG_SDK_PROTO",      // terraform-plugin-go
		"TF_LOG_SDK_FRAMEWORK",  // terraform-plugin-framework
		"TF_LOG_PROVIDER_L2MSG", // this provider's own tflog calls
	} {
		_ = os.Setenv(name, "off")
	}
}
