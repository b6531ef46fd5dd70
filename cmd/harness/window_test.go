package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/loadtest"
)

// readLoadSummary reads the load result (load.json) a load wrote into dir.
func readLoadSummary(t *testing.T, dir string) *loadtest.Result {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, loadtest.ResultFile))
	if err != nil {
		t.Fatal(err)
	}
	var r loadtest.Result
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

// TestWindowThresholdAbortsLoad: with every axb.bind answer delayed 300 ms by the platform's
// fault injection, the first full 2 s window breaks axb.bind.p99[2s]<100ms!abort, which stops a
// load planned for a minute: the bindings are cleaned up, the result says it was aborted and
// why, and the exit code is the broken-threshold one. Nothing depends on the machine's speed:
// a slower machine only adds latency.
func TestWindowThresholdAbortsLoad(t *testing.T) {
	t.Parallel()
	p := startPlatform(t)
	p.setLatency(t, "axb.bind", 300)
	out := filepath.Join(t.TempDir(), "load")
	const th = "axb.bind.p99[2s]<100ms!abort"
	code, stdout, stderr := runHarness(t, platformEnv, "load", "--target", p.URL, "--ca-file", p.CertFile, "--profile", platformProfile(t, ""),
		"--rate", "5", "--hold", "0s", "--duration", "60s", "--generator-lag", "0", "--progress", "-1", "--out", out, "--threshold", th)
	if code != exitThreshold {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitThreshold, stdout, stderr)
	}
	const why = "threshold " + th + " broken in the window 0s-2s (actual "
	if !strings.Contains(stdout, "aborted: "+why) {
		t.Errorf("the console does not say the load was aborted and why:\n%s", stdout)
	}
	if !regexp.MustCompile(`threshold ` + regexp.QuoteMeta(th) + `\s+BROKEN actual \d+(\.\d+)?ms \(\d+ of \d+ full 2s windows broke it, the first ending at 2s\)`).MatchString(stdout) {
		t.Errorf("the console lacks the broken windowed threshold:\n%s", stdout)
	}
	r := readLoadSummary(t, out)
	if !strings.HasPrefix(r.Aborted, why) {
		t.Errorf("summary.json aborted = %q, want %q…", r.Aborted, why)
	}
	if len(r.Thresholds) != 1 || r.Thresholds[0].OK || r.Thresholds[0].Unmeasured || r.Thresholds[0].Actual < 300 {
		t.Errorf("summary.json thresholds = %+v", r.Thresholds)
	}
	if len(r.Windows) != 1 || r.Windows[0].Failed == 0 || r.Windows[0].FirstFailedEnd != 2 {
		t.Errorf("summary.json windows = %+v", r.Windows)
	}
	if r.Cleanup.LeftBehind() != 0 || p.bindings(t) != 0 {
		t.Errorf("the aborted load left bindings: %+v, platform holds %d", r.Cleanup, p.bindings(t))
	}
}

// TestWindowThresholdNotChecked: a 2 s load cannot fill a 5 s window, so that threshold is not
// checked (with the reason), never passed, and as the user's gate it fails the run (the one
// rule for a given threshold nothing measured, docs/report.md); a 1 s window in the same run
// is checked on every full window and holds.
func TestWindowThresholdNotChecked(t *testing.T) {
	t.Parallel()
	p := startPlatform(t)
	out := filepath.Join(t.TempDir(), "load")
	code, stdout, stderr := runHarness(t, platformEnv, "load", "--target", p.URL, "--ca-file", p.CertFile, "--profile", platformProfile(t, ""),
		"--rate", "5", "--hold", "0s", "--duration", "2s", "--generator-lag", "0", "--progress", "-1", "--out", out,
		"--threshold", "axb.bind.p99[5s]<10s", "--threshold", "axb.unbind.success[1s]>=50%")
	if code != exitThreshold {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitThreshold, stdout, stderr)
	}
	if !regexp.MustCompile(`threshold axb\.bind\.p99\[5s\]<10s\s+BROKEN actual 0ms \(not checked: no full 5s window, the load ran 2s\)`).MatchString(stdout) {
		t.Errorf("the console lacks the unchecked windowed threshold:\n%s", stdout)
	}
	r := readLoadSummary(t, out)
	if len(r.Thresholds) != 2 || r.Thresholds[0].OK || !r.Thresholds[0].Unmeasured || !r.Thresholds[1].OK || r.Thresholds[1].Unmeasured {
		t.Fatalf("summary.json thresholds = %+v", r.Thresholds)
	}
	if r.Aborted != "" || len(r.Windows) != 2 || r.Windows[0].Checked != 0 || r.Windows[1].Checked == 0 || r.Windows[1].Failed != 0 {
		t.Errorf("aborted %q, windows %+v", r.Aborted, r.Windows)
	}
}

// TestWindowThresholdRefused: a bad window is refused before anything starts, in one line,
// exit 2.
func TestWindowThresholdRefused(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"bind.p99[1500ms]<5ms":  `harness load: threshold "bind.p99[1500ms]<5ms": window 1500ms is not a whole number of seconds (windows slide by the second)`,
		"rate.shortfall[5s]<1%": `harness load: threshold "rate.shortfall[5s]<1%": a window applies to interface metrics (SCOPE.pNN, max, mean, min, success, count), not to rate.shortfall`,
	} {
		code, stdout, stderr := runHarness(t, nil, "load", "--rate", "1", "--duration", "1s", "--threshold", in)
		if first, _, _ := strings.Cut(stderr, "\n"); code != exitUsage || first != want {
			t.Errorf("%s: exit %d, stderr %q, want %d %q (stdout %q)", in, code, stderr, exitUsage, want, stdout)
		}
	}
}
