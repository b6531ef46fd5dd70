package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/reports"
)

// TestReportWithoutOutWritesIntoDir: `harness report DIR` without --out writes into DIR/report
// (never over reports/out, the last `make run` report), leaves the load's own load.json as
// it was, reads the same results when run again (its own report is not taken for one), and
// refuses several directories without --out.
func TestReportWithoutOutWritesIntoDir(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "load")
	code, stdout, stderr := runHarness(t, nil, "load", "--workload", filepath.Join("..", "..", "loadtest", "testdata", "mixed.yaml"),
		"--duration", "1s", "--generator-lag", "0", "--progress", "-1", "--out", dir)
	if code != exitOK {
		t.Fatalf("load: exit %d\n%s\n%s", code, stdout, stderr)
	}
	before, err := os.ReadFile(filepath.Join(dir, loadtest.ResultFile))
	if err != nil {
		t.Fatal(err)
	}
	var requests []int64
	for i := 0; i < 2; i++ {
		if code, stdout, stderr = runHarness(t, nil, "report", dir); code != exitOK {
			t.Fatalf("report %d: exit %d\n%s\n%s", i, code, stdout, stderr)
		}
		s, err := reports.LoadSummary(filepath.Join(dir, reportSubdir, reports.JSONFile))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, reportSubdir, reports.HTMLFile)); err != nil {
			t.Fatal(err)
		}
		if s.Load == nil || len(s.Load.Scenarios) != 1 {
			t.Fatalf("report %d: %d load scenarios, want 1", i, len(s.Load.Scenarios))
		}
		requests = append(requests, s.Load.Scenarios[0].Requests)
	}
	if requests[0] == 0 || requests[0] != requests[1] {
		t.Errorf("requests %v: the second report read its own output as a result", requests)
	}
	after, err := os.ReadFile(filepath.Join(dir, loadtest.ResultFile))
	if err != nil || !bytes.Equal(before, after) {
		t.Errorf("the load's load.json changed (%v)", err)
	}
	code, _, stderr = runHarness(t, nil, "report", dir, dir)
	if code != exitUsage || !strings.HasPrefix(stderr, "harness report: several result directories: say where the report goes with --out\n") {
		t.Errorf("two directories without --out: exit %d, stderr %q", code, stderr)
	}
}

// TestConformSeedSpelling: `harness conform --seed N` shuffles as `harness run --seed` is
// spelled, and the old --randomize N still does the same; without either, file order.
func TestConformSeedSpelling(t *testing.T) {
	t.Parallel()
	order := func(args ...string) (string, string) {
		t.Helper()
		args = append([]string{"conform", "--tags", "@axe.unbind", "--format", "pretty", "--coverage=false", "--out", t.TempDir()}, args...)
		code, stdout, stderr := runHarness(t, nil, args...)
		if code != exitOK {
			t.Fatalf("%v: exit %d\n%s\n%s", args, code, stdout, stderr)
		}
		var names []string
		for _, m := range regexp.MustCompile(`(?m)^\s*Scenario(?: Outline)?: ([^#\n]*?)\s*(?:#|$)`).FindAllStringSubmatch(stdout, -1) {
			names = append(names, m[1])
		}
		if len(names) < 3 {
			t.Fatalf("%v: %d scenarios in\n%s", args, len(names), stdout)
		}
		return strings.Join(names, " | "), stdout
	}
	seed, out := order("--seed", "3")
	if !strings.Contains(out, "Randomized with seed: 3") {
		t.Errorf("--seed 3 did not shuffle:\n%s", out)
	}
	alias, _ := order("--randomize", "3")
	if alias != seed {
		t.Errorf("--randomize 3 ran\n%s\n--seed 3 ran\n%s", alias, seed)
	}
	file, out := order()
	if file == seed || strings.Contains(out, "Randomized") {
		t.Errorf("no seed: want file order, unshuffled; ran\n%s", file)
	}
}
