package reports

import (
	"strings"
	"testing"
	"time"
)

// TestHTMLCallbacks renders a callback section measured against the emulator: per-type
// expected and missing counts, the reference note, the emulator's loss, a delay-over-time
// chart with units, delay histograms and the anomaly list.
func TestHTMLCallbacks(t *testing.T) {
	cb := &Callbacks{Expected: 8, Received: 9, ExpectedReceived: ptr(int64(7)), OtherReceived: ptr(int64(2)), Reference: "emulator", Resolution: time.Microsecond,
		Counters:     CallbackCounters{Missing: 1, ClockSkew: 2},
		EmulatorLoss: &EmulatorLoss{Overflow: 3},
		Problems:     []string{"call S-1: missing"},
		Events: []CallbackType{
			{Event: "callin", Count: 4, Expected: 4, Received: 4, Latency: Percentiles{P50: 3 * time.Millisecond, P99: 9 * time.Millisecond},
				Series:    []CallbackPoint{{T: time.Second, Count: 2, Mean: 2 * time.Millisecond, Max: 3 * time.Millisecond}, {T: 2 * time.Second, Count: 2, Mean: 4 * time.Millisecond, Max: 9 * time.Millisecond}},
				Histogram: &Histogram{Metric: "delay", Buckets: []HistogramBucket{{From: 0, To: 5 * time.Millisecond, Count: 3}, {From: 5 * time.Millisecond, To: 10 * time.Millisecond, Count: 1}}}},
			{Event: "disconnect", Expected: 4, Received: 5, ExpectedReceived: ptr(int64(3)), Missing: 1},
		},
	}
	s := &Summary{Callbacks: cb}
	page := renderHTML(t, s)
	if err := wellFormed(page); err != nil {
		t.Errorf("page is not well formed: %v", err)
	}
	for _, want := range []string{
		"load calls: 7 received of 8 expected; other pushes, not about the load&#39;s calls (such as conformance scenarios&#39; calls, X-number status, SMS): 2; 9 in all.",
		`<td class="l mono">disconnect</td><td>4</td><td>3</td><td>2</td>`,
		"3 lost by the emulator",
		"X-Emulator-Emitted-At header, emulator only), resolution 1 µs",
		"Mean callback delay over time, by event type",
		"Delay histogram of callin (notifications per bucket)",
		"call S-1: missing",
		"clockSkew",
		"emulatorLoss",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if v := s.ComputeVerdict(); v.Status != VerdictFail || v.CallbackFailures != 2 {
		t.Errorf("verdict %+v", v)
	}
}

// ptr returns a pointer to v, for the optional counts of a summary.
func ptr[T any](v T) *T { return &v }
