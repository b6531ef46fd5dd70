package assemble

import (
	"strings"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/reports"
)

// encodedHist records n values of v (nanoseconds) per pair and returns the encoded histogram.
func encodedHist(t *testing.T, pairs ...int64) string {
	t.Helper()
	h := hdrhistogram.New(1, int64(time.Hour), 3)
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := h.RecordValues(pairs[i+1], pairs[i]); err != nil {
			t.Fatal(err)
		}
	}
	enc, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		t.Fatal(err)
	}
	return string(enc)
}

func TestLoadScenario(t *testing.T) {
	ms2, ms51 := int64(2*time.Millisecond), int64(51*time.Millisecond)
	r := &loadtest.Result{
		Scenario: "bind-unbind", Mode: "AXB", Primary: "axb.bind",
		Plan:           loadtest.Plan{{Duration: 2 * time.Second, Rate: 100}, {Duration: time.Second, Rate: 50}},
		ElapsedSeconds: 3, TargetRate: 83.3, AchievedRate: 80, ShortfallPct: 4,
		Interfaces: []loadtest.InterfaceStats{
			{ID: "axb.bind", Count: 240, Success: 238, SuccessPct: 238.0 / 240 * 100,
				Service:   loadtest.Latency{P50: 1, P90: 2, P99: 3, P999: 4, Max: 5},
				Corrected: loadtest.Latency{P50: 2, P90: 3, P99: 9, P999: 10, Max: 11},
				Buckets:   []loadtest.Bucket{{LE: 1, Count: 100}, {LE: 5, Count: 140}, {LE: -1, Count: 0}},
				Codes:     []loadtest.CodeStats{{Code: "0", Count: 238}, {Code: "1012008", Count: 2}}},
			{ID: "axb.unbind", Count: 250, Success: 250, SuccessPct: 100, Codes: []loadtest.CodeStats{{Code: "0", Count: 250}}},
		},
		// The first second's p99 is 51 ms, the step's (both seconds merged) 2 ms: a step's
		// p99 must come from the merged histograms, not the largest per-second p99.
		Series: []loadtest.Second{
			{Offset: 0, TargetRate: 100, AchievedRate: 100, Requests: 100, Success: 100, CorrectedP99: 51, ConformanceErrors: 0,
				CorrectedHist: encodedHist(t, 98, ms2, 2, ms51), ServiceHist: encodedHist(t, 100, ms2)},
			{Offset: 1, TargetRate: 100, AchievedRate: 90, Requests: 180, Success: 178, CorrectedP99: 2, ConformanceErrors: 2,
				CorrectedHist: encodedHist(t, 180, ms2), ServiceHist: encodedHist(t, 180, ms2)},
			{Offset: 2, TargetRate: 50, AchievedRate: 50, Requests: 198, Success: 198, CorrectedP99: 4},
			// Unbinds of the last holds, after the plan's end: cleanup, not load.
			{Offset: 3, Requests: 12, Success: 12},
		},
		Thresholds: []loadtest.ThresholdOutcome{{Expr: "bind.p99<5ms", OK: true, Actual: 3, Unit: "ms"}, {Expr: "bind.success>=99.9%", OK: false, Actual: 99.2, Unit: "%"}},
	}
	ls := LoadScenario(r, "axb")
	if ls.Requests != 490 || ls.PrimaryRequests != 240 || ls.AfterPlanRequests != 12 || ls.Primary != "axb.bind" || ls.Interfaces[0].Corrected.P99 != 9*time.Millisecond || ls.Interfaces[0].TargetRate != 83.3 {
		t.Fatalf("scenario %+v", ls)
	}
	if got := ls.ResultCodes; len(got) != 2 || got[0].Code != "0" || got[0].Count != 488 || got[1].Description != "Insufficient number of resources" {
		t.Errorf("result codes %+v", got)
	}
	if len(ls.Steps) != 2 || ls.Steps[0].Requests != 280 || ls.Steps[0].ConformanceErrors != 2 || ls.Steps[1].AchievedRate != 50 || ls.Steps[0].AchievedRate != 95 {
		t.Errorf("steps %+v", ls.Steps)
	}
	if p := ls.Steps[0].P99; p < ms(1.99) || p > ms(2.01) {
		t.Errorf("step p99 %v, want 2ms from the merged histograms", p)
	}
	var stepRequests int64
	for _, st := range ls.Steps {
		stepRequests += st.Requests
	}
	if stepRequests+ls.AfterPlanRequests != ls.Requests {
		t.Errorf("steps hold %d requests + %d after the plan, the scenario %d", stepRequests, ls.AfterPlanRequests, ls.Requests)
	}
	// The series covers the plan only, one point per second ending at 1s, 2s, 3s.
	if len(ls.Series) != 3 || ls.Series[0].T != time.Second || ls.Series[2].T != 3*time.Second || ls.Series[0].P99 != time.Duration(ms51) && ls.Series[0].P99 < 50*time.Millisecond {
		t.Errorf("series %+v", ls.Series)
	}
	if !strings.Contains(ls.Headline(), "490 requests of all interfaces (240 axb.bind, 12 after the plan's end)") {
		t.Errorf("headline %q", ls.Headline())
	}
	if h := ls.Histogram; h == nil || len(h.Buckets) != 3 || h.Buckets[1].From != time.Millisecond || h.Buckets[1].To != 5*time.Millisecond {
		t.Errorf("histogram %+v", h)
	}
	ths := Thresholds(r, "axb", true)
	if len(ths) != 2 || ths[0].Unit != reports.UnitNanoseconds || ths[0].Observed != float64(3*time.Millisecond) || ths[1].Passed || ths[1].Expression != "axb: bind.success>=99.9%" {
		t.Errorf("thresholds %+v", ths)
	}
}

