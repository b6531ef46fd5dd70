package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/reports"
)

// TestLoadForcesHangupCauses runs loadtest/testdata/causes.yaml through `harness load` on the
// embedded emulator: of the N calls placed, exactly ⌊N/2⌋ end with the forced causes 8017 and
// 7503 in turn, the others with none of them; receiver.json and the report's hang-up cause
// table (summary.json and the page) show them with the contract's meaning. A code outside
// the contract's table is refused before the first request: one line, exit 2.
func TestLoadForcesHangupCauses(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("rate: 5\nflows:\n  - name: f\n    mode: axb\n    share: 1\n    steps:\n"+
		"      - op: bind\n      - op: call\n        causes: [8017, 9999]\n      - op: unbind\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runHarness(t, nil, "load", "--workload", bad, "--duration", "1s", "--out", t.TempDir())
	if want := `workload: flow "f": steps[1]: causes: 9999 is not a hang-up cause of the contract's table (reference §7.7)`; code != exitUsage || !strings.Contains(stderr, want) {
		t.Errorf("causes [8017, 9999]: exit %d, want %d with %q\n%s%s", code, exitUsage, want, stdout, stderr)
	}

	out := t.TempDir()
	code, stdout, stderr = runHarness(t, nil, "load", "--workload", filepath.Join("..", "..", "loadtest", "testdata", "causes.yaml"),
		"--duration", "1s", "--generator-lag", "0", "--progress", "-1", "--out", out,
		"--threshold", "callback.missing==0", "--threshold", "callback.invalid==0")
	if code != exitOK {
		t.Fatalf("load: exit %d\n%s\n%s", code, lastLines(stdout, 40), stderr)
	}
	var res loadtest.Result
	data, err := os.ReadFile(filepath.Join(out, loadtest.ResultFile))
	if err == nil {
		err = json.Unmarshal(data, &res)
	}
	if err != nil {
		t.Fatal(err)
	}
	row, ok := res.Interface(loadtest.IfaceCalls)
	if !ok || row.Count == 0 || row.Success != row.Count {
		t.Fatalf("calls row %v %+v, want every call placed", ok, row)
	}
	var rep receiver.Report
	data, err = os.ReadFile(filepath.Join(out, "receiver.json"))
	if err == nil {
		err = json.Unmarshal(data, &rep)
	}
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, n := range rep.Causes {
		total += n
	}
	forced, a, b := row.Count/2, rep.Causes["8017"], rep.Causes["7503"]
	if total != row.Count || a+b != forced || a-b < 0 || a-b > 1 {
		t.Fatalf("%d calls: causes %v, want %d disconnects of which %d forced to 8017 and 7503 in turn", row.Count, rep.Causes, row.Count, forced)
	}

	dir := filepath.Join(t.TempDir(), "rep")
	if code, repOut, stderr := runHarness(t, nil, "report", out, "--out", dir); code != exitOK {
		t.Fatalf("report: exit %d\n%s\n%s", code, repOut, stderr)
	}
	sum, err := reports.LoadSummary(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Callbacks == nil {
		t.Fatal("the report has no callbacks section")
	}
	rows := map[string]reports.CallbackCause{}
	for _, c := range sum.Callbacks.Causes {
		rows[c.Code] = c
	}
	if r := rows["8017"]; r.Count != a || !r.Listed || r.Meaning == "" {
		t.Errorf("report's 8017 row %+v, want %d with the contract's meaning", r, a)
	}
	if r := rows["7503"]; r.Count != b || r.Meaning != "callee declined the call" {
		t.Errorf("report's 7503 row %+v, want %d, callee declined the call", r, b)
	}
	page, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "Hang-up causes") || !strings.Contains(string(page), "callee declined the call") {
		t.Error("the page lacks the hang-up cause table with 7503")
	}
}
