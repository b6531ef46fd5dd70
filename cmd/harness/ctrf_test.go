package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/reports"
)

// junitTotals are the root counts of a junit.xml, whichever writer made it (ours or godog's).
type junitTotals struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Skipped  int `xml:"skipped,attr"`
}

// readCTRFAndJUnit reads dir's ctrf.json and junit.xml and fails the test unless they count
// the same tests: JUnit's failures and errors are CTRF's failed, its skipped CTRF's skipped.
func readCTRFAndJUnit(t *testing.T, dir string) reports.CTRFReport {
	return readCTRFAndGodogJUnit(t, dir, false)
}

// readCTRFAndGodogJUnit is readCTRFAndJUnit; with godog set, junit.xml is godog's (harness
// conform), which has the scenarios only: CTRF's failed tests of type run (leaked bindings,
// strict problems) are the difference.
func readCTRFAndGodogJUnit(t *testing.T, dir string, godog bool) reports.CTRFReport {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, reports.CTRFFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := reports.ReadCTRF(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, reports.JUnitFile))
	if err != nil {
		t.Fatal(err)
	}
	var j junitTotals
	if err := xml.Unmarshal(b, &j); err != nil {
		t.Fatal(err)
	}
	sum := rep.Results.Summary
	runFailed := 0
	for _, tc := range rep.Results.Tests {
		if godog && tc.Type == "run" && tc.Status == reports.CTRFFailed {
			runFailed++
		}
	}
	if sum.Tests != len(rep.Results.Tests) || sum.Tests != sum.Passed+sum.Failed+sum.Skipped || sum.Pending+sum.Other != 0 {
		t.Errorf("%s: CTRF summary %+v does not add up over %d tests", dir, sum, len(rep.Results.Tests))
	}
	if j.Tests+runFailed != sum.Tests || j.Failures+j.Errors+runFailed != sum.Failed || j.Skipped != sum.Skipped {
		t.Errorf("%s: junit.xml tests=%d failures=%d errors=%d skipped=%d, ctrf.json %+v", dir, j.Tests, j.Failures, j.Errors, j.Skipped, sum)
	}
	for _, tc := range rep.Results.Tests {
		if tc.Status == reports.CTRFSkipped && tc.Message == "" {
			t.Errorf("%s: skipped test %q without a reason", dir, tc.Name)
		}
	}
	return rep
}

// checkCTRFSummary fails the test unless rep counts what the verdict of summary.json counts:
// every failing item (failed or undefined scenario, failed threshold, failing callback check,
// run error) one failed test, and the passes and not-checked ones likewise.
func checkCTRFSummary(t *testing.T, rep reports.CTRFReport, s *reports.Summary) {
	t.Helper()
	v := s.Verdict
	byType := map[string]map[string]int{}
	for _, tc := range rep.Results.Tests {
		if byType[tc.Type] == nil {
			byType[tc.Type] = map[string]int{}
		}
		byType[tc.Type][tc.Status]++
	}
	c, th := byType["conformance"], byType["threshold"]
	if c[reports.CTRFPassed] != v.ScenariosPassed || c[reports.CTRFFailed] != v.ScenariosFailed+v.ScenariosUndefined || c[reports.CTRFSkipped] != v.ScenariosSkipped {
		t.Errorf("conformance tests %v, verdict %+v", c, v)
	}
	if th[reports.CTRFPassed] != v.ThresholdsPassed || th[reports.CTRFFailed] != v.ThresholdsFailed || th[reports.CTRFSkipped] != v.ThresholdsNotChecked {
		t.Errorf("threshold tests %v, verdict %+v", th, v)
	}
	if got := byType["callback"][reports.CTRFFailed]; got != v.CallbackFailures {
		t.Errorf("failed callback checks %d, verdict %d", got, v.CallbackFailures)
	}
	// A load's leak is a run error in summary.json and its cleanup check's failure in CTRF.
	if got := byType["run"][reports.CTRFFailed] + byType["cleanup"][reports.CTRFFailed]; got != len(s.Errors) {
		t.Errorf("failed run error and cleanup tests %d, summary.json %d errors", got, len(s.Errors))
	}
	if s.Load != nil && byType["cleanup"][reports.CTRFPassed]+byType["cleanup"][reports.CTRFFailed] != len(s.Load.Scenarios) {
		t.Errorf("cleanup tests %v for %d load scenarios", byType["cleanup"], len(s.Load.Scenarios))
	}
	if ex := rep.Results.Extra; ex == nil || ex.Verdict.Status != v.Status || rep.Results.Environment.Healthy != (v.Status == reports.VerdictPass) {
		t.Errorf("ctrf.json's verdict is not summary.json's %s", v.Status)
	}
	if s.Load != nil && (rep.Results.Extra == nil || len(rep.Results.Extra.Load) != len(s.Load.Scenarios)) {
		t.Errorf("ctrf.json extra.load lacks the load scenarios")
	}
	if rep.Results.Summary.Start != s.Manifest.Start.UnixMilli() || rep.Results.Summary.Stop != s.Manifest.End.UnixMilli() {
		t.Errorf("ctrf.json start/stop %d/%d, summary.json %v/%v", rep.Results.Summary.Start, rep.Results.Summary.Stop, s.Manifest.Start, s.Manifest.End)
	}
}

