package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/reports"
)

// setLatency makes the platform's admin API delay every answer of iface by ms.
func (p *platform) setLatency(t *testing.T, iface string, ms int) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"faults": []map[string]any{{"interface": iface, "latencyMs": ms}}})
	resp, err := http.Post(p.AdminURL+"faults", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("faults: HTTP %d", resp.StatusCode)
	}
}

// TestBaselineFindsRegression: the same workload run twice into differently named
// directories, the second time with axb.bind 300 ms slower (far above what a busy machine adds
// to the first run's p50, so the regression is found however slow the machine), compared
// through `harness report --baseline` with every form of earlier result the harness writes (a load's load.json, a
// load directory, a report's summary.json, and a load's result as versions before load.json
// wrote it: summary.json, alone and in its directory): the axb.bind p50 regression is found,
// printed on the console and shown in index.html and summary.json. Scenarios are named by
// their workload, not by the directory.
func TestBaselineFindsRegression(t *testing.T) {
	t.Parallel()
	p := startPlatform(t)
	prof := platformProfile(t, "")
	dir := t.TempDir()
	monday, tuesday := filepath.Join(dir, "monday"), filepath.Join(dir, "tuesday-rc2")
	load := func(out string) {
		t.Helper()
		code, stdout, stderr := runHarness(t, platformEnv, "load", "--target", p.URL, "--ca-file", p.CertFile, "--profile", prof,
			"--rate", "10", "--hold", "100ms", "--duration", "2s", "--generator-lag", "0", "--progress", "-1", "--out", out)
		if code != exitOK {
			t.Fatalf("load: exit %d\n%s\n%s", code, stdout, stderr)
		}
		if !strings.Contains(stdout, "\naxb-bind-unbind: ") || strings.Contains(stdout, filepath.Base(out)+":") {
			t.Errorf("the load's headline is not named by its workload:\n%s", stdout)
		}
	}
	load(monday)
	p.setLatency(t, "axb.bind", 300)
	load(tuesday)

	code, stdout, stderr := runHarness(t, nil, "report", monday, "--out", filepath.Join(dir, "rep-monday"))
	if code != exitOK {
		t.Fatalf("report monday: exit %d\n%s\n%s", code, stdout, stderr)
	}
	// A load writes its result as load.json; summary.json is the report's name only.
	if _, err := os.Stat(filepath.Join(monday, reports.JSONFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the load wrote a %s (%v), want its result only as %s", reports.JSONFile, err, loadtest.ResultFile)
	}
	// Monday's load directory as an older version left it: its result named summary.json.
	legacy := filepath.Join(dir, "monday-older-version")
	if err := os.MkdirAll(legacy, 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(monday, loadtest.ResultFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(legacy, loadtest.LegacyResultFile), data, 0o644); err != nil {
		t.Fatal(err)
	}
	rowRE := regexp.MustCompile(`<tr><td class="l">axb-bind-unbind</td><td class="l mono">axb\.bind</td><td class="l">p50</td>[^\n]*?<span class="pill fail">worse</span>`)
	for _, base := range []string{
		filepath.Join(monday, loadtest.ResultFile), // the load's own load.json
		monday, // the load's directory
		filepath.Join(dir, "rep-monday", reports.JSONFile), // a report's summary.json
		filepath.Join(legacy, loadtest.LegacyResultFile),   // an older version's load summary.json
		legacy, // and its directory
	} {
		t.Run(filepath.Base(filepath.Dir(base))+"/"+filepath.Base(base), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "rep")
			code, stdout, stderr := runHarness(t, nil, "report", tuesday, "--baseline", base, "--out", out)
			if code != exitOK {
				t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
			}
			if !regexp.MustCompile(`baseline \S+: load [1-9]\d* regressions`).MatchString(stdout) ||
				!regexp.MustCompile(`worse  axb-bind-unbind axb\.bind p50: \S+ -> \S+ \(\+`).MatchString(stdout) {
				t.Errorf("console lacks the axb.bind p50 regression:\n%s", stdout)
			}
			html, err := os.ReadFile(filepath.Join(out, "index.html"))
			if err != nil {
				t.Fatal(err)
			}
			if !rowRE.Match(html) {
				t.Errorf("index.html lacks the axb.bind p50 regression row")
			}
			s, err := reports.LoadSummary(filepath.Join(out, "summary.json"))
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, d := range s.Baseline.Deltas {
				if d.Interface == "axb.bind" && d.Metric == reports.MetricP50 {
					found = d.Regression && d.Current-d.Baseline >= 200e6
				}
			}
			if !found {
				t.Errorf("summary.json: no axb.bind p50 regression of at least 200ms in %+v", s.Baseline.Deltas)
			}
		})
	}

	// A baseline that is not a result is a usage error, in one line.
	code, stdout, stderr = runHarness(t, nil, "report", tuesday, "--baseline", filepath.Join(dir, "nothing"), "--out", filepath.Join(dir, "x"))
	if code != exitUsage || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "harness report: --baseline: ") {
		t.Errorf("missing baseline: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
}
