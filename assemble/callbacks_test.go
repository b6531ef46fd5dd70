package assemble

import (
	"strings"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/reports"
)

// latency builds a receiver latency summary with a real histogram of the given delays.
func latency(t *testing.T, ref, typ string, delays ...time.Duration) receiver.Latency {
	t.Helper()
	h := hdrhistogram.New(1, int64(time.Hour/time.Microsecond), 3)
	for _, d := range delays {
		_ = h.RecordValue(int64(d / time.Microsecond))
	}
	enc, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		t.Fatal(err)
	}
	ms := func(v int64) float64 { return float64(v) / 1000 }
	return receiver.Latency{Reference: ref, Type: typ, Count: h.TotalCount(), P50Ms: ms(h.ValueAtQuantile(50)),
		P99Ms: ms(h.ValueAtQuantile(99)), MaxMs: ms(h.Max()), Histogram: string(enc),
		Series: []receiver.DelayPoint{{AtS: 1, WidthS: 1, Count: h.TotalCount(), MeanMs: h.Mean() / 1000, MaxMs: ms(h.Max())}}}
}

func TestCallbacksSection(t *testing.T) {
	rep := receiver.Report{
		Counters: receiver.Counters{Requests: 10, OutOfOrder: 1, BadSignature: 2, Duplicates: 1, DuplicateFeeRecords: 1, ClockSkew: 3},
		ByType: map[string]receiver.TypeCounts{
			"disconnect": {Expected: 4, Received: 3, Missing: 1},
			"callin":     {Expected: 4, Received: 4, TypeAnomalies: pns.TypeAnomalies{ClockSkew: 3}},
			"fee":        {Expected: 4, Received: 4, TypeAnomalies: pns.TypeAnomalies{Duplicate: 1}},
		},
		Latency: []receiver.Latency{
			latency(t, receiver.RefPlatform, "fee", 900*time.Millisecond),
			latency(t, receiver.RefEmulator, "fee", 1500*time.Millisecond, 1600*time.Millisecond, 1700*time.Millisecond, 1800*time.Millisecond),
			latency(t, receiver.RefEmulator, "callin", 2*time.Millisecond),
			latency(t, receiver.RefTrigger, "callin", time.Second),
		},
		BadSignatures: []receiver.BadSignatureSample{{AppKey: "k", Scheme: "aksk", Arrived: time.Second}},
		Failures:      []receiver.SessionDetail{{SessionID: "s1", Problems: []string{"missing"}}},
	}
	cb := Callbacks(rep, &reports.EmulatorLoss{Overflow: 2})
	if cb.Reference != receiver.RefEmulator || cb.Resolution != time.Microsecond {
		t.Errorf("reference %q resolution %v", cb.Reference, cb.Resolution)
	}
	if cb.Expected != 12 || cb.Received != 11 || cb.Counters.Missing != 1 || cb.Counters.Duplicate != 2 ||
		cb.Counters.BadSignature != 2 || cb.Counters.OutOfOrder != 1 || cb.Counters.ClockSkew != 3 {
		t.Errorf("counters %+v expected %d received %d", cb.Counters, cb.Expected, cb.Received)
	}
	var order []string
	for _, e := range cb.Events {
		order = append(order, e.Event)
	}
	if strings.Join(order, ",") != "callin,disconnect,fee" {
		t.Errorf("order %v", order)
	}
	fee := cb.Events[2]
	if fee.Count != 4 || fee.Latency.P50 < 1590*time.Millisecond || fee.Latency.P50 > 1610*time.Millisecond || fee.Expected != 4 || fee.Duplicate != 1 {
		t.Errorf("fee %+v", fee)
	}
	if fee.Histogram == nil || fee.Histogram.Metric != "delay" || len(fee.Series) != 1 {
		t.Fatalf("fee histogram %+v series %+v", fee.Histogram, fee.Series)
	}
	var n int64
	for _, b := range fee.Histogram.Buckets {
		n += b.Count
		if b.To > 2*time.Second || b.To < time.Millisecond {
			t.Errorf("bucket bound %v outside the delays' scale", b.To)
		}
	}
	if n != 4 {
		t.Errorf("histogram holds %d", n)
	}
	if len(cb.Problems) != 2 || !strings.Contains(cb.Problems[0], "bad signature") || !strings.Contains(cb.Problems[1], "call s1: missing") {
		t.Errorf("problems %q", cb.Problems)
	}
	if got := cb.Failures(); len(got) != 4 {
		t.Errorf("failures %v", got)
	}
}

