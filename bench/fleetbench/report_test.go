package main

import (
	"strings"
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	s := func(variant, command string, n int, wall time.Duration, requests int) sample {
		return sample{Variant: variant, N: n, Command: command, Wall: wall, TerraformCPU: wall / 2, Requests: requests}
	}
	rows := summarize([]sample{
		s(variantFloor, "plan", 500, 10*time.Second, 0),
		s(variantL2msg, "plan", 500, 12*time.Second, 501),
		s(variantFloor, "plan", 500, 30*time.Second, 0), // a noisy outlier
		s(variantL2msg, "plan", 500, 14*time.Second, 501),
		s(variantFloor, "plan", 500, 11*time.Second, 0),
		s(variantL2msg, "plan", 500, 40*time.Second, 503),
		s(variantFloor, "apply", 100, 2*time.Second, 0),
		s(variantL2msg, "apply", 100, 3*time.Second, 100),
	})
	if len(rows) != 2 {
		t.Fatalf("rows = %d, want 2", len(rows))
	}
	plan := rows[0]
	if plan.Wall != 14*time.Second || plan.FloorWall != 11*time.Second || plan.Samples != 3 {
		t.Errorf("medians: wall %v floor %v samples %d", plan.Wall, plan.FloorWall, plan.Samples)
	}
	if plan.Requests != 503 || plan.RequestLimit != 502 || plan.WallTarget != 1.8 {
		t.Errorf("requests %d limit %d target %v", plan.Requests, plan.RequestLimit, plan.WallTarget)
	}
	if apply := rows[1]; apply.WallTarget != 0 || apply.RequestsPerInstance != 1 {
		t.Errorf("N=100 apply: target %v (want none), requests per instance %v", apply.WallTarget, apply.RequestsPerInstance)
	}

	out := table(rows)
	for _, want := range []string{
		"| 500 | plan | 14.00 | 11.00 | 1.27 | ≤ 1.8 | yes |",
		"≤ 502: **no**",
		"| 100 | apply | 3.00 | 2.00 | 1.50 | – | – |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}
