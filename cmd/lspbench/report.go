package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
)

// metric is one measured quantity of one server: a sample per run, or per
// request for completion.
type metric struct {
	Name    string    `json:"name"`
	Unit    string    `json:"unit"`
	Samples []float64 `json:"samples"`
	Min     float64   `json:"min"`
	P50     float64   `json:"p50"`
	P90     float64   `json:"p90"`
	P99     float64   `json:"p99"`
	Max     float64   `json:"max"`
}

// summarize fills the order statistics (nearest rank).
func (m *metric) summarize() {
	s := slices.Clone(m.Samples)
	slices.Sort(s)
	if len(s) == 0 {
		return
	}
	q := func(p float64) float64 { return s[max(int(math.Ceil(p*float64(len(s))))-1, 0)] }
	m.Min, m.P50, m.P90, m.P99, m.Max = s[0], q(0.5), q(0.9), q(0.99), s[len(s)-1]
}

func sortSpans(s []span) {
	slices.SortFunc(s, func(a, b span) int {
		if a.Start.Line != b.Start.Line {
			return a.Start.Line - b.Start.Line
		}
		if a.Start.Char != b.Start.Char {
			return a.Start.Char - b.Start.Char
		}
		if a.End.Line != b.End.Line {
			return a.End.Line - b.End.Line
		}
		return a.End.Char - b.End.Char
	})
}

// metricOrder is the report's order.
var metricOrder = []string{mStartup, mFirstDiag, mSpawnDiag, mStorm, mStormPublishes, mStormChanged, mStormWrongAfter,
	mMany, mLarge, mLargeFirstComp, mCompletion, mCompletionItems, mCompletionWrong, mRSSMany, mRSS, mRSSTree, mColdStartup, mColdSpawnDiag}

// scaleMetrics are the scaling metrics s has, by document size.
func scaleMetrics(s *server) []string {
	var lines []int
	for name := range s.metrics {
		var n int
		if _, err := fmt.Sscanf(name, "scaling: %d-line", &n); err == nil {
			lines = append(lines, n)
		}
	}
	slices.Sort(lines)
	var out []string
	for _, n := range lines {
		out = append(out, scaleMetric(n))
	}
	return out
}

// ratio compares a server with the baseline on one statistic, with the
// issue's target where it sets one.
type ratio struct {
	Metric   string  `json:"metric"`
	Stat     string  `json:"stat"`
	Value    float64 `json:"value"`
	Baseline float64 `json:"baseline"`
	Ratio    float64 `json:"ratio"`
	Target   string  `json:"target,omitempty"`
	Met      *bool   `json:"met,omitempty"`
}

// ratioTargets are the targets as ratios to the out-of-process
// anchor; absoluteTargets hold whatever the baseline.
var ratioTargets = []struct {
	metric, stat string
	max          float64
}{
	{mFirstDiag, "p50", 1.0 / 3},
	{mMany, "p50", 1.0 / 4},
	{mLarge, "p50", 1.0 / 2},
	{mStorm, "p50", 1},
	{mStormPublishes, "p50", 1.0 / 2},
	{mStormChanged, "p50", 0},
	{mLargeFirstComp, "p50", 0},
	{mCompletion, "p50", 0},
	{mCompletion, "p99", 0},
	{mStartup, "p50", 0},
	{mSpawnDiag, "p50", 0},
	{mRSSMany, "max", 0},
	{mRSS, "max", 0},
	{mRSSTree, "max", 0},
}

var absoluteTargets = []struct {
	metric, stat, unit string
	max                float64
}{
	{mStartup, "p50", "ms", 20},
	{mSpawnDiag, "p50", "ms", 300},
	{mCompletion, "p99", "ms", 5},
	{mRSSMany, "max", "MB", 60},
}

func stat(m *metric, name string) float64 {
	switch name {
	case "p99":
		return m.P99
	case "max":
		return m.Max
	}
	return m.P50
}

func ratios(s, base *server) []ratio {
	var out []ratio
	for _, t := range ratioTargets {
		m, b := s.metrics[t.metric], base.metrics[t.metric]
		if m == nil || b == nil {
			continue
		}
		r := ratio{Metric: t.metric, Stat: t.stat, Value: stat(m, t.stat), Baseline: stat(b, t.stat)}
		r.Ratio = r.Value / r.Baseline
		if t.max > 0 {
			met := r.Value <= t.max*r.Baseline
			r.Target, r.Met = fmt.Sprintf("≤ %.2f", t.max), &met
		}
		out = append(out, r)
	}
	for _, name := range scaleMetrics(s) {
		if m, b := s.metrics[name], base.metrics[name]; m != nil && b != nil {
			r := ratio{Metric: name, Stat: "p50", Value: stat(m, "p50"), Baseline: stat(b, "p50")}
			r.Ratio = r.Value / r.Baseline
			out = append(out, r)
		}
	}
	return out
}

