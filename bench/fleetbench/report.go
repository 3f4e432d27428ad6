package main

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// row is one command at one N: the provider's medians next to the floor's.
type row struct {
	N       int    `json:"n"`
	Command string `json:"command"`
	Samples int    `json:"samples"`

	Wall      time.Duration `json:"wall_ns"`
	FloorWall time.Duration `json:"floor_wall_ns"`
	WallRatio float64       `json:"wall_ratio"`
	// WallTarget is the ceiling for WallRatio; 0 where none is set (the
	// targets are defined at N = 500).
	WallTarget float64 `json:"wall_target,omitempty"`

	CPU         time.Duration `json:"cpu_ns"`
	ProviderCPU time.Duration `json:"provider_cpu_ns"`
	FloorCPU    time.Duration `json:"floor_cpu_ns"`
	CPURatio    float64       `json:"cpu_ratio"`

	ProviderMaxRSS int64 `json:"provider_max_rss_bytes"`

	Requests            int     `json:"requests"`
	RequestsPerInstance float64 `json:"requests_per_instance"`
	// RequestLimit is the most requests the command may make; 0 = none set.
	RequestLimit int `json:"request_limit,omitempty"`
}

var wallTargets = map[string]float64{"plan": 1.8, "apply": 1.3, "destroy": 1.2}

// targetN is the fleet size the wall-time targets are defined for.
const targetN = 500

// summarize pairs each command's provider samples with the floor's, taking
// medians over runs so one noisy run on a shared machine does not decide.
func summarize(samples []sample) []row {
	type key struct {
		n       int
		command string
	}
	groups := map[key]map[string][]sample{}
	var keys []key
	for _, s := range samples {
		k := key{s.N, s.Command}
		if groups[k] == nil {
			groups[k] = map[string][]sample{}
			keys = append(keys, k)
		}
		groups[k][s.Variant] = append(groups[k][s.Variant], s)
	}
	var rows []row
	for _, k := range keys {
		p, f := groups[k][variantL2msg], groups[k][variantFloor]
		if len(p) == 0 {
			continue
		}
		r := row{
			N: k.n, Command: k.command, Samples: len(p),
			Wall:        median(p, func(s sample) time.Duration { return s.Wall }),
			CPU:         median(p, sample.CPU),
			ProviderCPU: median(p, func(s sample) time.Duration { return s.ProviderCPU }),
		}
		if k.n == targetN {
			r.WallTarget = wallTargets[k.command]
		}
		if len(f) > 0 { // -floor=false leaves the ratios at 0
			r.FloorWall = median(f, func(s sample) time.Duration { return s.Wall })
			r.FloorCPU = median(f, sample.CPU)
		}
		for _, s := range p {
			r.ProviderMaxRSS = max(r.ProviderMaxRSS, s.ProviderMaxRSS)
			r.Requests = max(r.Requests, s.Requests)
		}
		r.WallRatio = ratio(r.Wall, r.FloorWall)
		r.CPURatio = ratio(r.CPU, r.FloorCPU)
		r.RequestsPerInstance = float64(r.Requests) / float64(k.n)
		if k.command == "plan" {
			r.RequestLimit = k.n + 2
		}
		rows = append(rows, r)
	}
	return rows
}

func median(ss []sample, f func(sample) time.Duration) time.Duration {
	v := make([]time.Duration, len(ss))
	for i, s := range ss {
		v[i] = f(s)
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f", d.Seconds()) }

func verdict(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

// table renders rows as Markdown, readable as plain text too.
func table(rows []row) string {
	var b strings.Builder
	b.WriteString("| N | command | wall s | floor wall s | wall ×floor | target | met | CPU s (tf+provider) | provider CPU s | floor CPU s | CPU ×floor | provider peak MiB | requests | per instance | request limit |\n")
	b.WriteString("|---:|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		limit := "–"
		if r.RequestLimit > 0 {
			limit = fmt.Sprintf("≤ %d: %s", r.RequestLimit, verdict(r.Requests <= r.RequestLimit))
		}
		floorWall, wallRatio, target, met, floorCPU, cpuRatio := "–", "–", "–", "–", "–", "–"
		if r.WallTarget > 0 {
			target = fmt.Sprintf("≤ %.1f", r.WallTarget)
		}
		if r.FloorWall > 0 {
			floorWall, wallRatio = secs(r.FloorWall), fmt.Sprintf("%.2f", r.WallRatio)
			floorCPU, cpuRatio = secs(r.FloorCPU), fmt.Sprintf("%.2f", r.CPURatio)
			if r.WallTarget > 0 {
				met = verdict(r.WallRatio <= r.WallTarget)
			}
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.1f | %d | %.2f | %s |\n",
			r.N, r.Command, secs(r.Wall), floorWall, wallRatio, target, met,
			secs(r.CPU), secs(r.ProviderCPU), floorCPU, cpuRatio,
			float64(r.ProviderMaxRSS)/(1<<20), r.Requests, r.RequestsPerInstance, limit)
	}
	return b.String()
}
