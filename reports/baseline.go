package reports

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Baseline is the comparison of this run with an earlier one.
type Baseline struct {
	// Label names the baseline for readers (a path, a version, a date).
	Label          string    `json:"label"`
	HarnessVersion string    `json:"harnessVersion,omitempty"`
	Start          time.Time `json:"start"`
	Deltas         []Delta   `json:"deltas"`
	// BaseWorkloads are the workloads of the baseline's load scenarios, so that a comparison
	// that matched none says what it had.
	BaseWorkloads []string `json:"baseWorkloads,omitempty"`
	// Scenarios are the conformance scenarios whose outcome differs from the baseline's,
	// newly failing first; NewlyFailing and NewlyPassing count them.
	Scenarios    []ScenarioChange `json:"scenarios,omitempty"`
	NewlyFailing int              `json:"newlyFailing"`
	NewlyPassing int              `json:"newlyPassing"`
}

// Scenario changes of a baseline comparison.
const (
	ChangeNewlyFailing = "newly-failing"
	ChangeNewlyPassing = "newly-passing"
	// ChangeOther is any other change of status (for example passed to skipped).
	ChangeOther = "changed"
)

// ScenarioChange is one conformance scenario whose status differs from the baseline's.
// Scenarios only in one of the two runs are not listed: a different tag selection is not a
// regression.
type ScenarioChange struct {
	// Key identifies the scenario across runs: its godog id, else feature and name.
	Key       string `json:"key"`
	Interface string `json:"interface"`
	Feature   string `json:"feature"`
	Name      string `json:"name"`
	Baseline  Status `json:"baseline"`
	Current   Status `json:"current"`
	// Change is ChangeNewlyFailing, ChangeNewlyPassing or ChangeOther.
	Change string `json:"change"`
	// Error is the current failure message of a newly failing scenario.
	Error string `json:"error,omitempty"`
}

// scenarioKey identifies a scenario across runs; outline rows have their own godog ids.
func scenarioKey(sc Scenario) string {
	if sc.ID != "" {
		return sc.ID
	}
	return sc.Feature + " › " + sc.Name
}

func failing(s Status) bool { return s == StatusFailed || s == StatusUndefined }

// CompareScenarios lists the conformance scenarios of current whose status differs from
// baseline's, newly failing first, then newly passing, then other changes, each in current's
// order.
func CompareScenarios(current, baseline *Summary) []ScenarioChange {
	if current == nil || baseline == nil || current.Conformance == nil || baseline.Conformance == nil {
		return nil
	}
	base := map[string]Status{}
	for _, sc := range baseline.Conformance.Scenarios {
		base[scenarioKey(sc)] = sc.Status
	}
	var fail, pass, other []ScenarioChange
	for _, sc := range current.Conformance.Scenarios {
		b, ok := base[scenarioKey(sc)]
		if !ok || b == sc.Status {
			continue
		}
		c := ScenarioChange{Key: scenarioKey(sc), Interface: sc.Interface, Feature: sc.Feature, Name: sc.Name, Baseline: b, Current: sc.Status}
		switch {
		case failing(sc.Status) && !failing(b):
			c.Change, c.Error = ChangeNewlyFailing, sc.Error
			fail = append(fail, c)
		case sc.Status == StatusPassed && failing(b):
			c.Change = ChangeNewlyPassing
			pass = append(pass, c)
		default:
			c.Change = ChangeOther
			other = append(other, c)
		}
	}
	return append(append(fail, pass...), other...)
}

// Metrics compared by Compare.
const (
	MetricP50          = "p50"
	MetricP99          = "p99"
	MetricAchievedRate = "achievedRate"
	MetricSuccessRatio = "successRatio"
)

// Tolerances beyond which Compare flags a delta as a regression. Smaller moves are noise on a
// shared machine.
const (
	// LatencyTolerancePct is the relative latency increase flagged (10 %).
	LatencyTolerancePct = 10.0
	// RateTolerancePct is the relative achieved-rate decrease flagged (5 %).
	RateTolerancePct = 5.0
	// SuccessTolerance is the absolute success-ratio decrease flagged (0.1 percentage point).
	SuccessTolerance = 0.001
)

// Delta compares one metric of one interface of one load scenario with the baseline.
type Delta struct {
	Scenario  string `json:"scenario"`
	Interface string `json:"interface"`
	// Metric is one of the Metric constants. Latencies are corrected response times (service
	// times when the run recorded no corrected figures) in nanoseconds.
	Metric   string  `json:"metric"`
	Unit     string  `json:"unit"`
	Baseline float64 `json:"baseline"`
	Current  float64 `json:"current"`
	// Change is Current - Baseline; ChangePct is relative to Baseline (0 when Baseline is 0).
	Change    float64 `json:"change"`
	ChangePct float64 `json:"changePct"`
	// Regression is true when the change is worse than the tolerance for the metric.
	Regression bool `json:"regression"`
	// Improvement is true when the change is better by more than the tolerance.
	Improvement bool `json:"improvement"`
}