// machine describes where the figures come from.
type machine struct {
	CPUs  int    `json:"cpus"`
	Model string `json:"cpuModel"`
	Go    string `json:"go"`
	OS    string `json:"os"`
	// LoadAvg is /proc/loadavg's 1, 5 and 15-minute load when the run
	// began and ended: other work on the machine skews every figure.
	LoadAvg [2]string `json:"loadAvg"`
}

func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	return strings.Join(f[:min(len(f), 3)], " ")
}

func thisMachine() machine {
	m := machine{CPUs: runtime.NumCPU(), Go: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				m.Model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	return m
}

// report is the JSON output.
type report struct {
	Machine  machine            `json:"machine"`
	Settings map[string]any     `json:"settings"`
	Servers  []serverReport     `json:"servers"`
	Ratios   map[string][]ratio `json:"ratios,omitempty"`
}

type serverReport struct {
	Name    string    `json:"name"`
	Command string    `json:"command"`
	Error   string    `json:"error,omitempty"`
	Notes   []string  `json:"notes,omitempty"`
	Metrics []*metric `json:"metrics"`
}

func buildReport(servers []*server, base *server, settings map[string]any, startLoad string) report {
	r := report{Machine: thisMachine(), Settings: settings, Ratios: map[string][]ratio{}}
	r.Machine.LoadAvg = [2]string{startLoad, loadAvg()}
	for _, s := range servers {
		sr := serverReport{Name: s.name, Command: strings.Join(s.argv, " "), Notes: s.notes}
		if s.failed != nil {
			sr.Error = s.failed.Error()
		}
		for _, name := range append(metricOrder, scaleMetrics(s)...) {
			if m := s.metrics[name]; m != nil {
				m.summarize()
				sr.Metrics = append(sr.Metrics, m)
			}
		}
		r.Servers = append(r.Servers, sr)
	}
	if base != nil {
		for _, s := range servers {
			if s != base {
				r.Ratios[s.name] = ratios(s, base)
			}
		}
	}
	return r
}

func writeJSON(w io.Writer, r report) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(r)
}

// writeMarkdown writes tables to paste into BENCHMARKS.md.
func writeMarkdown(w io.Writer, r report, base string) {
	m := r.Machine
	fmt.Fprintf(w, "Machine: %d CPUs, %s, %s, lspbench built with %s; load average %s at the start, %s at the end.\n\n",
		m.CPUs, m.Model, m.OS, m.Go, m.LoadAvg[0], m.LoadAvg[1])
	for _, s := range r.Servers {
		fmt.Fprintf(w, "#### %s: `%s`\n\n", s.Name, s.Command)
		if s.Error != "" {
			fmt.Fprintf(w, "**FAILED**: %s\n\n", strings.ReplaceAll(s.Error, "\n", " / "))
		}
		for _, n := range s.Notes {
			fmt.Fprintf(w, "The server showed: %q\n\n", n)
		}
		fmt.Fprintln(w, "| metric | unit | n | min | p50 | p90 | p99 | max |")
		fmt.Fprintln(w, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
		for _, x := range s.Metrics {
			fmt.Fprintf(w, "| %s | %s | %d | %s | %s | %s | %s | %s |\n", x.Name, x.Unit, len(x.Samples),
				num(x.Min), num(x.P50), num(x.P90), num(x.P99), num(x.Max))
		}
		fmt.Fprintln(w)
	}
	for _, s := range r.Servers {
		rs := r.Ratios[s.Name]
		if len(rs) == 0 {
			continue
		}
		fmt.Fprintf(w, "#### %s / %s\n\n", s.Name, base)
		fmt.Fprintf(w, "| metric | stat | %s | %s | ratio | target | met |\n", s.Name, base)
		fmt.Fprintln(w, "| --- | --- | ---: | ---: | ---: | --- | --- |")
		for _, x := range rs {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", x.Metric, x.Stat, num(x.Value), num(x.Baseline), num(x.Ratio), x.Target, yesNo(x.Met))
		}
		fmt.Fprintln(w)
	}
	for _, s := range r.Servers {
		if s.Name == base {
			continue
		}
		var rows []string
		for _, t := range absoluteTargets {
			for _, x := range s.Metrics {
				if x.Name == t.metric {
					v := stat(x, t.stat)
					met := v <= t.max
					rows = append(rows, fmt.Sprintf("| %s | %s | %s %s | ≤ %s %s | %s |", t.metric, t.stat, num(v), t.unit, num(t.max), t.unit, yesNo(&met)))
				}
			}
		}
		if len(rows) > 0 {
			fmt.Fprintf(w, "#### %s: absolute targets\n\n| metric | stat | value | target | met |\n| --- | --- | ---: | --- | --- |\n%s\n\n", s.Name, strings.Join(rows, "\n"))
		}
	}
}

func num(v float64) string {
	switch {
	case v == math.Trunc(v) && math.Abs(v) < 1e6:
		return fmt.Sprintf("%.0f", v)
	case math.Abs(v) >= 100:
		return fmt.Sprintf("%.0f", v)
	case math.Abs(v) >= 10:
		return fmt.Sprintf("%.1f", v)
	case math.Abs(v) >= 0.1:
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.3f", v)
}

func yesNo(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "yes"
	}
	return "**no**"
}
