package provider

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if cliBuild.dir != "" {
		_ = os.RemoveAll(cliBuild.dir)
	}
	os.Exit(code)
}
