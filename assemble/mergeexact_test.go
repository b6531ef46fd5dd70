package assemble

import (
	"strings"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/pns-harness/pns-harness/loadtest"
)

// wideHist encodes a histogram whose range reaches far beyond encodedHist's (1 h), holding n
// values of v nanoseconds: merged into an encodedHist, values over its range are dropped.
func wideHist(t *testing.T, n, v int64) string {
	t.Helper()
	h := hdrhistogram.New(1, 1000*int64(time.Hour), 3)
	if err := h.RecordValues(v, n); err != nil {
		t.Fatal(err)
	}
	enc, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		t.Fatal(err)
	}
	return string(enc)
}

// TestLoadScenarioMergeNotExact forces a drop in each merge the load section makes — the
// primary interface's codes into the histogram chart, a step's seconds into its p99s — and
// asserts the section counts them (DroppedOnMerge) and warns, while exact merges say nothing.
func TestLoadScenarioMergeNotExact(t *testing.T) {
	ms2, far := int64(2*time.Millisecond), int64(500*time.Hour)
	r := &loadtest.Result{
		Scenario: "bind-unbind", Mode: "AXB", Primary: "axb.bind",
		Plan:           loadtest.Plan{{Duration: time.Second, Rate: 10}, {Duration: time.Second, Rate: 10}},
		ElapsedSeconds: 2,
		Interfaces: []loadtest.InterfaceStats{{ID: "axb.bind", Count: 13, Success: 10,
			Codes: []loadtest.CodeStats{{Code: "0", Count: 10, ServiceHist: encodedHist(t, 10, ms2)},
				{Code: "1", Count: 3, ServiceHist: wideHist(t, 3, far)}}}},
		Series: []loadtest.Second{
			{Offset: 0, Requests: 10, Success: 10, CorrectedHist: encodedHist(t, 10, ms2), ServiceHist: encodedHist(t, 10, ms2)},
			{Offset: 0, Requests: 2, CorrectedHist: wideHist(t, 2, far), ServiceHist: encodedHist(t, 2, ms2)},
			{Offset: 1, Requests: 10, Success: 10, CorrectedHist: encodedHist(t, 10, ms2), ServiceHist: encodedHist(t, 10, ms2)},
		},
	}
	ls := LoadScenario(r, "axb")
	if ls.Histogram == nil || ls.Histogram.DroppedOnMerge != 3 {
		t.Fatalf("histogram %+v", ls.Histogram)
	}
	if len(ls.Steps) != 2 || ls.Steps[0].DroppedOnMerge != 2 || ls.Steps[1].DroppedOnMerge != 0 {
		t.Fatalf("steps %+v", ls.Steps)
	}
	want := []string{
		"latency histogram of axb.bind not exact: merging its result codes' histograms dropped 3 value(s) outside their range",
		"step 0 p99s not exact: merging its seconds' histograms dropped 2 value(s) outside their range",
	}
	if got := strings.Join(ls.Warnings, "\n"); got != strings.Join(want, "\n") {
		t.Fatalf("warnings %q, want %q", ls.Warnings, want)
	}

	// The same result without the wide histograms merges exactly: no count, no warning.
	r.Interfaces[0].Codes = r.Interfaces[0].Codes[:1]
	r.Series = append(r.Series[:1], r.Series[2])
	ls = LoadScenario(r, "axb")
	if ls.Histogram == nil || ls.Histogram.DroppedOnMerge != 0 || ls.Steps[0].DroppedOnMerge != 0 || len(ls.Warnings) != 0 {
		t.Fatalf("exact merge: histogram %+v steps %+v warnings %q", ls.Histogram, ls.Steps, ls.Warnings)
	}
}
