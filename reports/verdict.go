// Split from summary.go (issue 23): thresholds and the verdict computed from every section.

package reports

import (
	"fmt"
)

// Counts is the verdict's one line of scenario counts by state.
func (v Verdict) Counts() string {
	return fmt.Sprintf("%d passed, %d failed, %d not checked, %d not applicable, %d known differences, %d differ from emulator decisions",
		v.ScenariosPassed, v.ScenariosFailed+v.ScenariosUndefined, v.ScenariosNotChecked, v.ScenariosNotApplicable, v.KnownDifferences, v.Differs)
}

// Units of Threshold.Observed.
const (
	UnitNanoseconds = "ns"
	UnitRatio       = "ratio"
	UnitPercent     = "%"
	UnitRate        = "req/s"
	UnitCount       = "count"
)

// Threshold is one evaluated threshold expression of the profile.
type Threshold struct {
	// Expression is the threshold as written, for example "load.axb.bind.p99 < 200ms".
	Expression string `json:"expression"`
	// Observed is the measured value in Unit.
	Observed float64 `json:"observed"`
	// Unit is one of the Unit constants; UnitNanoseconds values are rendered as durations.
	Unit   string `json:"unit,omitempty"`
	Passed bool   `json:"passed"`
	// NotChecked says the threshold could not be measured on this run and nobody asked for
	// it (a subcommand's default): it is neither passed nor failed, and Message says why.
	// Set it through Unmeasured only.
	NotChecked bool `json:"notChecked,omitempty"`
	// Message explains a failure, an evaluation problem or why the threshold was not checked.
	Message string `json:"message,omitempty"`
}

// Threshold states, as Threshold.State reports them.
const (
	ThresholdPassed     = "passed"
	ThresholdFailed     = "failed"
	ThresholdNotChecked = "not checked"
)

// Unmeasured records that t could not be measured, for reason. A threshold the user gave
// fails: they asked for that gate, and a gate that was not measured did not hold. A default
// one (given false) is not checked: failing it would be a false failure, passing it a false
// pass. This is the one place that rule lives.
func (t *Threshold) Unmeasured(reason string, given bool) {
	t.Passed, t.NotChecked, t.Message = false, !given, reason
}

// State is the threshold's state: ThresholdPassed, ThresholdFailed or ThresholdNotChecked.
func (t Threshold) State() string {
	switch {
	case t.NotChecked:
		return ThresholdNotChecked
	case t.Passed:
		return ThresholdPassed
	}
	return ThresholdFailed
}

// Broken says the threshold breaks the run: it failed (a not-checked one does not).
func (t Threshold) Broken() bool { return t.State() == ThresholdFailed }

// ObservedString renders Observed for humans according to Unit.
func (t Threshold) ObservedString() string {
	return formatValue(t.Observed, t.Unit)
}

// Verdict statuses.
const (
	VerdictPass = "PASS"
	VerdictFail = "FAIL"
	// VerdictEmpty is used when nothing ran at all: a run without results must not look
	// green.
	VerdictEmpty = "NO RESULTS"
)

// ThresholdCounts is the thresholds part of a console headline: "9 passed, 0 failed", plus
// ", 1 not checked" when some were not checked.
func (v Verdict) ThresholdCounts() string {
	s := fmt.Sprintf("%d passed, %d failed", v.ThresholdsPassed, v.ThresholdsFailed)
	if v.ThresholdsNotChecked > 0 {
		s += fmt.Sprintf(", %d not checked", v.ThresholdsNotChecked)
	}
	return s
}

