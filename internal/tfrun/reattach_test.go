package tfrun

import (
	"context"
	"testing"
)

func TestReattachLine(t *testing.T) {
	tests := []struct {
		line, want string
		ok         bool
	}{
		{"\tTF_REATTACH_PROVIDERS='{\"a\":{\"Pid\":1}}'", `{"a":{"Pid":1}}`, true},
		{"Provider started. To attach Terraform CLI, set the TF_REATTACH_PROVIDERS environment variable with the following:", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := reattachLine(tt.line)
		if got != tt.want || ok != tt.ok {
			t.Errorf("reattachLine(%q) = %q, %v; want %q, %v", tt.line, got, ok, tt.want, tt.ok)
		}
	}
}

// TestRunReattached proves terraform uses the provider the caller started,
// and that its usage is read when it exits.
func TestRunReattached(t *testing.T) {
	ctx := context.Background()
	emu, w, p := newOneInstanceWorkdir(t, "reattached")
	if _, err := w.Run(ctx, "init"); err != nil {
		t.Fatal(err)
	}
	_, u, err := w.RunReattached(ctx, p, nil, "apply", "-auto-approve")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := emu.Instance("reattached"); !ok {
		t.Fatal("apply did not create the instance")
	}
	if u.CPU <= 0 || u.MaxRSS <= 0 {
		t.Errorf("provider usage not reported: %+v", u)
	}
	if _, _, err := w.RunReattached(ctx, p, nil, "destroy", "-auto-approve"); err != nil {
		t.Fatal(err)
	}
}

// TestForEveryHost: OpenTofu reads `l2msg/l2msg` as a registry.opentofu.org
// address, so a provider that announces itself under Terraform's registry
// must be offered under both, or OpenTofu starts its own copy instead.
func TestForEveryHost(t *testing.T) {
	got, err := forEveryHost(`{"registry.terraform.io/l2msg/l2msg":{"Pid":7}}`)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"registry.opentofu.org/l2msg/l2msg":{"Pid":7},"registry.terraform.io/l2msg/l2msg":{"Pid":7}}`
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if _, err := forEveryHost("{"); err == nil {
		t.Error("malformed JSON accepted")
	}
}
