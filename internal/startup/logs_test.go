package startup

import (
	"os"
	"strings"
	"testing"
)

// clearTFLog unsets every TF_LOG* variable for the test and restores them.
func clearTFLog(t *testing.T) {
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_LOG") {
			t.Setenv(name, "") // registers the restore
			_ = os.Unsetenv(name)
		}
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_L2MSG"} {
		t.Setenv(name, "")
		_ = os.Unsetenv(name)
	}
}

func TestSilenceUnreadLogsWhenNoneAsked(t *testing.T) {
	clearTFLog(t)
	SilenceUnreadLogs()
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_L2MSG"} {
		if got := os.Getenv(name); got != "off" {
			t.Errorf("%s = %q, want off", name, got)
		}
	}
}

func TestSilenceUnreadLogsKeepsAskedLogs(t *testing.T) {
	for _, asked := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK_FRAMEWORK"} {
		t.Run(asked, func(t *testing.T) {
			clearTFLog(t)
			t.Setenv(asked, "trace")
			SilenceUnreadLogs()
			if got := os.Getenv("TF_LOG_SDK"); got != "" {
				t.Errorf("with %s set, TF_LOG_SDK = %q, want it left unset", asked, got)
			}
			if got := os.Getenv(asked); got != "trace" {
				t.Errorf("%s = %q, want trace", asked, got)
			}
		})
	}
}
