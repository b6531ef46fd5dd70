package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/reports"
)

// missingUnknown is why callback.missing cannot be measured on a run without calls.
const missingUnknown = "unknown: nothing told the receiver which calls happened"

// TestRunDefaultThresholdNotChecked: `harness run --no-load` cannot measure the default
// callback.missing==0 (no call told the receiver what to expect): the threshold is not
// checked, with its reason, and the run passes; the same threshold given with --threshold
// is the user's gate and fails the run (99).
func TestRunDefaultThresholdNotChecked(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		args       []string
		code       int
		state      string
		status     string
		headline   string
		notChecked bool
	}{
		{"default", nil, exitOK, reports.ThresholdNotChecked, reports.VerdictPass, "not checked;", true},
		{"given", []string{"--threshold", "callback.missing==0"}, exitThreshold, reports.ThresholdFailed, reports.VerdictFail, "thresholds: 0 passed, 1 failed; ", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "run")
			args := append([]string{"run", "--no-load", "--tags", "@axb.query", "--seed", "5", "--out", out}, tc.args...)
			code, stdout, stderr := runHarness(t, nil, args...)
			if code != tc.code || !strings.Contains(stdout, tc.headline) {
				t.Fatalf("exit %d, want %d; headline lacks %q\n%s\n%s", code, tc.code, tc.headline, stdout, stderr)
			}
			b, err := os.ReadFile(filepath.Join(out, "summary.json"))
			if err != nil {
				t.Fatal(err)
			}
			var s reports.Summary
			if err := json.Unmarshal(b, &s); err != nil {
				t.Fatal(err)
			}
			var found *reports.Threshold
			for i, th := range s.Thresholds {
				if th.Expression == "callback.missing==0" {
					found = &s.Thresholds[i]
				}
			}
			if found == nil || found.State() != tc.state || found.NotChecked != tc.notChecked || found.Message != missingUnknown {
				t.Fatalf("callback.missing==0 in summary.json: %+v, want %s", found, tc.state)
			}
			if s.Verdict == nil || s.Verdict.Status != tc.status || (tc.notChecked && s.Verdict.ThresholdsNotChecked == 0) {
				t.Errorf("verdict %+v", s.Verdict)
			}
		})
	}
}

// TestReceiveNoPushesNotChecked: `harness receive` that received nothing at all cannot
// measure its default thresholds' missing count or delays: they are not checked and the
// receiver exits 0; a delay threshold given explicitly fails (99).
func TestReceiveNoPushesNotChecked(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		args  []string
		code  int
		lines []string
	}{
		{"default", nil, exitOK, []string{"not checked callback.missing==0: " + missingUnknown, "not checked callback.fee.p99<5s: no samples"}},
		{"given", []string{"--threshold", "callback.fee.p99<5s"}, exitThreshold, []string{"FAIL callback.fee.p99<5s (observed 0): no samples"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"receive", "--listen", "127.0.0.1:0", "--app", pushKey + "=" + pushSecretEnv, "--duration", "1s", "--interval", "1h"}, tc.args...)
			code, stdout, stderr := runHarness(t, []string{pushSecretEnv + "=" + pushSecret}, args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, tc.code, stdout, stderr)
			}
			for _, l := range tc.lines {
				if !strings.Contains(stdout, l) {
					t.Errorf("output lacks %q\n%s", l, stdout)
				}
			}
		})
	}
}
