package main

import (
	"strings"
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	s := func(variant, command string, n int, wall time.Duration, requests int) sample {
		return sample{Fleet: fleetInstances, Variant: variant, N: n, Command: command, Wall: wall, TerraformCPU: wall / 2, Requests: requests}
	}
	rows := summarize([]sample{
		s(variantFloor, "plan", 500, 10*time.Second, 0),
		s(variantL2msg, "plan", 500, 12*time.Second, 501),
		s(variantBaseline, "plan", 500, 16*time.Second, 501),
		s(variantFloor, "plan", 500, 30*time.Second, 0), // a noisy outlier
		s(variantL2msg, "plan", 500, 14*time.Second, 501),
		s(variantBaseline, "plan", 500, 17*time.Second, 501),
		s(variantFloor, "plan", 500, 11*time.Second, 0),
		s(variantL2msg, "plan", 500, 40*time.Second, 503),
		s(variantBaseline, "plan", 500, 18*time.Second, 501),
		s(variantFloor, "apply", 100, 2*time.Second, 0),
		s(variantL2msg, "apply", 100, 3*time.Second, 100),
		s(variantFloor, "destroy", 100, 2*time.Second, 0),
		s(variantL2msg, "destroy", 100, 3*time.Second, 203),
	}, 20*time.Millisecond, 10)
	if len(rows) != 4 {
		t.Fatalf("rows = %d, want 4", len(rows))
	}
	plan := rows[0]
	if plan.Wall != 14*time.Second || plan.FloorWall != 11*time.Second || plan.Samples != 3 {
		t.Errorf("medians: wall %v floor %v samples %d", plan.Wall, plan.FloorWall, plan.Samples)
	}
	if plan.Requests != 503 || plan.RequestLimit != 501 || plan.WallTarget != 1.5 {
		t.Errorf("requests %d limit %d target %v", plan.Requests, plan.RequestLimit, plan.WallTarget)
	}
	// 11 s + 503 requests × 20 ms ÷ 10.
	if want := 11*time.Second + 1006*time.Millisecond; plan.Limit != want {
		t.Errorf("physical limit %v, want %v", plan.Limit, want)
	}
	if base := rows[1]; base.Variant != variantBaseline || base.Wall != 17*time.Second {
		t.Errorf("baseline row: %+v", base)
	}
	if apply := rows[2]; apply.WallTarget != 0 || apply.RequestsPerInstance != 1 || apply.RequestLimit != 101 {
		t.Errorf("N=100 apply: target %v (want none), requests per instance %v, limit %d", apply.WallTarget, apply.RequestsPerInstance, apply.RequestLimit)
	}

	out := table(rows) + beforeAfter(rows)
	for _, want := range []string{
		"| instances | 500 | plan | l2msg | 14.00 | 11.00 | 12.01 | 1.27 | 1.09 | ≤ 1.5 | yes |",
		"≤ 501: **no**",
		"| instances | 100 | apply | l2msg | 3.00 | 2.00 | 2.20 | 1.50 | 1.10 | – | – |",
		"| 203 | 2.03 | ≤ 202: **no** |",
		"| instances | 500 | plan | 501 → 503 | 1.00 → 1.01 | 1.55 → 1.27 |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

// The integrations fleet is held to the plan's bound only: its apply and
// destroy make more requests per instance by design.
func TestRequestLimit(t *testing.T) {
	for _, tt := range []struct {
		fleet, command string
		want           int
	}{
		{fleetInstances, "plan", 501}, {fleetInstances, "apply", 501}, {fleetInstances, "destroy", 1002},
		{fleetIntegrations, "plan", 501}, {fleetIntegrations, "apply", 0}, {fleetIntegrations, "destroy", 0},
	} {
		if got := requestLimit(tt.fleet, tt.command, 500); got != tt.want {
			t.Errorf("%s %s: %d, want %d", tt.fleet, tt.command, got, tt.want)
		}
	}
}

func TestSentence(t *testing.T) {
	stderr := "╷\n│ Error: Invalid resource type\n│\n│   on main.tf line 40:\n│\n│ The provider l2msg/l2msg does not support resource type\n│ \"l2msg_instance_rabbitmq\".\n╵\n"
	want := `The provider l2msg/l2msg does not support resource type "l2msg_instance_rabbitmq"`
	if got := sentence(stderr, "does not support resource type"); got != want {
		t.Errorf("sentence = %q, want %q", got, want)
	}
}
