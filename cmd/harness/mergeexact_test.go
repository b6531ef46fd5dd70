package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/pns-harness/pns-harness/assemble"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/reports"
)

// A merge that drops values is not exact, and `harness report --merge` says so: shard 1's
// axb.bind histogram was recorded with a wider range (up to 10 h) and holds a 5 h answer that
// shard 0's histogram (1 µs .. 1 h, which the merge adds into) cannot hold. The report fails
// (exit 1) with a sentence naming the histogram and the count, in the console, summary.json
// (run errors, the scenario's warnings and mergeDropped) and the HTML. Two shards recorded in
// the same range merge exactly and pass. A latency threshold over the merged histograms is
// measured only when the merge was exact: over the lossy merge it fails (given) as not exact,
// where the kept values alone would have passed it.
func TestReportMergeNotExact(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	start := time.Date(2026, 12, 1, 22, 30, 0, 0, time.UTC)
	enc := func(highest int64, values ...time.Duration) string {
		h := hdr.New(int64(time.Microsecond), highest, 3)
		for _, v := range values {
			if err := h.RecordValue(int64(v)); err != nil {
				t.Fatal(err)
			}
		}
		b, err := h.Encode(hdr.V2CompressedEncodingCookieBase)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	shard := func(dir, shard string, highest int64, values ...time.Duration) {
		t.Helper()
		h := enc(highest, values...)
		r := &loadtest.Result{
			Version: loadtest.ResultVersion, Scenario: "bind-unbind", Mode: "axb", Primary: "axb.bind",
			Shards: []string{shard}, Started: start, Ended: start.Add(time.Second), ElapsedSeconds: 1,
			Plan: loadtest.Plan{{Rate: 1, Duration: time.Second}}, TargetHits: 1, SentHits: int64(len(values)),
			Run: loadtest.RunInfo{ID: "run-x", HarnessVersion: buildVersion()},
			Interfaces: []loadtest.InterfaceStats{{ID: "axb.bind", Count: int64(len(values)), Success: int64(len(values)),
				Codes: []loadtest.CodeStats{{Code: "0", Count: int64(len(values)), Statuses: map[string]int64{"200": int64(len(values))},
					ServiceHist: h, CorrectedHist: h}}}},
		}
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := r.WriteResult(filepath.Join(root, dir)); err != nil {
			t.Fatal(err)
		}
	}
	shard("wide/shard-0", "0/2", int64(time.Hour), 5*time.Millisecond)
	shard("wide/shard-1", "1/2", int64(10*time.Hour), 7*time.Millisecond, 5*time.Hour)
	shard("same/shard-0", "0/2", int64(time.Hour), 5*time.Millisecond)
	shard("same/shard-1", "1/2", int64(time.Hour), 7*time.Millisecond, 50*time.Minute)

	const sentence = "merge not exact: 2 recorded value(s) fell outside the range of the histogram they were merged into and were dropped (axb.bind code 0 corrected 1, axb.bind code 0 service 1)"
	tests := []struct {
		dir    string
		want   int
		errors []string
		drops  []reports.MergeDropped
		// threshold is the state and message of axb.bind.p99<10h.
		threshold, message string
	}{
		{"same", exitOK, nil, nil, reports.ThresholdPassed, ""},
		{"wide", exitFailed, []string{"load run-x axb-bind-unbind merged (2 shards): " + sentence + ": the merged percentiles leave them out"},
			[]reports.MergeDropped{{Histogram: "axb.bind code 0 corrected", Values: 1}, {Histogram: "axb.bind code 0 service", Values: 1}},
			reports.ThresholdFailed, "not exact: merging its histograms dropped 1 value(s) outside their range"},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			out := filepath.Join(root, "report-"+tt.dir)
			code, stdout, stderr := runHarness(t, nil, "report", "--merge", "--threshold", "axb.bind.p99<10h", "--out", out, filepath.Join(root, tt.dir))
			if code != tt.want {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.want, stdout, stderr)
			}
			if got := strings.Contains(stdout+stderr, sentence); got != (tt.errors != nil) {
				t.Fatalf("console says %q: %v\nstdout: %s\nstderr: %s", sentence, got, stdout, stderr)
			}
			s, err := reports.LoadSummary(filepath.Join(out, "summary.json"))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(s.Errors, "\n") != strings.Join(tt.errors, "\n") {
				t.Fatalf("run errors %q, want %q", s.Errors, tt.errors)
			}
			if len(s.Thresholds) != 1 || s.Thresholds[0].State() != tt.threshold || !strings.HasPrefix(s.Thresholds[0].Message, tt.message) {
				t.Fatalf("thresholds %+v, want %s %q", s.Thresholds, tt.threshold, tt.message)
			}
			sc := s.Load.Scenarios[0]
			if len(sc.MergeDropped) != len(tt.drops) {
				t.Fatalf("mergeDropped %v, want %v", sc.MergeDropped, tt.drops)
			}
			for i := range tt.drops {
				if sc.MergeDropped[i] != tt.drops[i] {
					t.Fatalf("mergeDropped %v, want %v", sc.MergeDropped, tt.drops)
				}
			}
			page, err := os.ReadFile(filepath.Join(out, "index.html"))
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(string(page), sentence); got != (tt.errors != nil) {
				t.Fatalf("the page says %q: %v", sentence, got)
			}
		})
	}
}