func TestCallbackThresholds(t *testing.T) {
	cb := &reports.Callbacks{
		Counters:     reports.CallbackCounters{Missing: 1},
		EmulatorLoss: &reports.EmulatorLoss{Dropped: 1},
		Events: []reports.CallbackType{
			{Event: "fee", Count: 4, Expected: 4, Received: 4, Latency: reports.Percentiles{P99: 1500 * time.Millisecond, P999: 1600 * time.Millisecond}},
			{Event: "answer", Expected: 2},
		},
	}
	for _, tc := range []struct {
		expr     string
		pass     bool
		observed float64
		msg      string
	}{
		{"callback.fee.p99<2s", true, 1.5e9, ""},
		{"callback.fee.p99.9<1s", false, 1.6e9, ""},
		{"callback.missing==0", false, 1, ""},
		{"callback.lost==0", false, 1, ""},
		{"callback.duplicate==0", true, 0, ""},
		{"callback.fee.expected>=4", true, 4, ""},
		{"callback.answer.p99<1s", false, 0, "no samples"},
		{"callback.answer.missing==0", true, 0, ""},
		{"callback.all.expected==6", true, 6, ""},
		{"callback.fee.p95<2s", false, 0, "needs the receiver's histograms (receiver.json)"},
		{"callback.schemaInvalid==0", true, 0, ""},
	} {
		got, err := CallbackThresholds(cb, nil, []string{tc.expr}, true)
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		if g := got[0]; g.Passed != tc.pass || g.Observed != tc.observed || g.Message != tc.msg {
			t.Errorf("%s: %+v", tc.expr, g)
		}
	}
	if got, _ := CallbackThresholds(nil, nil, []string{"callback.missing==0"}, true); got[0].State() != reports.ThresholdFailed || got[0].Message != "no callback results" {
		t.Errorf("without receiver, given: %+v", got[0])
	}
	if got, _ := CallbackThresholds(nil, nil, []string{"callback.missing==0"}, false); got[0].State() != reports.ThresholdNotChecked || got[0].Message != "no callback results" {
		t.Errorf("without receiver, default: %+v", got[0])
	}
	// A default that was measured still fails: only what cannot be measured is not checked.
	if got, _ := CallbackThresholds(cb, nil, []string{"callback.missing==0", "callback.answer.p99<1s"}, false); got[0].State() != reports.ThresholdFailed || got[1].State() != reports.ThresholdNotChecked || got[1].Message != "no samples" {
		t.Errorf("defaults: %+v", got)
	}
	for _, tc := range []struct{ expr, err string }{
		{"callback.fee.p42x<1s", `threshold "callback.fee.p42x<1s": unknown callback metric "callback.fee.p42x"`},
		{"callback.fee.p99<2", `threshold "callback.fee.p99<2": callback.fee.p99 needs a duration such as 2s, got "2"`},
		{"callback.missing==none", `threshold "callback.missing==none": callback.missing needs a number, got "none"`},
		{"callback.missing", `threshold "callback.missing": want callback.METRIC OP VALUE`},
		{"callback.p99<1s", `threshold "callback.p99<1s": unknown callback metric "callback.p99"`},
		{"callback.fe.p99<1s", `threshold "callback.fe.p99<1s": unknown notification type "fe"`},
		{"callback.fee.p0<1s", `threshold "callback.fee.p0<1s": unknown callback metric "callback.fee.p0"`},
	} {
		err := (&loadtest.ThresholdSet{}).Add(tc.expr)
		if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
			t.Errorf("%s: error %v, want prefix %q", tc.expr, err, tc.err)
		}
	}
}

func FuzzParseCallbackThreshold(f *testing.F) {
	for _, s := range []string{"callback.fee.p99<2s", "callback.missing==0", "callback.fee.p99.9<=1ms", "callback..p99<1s", "callback.x.y.z>1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		th, err := loadtest.ParseCallbackThreshold(s)
		if err == nil && th.Stat == "" {
			t.Fatalf("%q parsed without a statistic", s)
		}
	})
}

// TestCallbackThresholdsFromHistograms: any percentile, "all" and mean come from the
// receiver's histograms of the section's reference.
func TestCallbackThresholdsFromHistograms(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(i)*10*time.Millisecond) // 10 ms … 1 s
	}
	rep := receiver.Report{Format: receiver.ReportFormat, Settle: time.Minute,
		Sessions: receiver.SessionCounts{Total: 1, Judged: 1},
		ByType:   map[string]receiver.TypeCounts{"fee": {Received: 100}, "callin": {Received: 1}},
		Latency: []receiver.Latency{latency(t, receiver.RefPlatform, "fee", ds...),
			latency(t, receiver.RefPlatform, "callin", 3*time.Second)}}
	cb := Callbacks(rep, nil)
	if cb.MissingBasis != reports.MissingFromPushes {
		t.Errorf("basis %q", cb.MissingBasis)
	}
	for _, tc := range []struct {
		expr   string
		pass   bool
		lo, hi time.Duration
	}{
		{"callback.fee.p95<2s", true, 949 * time.Millisecond, 951 * time.Millisecond},
		{"callback.fee.mean<1s", true, 504 * time.Millisecond, 506 * time.Millisecond},
		{"callback.all.max<2s", false, 2990 * time.Millisecond, 3010 * time.Millisecond},
	} {
		got, err := CallbackThresholds(cb, &rep, []string{tc.expr}, true)
		if err != nil {
			t.Fatal(err)
		}
		if g := got[0]; g.Passed != tc.pass || time.Duration(g.Observed) < tc.lo || time.Duration(g.Observed) > tc.hi {
			t.Errorf("%s: %+v", tc.expr, g)
		}
	}
}

