package main

import (
	"bytes"
	"context"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/reports"
)

// TestRunAndReport runs the main job on a subset of the suite with a short load, then rebuilds
// the report from its output directory; both must agree.
func TestRunAndReport(t *testing.T) {
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := runRun(context.Background(), []string{"--out", out, "--tags", "@axb.query", "--load-duration", "1s", "--rate", "50", "--call-rate", "10", "--seed", "7",
		"--threshold", "bind.success>=99%",
		// Callback thresholds on correctness only: the defaults' delay bounds
		// (callback.disconnect.p99<2s, callback.fee.p99<5s) are the machine's speed.
		"--threshold", "callback.missing==0", "--threshold", "callback.duplicate==0", "--threshold", "callback.badSignature==0",
		"--threshold", "callback.schemaInvalid==0", "--threshold", "callback.lost==0"}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "report: ") {
		t.Errorf("the report path is not printed:\n%s", stdout.String())
	}
	s, err := reports.LoadSummary(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Verdict == nil || s.Verdict.Status != reports.VerdictPass {
		t.Fatalf("verdict %+v", s.Verdict)
	}
	if s.Conformance == nil || len(s.Conformance.Scenarios) == 0 || s.Load == nil || len(s.Load.Scenarios) != 2 || s.Callbacks == nil {
		t.Fatalf("summary lacks a section: conformance=%v load=%v callbacks=%v", s.Conformance != nil, s.Load != nil, s.Callbacks != nil)
	}
	page, _ := os.ReadFile(filepath.Join(out, "index.html")) //nolint:gosec // test output
	for _, sc := range s.Load.Scenarios {
		if sc.Requests == 0 || sc.AchievedRate == 0 {
			t.Errorf("load scenario %s sent nothing: %+v", sc.Name, sc)
		}
		// One definition: the console and the page print the same headline from summary.json.
		if h := sc.Headline(); !strings.Contains(stdout.String(), h) || !strings.Contains(string(page), html.EscapeString(h)) {
			t.Errorf("headline %q missing from the console or the page", h)
		}
		var steps int64
		for _, st := range sc.Steps {
			steps += st.Requests
		}
		if steps+sc.AfterPlanRequests != sc.Requests {
			t.Errorf("%s: steps %d + after plan %d != requests %d", sc.Name, steps, sc.AfterPlanRequests, sc.Requests)
		}
		if n := len(sc.Series); n == 0 || sc.Series[n-1].T > sc.Duration {
			t.Errorf("%s: the series runs past the plan's end %s: %d points", sc.Name, sc.Duration, n)
		}
	}
	// The given thresholds replace the bind-unbind and callback defaults; the calls scenario
	// keeps its own.
	var bindThs int
	for _, th := range s.Thresholds {
		if !th.Passed {
			t.Errorf("threshold %s failed: %s", th.Expression, th.ObservedString())
		}
		if strings.HasPrefix(th.Expression, "axb-bind-unbind: ") {
			bindThs++
			if th.Expression != "axb-bind-unbind: bind.success>=99%" {
				t.Errorf("unexpected bind-unbind threshold %q", th.Expression)
			}
		}
	}
	if bindThs != 1 || len(s.Thresholds) != 1+len(defaultRunCallsThresholds)+5 {
		t.Errorf("thresholds %+v", s.Thresholds)
	}
	if s.Callbacks.Received == 0 {
		t.Error("no callbacks received during the calls scenario")
	}
	for _, f := range []string{"index.html", "junit.xml", "summary.json", "receiver.json", "conformance/cucumber.json", "conformance/coverage.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	html, _ := os.ReadFile(filepath.Join(out, "index.html"))
	if bytes.Contains(html, []byte("demo-axb-secret")) {
		t.Error("an app secret leaked into the report")
	}

	// harness report rebuilds the same verdict and counts from the saved results.
	rout := t.TempDir()
	stdout.Reset()
	if code := runReport([]string{"--out", rout, out}, &stdout, &stderr); code != exitOK {
		t.Fatalf("report exit %d: %s %s", code, stdout.String(), stderr.String())
	}
	r, err := reports.LoadSummary(filepath.Join(rout, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Verdict.ScenariosPassed != s.Verdict.ScenariosPassed || len(r.Load.Scenarios) != 2 || r.Callbacks.Received != s.Callbacks.Received {
		t.Errorf("rebuilt summary differs: %+v vs %+v", r.Verdict, s.Verdict)
	}
	// A threshold given to report is evaluated on the saved load results; a broken one exits 99.
	if code := runReport([]string{"--out", t.TempDir(), "--threshold", "bind.p50<1ns", out}, &stdout, &stderr); code != exitThreshold {
		t.Errorf("broken threshold: exit %d, want %d", code, exitThreshold)
	}
}

// TestRunWithInjectedFaultFails breaks one interface of the embedded emulator: the run must
// exit non-zero and the report must list the failing scenarios of that interface.
func TestRunWithInjectedFaultFails(t *testing.T) {
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := runRun(context.Background(), []string{"--out", out, "--tags", "@axb.query", "--no-load", "--inject-fault", "axb.query=1010001"}, &stdout, &stderr)
	if code != exitFailed {
		t.Fatalf("exit %d, want %d\n%s", code, exitFailed, stdout.String())
	}
	s, err := reports.LoadSummary(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, sc := range s.Conformance.Scenarios {
		if sc.Status == reports.StatusFailed {
			failed++
			if sc.Interface != "axb.query" {
				t.Errorf("scenario %q of %s failed, only axb.query was broken", sc.Name, sc.Interface)
			}
		}
	}
	if failed == 0 {
		t.Fatal("no scenario failed although axb.query answers 1010001")
	}
	html, _ := os.ReadFile(filepath.Join(out, "index.html"))
	if !bytes.Contains(html, []byte("FAIL")) || !bytes.Contains(html, []byte("1010001")) {
		t.Error("the report does not show the failure")
	}
}

func TestRunUsage(t *testing.T) {
	var out bytes.Buffer
	for _, args := range [][]string{{"--inject-fault", "nope"}, {"--inject-fault", "axb.bind=42"}, {"--load-duration", "0s"}, {"--tags", "@a,,@b"}, {"extra"}, {"--threshold", "nonsense"}} {
		if code := runRun(context.Background(), args, &out, &out); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
	if code := runReport(nil, &out, &out); code != exitUsage {
		t.Errorf("report without dirs: exit %d", code)
	}
	if code := runReport([]string{t.TempDir()}, &out, &out); code != exitUsage {
		t.Errorf("report of an empty dir: exit %d", code)
	}
}
