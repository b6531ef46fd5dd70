package reports

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkCTRFAgrees reports every way a CTRF report disagrees with the JUnit file and the
// summary of the same run: the summary's counts must be those of its tests, every test must
// have a CTRF status, every skipped test a reason, and the failed tests must be JUnit's
// failures plus errors and the verdict's failing items (failed and undefined scenarios,
// failed thresholds, failing callback checks, run errors).
func checkCTRFAgrees(rep CTRFReport, junit []byte, s *Summary) []string {
	var bad []string
	sum := rep.Results.Summary
	counts := map[string]int{}
	for _, t := range rep.Results.Tests {
		counts[t.Status]++
		switch t.Status {
		case CTRFPassed, CTRFFailed, CTRFSkipped:
		default:
			bad = append(bad, fmt.Sprintf("test %q has status %q", t.Name, t.Status))
		}
		if t.Status == CTRFSkipped && t.Message == "" {
			bad = append(bad, fmt.Sprintf("skipped test %q has no reason", t.Name))
		}
		if t.Name == "" || len(t.Suite) == 0 || t.Duration < 0 {
			bad = append(bad, fmt.Sprintf("test %+v lacks a name, a suite or a duration", t))
		}
	}
	if sum.Tests != len(rep.Results.Tests) || sum.Passed != counts[CTRFPassed] || sum.Failed != counts[CTRFFailed] ||
		sum.Skipped != counts[CTRFSkipped] || sum.Pending != 0 || sum.Other != 0 {
		bad = append(bad, fmt.Sprintf("summary %+v does not count its tests %v", sum, counts))
	}
	root, err := ReadJUnit(junit)
	if err != nil {
		return append(bad, "junit: "+err.Error())
	}
	if root.Tests != sum.Tests || root.Failures+root.Errors != sum.Failed || root.Skipped != sum.Skipped {
		bad = append(bad, fmt.Sprintf("JUnit tests=%d failures=%d errors=%d skipped=%d, CTRF %+v", root.Tests, root.Failures, root.Errors, root.Skipped, sum))
	}
	v := s.ComputeVerdict()
	wantFailed := v.ScenariosFailed + v.ScenariosUndefined + v.ThresholdsFailed + v.CallbackFailures + len(s.Errors)
	wantSkipped := v.ScenariosSkipped + v.ThresholdsNotChecked
	if sum.Failed != wantFailed {
		bad = append(bad, fmt.Sprintf("CTRF failed %d, the verdict's failing items %d (%+v)", sum.Failed, wantFailed, v))
	}
	if sum.Passed < v.ScenariosPassed+v.ThresholdsPassed || sum.Skipped < wantSkipped {
		bad = append(bad, fmt.Sprintf("CTRF passed %d skipped %d, the verdict %+v", sum.Passed, sum.Skipped, v))
	}
	if ex := rep.Results.Extra; ex == nil || ex.Verdict.Status != v.Status {
		bad = append(bad, fmt.Sprintf("results.extra.verdict is not the verdict %s", v.Status))
	}
	if env := rep.Results.Environment; env == nil || env.Healthy != (v.Status == VerdictPass) {
		bad = append(bad, "environment.healthy disagrees with the verdict "+v.Status)
	}
	return bad
}

