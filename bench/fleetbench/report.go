package main

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// row is one command at one N of one fleet, for one provider build: its
// medians next to the floor's.
type row struct {
	Fleet   string `json:"fleet"`
	Variant string `json:"variant"`
	N       int    `json:"n"`
	Command string `json:"command"`
	Samples int    `json:"samples"`

	Wall      time.Duration `json:"wall_ns"`
	FloorWall time.Duration `json:"floor_wall_ns"`
	WallRatio float64       `json:"wall_ratio"`
	// Limit is the physical limit of the command: the floor plus the
	// requests it made, each a round trip of the emulator's latency, run
	// parallelism at a time. LimitRatio is Limit over the floor.
	Limit      time.Duration `json:"limit_ns"`
	LimitRatio float64       `json:"limit_ratio"`
	// WallTarget is the ceiling for WallRatio; 0 where none is set (the
	// targets are defined at N = 500 for the instances fleet).
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

var wallTargets = map[string]float64{"plan": 1.5, "apply": 1.1, "destroy": 1.1}

// requestLimit is what the server cannot do without, per command: a
// refresh is one listing and one webhook/find per instance (the listing
// carries the integrations' rows too), an apply one create per instance, a
// destroy the refresh, one delete per instance and one shared deletion
// poll.
func requestLimit(fleet, command string, n int) int {
	switch {
	case command == "plan":
		return n + 1
	case fleet != fleetInstances:
		return 0
	case command == "apply":
		return n + 1
	case command == "destroy":
		return 2*n + 2
	}
	return 0
}

// targetN is the fleet size the wall-time targets are defined for.
const targetN = 500

// summarize pairs each command's provider samples with the floor's, taking
// medians over runs so one noisy run on a shared machine does not decide.
func summarize(samples []sample, latency time.Duration, parallelism int) []row {
	type key struct {
		fleet   string
		n       int
		command string
	}
	groups := map[key]map[string][]sample{}
	var keys []key
	for _, s := range samples {
		k := key{s.Fleet, s.N, s.Command}
		if groups[k] == nil {
			groups[k] = map[string][]sample{}
			keys = append(keys, k)
		}
		groups[k][s.Variant] = append(groups[k][s.Variant], s)
	}
	var rows []row
	for _, k := range keys {
		f := groups[k][variantFloor]
		for _, v := range []string{variantL2msg, variantBaseline} {
			p := groups[k][v]
			if len(p) == 0 {
				continue
			}
			r := row{
				Fleet: k.fleet, Variant: v, N: k.n, Command: k.command, Samples: len(p),
				Wall:         median(p, func(s sample) time.Duration { return s.Wall }),
				CPU:          median(p, sample.CPU),
				ProviderCPU:  median(p, func(s sample) time.Duration { return s.ProviderCPU }),
				RequestLimit: requestLimit(k.fleet, k.command, k.n),
			}
			if k.n == targetN && k.fleet == fleetInstances {
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
			if r.FloorWall > 0 {
				r.Limit = r.FloorWall + time.Duration(r.Requests)*latency/time.Duration(parallelism)
				r.LimitRatio = ratio(r.Limit, r.FloorWall)
			}
			r.RequestsPerInstance = float64(r.Requests) / float64(k.n)
			rows = append(rows, r)
		}
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

func mib(b int64) string { return fmt.Sprintf("%.1f", float64(b)/(1<<20)) }

func verdict(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

// table renders rows as Markdown, readable as plain text too.
func table(rows []row) string {
	var b strings.Builder
	b.WriteString("| fleet | N | command | provider | wall s | floor wall s | limit s | wall ×floor | limit ×floor | target | met | CPU s (tf+provider) | provider CPU s | floor CPU s | CPU ×floor | provider peak MiB | requests | per instance | request limit |\n")
	b.WriteString("|---|---:|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		limit := "–"
		if r.RequestLimit > 0 {
			limit = fmt.Sprintf("≤ %d: %s", r.RequestLimit, verdict(r.Requests <= r.RequestLimit))
		}
		floorWall, physical, wallRatio, limitRatio, target, met, floorCPU, cpuRatio := "–", "–", "–", "–", "–", "–", "–", "–"
		if r.WallTarget > 0 {
			target = fmt.Sprintf("≤ %.1f", r.WallTarget)
		}
		if r.FloorWall > 0 {
			floorWall, wallRatio = secs(r.FloorWall), fmt.Sprintf("%.2f", r.WallRatio)
			physical, limitRatio = secs(r.Limit), fmt.Sprintf("%.2f", r.LimitRatio)
			floorCPU, cpuRatio = secs(r.FloorCPU), fmt.Sprintf("%.2f", r.CPURatio)
			if r.WallTarget > 0 {
				met = verdict(r.WallRatio <= r.WallTarget)
			}
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %.2f | %s |\n",
			r.Fleet, r.N, r.Command, r.Variant, secs(r.Wall), floorWall, physical, wallRatio, limitRatio, target, met,
			secs(r.CPU), secs(r.ProviderCPU), floorCPU, cpuRatio,
			mib(r.ProviderMaxRSS), r.Requests, r.RequestsPerInstance, limit)
	}
	return b.String()
}

// beforeAfter renders the baseline next to the provider measured, for every
// command both ran; "" without a baseline.
func beforeAfter(rows []row) string {
	type key struct {
		fleet   string
		n       int
		command string
	}
	before := map[key]row{}
	for _, r := range rows {
		if r.Variant == variantBaseline {
			before[key{r.Fleet, r.N, r.Command}] = r
		}
	}
	if len(before) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\nBefore → after (baseline → this build, same run):\n\n")
	b.WriteString("| fleet | N | command | requests | per instance | wall ×floor | provider CPU s | provider peak MiB |\n")
	b.WriteString("|---|---:|---|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		o, ok := before[key{r.Fleet, r.N, r.Command}]
		if r.Variant != variantL2msg || !ok {
			continue
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %d → %d | %.2f → %.2f | %.2f → %.2f | %s → %s | %s → %s |\n",
			r.Fleet, r.N, r.Command, o.Requests, r.Requests, o.RequestsPerInstance, r.RequestsPerInstance,
			o.WallRatio, r.WallRatio, secs(o.ProviderCPU), secs(r.ProviderCPU), mib(o.ProviderMaxRSS), mib(r.ProviderMaxRSS))
	}
	return b.String()
}