// The receivers' delay histograms merge the same way: `harness report` over two receive
// results whose fee delays cannot all be held by the first's histogram fails (exit 1) and says
// which histogram lost how many values; the callback section marks fee's delays not exact and
// a fee delay threshold is not measured (it fails, given) instead of passing on the kept values.
func TestReportReceiverMergeNotExact(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	write := func(dir string, highest int64, values ...int64) {
		t.Helper()
		h := hdr.New(1, highest, 3)
		for _, v := range values {
			if err := h.RecordValue(v); err != nil {
				t.Fatal(err)
			}
		}
		b, err := h.Encode(hdr.V2CompressedEncodingCookieBase)
		if err != nil {
			t.Fatal(err)
		}
		rep := receiver.Report{Format: receiver.ReportFormat, Started: time.Date(2026, 12, 1, 22, 30, 0, 0, time.UTC),
			Latency: []receiver.Latency{{Reference: receiver.RefTrigger, Type: "fee", Count: h.TotalCount(), Histogram: string(b)}}}
		raw, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, dir, assemble.ReceiverFile), raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a", 1_000_000, 5_000)
	write("b", 1_000_000_000, 7_000, 500_000_000)
	out := filepath.Join(root, "report")
	code, stdout, stderr := runHarness(t, nil, "report", "--threshold", "callback.fee.p99<1h", "--out", out, filepath.Join(root, "a"), filepath.Join(root, "b"))
	const sentence = "callbacks: merge not exact: 1 callback delay value(s) fell outside the range of the histogram they were merged into and were dropped (trigger/fee 1)"
	if code != exitFailed || !strings.Contains(stdout, sentence) {
		t.Fatalf("exit %d, want %d and %q\nstdout: %s\nstderr: %s", code, exitFailed, sentence, stdout, stderr)
	}
	s, err := reports.LoadSummary(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Errors) != 1 || !strings.HasPrefix(s.Errors[0], sentence) {
		t.Fatalf("run errors %q", s.Errors)
	}
	if s.Callbacks == nil || len(s.Callbacks.Events) != 1 || s.Callbacks.Events[0].DroppedOnMerge != 1 {
		t.Fatalf("callback section %+v", s.Callbacks)
	}
	if len(s.Thresholds) != 1 || s.Thresholds[0].State() != reports.ThresholdFailed ||
		!strings.Contains(s.Thresholds[0].Message, "merging the delay histograms dropped 1 value(s)") {
		t.Fatalf("thresholds %+v", s.Thresholds)
	}
}
