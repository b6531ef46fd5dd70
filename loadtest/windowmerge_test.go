package loadtest

import (
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