// TestLoadThresholdsUnmeasured: a load threshold without samples is not checked when it was
// a default and failed when the user gave it; a measured one keeps its outcome either way.
func TestLoadThresholdsUnmeasured(t *testing.T) {
	r := &loadtest.Result{Thresholds: []loadtest.ThresholdOutcome{
		{Expr: "calls.success>=99.9%", Unit: "%", Detail: "no samples", Unmeasured: true},
		{Expr: "conformance.errors==0", Actual: 1},
	}}
	for _, given := range []bool{false, true} {
		ths := Thresholds(r, "", given)
		want := reports.ThresholdNotChecked
		if given {
			want = reports.ThresholdFailed
		}
		if ths[0].State() != want || ths[0].Message != "no samples" || ths[1].State() != reports.ThresholdFailed {
			t.Errorf("given %v: %+v, want the first %s", given, ths, want)
		}
	}
}

func TestCoverageRows(t *testing.T) {
	cov := &conformance.Coverage{Interfaces: []conformance.InterfaceCoverage{{
		Interface: "axb.bind",
		Rules:     []conformance.RuleCoverage{{Rule: "mandatory:callerNum", Scenarios: []string{"s1"}}, {Rule: "length:x"}},
		Codes:     []conformance.CodeCoverage{{Code: "1012010", Scenarios: []string{"s2"}}, {Code: "1023013", Reason: "legacy"}, {Code: "1012012"}},
	}}, Codes: []conformance.CodeCoverage{{Code: "1012010", Scenarios: []string{"s2"}}, {Code: "1011001", Reason: "never sent"}}}
	rows := CoverageRows(cov)
	want := []string{reports.CoverageCovered, reports.CoverageMissing, reports.CoverageCovered, reports.CoverageNotReachable, reports.CoverageMissing, reports.CoverageNotReachable}
	if len(rows) != len(want) {
		t.Fatalf("rows %+v", rows)
	}
	for i, w := range want {
		if rows[i].Status != w {
			t.Errorf("row %d (%s) status %s, want %s", i, rows[i].Item, rows[i].Status, w)
		}
	}

	// After a run against another target, a rule no covering scenario passed on is not
	// covered there, and says why; one that passed is covered.
	no, yes := false, true
	r0 := &cov.Interfaces[0].Rules[0]
	for _, c := range []struct {
		state, why string
		checked    *bool
		status     string
		reason     string
	}{
		{conformance.StateNotChecked, "needs emulator control", &no, reports.CoverageNotChecked, "not checked on this target: needs emulator control"},
		{conformance.StateDiffers, "differs from the emulator's decision D41", &no, reports.CoverageNotChecked, "differs on this target: differs from the emulator's decision D41"},
		{conformance.StateFailed, "", &yes, reports.CoverageFailed, "a covering scenario failed on this target"},
		{conformance.RuleCovered, "", &yes, reports.CoverageCovered, ""},
	} {
		r0.State, r0.NotChecked, r0.Checked = c.state, c.why, c.checked
		if r := CoverageRows(cov)[0]; r.Status != c.status || r.Reason != c.reason {
			t.Errorf("%s rule: %+v", c.state, r)
		}
	}
}

