package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pns"
)

// TestExitFor checks the one exit decision against the documented table: every code of
// exitCodes is reachable, and the precedence is usage, interrupted, failed checks, could not
// check, thresholds.
func TestExitFor(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		v    verdict
		want int
	}{
		{"passed", verdict{}, exitOK},
		{"failed checks", verdict{failed: 2}, exitFailed},
		{"failed checks win over thresholds", verdict{failed: 1, thresholds: 3}, exitFailed},
		{"failed checks win over could not check", verdict{failed: 1, couldNotCheck: "target unreachable"}, exitFailed},
		{"usage", verdict{usage: true}, exitUsage},
		{"could not check", verdict{couldNotCheck: "credentials refused"}, exitCouldNotCheck},
		{"could not check wins over thresholds", verdict{couldNotCheck: "x", thresholds: 1}, exitCouldNotCheck},
		{"thresholds", verdict{thresholds: 1}, exitThreshold},
		{"interrupted", verdict{interrupted: true, failed: 1, thresholds: 1}, exitInterrupted},
		{"usage before anything ran", verdict{usage: true, interrupted: true}, exitUsage},
	} {
		if got := exitFor(tt.v); got != tt.want {
			t.Errorf("%s: exitFor(%+v) = %d, want %d", tt.name, tt.v, got, tt.want)
		}
	}
	documented := map[int]bool{}
	for _, e := range exitCodes {
		documented[e.Code] = true
	}
	for _, c := range []int{exitOK, exitFailed, exitUsage, exitCouldNotCheck, exitThreshold, exitInterrupted} {
		if !documented[c] {
			t.Errorf("exit code %d is not in the documented table", c)
		}
	}
	if len(documented) != 6 {
		t.Errorf("the table documents %d codes, want 6", len(documented))
	}
}

// TestWrongSecretCouldNotCheck: against a platform with lockout on (10 failures within 60 s),
// a wrong appSecret ends load, conform and run with exit 3 and the one line naming the app,
// and the platform has locked nobody out.
func TestWrongSecretCouldNotCheck(t *testing.T) {
	t.Parallel()
	env := []string{"PNS_T_AXB=not-the-secret", "PNS_T_AX=demo-ax-secret", "PNS_T_AXE=demo-axe-secret"}
	const want = "the platform refused our signature for app AXB (1010010 Invalid digest.): check appKey/appSecret"
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"load", []string{"load", "--rate", "20", "--duration", "30s"}},
		{"conform", []string{"conform", "--tags", "@axb.bind", "--out", "OUT"}},
		{"run", []string{"run", "--tags", "@axb.bind", "--out", "OUT"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := startPlatform(t)
			args := append([]string(nil), tt.args...)
			out := ""
			for i, a := range args {
				if a == "OUT" {
					out = t.TempDir()
					args[i] = out
				}
			}
			args = append(args, "--target", p.URL, "--ca-file", p.CertFile, "--profile", platformProfile(t, ""))
			code, stdout, stderr := runHarness(t, env, args...)
			if code != exitCouldNotCheck {
				t.Fatalf("exit %d, want %d\nstdout:\n%.4000s\nstderr:\n%s", code, exitCouldNotCheck, stdout, stderr)
			}
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
			if st := p.lockout(t); len(st.Locked) != 0 || !st.Enabled {
				t.Errorf("lockout after the run: %+v, want enabled and nobody locked", st)
			}
			// Under the lockout's 10: the run stopped at the watch's limit. The platform also
			// counts what the watch rightly ignores (a scenario's deliberately broken
			// signature, in a shuffled order that varies per run), so the bound is the
			// lockout threshold, not the watch's own limit; "nobody locked" is checked above.
			if n := p.authFailures(t); n == 0 || n >= 10 {
				t.Errorf("the platform counted %d authentication failures, want 1-9 (watch limit %d)", n, pns.DefaultRefusalLimit)
			}
			if n := p.bindings(t); n != 0 {
				t.Errorf("the platform holds %d bindings", n)
			}
			// The saved results say so too: their report could not check either.
			if out != "" {
				code, _, stderr := runHarness(t, nil, "report", "--out", t.TempDir(), out)
				if code != exitCouldNotCheck || !strings.Contains(stderr, want) {
					t.Errorf("report of the saved results: exit %d, want %d\n%s", code, exitCouldNotCheck, stderr)
				}
			}
		})
	}
}