// TestCTRFBinary runs the harness binary as a CI job would: `harness run` (embedded emulator,
// a few scenarios with one interface broken, a short load and calls), `harness report` on its
// directory and `harness conform`, and checks that each ctrf.json counts what the junit.xml
// and summary.json beside it say.
func TestCTRFBinary(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	code, stdout, stderr := runHarness(t, nil, "run", "--out", out, "--tags", "@axb.query", "--inject-fault", "axb.query=1010001",
		"--load-duration", "1s", "--rate", "20", "--call-rate", "5", "--seed", "7",
		"--threshold", "bind.success>=99%", "--threshold", "callback.missing==0", "--threshold", "callback.badSignature==0")
	if code != exitFailed {
		t.Fatalf("run: exit %d, want %d (a broken interface)\nstdout:\n%s\nstderr:\n%s", code, exitFailed, stdout, stderr)
	}
	s, err := reports.LoadSummary(filepath.Join(out, reports.JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	rep := readCTRFAndJUnit(t, out)
	checkCTRFSummary(t, rep, s)
	if rep.Results.Summary.Failed == 0 || s.Verdict.ScenariosFailed == 0 {
		t.Fatalf("no failed test although axb.query answers 1010001: %+v", rep.Results.Summary)
	}
	if b, _ := os.ReadFile(filepath.Join(out, reports.CTRFFile)); strings.Contains(string(b), "demo-axb-secret") {
		t.Error("an app secret leaked into ctrf.json")
	}

	// harness report rebuilds the same counts from the saved results.
	rout := t.TempDir()
	if code, stdout, stderr := runHarness(t, nil, "report", "--out", rout, out); code != exitFailed {
		t.Fatalf("report: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	rs, err := reports.LoadSummary(filepath.Join(rout, reports.JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	rrep := readCTRFAndJUnit(t, rout)
	checkCTRFSummary(t, rrep, rs)
	if rrep.Results.Summary.Failed < s.Verdict.ScenariosFailed {
		t.Errorf("report's ctrf.json has %d failed tests, the run %d failed scenarios", rrep.Results.Summary.Failed, s.Verdict.ScenariosFailed)
	}

	// harness conform writes ctrf.json beside godog's junit.xml.
	cout := t.TempDir()
	code, stdout, stderr = runHarness(t, nil, "conform", "--out", cout, "--tags", "@axb.query", "--coverage=false")
	if code != exitOK {
		t.Fatalf("conform: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	crep := readCTRFAndGodogJUnit(t, cout, true)
	if crep.Results.Summary.Passed == 0 || crep.Results.Summary.Failed != 0 || !crep.Results.Environment.Healthy {
		t.Errorf("conform ctrf.json %+v, healthy %v", crep.Results.Summary, crep.Results.Environment.Healthy)
	}

	// conform --strict on a part of the suite exits 1 for the rules it left unchecked: each
	// is a failed test in ctrf.json, so that a dashboard does not show green for a failed job.
	sout := t.TempDir()
	code, stdout, stderr = runHarness(t, nil, "conform", "--strict", "--out", sout, "--tags", "@axb.query", "--coverage=false")
	if code != exitFailed {
		t.Fatalf("conform --strict: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	srep := readCTRFAndGodogJUnit(t, sout, true)
	strictLines := strings.Count(stdout, "\nSTRICT ")
	strictTests := 0
	for _, tc := range srep.Results.Tests {
		if tc.Type == "run" && tc.Status == reports.CTRFFailed && strings.HasPrefix(tc.Message, "strict: ") {
			strictTests++
		}
	}
	if strictLines == 0 || strictTests != strictLines || srep.Results.Environment.Healthy {
		t.Errorf("conform --strict: %d STRICT lines on the console, %d failed strict tests in ctrf.json, healthy %v", strictLines, strictTests, srep.Results.Environment.Healthy)
	}
}