func TestHistogramFromHDR(t *testing.T) {
	h := hdrhistogram.New(1, int64(time.Hour), 3)
	for v := int64(100_000); v <= 5_000_000; v += 10_000 { // 100µs .. 5ms
		_ = h.RecordValue(v)
	}
	enc, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		t.Fatal(err)
	}
	r := &loadtest.Result{Primary: "axb.bind", Interfaces: []loadtest.InterfaceStats{{ID: "axb.bind", Count: h.TotalCount(),
		Codes: []loadtest.CodeStats{{Code: "0", Count: h.TotalCount(), ServiceHist: string(enc)}}}}}
	hist := LoadScenario(r, "x").Histogram
	if hist == nil || len(hist.Buckets) < 8 {
		t.Fatalf("histogram %+v", hist)
	}
	var sum int64
	for i, b := range hist.Buckets {
		sum += b.Count
		if b.To <= b.From {
			t.Errorf("bucket %d empty range %v..%v", i, b.From, b.To)
		}
	}
	if sum != h.TotalCount() {
		t.Errorf("buckets hold %d values, want %d", sum, h.TotalCount())
	}
	if hist.Buckets[0].Count == h.TotalCount() {
		t.Error("every value landed in the first bucket")
	}
}

func TestLoadScenarioGeneratorThrottlingFlows(t *testing.T) {
	r := &loadtest.Result{Primary: "axb.bind",
		Generator:  loadtest.Generator{Lag: loadtest.Latency{Count: 3, P50: 1, P99: 80, Max: 90}, Blocked: loadtest.Latency{Count: 3, P99: 70}, LimitMs: 50, Bound: true},
		Rejections: []loadtest.Rejection{{Code: "1010010", Throttling: true, Count: 4, BeganOffsetSeconds: 1.5, BeganAtRate: 300}},
		Flows: []loadtest.FlowStats{{Name: "f", Mode: "axb", TargetArrivals: 10, Arrivals: 9, Completed: 8, Ended: 1,
			Steps: []loadtest.StepStats{{Op: "bind", Interface: "axb.bind", Count: 9, Success: 8}}}}}
	ls := LoadScenario(r, "f")
	g := ls.Generator
	if g == nil || !g.Bound || g.LagP99 != 80*time.Millisecond || g.BlockedP99 != 70*time.Millisecond || g.Limit != 50*time.Millisecond {
		t.Fatalf("generator %+v", g)
	}
	if len(ls.Rejections) != 1 || ls.Rejections[0] != (reports.Rejection{Code: "1010010", Description: pns.DescFlowControl, Throttling: true, Count: 4, Began: 1500 * time.Millisecond, BeganAtRate: 300}) {
		t.Fatalf("rejections %+v", ls.Rejections)
	}
	if len(ls.Flows) != 1 || ls.Flows[0].Sessions != 9 || ls.Flows[0].Planned != 10 || ls.Flows[0].Steps[0] != (reports.FlowStep{Op: "bind", Interface: "axb.bind", Requests: 9, Success: 8}) {
		t.Fatalf("flows %+v", ls.Flows)
	}
}

// TestLoadScenarioCodeRowsByDesc: 1010010 answers told apart by their resultdesc are two rows
// of the result-code table, each with the description and count the throttling table gives.
func TestLoadScenarioCodeRowsByDesc(t *testing.T) {
	r := &loadtest.Result{Primary: "axb.bind", ElapsedSeconds: 1,
		Interfaces: []loadtest.InterfaceStats{{ID: "axb.bind", Count: 10, Codes: []loadtest.CodeStats{{Code: "0", Count: 3}, {Code: "1010010", Count: 7}}}},
		Rejections: []loadtest.Rejection{{Code: "1010010", Throttling: true, Count: 5}, {Code: "1010010", Count: 2}}}
	ls := LoadScenario(r, "")
	got := map[string]int64{}
	for _, c := range ls.ResultCodes {
		got[c.Code+" "+c.Description] = c.Count
	}
	for desc, n := range map[string]int64{"1010010 " + pns.DescFlowControl: 5, "1010010 Invalid digest.": 2} {
		if got[desc] != n {
			t.Errorf("%s: %d, want %d (rows %v)", desc, got[desc], n, got)
		}
	}
	for _, x := range ls.Rejections {
		if (x.Throttling && x.Description != pns.DescFlowControl) || (!x.Throttling && x.Description != "Invalid digest.") {
			t.Errorf("rejection %+v", x)
		}
	}
}
