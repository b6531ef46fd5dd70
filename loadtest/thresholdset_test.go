package loadtest

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// TestThresholdSetSplitsByJudge: one entry point takes every expression a subcommand is
// given, keeps the order within each side, and routes callback metrics to the receiver's
// results and every other metric to the load result, parsed.
func TestThresholdSetSplitsByJudge(t *testing.T) {
	exprs := []string{"bind.p99<50ms", "callback.missing==0", " rate.shortfall<1%", "callback.fee.p95<2s", "callback.fee.count>0"}
	s, err := ParseThresholdSet(exprs)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, th := range s.Load {
		got = append(got, th.Expr)
	}
	if want := []string{"bind.p99<50ms", "rate.shortfall<1%"}; !slices.Equal(got, want) {
		t.Errorf("load %v, want %v", got, want)
	}
	if s.Load[0].Kind != "latency" || s.Load[0].Value != 50 || s.Load[1].Kind != "percent" {
		t.Errorf("load thresholds not parsed: %+v", s.Load)
	}
	// callback.fee.count is one the generator could measure too; a subcommand's --threshold
	// judges every callback metric on the receiver's results.
	if got, want := s.Callback, []string{"callback.missing==0", "callback.fee.p95<2s", "callback.fee.count>0"}; !slices.Equal(got, want) {
		t.Errorf("callback %v, want %v", got, want)
	}
}

// TestThresholdSetRefusesWithEachGrammarsMessage: the set's refusals are the messages of the
// load and callback parsers, unchanged, and a refused expression leaves no partial set.
func TestThresholdSetRefusesWithEachGrammarsMessage(t *testing.T) {
	for _, tt := range []struct{ expr, want string }{
		{"bnid.p99<50ms", `threshold "bnid.p99<50ms": "bnid" is no operation or interface a load measures`},
		{"callback.fe.p95<2s", `threshold "callback.fe.p95<2s": unknown notification type "fe"`},
		{"callback.missing", `threshold "callback.missing": want callback.METRIC OP VALUE`},
		{"bind.p99", `threshold "bind.p99": want METRIC OP VALUE, e.g. bind.p99<50ms`},
		{"rate.p99<1%", `threshold "rate.p99<1%": unknown rate metric "rate.p99" (want rate.shortfall or rate.achieved)`},
	} {
		s, err := ParseThresholdSet([]string{"bind.p99<50ms", tt.expr})
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q…", tt.expr, err, tt.want)
		}
		if len(s.Load)+len(s.Callback) != 0 {
			t.Errorf("%s: a refused set kept %+v", tt.expr, s)
		}
	}
	// receive's callback-only form refuses a load metric in the callback grammar.
	var s ThresholdSet
	if err := s.AddCallback("bind.p99<50ms"); err == nil || !strings.Contains(err.Error(), "want callback.METRIC OP VALUE") {
		t.Errorf("AddCallback(bind.p99<50ms) = %v", err)
	}
}

// TestThresholdMetricsRegistry: every family of the registry has an example that the one
// entry point accepts and sends to the results the family names, a malformed statistic of it
// is refused, and docs/thresholds.md, where users read the metrics, names the family.
func TestThresholdMetricsRegistry(t *testing.T) {
	doc, err := os.ReadFile("../docs/thresholds.md")
	if err != nil {
		t.Fatal(err)
	}
	fams := ThresholdMetrics()
	if len(fams) != len(metricFamilies) {
		t.Fatalf("%d families exported, %d in the registry", len(fams), len(metricFamilies))
	}
	for _, f := range fams {
		s, err := ParseThresholdSet([]string{f.Example})
		if err != nil {
			t.Errorf("%s: example %q refused: %v", f.Metric, f.Example, err)
			continue
		}
		if got := JudgeOf(f.Example); got != f.Judged || (f.Judged == JudgedOnLoad) != (len(s.Load) == 1) {
			t.Errorf("%s: example %q judged on %s (set %+v), want %s", f.Metric, f.Example, got, s, f.Judged)
		}
		metric, _, _ := strings.Cut(f.Example, "<")
		metric, _, _ = strings.Cut(metric, "=")
		metric, _, _ = strings.Cut(metric, ">")
		bad := metric[:strings.LastIndex(metric, ".")] + ".nosuchstat<1"
		if _, err := ParseThresholdSet([]string{bad}); err == nil {
			t.Errorf("%s: %q accepted", f.Metric, bad)
		}
		family, _, _ := strings.Cut(f.Example, ".")
		if f.Judged == JudgedOnLoad && family == "bind" {
			family = "SCOPE" // the interface family is documented by its placeholder
		}
		if !strings.Contains(string(doc), family+".") {
			t.Errorf("docs/thresholds.md does not name the %s family (%s)", family, f.Metric)
		}
	}
}