// Verdict is the overall outcome with the counts behind it.
type Verdict struct {
	Status             string `json:"status"`
	ScenariosPassed    int    `json:"scenariosPassed"`
	ScenariosFailed    int    `json:"scenariosFailed"`
	ScenariosSkipped   int    `json:"scenariosSkipped"`
	ScenariosUndefined int    `json:"scenariosUndefined"`
	// The skipped scenarios by the runner's state: not checked (with a reason), not
	// applicable, known differences and differences from emulator decisions. None fails the
	// verdict.
	ScenariosNotChecked    int `json:"scenariosNotChecked,omitempty"`
	ScenariosNotApplicable int `json:"scenariosNotApplicable,omitempty"`
	KnownDifferences       int `json:"knownDifferences,omitempty"`
	Differs                int `json:"differs,omitempty"`
	ThresholdsPassed       int `json:"thresholdsPassed"`
	ThresholdsFailed       int `json:"thresholdsFailed"`
	// ThresholdsNotChecked counts the default thresholds that could not be measured
	// (Threshold.NotChecked); they do not fail the verdict.
	ThresholdsNotChecked int   `json:"thresholdsNotChecked,omitempty"`
	LoadScenarios        int   `json:"loadScenarios"`
	CallbackAnomalies    int64 `json:"callbackAnomalies"`
	// CallbackFailures counts the callback anomalies that fail the run (Callbacks.Failures).
	CallbackFailures int `json:"callbackFailures,omitempty"`
	// Reasons lists why the verdict is FAIL, in order of importance.
	Reasons []string `json:"reasons,omitempty"`
}

// ComputeVerdict derives the verdict: FAIL on any failed or undefined scenario (the suite runs
// strict), any failed threshold or any run error; NO RESULTS when no section has data;
// otherwise PASS. Missing, duplicated, badly signed or schema-invalid callbacks and pushes
// lost by the emulator fail the run (Callbacks.Failures); other callback anomalies and load
// shortfall fail it only through thresholds, so that a profile decides what it tolerates.
func (s *Summary) ComputeVerdict() Verdict {
	var v Verdict
	hasData := false
	if c := s.Conformance; c != nil {
		for _, sc := range c.Scenarios {
			hasData = true
			switch sc.Status {
			case StatusPassed:
				v.ScenariosPassed++
			case StatusFailed:
				v.ScenariosFailed++
			case StatusSkipped:
				v.ScenariosSkipped++
				switch sc.State {
				case StateNotApplicable:
					v.ScenariosNotApplicable++
				case StateKnownDifference:
					v.KnownDifferences++
				case StateDiffers:
					v.Differs++
				default:
					v.ScenariosNotChecked++
				}
			default:
				v.ScenariosUndefined++
			}
		}
	}
	if s.Load != nil && len(s.Load.Scenarios) > 0 {
		hasData = true
		v.LoadScenarios = len(s.Load.Scenarios)
	}
	if s.Callbacks != nil {
		hasData = true
		v.CallbackAnomalies = s.Callbacks.Counters.Total()
	}
	for _, t := range s.Thresholds {
		hasData = true
		switch t.State() {
		case ThresholdPassed:
			v.ThresholdsPassed++
		case ThresholdFailed:
			v.ThresholdsFailed++
		default:
			v.ThresholdsNotChecked++
		}
	}
	if len(s.Errors) > 0 {
		v.Reasons = append(v.Reasons, plural(len(s.Errors), "run error", "run errors"))
	}
	if v.ScenariosFailed > 0 {
		v.Reasons = append(v.Reasons, plural(v.ScenariosFailed, "scenario failed", "scenarios failed"))
	}
	if v.ScenariosUndefined > 0 {
		v.Reasons = append(v.Reasons, plural(v.ScenariosUndefined, "scenario undefined", "scenarios undefined"))
	}
	if cf := s.Callbacks.Failures(); len(cf) > 0 {
		v.CallbackFailures = len(cf)
		v.Reasons = append(v.Reasons, cf...)
	}
	if v.ThresholdsFailed > 0 {
		v.Reasons = append(v.Reasons, plural(v.ThresholdsFailed, "threshold failed", "thresholds failed"))
	}
	switch {
	case len(v.Reasons) > 0:
		v.Status = VerdictFail
	case !hasData:
		v.Status = VerdictEmpty
		v.Reasons = []string{"no conformance, load, callback or threshold results"}
	default:
		v.Status = VerdictPass
	}
	return v
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
