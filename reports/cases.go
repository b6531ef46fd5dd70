package reports

import (
	"fmt"
	"strings"
	"time"
)

// outcome is the result of one test case as the CI formats (JUnit, CTRF) carry it.
type outcome int

const (
	outcomePassed outcome = iota
	// outcomeFailed: a check that ran and did not hold (a failed scenario, threshold or
	// callback check).
	outcomeFailed
	// outcomeError: something that could not be judged and fails the verdict (an undefined
	// scenario, a run error); JUnit calls it an error, CTRF a failure.
	outcomeError
	// outcomeSkipped: not checked, not applicable, or a difference that does not fail the
	// verdict; the message always says which and why.
	outcomeSkipped
)

// Suites the harness adds beside the conformance features.
const (
	suiteThresholds = "thresholds"
	suiteCallbacks  = "callbacks"
	suiteCleanup    = "cleanup"
	suiteRun        = "run"
)

// testCase is one result in the CI formats. JUnit and CTRF are both rendered from the list
// resultCases builds, so that the two files of a run cannot count differently; every case
// that fails corresponds to one reason of the verdict.
type testCase struct {
	// Suite is the feature of a scenario or one of the harness's suites (suiteThresholds,
	// ...); Feature says which, so that a feature named "run" stays its own suite.
	Suite     string
	Feature   bool
	Name      string
	Classname string
	Duration  time.Duration
	Outcome   outcome
	// RawStatus is the harness's own word for the outcome (undefined, not checked, known
	// difference, run error, ...), empty when Outcome says it all.
	RawStatus string
	// Message is one line; Body the multi-line failure detail; Type the JUnit failure type.
	Message string
	Body    string
	Type    string
	// Output is the HTTP exchange of a failed scenario (JUnit system-out, CTRF stdout).
	Output string
	// FilePath and Line locate a scenario in the feature files; Tags are its tags.
	FilePath string
	Line     int
	Tags     []string
}

// resultCases lists every judged item of s in report order: the conformance scenarios (in
// order of appearance, grouped by feature by the writers), the thresholds, the callback
// checks that decide the verdict, then the run errors. s must be prepared.
func resultCases(s *Summary) []testCase {
	var out []testCase
	if c := s.Conformance; c != nil {
		for _, sc := range c.Scenarios {
			out = append(out, scenarioCase(sc))
		}
	}
	for _, t := range s.Thresholds {
		tc := testCase{Suite: suiteThresholds, Name: t.Expression, Classname: suiteThresholds}
		switch t.State() {
		case ThresholdNotChecked:
			tc.Outcome, tc.RawStatus = outcomeSkipped, ThresholdNotChecked
			tc.Message = oneLine("not checked: " + t.Message)
		case ThresholdFailed:
			msg := "observed " + t.ObservedString()
			if t.Message != "" {
				msg += ": " + t.Message
			}
			tc.Outcome, tc.Message, tc.Type = outcomeFailed, oneLine(msg), "threshold"
			tc.Body = xmlSafe(t.Expression + "\n" + msg)
		default:
			tc.Message = "observed " + t.ObservedString()
		}
		out = append(out, tc)
	}
	out = append(out, callbackCases(s.Callbacks)...)
	cleanup, claimed := cleanupCases(s)
	out = append(out, cleanup...)
	for i, e := range s.Errors {
		if claimed[i] {
			continue
		}
		out = append(out, testCase{
			Suite: suiteRun, Name: fmt.Sprintf("run error %d", i+1), Classname: suiteRun,
			Outcome: outcomeError, RawStatus: "run error", Type: "run", Message: oneLine(e), Body: xmlSafe(e),
		})
	}
	return out
}

// cleanupCases are the load scenarios' cleanup checks, one per scenario whose result records
// its bindings: passed when nothing was left on the platform, failed otherwise. A failed one
// is the scenario's run error (LoadCleanupError) under its own name, so claimed marks that
// error (by index in s.Errors) to keep it from being counted twice.
func cleanupCases(s *Summary) (cases []testCase, claimed map[int]bool) {
	claimed = map[int]bool{}
	if s.Load == nil {
		return nil, claimed
	}
	for _, ls := range s.Load.Scenarios {
		c := ls.Cleanup
		if c == nil {
			continue
		}
		tc := testCase{Suite: suiteCleanup, Name: "cleanup: " + ls.Name, Classname: suiteCleanup}
		account := fmt.Sprintf("%d bound, %d unbound, %d removed by cleanup, %d leaked", c.Bound, c.Unbound, c.Removed, c.Leaked)
		if c.Unknown > 0 {
			account += fmt.Sprintf(", %d unknown", c.Unknown)
		}
		if c.Problem == "" {
			tc.Message = account + ": nothing left on the platform"
			cases = append(cases, tc)
			continue
		}
		tc.Outcome, tc.Type = outcomeFailed, "cleanup"
		msg := LoadCleanupError(ls.Name, c.Problem)
		for i, e := range s.Errors {
			if e == msg && !claimed[i] {
				claimed[i] = true
				break
			}
		}
		tc.Message, tc.Body = oneLine(msg), xmlSafe(msg+"\n"+account)
		cases = append(cases, tc)
	}
	return cases, claimed
}

