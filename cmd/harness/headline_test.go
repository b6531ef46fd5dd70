package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestWorkloadHeadlineAllFlows: a workload of several flows is headlined, on the console of
// `harness load` and `harness report` and in the HTML rate chart, with the rate of what the
// plan schedules (every flow's session arrivals), never as its first interface's requests,
// and named by the workload, not by the --out directory.
func TestWorkloadHeadlineAllFlows(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "some-dir")
	code, stdout, stderr := runHarness(t, nil, "load", "--workload", filepath.Join("..", "..", "loadtest", "testdata", "mixed.yaml"),
		"--duration", "1s", "--generator-lag", "0", "--progress", "-1", "--out", out)
	if code != exitOK {
		t.Fatalf("load: exit %d\n%s\n%s", code, stdout, stderr)
	}
	headline := regexp.MustCompile(`(?m)^ax\+axb-mixed: \S+ achieved of \S+ target \(session arrivals/s, all flows\) over `)
	if !headline.MatchString(stdout) || strings.Contains(stdout, "some-dir:") || strings.Contains(stdout, "(axb.bind requests/s)") {
		t.Errorf("load headline:\n%s", stdout)
	}
	rep := filepath.Join(t.TempDir(), "rep")
	code, stdout, stderr = runHarness(t, nil, "report", out, "--out", rep)
	if code != exitOK {
		t.Fatalf("report: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !regexp.MustCompile(`(?m)^load ax\+axb-mixed: \S+ achieved of \S+ target \(session arrivals/s, all flows\)`).MatchString(stdout) {
		t.Errorf("report headline:\n%s", stdout)
	}
	html, err := os.ReadFile(filepath.Join(rep, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Session arrival rate of all 3 flows: target vs achieved", "session arrivals/s, all flows"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	if strings.Contains(string(html), "Rate of axb.bind") {
		t.Error("index.html labels the arrivals of every flow as axb.bind's rate")
	}
}
