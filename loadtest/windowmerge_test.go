package loadtest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// TestWindowsMergeDropNotChecked forces a windowed percentile's merge to drop a value (a
// second's histogram holding a value beyond the window histogram's range) and asserts the
// window is counted as inexact, not checked, and the threshold says so instead of passing.
func TestWindowsMergeDropNotChecked(t *testing.T) {
	ths, err := ParseThresholds([]string{"axb.bind.p99[2s]<100ms", "axb.bind.count[2s]>=1"})
	if err != nil {
		t.Fatal(err)
	}
	w := newWindows(ths, false, nil)
	start := time.Unix(1000, 0)
	w.begin(start)
	for s := 0; s < 3; s++ {
		at := start.Add(time.Duration(s)*time.Second + 500*time.Millisecond)
		w.record(&observation{iface: "axb.bind", code: "0", success: true, service: time.Millisecond, corrected: time.Millisecond}, at)
	}
	// Second 1's histogram gets a wider range and a value (1000h) the window's cannot hold.
	wide := hdr.New(histLowest, 10000*histHighest, histSecSigFigs)
	if err := wide.RecordValue(int64(1000 * time.Hour)); err != nil {
		t.Fatal(err)
	}
	b := w.buckets[1]["axb.bind"]
	wide.Merge(b.svc)
	b.svc, b.cor = wide, wide.Clone()
	w.close(start.Add(3 * time.Second))
	out := w.outcomes()
	p99, count := out[0], out[1]
	// Windows end at 2 and 3 s, both contain second 1: neither is exact.
	if p99.Checked != 0 || p99.Failed != 0 || p99.Inexact != 2 || p99.DroppedOnMerge != 2 {
		t.Fatalf("p99 windows = %+v", p99)
	}
	if count.Checked != 2 || count.Inexact != 0 || count.DroppedOnMerge != 0 {
		t.Fatalf("count windows = %+v", count)
	}
	got, err := Evaluate(&Result{Windows: out, agg: newAggregate()}, ths)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].OK || !got[0].Unmeasured || !strings.Contains(got[0].Detail, "not checked: 2 full 2s window(s) not exact (merging their seconds' histograms dropped 2 value(s))") {
		t.Fatalf("p99 outcome = %+v", got[0])
	}
	if !got[1].OK || got[1].Unmeasured {
		t.Fatalf("count outcome = %+v", got[1])
	}
}

// encodeWith records values (nanoseconds) in a histogram of the given highest trackable value
// and encodes it as a result carries it.
func encodeWith(t *testing.T, highest int64, values ...int64) string {
	t.Helper()
	h := hdr.New(histLowest, highest, histSigFigs)
	for _, v := range values {
		if err := h.RecordValue(v); err != nil {
			t.Fatal(err)
		}
	}
	s, err := encodeHist(h)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestEvaluateMergeDropNotChecked forces each merge Evaluate relies on to drop values — an
// interface's codes added together here, a code histogram the result's own merge lost values
// of (MergeDropped), the callback types added together — and asserts the latency statistic is
// not measured with the reason, while statistics from counters stay measured.
func TestEvaluateMergeDropNotChecked(t *testing.T) {
	// The wide histograms (a far value) sort after the narrow ones they are merged into, the
	// merge starting from the first in name order.
	ms, far := int64(time.Millisecond), int64(5000*time.Hour)
	wide := 10000 * histHighest
	r := &Result{Primary: "axb.bind",
		Interfaces: []InterfaceStats{{ID: "axb.bind", Count: 3, Success: 2, Codes: []CodeStats{
			{Code: "0", Count: 2, ServiceHist: encodeWith(t, histHighest, ms, ms), CorrectedHist: encodeWith(t, histHighest, ms, ms)},
			{Code: "1", Count: 1, ServiceHist: encodeWith(t, wide, far), CorrectedHist: encodeWith(t, histHighest, ms)}}}},
		Callbacks: []CallbackStats{{Event: "fee", Count: 1, Hist: encodeWith(t, histHighest, ms)},
			{Event: "status", Count: 1, Hist: encodeWith(t, wide, far)}},
	}
	ths, err := ParseThresholds([]string{"axb.bind.p99<1s", "axb.bind.corrected.p99<1s", "axb.bind.count>=3",
		"callback.all.p99<1h", "callback.fee.p99<1s"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Evaluate(r, ths)
	if err != nil {
		t.Fatal(err)
	}
	notExact := func(o ThresholdOutcome, n int) {
		t.Helper()
		if o.OK || !o.Unmeasured || !strings.HasPrefix(o.Detail, fmt.Sprintf("not exact: merging its histograms dropped %d value(s)", n)) {
			t.Errorf("%s = %+v, want not exact (%d dropped)", o.Expr, o, n)
		}
	}
	measured := func(o ThresholdOutcome) {
		t.Helper()
		if !o.OK || o.Unmeasured {
			t.Errorf("%s = %+v, want measured and held", o.Expr, o)
		}
	}
	notExact(got[0], 1)
	measured(got[1])
	measured(got[2])
	notExact(got[3], 1)
	measured(got[4])

	// The result's own merge lost 4 of code 0's corrected values: the corrected p99 is not
	// exact either, the service one counts both losses.
	r.MergeDropped = []DroppedValues{{Histogram: "axb.bind code 0 corrected", Values: 4}, {Histogram: "callback fee", Values: 2}}
	r.agg = nil
	if got, err = Evaluate(r, ths); err != nil {
		t.Fatal(err)
	}
	notExact(got[0], 1)
	notExact(got[1], 4)
	measured(got[2])
	notExact(got[3], 3)
	notExact(got[4], 2)
}