// lockout returns the platform's lockout state from its admin port.
func (p *platform) lockout(t *testing.T) emulator.LockoutState {
	t.Helper()
	var st emulator.LockoutState
	p.adminJSON(t, "lockout", &st)
	return st
}

// TestExitCodesOfRunAndReport runs the binary on the embedded emulator: failed checks win
// over a broken threshold (exit 1, where `run` and `report` used to answer 99), a broken
// threshold alone is 99, and `report` over a saved load that could not check is 3.
func TestExitCodesOfRunAndReport(t *testing.T) {
	t.Parallel()
	// Correctness thresholds only, except the one each case breaks on purpose.
	quiet := []string{"--load-duration", "500ms", "--rate", "20", "--call-rate", "5", "--seed", "3",
		"--threshold", "callback.missing==0", "--threshold", "callback.badSignature==0"}
	failing := t.TempDir()
	code, stdout, stderr := runHarness(t, nil, append([]string{"run", "--out", failing, "--tags", "@axb.query", "--inject-fault", "axb.query=1010001",
		"--threshold", "bind.p50<1ns"}, quiet...)...)
	if code != exitFailed || !strings.Contains(stdout, "scenarios failed") || !strings.Contains(stdout, "1 threshold failed") {
		t.Fatalf("run with failed scenarios and a broken threshold: exit %d, want %d\n%.3000s\n%s", code, exitFailed, stdout, stderr)
	}
	code, stdout, stderr = runHarness(t, nil, "report", "--out", t.TempDir(), "--threshold", "bind.p50<1ns", failing)
	if code != exitFailed {
		t.Errorf("report of failed scenarios with a broken threshold: exit %d, want %d\n%s\n%s", code, exitFailed, stdout, stderr)
	}

	broken := t.TempDir()
	code, stdout, stderr = runHarness(t, nil, append([]string{"run", "--out", broken, "--tags", "@axe.query", "--threshold", "bind.p50<1ns"}, quiet...)...)
	if code != exitThreshold {
		t.Fatalf("run with only a broken threshold: exit %d, want %d\n%.3000s\n%s", code, exitThreshold, stdout, stderr)
	}
	code, _, stderr = runHarness(t, nil, "report", "--out", t.TempDir(), "--threshold", "bind.p50<1ns", broken)
	if code != exitThreshold {
		t.Errorf("report with only a broken threshold: exit %d, want %d\n%s", code, exitThreshold, stderr)
	}

	// A saved load result that says it could not check (its target became unreachable)
	// rebuilds into a report that exits 3, not 0.
	load := filepath.Join(broken, "load", "axb-bind-unbind")
	data, err := os.ReadFile(filepath.Join(load, loadtest.ResultFile))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	doc["couldNotCheck"] = "target unreachable: no answer for 10s"
	data, _ = json.Marshal(doc)
	unchecked := filepath.Join(t.TempDir(), "axb-bind-unbind")
	if err := os.MkdirAll(unchecked, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(unchecked, loadtest.ResultFile), data, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runHarness(t, nil, "report", "--out", t.TempDir(), unchecked)
	if code != exitCouldNotCheck || !strings.Contains(stderr, "could not check: load axb-bind-unbind: target unreachable") {
		t.Errorf("report of a load that could not check: exit %d, want %d\n%s", code, exitCouldNotCheck, stderr)
	}
}

// authFailures returns the authentication failures the platform counted, from its admin
// port's metrics.
func (p *platform) authFailures(t *testing.T) int {
	t.Helper()
	n := 0
	for _, line := range p.metrics(t) {
		if strings.HasPrefix(line, "pns_emulator_auth_failures_total{") {
			_, v, _ := strings.Cut(line, " ")
			n += atoi(v)
		}
	}
	return n
}