// TestCTRFAgreesWithJUnitAndSummary writes the fixture with WriteAll and checks that ctrf.json
// counts what junit.xml and summary.json say, and that each kind of result is there with the
// status and reason a dashboard shows.
func TestCTRFAgreesWithJUnitAndSummary(t *testing.T) {
	dir := t.TempDir()
	if _, err := WriteAll(dir, fixtureSummary(t)); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, CTRFFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := ReadCTRF(f)
	if err != nil {
		t.Fatal(err)
	}
	junit, err := os.ReadFile(filepath.Join(dir, JUnitFile))
	if err != nil {
		t.Fatal(err)
	}
	s, err := LoadSummary(filepath.Join(dir, JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range checkCTRFAgrees(rep, junit, s) {
		t.Error(p)
	}
	if rep.SpecVersion != CTRFSpecVersion || rep.Results.Tool.Name != "pns-harness" {
		t.Errorf("header %q %+v", rep.SpecVersion, rep.Results.Tool)
	}
	if got := rep.Results.Summary; got.Tests != 25 || got.Failed != 7 || got.Skipped != 2 || got.Passed != 16 {
		t.Errorf("summary %+v, want 25 tests: 16 passed, 7 failed, 2 skipped", got)
	}
	if got := rep.Results.Summary; got.Start != s.Manifest.Start.UnixMilli() || got.Stop != s.Manifest.End.UnixMilli() || got.Start == 0 {
		t.Errorf("start %d stop %d, manifest %v %v", got.Start, got.Stop, s.Manifest.Start, s.Manifest.End)
	}
	byName := map[string]CTRFTest{}
	for _, tc := range rep.Results.Tests {
		byName[strings.Join(tc.Suite, "/")+"/"+tc.Name] = tc
	}
	want := []struct {
		key, status, rawStatus, message string
	}{
		{"conformance/AX query/Query by subscription id only", CTRFFailed, "undefined", ""},
		{"thresholds/load.ax-step.ax.query.p99 < 50ms", CTRFFailed, "", "observed 61.3ms: step 4 (800 req/s) saturates the target"},
		{"thresholds/load.axb-steady.axb.bind.p99 < 50ms", CTRFPassed, "", "observed 21ms"},
		{"callbacks/callbacks.missing", CTRFFailed, "", "2 notifications missing"},
		{"callbacks/callbacks.badSignature", CTRFPassed, "", "0 notifications badly signed"},
		{"callbacks/callbacks.emulatorLoss", CTRFSkipped, ThresholdNotChecked, "not checked: the target is not the embedded emulator"},
		{"cleanup/cleanup: axb-steady", CTRFPassed, "", "3972 bound, 3970 unbound, 2 removed by cleanup, 0 leaked: nothing left on the platform"},
	}
	for _, w := range want {
		tc, ok := byName[w.key]
		if !ok {
			t.Errorf("no test %s", w.key)
			continue
		}
		if tc.Status != w.status || tc.RawStatus != w.rawStatus || (w.message != "" && tc.Message != w.message) {
			t.Errorf("%s: %s %q %q, want %s %q %q", w.key, tc.Status, tc.RawStatus, tc.Message, w.status, w.rawStatus, w.message)
		}
	}
	var failedScenario *CTRFTest
	for i, tc := range rep.Results.Tests {
		if tc.Type == "conformance" && tc.Status == CTRFFailed && tc.RawStatus == "" && len(tc.Stdout) > 0 {
			failedScenario = &rep.Results.Tests[i]
			break
		}
	}
	if failedScenario == nil || !strings.Contains(failedScenario.Trace, "Step: ") || failedScenario.FilePath == "" || failedScenario.Line == 0 {
		t.Errorf("no failed scenario with its step, location and exchange: %+v", failedScenario)
	}
	if len(rep.Results.Extra.Load) != 2 || rep.Results.Extra.Load[0].Headline != s.Load.Scenarios[0].Headline() {
		t.Errorf("extra.load %+v", rep.Results.Extra.Load)
	}
}

// TestCTRFStates covers the states the fixture lacks: a not-checked scenario and threshold
// are skipped with their reasons, a run error (a leaked binding) fails, an unknown
// missing-notification basis is not checked, a PASS run is healthy, and an empty run is
// neither healthy nor a list of passes.
func TestCTRFStates(t *testing.T) {
	s := &Summary{Conformance: NewConformance([]Scenario{
		{Feature: "F", Name: "needs control", Status: StatusSkipped, State: StateNotChecked, Reason: "needs emulator control"},
		{Feature: "F", Name: "ok", Status: StatusPassed},
	}, nil), Callbacks: &Callbacks{MissingBasis: MissingUnknown, EmulatorLoss: &EmulatorLoss{}}}
	var th Threshold
	th.Expression = "callback.missing==0"
	th.Unmeasured("unknown: nothing told the receiver which calls happened", false)
	s.Thresholds = []Threshold{th}
	check := func(s *Summary) CTRFReport {
		t.Helper()
		var c, j bytes.Buffer
		if err := WriteCTRF(&c, s); err != nil {
			t.Fatal(err)
		}
		if err := WriteJUnit(&j, s); err != nil {
			t.Fatal(err)
		}
		rep, err := ReadCTRF(&c)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range checkCTRFAgrees(rep, j.Bytes(), s) {
			t.Error(p)
		}
		return rep
	}
	rep := check(s)
	got := map[string]string{}
	for _, tc := range rep.Results.Tests {
		got[tc.Name] = tc.Status + ": " + tc.Message
	}
	for name, want := range map[string]string{
		"needs control":          "skipped: not checked: needs emulator control",
		"callback.missing==0":    "skipped: not checked: unknown: nothing told the receiver which calls happened",
		"callbacks.missing":      "skipped: not checked: nothing told the receiver which calls happened",
		"callbacks.emulatorLoss": "passed: 0 pushes lost by the emulator",
	} {
		if got[name] != want {
			t.Errorf("%s: %q, want %q", name, got[name], want)
		}
	}
	if !rep.Results.Environment.Healthy {
		t.Error("a PASS run is not healthy")
	}
	// A load that left bindings: its cleanup check fails with the run error's text, and the
	// run error is not counted a second time; another run error stays a run error.
	problem := "left 2 binding(s) behind: subscriptionId a b"
	s.Load = &Load{Scenarios: []LoadScenario{{Name: "axb-bind-unbind", Cleanup: &LoadCleanup{Bound: 5, Unbound: 3, Leaked: 2, Problem: problem}}}}
	s.Errors = []string{"receiver: address in use", LoadCleanupError("axb-bind-unbind", problem)}
	rep = check(s)
	var cleanup, runErrs []CTRFTest
	for _, tc := range rep.Results.Tests {
		switch tc.Type {
		case "cleanup":
			cleanup = append(cleanup, tc)
		case "run":
			runErrs = append(runErrs, tc)
		}
	}
	if len(cleanup) != 1 || cleanup[0].Status != CTRFFailed || cleanup[0].Message != "load axb-bind-unbind "+problem ||
		!strings.Contains(cleanup[0].Trace, "5 bound, 3 unbound, 0 removed by cleanup, 2 leaked") {
		t.Errorf("cleanup tests %+v", cleanup)
	}
	if len(runErrs) != 1 || runErrs[0].Status != CTRFFailed || runErrs[0].Message != "receiver: address in use" || rep.Results.Environment.Healthy {
		t.Errorf("run error tests %+v, healthy %v", runErrs, rep.Results.Environment.Healthy)
	}
	rep = check(&Summary{})
	if rep.Results.Summary.Tests != 0 || rep.Results.Tests == nil || rep.Results.Environment.Healthy || rep.Results.Extra.Verdict.Status != VerdictEmpty {
		t.Errorf("empty run: %+v", rep.Results)
	}
}
