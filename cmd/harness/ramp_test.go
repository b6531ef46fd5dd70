package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/loadtest"
)

// TestRampLength: a ramp runs for its own length without --duration, a trailing stage at rate
// 0 included (the run lasts through it), and a --duration shorter than the ramp is refused
// rather than cutting the ramp silently.
func TestRampLength(t *testing.T) {
	out := filepath.Join(t.TempDir(), "ramp")
	code, stdout, stderr := runHarness(t, nil, "load", "--ramp", "1s@10,1s@0", "--hold", "0s", "--progress", "-1", "--generator-lag", "0", "--out", out)
	if code != exitOK {
		t.Fatalf("ramp without --duration: exit %d\n%s\n%s", code, stdout, stderr)
	}
	r, err := loadtest.ReadSummary(filepath.Join(out, loadtest.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	if r.ElapsedSeconds < 2 || r.SentHits != 10 {
		t.Errorf("ran %.3fs with %d binds, want the ramp's 2s (its trailing 1s@0 included) and 10 binds", r.ElapsedSeconds, r.SentHits)
	}
	code, stdout, stderr = runHarness(t, nil, "load", "--ramp", "3s@10,2s@0", "--duration", "2s")
	want := "harness load: --duration 2s is shorter than the ramp's 5s (3s@10,2s@0): leave --duration out (a ramp runs for its own length) or shorten the ramp\n"
	if code != exitUsage || stdout != "" || !strings.HasPrefix(stderr, want) {
		t.Errorf("a --duration cutting the ramp: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
}