// TestMissingUnknown: without expectations or judged calls, missing is not a measured 0.
func TestMissingUnknown(t *testing.T) {
	cb := Callbacks(receiver.Report{Format: receiver.ReportFormat}, nil)
	if cb.MissingBasis != reports.MissingUnknown {
		t.Fatalf("basis %q", cb.MissingBasis)
	}
	for _, given := range []bool{true, false} {
		got, _ := CallbackThresholds(cb, nil, []string{"callback.missing==0"}, given)
		want := reports.ThresholdFailed
		if !given {
			want = reports.ThresholdNotChecked
		}
		if got[0].Passed || got[0].State() != want || !strings.HasPrefix(got[0].Message, "unknown") {
			t.Errorf("missing threshold (given %v) %+v, want %s", given, got[0], want)
		}
	}
	if lines := strings.Join(cb.Lines(), "\n"); !strings.Contains(lines, "missing: unknown") {
		t.Errorf("lines %q", lines)
	}
}

// TestDuplicatesOnce: a format-2 receiver counts every duplicate in its type's row (or
// untyped) once; the section adds them up once.
func TestDuplicatesOnce(t *testing.T) {
	rep := receiver.Report{Format: receiver.ReportFormat,
		Counters: receiver.Counters{Duplicates: 2, DuplicateEvents: 1, DuplicateFeeRecords: 1, DuplicatesUntyped: 1},
		ByType:   map[string]receiver.TypeCounts{"disconnect": {Received: 1, TypeAnomalies: pns.TypeAnomalies{Duplicate: 2}}, "fee": {Received: 1, TypeAnomalies: pns.TypeAnomalies{Duplicate: 1}}}}
	if cb := Callbacks(rep, nil); cb.Counters.Duplicate != 4 {
		t.Errorf("duplicate = %d, want 4", cb.Counters.Duplicate)
	}
}

// TestCallbackThresholdsMergeNotExact: a delay statistic whose histograms lost values on a
// merge — the "all" merge here of histograms of different ranges, or the receivers' merge
// (Report.MergeDropped) — is not measured: a default threshold is not checked and a given
// one fails, both with the reason, never passed on the values that were kept.
func TestCallbackThresholdsMergeNotExact(t *testing.T) {
	narrow := latency(t, receiver.RefPlatform, "fee", 10*time.Millisecond)
	// callin's histogram tracks far beyond narrow's range and holds a value narrow cannot.
	wide := hdrhistogram.New(1, 1000*int64(time.Hour/time.Microsecond), 3)
	_ = wide.RecordValue(500 * int64(time.Hour/time.Microsecond))
	enc, err := wide.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		t.Fatal(err)
	}
	callin := receiver.Latency{Reference: receiver.RefPlatform, Type: "callin", Count: 1, Histogram: string(enc)}
	rep := receiver.Report{Format: receiver.ReportFormat, Settle: time.Minute,
		Sessions: receiver.SessionCounts{Total: 1, Judged: 1},
		ByType:   map[string]receiver.TypeCounts{"fee": {Received: 1}, "callin": {Received: 1}},
		Latency:  []receiver.Latency{narrow, callin}}
	cb := Callbacks(rep, nil)
	for _, given := range []bool{false, true} {
		got, err := CallbackThresholds(cb, &rep, []string{"callback.all.p99<1h", "callback.fee.p50<1s"}, given)
		if err != nil {
			t.Fatal(err)
		}
		all, fee := got[0], got[1]
		if all.Passed || all.NotChecked != !given || !strings.Contains(all.Message, "merging the delay histograms dropped 1 value(s)") {
			t.Errorf("given %v: all = %+v", given, all)
		}
		if !fee.Passed || fee.NotChecked {
			t.Errorf("given %v: fee alone merges nothing and is measured: %+v", given, fee)
		}
	}
	// The receivers' merge dropped 3 of fee's values: fee's statistics are not exact either,
	// even those the section holds.
	rep.MergeDropped = map[string]int64{receiver.RefPlatform + "/fee": 3}
	cb = Callbacks(rep, nil)
	for _, e := range cb.Events {
		if want := map[string]int64{"fee": 3}[e.Event]; e.DroppedOnMerge != want {
			t.Errorf("section type %s droppedOnMerge %d, want %d", e.Event, e.DroppedOnMerge, want)
		}
	}
	got, err := CallbackThresholds(cb, &rep, []string{"callback.fee.p50<1s", "callback.fee.p95<1s"}, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range got {
		if g.Passed || !g.NotChecked || !strings.Contains(g.Message, "dropped 3 value(s)") {
			t.Errorf("%s = %+v", g.Expression, g)
		}
	}
}
