package reports

import (
	"math"
	"strings"
	"testing"
	"time"
)

func loadSummary(name string, il ...InterfaceLoad) *Summary {
	return &Summary{Load: &Load{Scenarios: []LoadScenario{{Name: name, Interfaces: il}}}}
}

func TestCompare(t *testing.T) {
	ms := time.Millisecond
	base := InterfaceLoad{Interface: "axb.bind", AchievedRate: 100, SuccessRatio: 0.999,
		Service: Percentiles{P50: 4 * ms, P99: 20 * ms}, Corrected: Percentiles{P50: 5 * ms, P99: 25 * ms}}
	tests := []struct {
		name    string
		cur     InterfaceLoad
		metric  string
		current float64
		pct     float64
		reg     bool
		imp     bool
	}{
		{"p99 30% slower", with(base, func(i *InterfaceLoad) { i.Corrected.P99 = 32500 * time.Microsecond }), MetricP99, float64(32500 * time.Microsecond), 30, true, false},
		{"p99 5% slower is noise", with(base, func(i *InterfaceLoad) { i.Corrected.P99 = 26250 * time.Microsecond }), MetricP99, float64(26250 * time.Microsecond), 5, false, false},
		{"p50 halved", with(base, func(i *InterfaceLoad) { i.Corrected.P50 = 2500 * time.Microsecond }), MetricP50, float64(2500 * time.Microsecond), -50, false, true},
		{"rate 10% lower", with(base, func(i *InterfaceLoad) { i.AchievedRate = 90 }), MetricAchievedRate, 90, -10, true, false},
		{"rate 3% lower is noise", with(base, func(i *InterfaceLoad) { i.AchievedRate = 97 }), MetricAchievedRate, 97, -3, false, false},
		{"success down 0.5pp", with(base, func(i *InterfaceLoad) { i.SuccessRatio = 0.994 }), MetricSuccessRatio, 0.994, (0.994 - 0.999) / 0.999 * 100, true, false},
		{"success up", with(base, func(i *InterfaceLoad) { i.SuccessRatio = 1 }), MetricSuccessRatio, 1, (1 - 0.999) / 0.999 * 100, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			deltas := Compare(loadSummary("s", tt.cur), loadSummary("s", base))
			if len(deltas) != 4 {
				t.Fatalf("%d deltas, want 4", len(deltas))
			}
			var d *Delta
			for i := range deltas {
				if deltas[i].Metric == tt.metric {
					d = &deltas[i]
				}
			}
			if d == nil {
				t.Fatalf("no %s delta", tt.metric)
			}
			if d.Current != tt.current || math.Abs(d.ChangePct-tt.pct) > 1e-9 || d.Regression != tt.reg || d.Improvement != tt.imp {
				t.Errorf("got %+v, want current %v change %.3f%% regression %v improvement %v", *d, tt.current, tt.pct, tt.reg, tt.imp)
			}
			if d.Scenario != "s" || d.Interface != "axb.bind" {
				t.Errorf("identity %q/%q", d.Scenario, d.Interface)
			}
		})
	}
}

func with(il InterfaceLoad, f func(*InterfaceLoad)) InterfaceLoad {
	f(&il)
	return il
}

func TestCompareMatchingAndFallback(t *testing.T) {
	ms := time.Millisecond
	a := InterfaceLoad{Interface: "ax.bind", Service: Percentiles{P50: 2 * ms, P99: 8 * ms}, AchievedRate: 10, SuccessRatio: 1}
	b := InterfaceLoad{Interface: "ax.query", Service: Percentiles{P50: ms, P99: 4 * ms}, AchievedRate: 10, SuccessRatio: 1}
	if d := Compare(loadSummary("s", a), loadSummary("other", a)); len(d) != 0 {
		t.Errorf("different scenario names compared: %+v", d)
	}
	if d := Compare(loadSummary("s", a), loadSummary("s", b)); len(d) != 0 {
		t.Errorf("different interfaces compared: %+v", d)
	}
	if d := Compare(loadSummary("s", a, b), &Summary{}); d != nil {
		t.Errorf("baseline without load: %+v", d)
	}
	// No corrected figures: service times are compared.
	d := Compare(loadSummary("s", a), loadSummary("s", a))
	if len(d) != 4 || d[0].Current != float64(2*ms) || d[0].Change != 0 || d[0].Regression {
		t.Errorf("service fallback: %+v", d)
	}
	// Zero baseline: no percentage, no flag.
	z := a
	z.Service = Percentiles{}
	d = Compare(loadSummary("s", a), loadSummary("s", z))
	if d[0].ChangePct != 0 || d[0].Regression {
		t.Errorf("zero baseline: %+v", d[0])
	}
}

func TestSetBaseline(t *testing.T) {
	s := fixtureSummary(t)
	if s.Baseline == nil || s.Baseline.Label != "summary-v0.2.0.json" || s.Baseline.HarnessVersion != "v0.2.0" {
		t.Fatalf("baseline %+v", s.Baseline)
	}
	var reg []string
	for _, d := range s.Baseline.Deltas {
		if d.Regression {
			reg = append(reg, d.Scenario+"/"+d.Interface+"/"+d.Metric)
		}
	}
	want := "axb-steady/axb.bind/p99,ax-step/ax.bind/achievedRate,ax-step/ax.bind/successRatio"
	if got := join3(reg); got != want {
		t.Errorf("regressions %s, want %s", got, want)
	}
	s.SetBaseline("x", nil)
	if s.Baseline != nil {
		t.Error("nil baseline kept")
	}
}

func join3(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += ","
		}
		out += v
	}
	return out
}

func TestCompareScenarios(t *testing.T) {
	sc := func(id string, st Status) Scenario {
		return Scenario{ID: id, Feature: "f", Name: id, Interface: "axb.bind", Status: st, Error: "boom " + id}
	}
	base := &Summary{Conformance: &Conformance{Scenarios: []Scenario{
		sc("a", StatusPassed), sc("b", StatusFailed), sc("c", StatusPassed), sc("d", StatusPassed), sc("gone", StatusFailed)}}}
	cur := &Summary{Conformance: &Conformance{Scenarios: []Scenario{
		sc("a", StatusPassed), sc("b", StatusPassed), sc("c", StatusFailed), sc("d", StatusSkipped), sc("new", StatusFailed)}}}
	got := CompareScenarios(cur, base)
	want := []string{"c " + ChangeNewlyFailing, "b " + ChangeNewlyPassing, "d " + ChangeOther}
	if len(got) != len(want) {
		t.Fatalf("changes %+v", got)
	}
	for i, w := range want {
		if g := got[i].Key + " " + got[i].Change; g != w {
			t.Errorf("change %d = %q, want %q", i, g, w)
		}
	}
	if got[0].Error != "boom c" || got[1].Error != "" {
		t.Errorf("errors %+v", got)
	}
	cur.SetBaseline("old", base)
	if b := cur.Baseline; b.NewlyFailing != 1 || b.NewlyPassing != 1 || len(b.Scenarios) != 3 {
		t.Errorf("baseline %+v", b)
	}
	html := renderHTML(t, cur)
	for _, s := range []string{"1 newly failing scenarios", "newly-passing", "f › c"} {
		if !strings.Contains(html, s) {
			t.Errorf("HTML lacks %q", s)
		}
	}
	if CompareScenarios(cur, &Summary{}) != nil {
		t.Error("a baseline without conformance yields changes")
	}
}