// scenarioCase is one conformance scenario: failed scenarios carry the error and the failing
// step, undefined ones are errors (they fail the strict suite), skipped ones their state and
// reason ("not checked: …", "differs: …", "known difference: …").
func scenarioCase(sc Scenario) testCase {
	suite := sc.Feature
	if suite == "" {
		suite = "(no feature)"
	}
	tc := testCase{
		Suite: suite, Feature: true, Name: sc.Name, Classname: "conformance." + sc.Interface, Duration: sc.Duration,
		FilePath: sc.FeatureURI, Line: sc.Line, Tags: sc.Tags,
	}
	switch sc.Status {
	case StatusPassed:
	case StatusFailed:
		tc.Outcome, tc.Type, tc.Message = outcomeFailed, "failed", oneLine(sc.Error)
		tc.Body, tc.Output = xmlSafe(failureBody(sc)), xmlSafe(exchange(sc))
	case StatusSkipped:
		tc.Outcome, tc.RawStatus, tc.Message = outcomeSkipped, sc.State, "scenario skipped"
		if sc.State != "" {
			tc.Message = oneLine(sc.State + ": " + sc.Reason)
		}
	default:
		tc.Outcome, tc.RawStatus, tc.Type = outcomeError, string(sc.Status), string(sc.Status)
		tc.Message, tc.Body = oneLine(sc.Error), xmlSafe(failureBody(sc))
	}
	return tc
}

// callbackCases are the callback checks that fail a run by themselves (Callbacks.Failures),
// one case per check so that a dashboard shows which one broke. The missing-notification
// check is not checked when nothing told the receiver which calls happened, and the
// emulator-loss check only applies to the embedded emulator: neither is reported as passed
// when it measured nothing.
func callbackCases(cb *Callbacks) []testCase {
	if cb == nil {
		return nil
	}
	c := cb.Counters
	checks := []struct {
		name, one, many string
		n               int64
		skip            string
	}{
		{"missing", "notification missing", "notifications missing", c.Missing, ""},
		{"duplicate", "notification duplicated beyond the documented re-pushes", "notifications duplicated beyond the documented re-pushes", c.Duplicate, ""},
		{"badSignature", "notification badly signed", "notifications badly signed", c.BadSignature, ""},
		{"schemaInvalid", "notification invalid against the schema", "notifications invalid against the schema", c.Invalid, ""},
		{"orphanFee", "fee record without its call", "fee records without their call", c.Orphan, ""},
		{"afterDisconnect", "call with an event after its disconnect", "calls with an event after their disconnect", c.AfterDisconnect, ""},
		{"emulatorLoss", "push lost by the emulator", "pushes lost by the emulator", cb.EmulatorLoss.Total(), ""},
	}
	if cb.MissingBasis == MissingUnknown {
		checks[0].skip = "nothing told the receiver which calls happened"
	}
	if cb.EmulatorLoss == nil {
		checks[6].skip = "the target is not the embedded emulator"
	}
	var out []testCase
	for _, ch := range checks {
		tc := testCase{Suite: suiteCallbacks, Name: "callbacks." + ch.name, Classname: suiteCallbacks}
		switch {
		case ch.skip != "" && ch.n == 0:
			tc.Outcome, tc.RawStatus, tc.Message = outcomeSkipped, ThresholdNotChecked, "not checked: "+ch.skip
		case ch.n > 0:
			tc.Outcome, tc.Type = outcomeFailed, "callback"
			tc.Message = plural(int(ch.n), ch.one, ch.many)
			tc.Body = tc.Message + callbackReproduceText(cb.Reproductions, ch.name)
		default:
			tc.Message = "0 " + ch.many
		}
		out = append(out, tc)
	}
	return out
}

// maxCaseReproductions caps the reproduce lines in one callback case's failure text.
const maxCaseReproductions = 3

// callbackReproduceText is the failure text's reproduce lines of one callback check: the
// first pushes that failed it, each with the curl command that sends it again.
func callbackReproduceText(rs []CallbackReproduction, check string) string {
	var b strings.Builder
	n := 0
	for _, r := range rs {
		if r.Check != check {
			continue
		}
		if n == maxCaseReproductions {
			b.WriteString("\n(more reproductions in the report)")
			break
		}
		n++
		b.WriteString("\n" + r.Problem + "\nreproduce: " + r.Line())
	}
	return b.String()
}
