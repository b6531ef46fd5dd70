package main

import (
	"os"
	"strings"
	"testing"
)

// smallAXProfile is the platform profile with an AX pool of 30 X numbers and the load on AX
// only: the default 100 binds/s with a 1 s hold would need about 150 live AX bindings.
func smallAXProfile(t *testing.T) string {
	t.Helper()
	prof := platformProfile(t, "flowControl: 200\nload: {modes: [AX], duration: 2s}\n")
	data, err := os.ReadFile(prof)
	if err != nil {
		t.Fatal(err)
	}
	small := strings.Replace(string(data), `      - {from: "+8617002100000", count: 200, cityCode: "010"}
      - {from: "+8617002200000", count: 200, cityCode: "021"}`, `      - {from: "+8617002100000", count: 30, cityCode: "010"}`, 1)
	if small == string(data) {
		t.Fatal("the AX pool was not replaced")
	}
	if err := os.WriteFile(prof, []byte(small), 0o600); err != nil {
		t.Fatal(err)
	}
	return prof
}

// TestRunTargetFitsTheDefaultLoad: `harness run --target` without a rate fits its load to the
// profile's 30 AX numbers and flow control, says what it chose and why, and passes; the same
// run with an explicit --rate the pool cannot carry is refused before the first request, with
// the arithmetic.
func TestRunTargetFitsTheDefaultLoad(t *testing.T) {
	t.Parallel()
	p := startPlatform(t)
	prof := smallAXProfile(t)
	code, stdout, stderr := runHarness(t, platformEnv, "run", "--target", p.URL, "--profile", prof, "--ca-file", p.CertFile,
		"--out", t.TempDir(), "--tags", "@ax.query",
		// Thresholds on correctness, not on speed: the test must pass on a busy machine.
		"--threshold", "bind.success>=99%", "--threshold", "unbind.success>=99%")
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"load plan AX: 10 binds/s for 2s, hold 1s: about 20 sessions (the default 100/s is lowered: pool of 30 X numbers carries 30 live bindings: " +
			"100 binds/s × (1s hold + 500ms) would need about 150; using half of the 20 binds/s it carries: 10/s)",
		"lockout: not stated in the profile, assumed 10 failures within 60s; a refused signature stops the run after 3 refusals",
		"== load ax-bind-unbind: 10/s for 2s, hold 1s",
		"0 leaked",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if ids := p.bindingIDs(t); len(ids) != 0 {
		t.Errorf("bindings left: %v", ids)
	}

	// An explicit plan is the user's: refused with the arithmetic, nothing sent.
	q := startPlatform(t)
	code, _, stderr = runHarness(t, platformEnv, "run", "--target", q.URL, "--profile", prof, "--ca-file", q.CertFile,
		"--out", t.TempDir(), "--rate", "100")
	if code != exitUsage {
		t.Fatalf("--rate 100: exit %d, want %d\n%s", code, exitUsage, stderr)
	}
	oneLine(t, "--rate 100", stderr, "AX: the plan needs about 150 live bindings (100 binds/s × (1s hold + 500ms)) but the profile's 30 X numbers carry 30")
	if n := q.requestsSeen(t); n != 0 {
		t.Errorf("the platform saw %d request series before the refusal", n)
	}
	// The flow control refuses an explicit rate the pool could carry.
	code, _, stderr = runHarness(t, platformEnv, "run", "--target", q.URL, "--ca-file", q.CertFile, "--out", t.TempDir(),
		"--profile", platformProfile(t, "flowControl: 200\nload: {modes: [AXB]}\n"), "--rate", "101")
	if code != exitUsage {
		t.Fatalf("--rate 101 with flow control 200: exit %d, want %d\n%s", code, exitUsage, stderr)
	}
	oneLine(t, "--rate 101", stderr, "AXB: 101 binds/s send 202 requests/s (bind and unbind) but the platform's flow control allows 200 per app (profile flowControl); lower the rate to at most 100 binds/s")
	if n := q.requestsSeen(t); n != 0 {
		t.Errorf("the platform saw %d request series before the refusal", n)
	}
}
