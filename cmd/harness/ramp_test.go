package main

import (
	"html"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/loadtest"
)

// TestRampLength: a ramp runs for its own length without --duration, a trailing stage at rate
// 0 included (the run lasts through it), and a --duration shorter than the ramp is refused
// rather than cutting the ramp silently.
func TestRampLength(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "ramp")
	code, stdout, stderr := runHarness(t, nil, "load", "--ramp", "1s@10,1s@0", "--hold", "0s", "--progress", "-1", "--generator-lag", "0", "--out", out)
	if code != exitOK {
		t.Fatalf("ramp without --duration: exit %d\n%s\n%s", code, stdout, stderr)
	}
	r, err := loadtest.ReadResult(filepath.Join(out, loadtest.ResultFile))
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

// TestRampShape: --ramp-shape linear climbs each stage in a straight line from the previous
// stage's rate (k6's shape), so 2s@20,1s@0 schedules 0→20 then 20→0: 30 binds, 5, 15 and 10 in
// its three seconds; the default holds each stage's rate (40 binds). The console and the report
// say which shape ran; an unknown shape, or a shape without a ramp, is refused (exit 2).
func TestRampShape(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		shape  []string
		hits   float64
		perSec []float64
		says   string
	}{
		{[]string{"--ramp-shape", "linear"}, 30, []float64{5, 15, 10}, "plan 2s@0→20,1s@20→0 (linear ramp"},
		{nil, 40, []float64{20, 20, 0}, "plan 2s@20,1s@0 (step ramp"},
	} {
		out := filepath.Join(t.TempDir(), "ramp")
		args := append([]string{"load", "--ramp", "2s@20,1s@0", "--hold", "0s", "--progress", "-1", "--generator-lag", "0", "--out", out}, c.shape...)
		code, stdout, stderr := runHarness(t, nil, args...)
		if code != exitOK {
			t.Fatalf("%v: exit %d\n%s\n%s", c.shape, code, stdout, stderr)
		}
		r, err := loadtest.ReadResult(filepath.Join(out, loadtest.ResultFile))
		if err != nil {
			t.Fatal(err)
		}
		if r.TargetHits != c.hits || float64(r.SentHits) > c.hits {
			t.Errorf("%v: target %v binds, sent %d; want %v scheduled", c.shape, r.TargetHits, r.SentHits, c.hits)
		}
		var got []float64
		for _, s := range r.Series {
			got = append(got, s.TargetRate)
		}
		if len(got) < len(c.perSec) || !slices.Equal(got[:len(c.perSec)], c.perSec) {
			t.Errorf("%v: target per second %v, want %v", c.shape, got, c.perSec)
		}
		if !strings.Contains(stdout, c.says) {
			t.Errorf("%v: the console does not say %q:\n%s", c.shape, c.says, stdout)
		}
		rep := filepath.Join(t.TempDir(), "report")
		if code, stdout, stderr := runHarness(t, nil, "report", "--out", rep, out); code != exitOK {
			t.Fatalf("report: exit %d\n%s\n%s", code, stdout, stderr)
		}
		page, err := os.ReadFile(filepath.Join(rep, "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(page), html.EscapeString(c.says)) {
			t.Errorf("%v: the report does not say %q", c.shape, c.says)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--ramp", "2s@20", "--ramp-shape", "smooth"}, "harness load: --ramp-shape: ramp shape \"smooth\": want step or linear\n"},
		{[]string{"--rate", "5", "--duration", "1s", "--ramp-shape", "linear"}, "harness load: --ramp-shape shapes a ramp: give --ramp (or a workload with a ramp)\n"},
	} {
		code, stdout, stderr := runHarness(t, nil, append([]string{"load"}, c.args...)...)
		if code != exitUsage || stdout != "" || !strings.HasPrefix(stderr, c.want) {
			t.Errorf("%v: exit %d\nstdout: %s\nstderr: %s", c.args, code, stdout, stderr)
		}
	}
}