// Compare compares each interface of each load scenario present in both summaries: p50 and
// p99 latency, achieved rate and success ratio. Scenarios are matched by Workload (the same
// load, whatever directory or label each run had), by Name when either side does not record
// its workload; interfaces by id. The order follows current. Interfaces or scenarios missing
// from either side are skipped.
func Compare(current, baseline *Summary) []Delta {
	if current == nil || baseline == nil || current.Load == nil || baseline.Load == nil {
		return nil
	}
	var out []Delta
	for _, sc := range current.Load.Scenarios {
		bs := matchScenario(sc, baseline.Load.Scenarios)
		if bs == nil {
			continue
		}
		base := map[string]InterfaceLoad{}
		for _, il := range bs.Interfaces {
			base[il.Interface] = il
		}
		for _, cur := range sc.Interfaces {
			b, ok := base[cur.Interface]
			if !ok {
				continue
			}
			cp, bp := latencyFor(cur), latencyFor(b)
			for _, d := range []Delta{
				{Metric: MetricP50, Unit: UnitNanoseconds, Current: float64(cp.P50), Baseline: float64(bp.P50)},
				{Metric: MetricP99, Unit: UnitNanoseconds, Current: float64(cp.P99), Baseline: float64(bp.P99)},
				{Metric: MetricAchievedRate, Unit: UnitRate, Current: cur.AchievedRate, Baseline: b.AchievedRate},
				{Metric: MetricSuccessRatio, Unit: UnitRatio, Current: cur.SuccessRatio, Baseline: b.SuccessRatio},
			} {
				d.Scenario, d.Interface = sc.Name, cur.Interface
				d.Change = d.Current - d.Baseline
				if d.Baseline != 0 {
					d.ChangePct = d.Change / math.Abs(d.Baseline) * 100
				}
				switch d.Metric {
				case MetricP50, MetricP99:
					d.Regression = d.Baseline > 0 && d.ChangePct > LatencyTolerancePct
					d.Improvement = d.Baseline > 0 && d.ChangePct < -LatencyTolerancePct
				case MetricAchievedRate:
					d.Regression = d.Baseline > 0 && d.ChangePct < -RateTolerancePct
					d.Improvement = d.Baseline > 0 && d.ChangePct > RateTolerancePct
				case MetricSuccessRatio:
					// The epsilon keeps a change of exactly the tolerance unflagged despite
					// float rounding (1 - 0.999 > 0.001).
					d.Regression = d.Change < -SuccessTolerance-1e-12
					d.Improvement = d.Change > SuccessTolerance+1e-12
				}
				out = append(out, d)
			}
		}
	}
	return out
}

// matchScenario returns the baseline's scenario of the same workload as sc (the first, when
// several ran it), else the one of the same name when either side does not record its
// workload.
func matchScenario(sc LoadScenario, base []LoadScenario) *LoadScenario {
	for i := range base {
		if sc.Workload != "" && base[i].Workload == sc.Workload {
			return &base[i]
		}
	}
	for i := range base {
		if (sc.Workload == "" || base[i].Workload == "") && base[i].Name == sc.Name {
			return &base[i]
		}
	}
	return nil
}

// latencyFor prefers corrected response times, the figure a client experiences.
func latencyFor(il InterfaceLoad) Percentiles {
	if !il.Corrected.IsZero() {
		return il.Corrected
	}
	return il.Service
}

// SetBaseline compares s with base and records the result in s.Baseline.
func (s *Summary) SetBaseline(label string, base *Summary) {
	if base == nil {
		s.Baseline = nil
		return
	}
	s.Baseline = &Baseline{
		Label:          label,
		HarnessVersion: base.Manifest.HarnessVersion,
		Start:          base.Manifest.Start,
		Deltas:         Compare(s, base),
		BaseWorkloads:  workloads(base),
		Scenarios:      CompareScenarios(s, base),
	}
	for _, c := range s.Baseline.Scenarios {
		switch c.Change {
		case ChangeNewlyFailing:
			s.Baseline.NewlyFailing++
		case ChangeNewlyPassing:
			s.Baseline.NewlyPassing++
		}
	}
}

// BaselineLines are the console account of the comparison, from the same figures as the report's
// Baseline section: the counts, then one line per regression; when no load scenario matched,
// the scenarios of each side, so that a reader sees why nothing was compared.
func (s *Summary) BaselineLines() []string {
	b := s.Baseline
	if b == nil {
		return nil
	}
	var reg, imp int
	for _, d := range b.Deltas {
		if d.Regression {
			reg++
		}
		if d.Improvement {
			imp++
		}
	}
	out := []string{fmt.Sprintf("baseline %s: load %d regressions, %d improvements of %d figures compared; conformance %d newly failing, %d newly passing",
		b.Label, reg, imp, len(b.Deltas), b.NewlyFailing, b.NewlyPassing)}
	for _, d := range b.Deltas {
		if d.Regression {
			out = append(out, fmt.Sprintf("  worse  %s %s %s: %s -> %s (%s)", d.Scenario, d.Interface, metricLabel(d.Metric),
				formatValue(d.Baseline, d.Unit), formatValue(d.Current, d.Unit), signedPct(d.ChangePct)))
		}
	}
	if len(b.Deltas) == 0 && s.Load != nil && len(s.Load.Scenarios) > 0 {
		out = append(out, "  no load scenario and interface in common with the baseline; this run: "+orNone(workloads(s))+
			"; baseline: "+orNone(b.BaseWorkloads))
	}
	for _, c := range b.Scenarios {
		if c.Change == ChangeNewlyFailing {
			out = append(out, fmt.Sprintf("  newly failing %s › %s", c.Feature, c.Name))
		}
	}
	return out
}

// workloads lists the workloads (else the names) of s's load scenarios.
func workloads(s *Summary) []string {
	if s == nil || s.Load == nil {
		return nil
	}
	var out []string
	for _, sc := range s.Load.Scenarios {
		if sc.Workload != "" {
			out = append(out, sc.Workload)
		} else {
			out = append(out, sc.Name)
		}
	}
	return out
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// signedPct formats a change in percent with its sign.
func signedPct(p float64) string {
	if p > 0 {
		return "+" + FormatPct(p)
	}
	return FormatPct(p)
}
