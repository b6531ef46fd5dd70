package assemble

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/reports"
)

// This file builds a load scenario of the report from a load's result: its rates, steps,
// histograms, result codes, errors and thresholds. It was split from assemble.go (issue 23),
// one file per section.

// percentiles converts a millisecond summary.
func percentiles(l loadtest.Latency) reports.Percentiles {
	return reports.Percentiles{P50: ms(l.P50), P90: ms(l.P90), P99: ms(l.P99), P999: ms(l.P999), Max: ms(l.Max)}
}

func ms(v float64) time.Duration {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return time.Duration(v * float64(time.Millisecond))
}

// rejectionDesc describes answers of code: the flow-control resultdesc they carried when
// throttled, else the contract's description of the code.
func rejectionDesc(code string, throttled bool) string {
	if throttled {
		return pns.DescFlowControl
	}
	if info, found := pns.Lookup(pns.Code(code)); found {
		return info.Desc
	}
	return ""
}

// ScenarioName names a load result by what ran, never by where it was written: the modes
// and the workload's name ("axb-bind-unbind", "axb+ax-mix"). A result whose modes already end
// in the workload's name (`harness run` names its loads so) keeps them.
func ScenarioName(r *loadtest.Result) string {
	switch {
	case r.Mode == "":
		return r.Scenario
	case r.Scenario == "" || strings.HasSuffix(r.Mode, r.Scenario):
		return r.Mode
	}
	return r.Mode + "-" + r.Scenario
}

// LoadScenario converts one (possibly merged) load result. name labels it in the report;
// empty, it is ScenarioName's.
func LoadScenario(r *loadtest.Result, name string) reports.LoadScenario {
	if name == "" {
		name = ScenarioName(r)
	}
	ls := reports.LoadScenario{
		Name:         name,
		Workload:     ScenarioName(r),
		Primary:      r.Primary,
		Description:  describe(r),
		TargetRate:   r.TargetRate,
		AchievedRate: r.AchievedRate,
		ShortfallPct: r.ShortfallPct,
		Duration:     time.Duration(r.ElapsedSeconds * float64(time.Second)),
	}
	codes := interfaceLoads(r, &ls)
	ls.ResultCodes = resultCodes(r, codes)
	ls.Series, ls.AfterPlanRequests = seriesPoints(r)
	ls.Steps = steps(r)
	g := r.Generator
	if g.Lag.Count > 0 {
		ls.Generator = &reports.GeneratorTiming{LagP50: ms(g.Lag.P50), LagP99: ms(g.Lag.P99), LagMax: ms(g.Lag.Max),
			BlockedP99: ms(g.Blocked.P99), Limit: ms(g.LimitMs), Bound: g.Bound}
	}
	for _, x := range r.Rejections {
		ls.Rejections = append(ls.Rejections, reports.Rejection{Code: x.Code, Description: rejectionDesc(x.Code, x.Throttling), Throttling: x.Throttling, Count: x.Count,
			Began: time.Duration(x.BeganOffsetSeconds * float64(time.Second)), BeganAtRate: float64(x.BeganAtRate)})
	}
	for _, f := range r.Flows {
		fl := reports.FlowLoad{Name: f.Name, Mode: f.Mode, Planned: f.TargetArrivals, Sessions: f.Arrivals, Completed: f.Completed, Ended: f.Ended}
		for _, s := range f.Steps {
			fl.Steps = append(fl.Steps, reports.FlowStep{Op: s.Op, Interface: s.Interface, Requests: s.Count, Success: s.Success})
		}
		ls.Flows = append(ls.Flows, fl)
	}
	ls.ShardRates = shardRates(r)
	ls.Warnings = append([]string(nil), r.Warnings...)
	if msg := r.NotExact(); msg != "" {
		ls.Warnings = append(ls.Warnings, msg)
	}
	ls.Warnings = append(ls.Warnings, chartsNotExact(&ls)...)
	c := r.Cleanup
	ls.Cleanup = &reports.LoadCleanup{Bound: c.Bound, Unbound: c.Unbound, Removed: c.Retried, Leaked: c.Leaked, Unknown: c.Unknown, Problem: c.Problem()}
	for _, d := range r.MergeDropped {
		ls.MergeDropped = append(ls.MergeDropped, reports.MergeDropped{Histogram: d.Histogram, Values: d.Values})
	}
	return ls
}

// interfaceLoads fills the per-interface rows of ls, its request count, success ratio and
// histogram (the primary interface's), and returns the count of every result code.
func interfaceLoads(r *loadtest.Result, ls *reports.LoadScenario) map[string]int64 {
	var total, ok int64
	codes := map[string]int64{}
	for _, is := range r.Interfaces {
		il := reports.InterfaceLoad{
			Interface:    is.ID,
			Requests:     is.Count,
			SuccessRatio: is.SuccessPct / 100,
			Service:      percentiles(is.Service),
			Corrected:    percentiles(is.Corrected),
		}
		if r.ElapsedSeconds > 0 {
			il.AchievedRate = float64(is.Count) / r.ElapsedSeconds
		}
		if is.ID == r.Primary {
			il.TargetRate = r.TargetRate
		}
		for _, c := range is.Codes {
			il.ResultCodes = append(il.ResultCodes, reports.CodeStats{Code: c.Code, Count: c.Count, Service: percentiles(c.Service), Corrected: percentiles(c.Corrected)})
			codes[c.Code] += c.Count
		}
		total += is.Count
		ok += is.Success
		if is.ID == r.Primary {
			ls.PrimaryRequests = is.Count
		}
		ls.Interfaces = append(ls.Interfaces, il)
		if is.ID == r.Primary {
			if h := hdrBuckets(is.Codes); h != nil {
				ls.Histogram = h
			} else {
				ls.Histogram = histogram(is.Buckets)
			}
		}
	}
	ls.Requests = total
	if total > 0 {
		ls.SuccessRatio = float64(ok) / float64(total)
	}
	return codes
}

// resultCodes lists the result codes of codes, most frequent first. The answers the platform
// marked as flow control by their resultdesc are their own row: 1010010 also means "Invalid
// digest.", and the throttling table counts them apart.
func resultCodes(r *loadtest.Result, codes map[string]int64) []reports.CodeCount {
	var out []reports.CodeCount
	throttled := map[string]int64{}
	for _, x := range r.Rejections {
		if x.Throttling {
			throttled[x.Code] += x.Count
		}
	}
	for c, n := range codes {
		if t := min(throttled[c], n); t > 0 {
			out = append(out, reports.CodeCount{Code: c, Description: rejectionDesc(c, true), Count: t})
			n -= t
		}
		if n > 0 {
			out = append(out, reports.CodeCount{Code: c, Description: rejectionDesc(c, false), Count: n})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// seriesPoints is the time series of the plan, from 0 to its end: one point per second of
// the run, aligned on its start. Requests sent after the plan's end (unbinds of the last
// holds, a calls run waiting for its callbacks) are cleanup: counted in Requests and,
// separately, in afterPlan, but not drawn as load.
func seriesPoints(r *loadtest.Result) (points []reports.SeriesPoint, afterPlan int64) {
	planEnd := planDuration(r)
	for _, sec := range r.Series {
		at := time.Duration(sec.Offset) * time.Second
		if at < 0 || at >= planEnd {
			if at >= planEnd {
				afterPlan += sec.Requests
			}
			continue
		}
		pt := reports.SeriesPoint{
			T:                 at + time.Second,
			TargetRate:        sec.TargetRate,
			AchievedRate:      float64(sec.AchievedRate),
			Requests:          sec.Requests,
			SuccessPct:        sec.SuccessPct,
			P50:               ms(sec.P50),
			P99:               ms(sec.CorrectedP99),
			ConformanceErrors: sec.ConformanceErrors,
		}
		if h := decodeHist(sec.CorrectedHist); h != nil && h.TotalCount() > 0 {
			pt.P50, pt.P99 = time.Duration(h.ValueAtQuantile(50)), time.Duration(h.ValueAtQuantile(99))
		}
		pt.InFlight, pt.ActiveSessions = sec.InFlight, sec.ActiveSessions
		for _, si := range sec.Interfaces {
			ip := reports.InterfacePoint{Interface: si.ID, Requests: si.Requests, P50: ms(si.P50), P95: ms(si.P95), P99: ms(si.P99)}
			if h := decodeHist(si.CorrectedHist); h != nil && h.TotalCount() > 0 {
				ip.P50, ip.P95, ip.P99 = time.Duration(h.ValueAtQuantile(50)), time.Duration(h.ValueAtQuantile(95)), time.Duration(h.ValueAtQuantile(99))
			}
			pt.Interfaces = append(pt.Interfaces, ip)
		}
		points = append(points, pt)
	}
	return points, afterPlan
}

// shardRates converts a merged result's per-shard series to the report's time base (the end
// of each second after the merged start, as Series).
func shardRates(r *loadtest.Result) []reports.ShardRate {
	var out []reports.ShardRate
	start := r.Started.Unix()
	for _, ss := range r.ShardSeries {
		sr := reports.ShardRate{Shard: ss.Shard, Points: make([]reports.ShardRatePoint, 0, len(ss.Points))}
		for _, p := range ss.Points {
			sr.Points = append(sr.Points, reports.ShardRatePoint{T: time.Duration(p.T-start+1) * time.Second,
				TargetRate: p.TargetRate, AchievedRate: float64(p.AchievedRate)})
		}
		out = append(out, sr)
	}
	return out
}

func describe(r *loadtest.Result) string {
	d := fmt.Sprintf("%s on %s (%s), plan %s", r.Scenario, r.Mode, r.Primary, r.Plan)
	// A ramp says how it reaches its rates: held from each stage's start, or along a line.
	switch {
	case r.Plan.Shape() == loadtest.RampLinear:
		d += " (linear ramp: each stage a straight line between the rates shown)"
	case len(r.Plan) > 1:
		d += " (step ramp: each stage's rate held from its start)"
	}
	if r.HoldSeconds > 0 {
		d += fmt.Sprintf(", hold %gs", r.HoldSeconds)
	}
	if len(r.Shards) > 1 {
		d += fmt.Sprintf(", %d shards merged", len(r.Shards))
	}
	if r.Aborted != "" {
		d += ", aborted: " + r.Aborted
	}
	return d
}

// histogram converts cumulative-free buckets (each bar counts values above the previous bound)
// into [From, To) buckets; the +Inf bucket gets the last bound as its start and no end.
func histogram(bs []loadtest.Bucket) *reports.Histogram {
	if len(bs) == 0 {
		return nil
	}
	h := &reports.Histogram{Metric: "service"}
	var from time.Duration
	for _, b := range bs {
		to := ms(b.LE)
		if b.LE < 0 {
			to = 0
		}
		h.Buckets = append(h.Buckets, reports.HistogramBucket{From: from, To: to, Count: b.Count})
		from = to
	}
	return h
}

// hdrBuckets merges the service-time HdrHistograms of an interface's result codes and cuts
// them into about a dozen log-spaced buckets between the smallest and the largest value, so
// the chart shows the shape whatever the latency scale (fixed bounds put sub-millisecond runs
// into one bar). nil when no histogram decodes. Values the codes' merge dropped (histograms
// of different ranges) are counted in DroppedOnMerge: the chart leaves them out.
func hdrBuckets(codes []loadtest.CodeStats) *reports.Histogram {
	var merged *hdrhistogram.Histogram
	var dropped int64
	for _, c := range codes {
		if c.ServiceHist == "" {
			continue
		}
		h, err := hdrhistogram.Decode([]byte(c.ServiceHist))
		if err != nil {
			return nil
		}
		if merged == nil {
			merged = h
		} else {
			dropped += merged.Merge(h)
		}
	}
	out := logBuckets(merged, "service", 1)
	if out != nil {
		out.DroppedOnMerge = dropped
	}
	return out
}

// logBuckets cuts a histogram into about a dozen log-spaced buckets between its smallest and
// largest value; unit is the duration of one histogram unit in nanoseconds. nil when empty.
func logBuckets(merged *hdrhistogram.Histogram, metric string, unit int64) *reports.Histogram {
	if merged == nil || merged.TotalCount() == 0 {
		return nil
	}
	lo, hi := float64(merged.Min()), float64(merged.Max())
	if lo < 1 {
		lo = 1
	}
	if hi <= lo {
		hi = lo * 2
	}
	const n = 12
	ratio := math.Pow(hi/lo, 1.0/n)
	out := &reports.Histogram{Metric: metric}
	from := int64(0)
	bounds := make([]int64, 0, n)
	for i := 1; i <= n; i++ {
		b := int64(math.Ceil(lo * math.Pow(ratio, float64(i))))
		if i == n {
			b = merged.Max() + 1
		}
		if len(bounds) > 0 && b <= bounds[len(bounds)-1] {
			continue
		}
		bounds = append(bounds, b)
	}
	counts := make([]int64, len(bounds))
	for _, bar := range merged.Distribution() {
		if bar.Count == 0 {
			continue
		}
		v := bar.From
		k := sort.Search(len(bounds), func(i int) bool { return v < bounds[i] })
		if k == len(bounds) {
			k = len(bounds) - 1
		}
		counts[k] += bar.Count
	}
	for i, b := range bounds {
		out.Buckets = append(out.Buckets, reports.HistogramBucket{From: time.Duration(from * unit), To: time.Duration(b * unit), Count: counts[i]})
		from = b
	}
	return out
}

// planDuration is the length of the run's plan: its stages, cut at the run's duration.
func planDuration(r *loadtest.Result) time.Duration {
	var d time.Duration
	for _, st := range r.Plan {
		d += st.Duration
	}
	if el := time.Duration(r.ElapsedSeconds * float64(time.Second)); d == 0 || el > 0 && el < d {
		d = el
	}
	return d
}

// decodeHist decodes an encoded HdrHistogram, nil when there is none or it is corrupt.
func decodeHist(enc string) *hdrhistogram.Histogram {
	if enc == "" {
		return nil
	}
	h, err := hdrhistogram.Decode([]byte(enc))
	if err != nil {
		return nil
	}
	return h
}

// steps groups the per-second series by the plan's stages (a constant-rate run has one). A
// step counts every request sent during its window, and its latencies are percentiles of the
// merged per-second histograms of the window, never a maximum of per-second percentiles
// (which read 51 ms where every interface's p99 was below 31 ms).
func steps(r *loadtest.Result) []reports.LoadStep {
	if len(r.Plan) == 0 {
		return nil
	}
	var out []reports.LoadStep
	var start time.Duration
	for i, st := range r.Plan {
		end := start + st.Duration
		// A linear stage's target is its mean rate, the one its achieved rate compares with.
		step := reports.LoadStep{Index: i, TargetRate: st.MeanRate(), Duration: st.Duration}
		var ok, sent int64
		var svc, cor *hdrhistogram.Histogram
		for _, s := range r.Series {
			at := time.Duration(s.Offset) * time.Second
			if at < start || at >= end {
				continue
			}
			step.Requests += s.Requests
			ok += s.Success
			sent += s.AchievedRate
			step.ConformanceErrors += s.ConformanceErrors
			var n, m int64
			svc, n = mergeHist(svc, decodeHist(s.ServiceHist))
			cor, m = mergeHist(cor, decodeHist(s.CorrectedHist))
			step.DroppedOnMerge += n + m
		}
		if step.Requests > 0 {
			step.SuccessRatio = float64(ok) / float64(step.Requests)
		}
		if st.Duration > 0 {
			step.AchievedRate = float64(sent) / st.Duration.Seconds()
		}
		if cor != nil && cor.TotalCount() > 0 {
			step.P99 = time.Duration(cor.ValueAtQuantile(99))
		}
		if svc != nil && svc.TotalCount() > 0 {
			step.ServiceP99 = time.Duration(svc.ValueAtQuantile(99))
		}
		out = append(out, step)
		start = end
	}
	return out
}

// mergeHist adds h into into (either may be nil) and returns the sum and how many of h's
// values into could not hold (outside its range): the sum is exact only when that is 0.
func mergeHist(into, h *hdrhistogram.Histogram) (*hdrhistogram.Histogram, int64) {
	switch {
	case h == nil:
		return into, 0
	case into == nil:
		return h, 0
	}
	return into, into.Merge(h)
}

// LoadErrors are the run errors of a load result, the same wherever the report is built
// (`harness load`, `harness run`, `harness report`): bindings the load may have left on the
// platform, named, so that a leak fails the verdict and shows on every output.
func LoadErrors(r *loadtest.Result, name string) []string {
	if name == "" {
		name = ScenarioName(r) // as LoadScenario names it
	}
	var errs []string
	if p := r.Cleanup.Problem(); p != "" {
		errs = append(errs, reports.LoadCleanupError(name, p))
	}
	if p := r.UnansweredProblem(); p != "" {
		errs = append(errs, "load "+name+": "+p)
	}
	return errs
}

// Thresholds converts a load result's threshold outcomes, prefixing each expression with the
// scenario name when several load scenarios ran.
func Thresholds(r *loadtest.Result, prefix string, given bool) []reports.Threshold {
	var out []reports.Threshold
	for _, t := range r.Thresholds {
		th := reports.Threshold{Expression: t.Expr, Observed: t.Actual, Passed: t.OK, Message: t.Detail}
		if t.Unmeasured {
			th.Unmeasured(t.Detail, given)
		}
		if prefix != "" {
			th.Expression = prefix + ": " + t.Expr
		}
		switch t.Unit {
		case "ms":
			th.Observed, th.Unit = t.Actual*float64(time.Millisecond), reports.UnitNanoseconds
		case "%":
			th.Unit = reports.UnitPercent
		default:
			th.Unit = t.Unit
		}
		out = append(out, th)
	}
	return out
}

// chartsNotExact names the histogram chart and the steps whose histograms dropped values when
// this section merged them (DroppedOnMerge): their bars and p99s leave those values out, so
// the section says so instead of showing them as exact.
func chartsNotExact(ls *reports.LoadScenario) []string {
	var out []string
	if h := ls.Histogram; h != nil && h.DroppedOnMerge > 0 {
		out = append(out, fmt.Sprintf("latency histogram of %s not exact: merging its result codes' histograms dropped %d value(s) outside their range", ls.Primary, h.DroppedOnMerge))
	}
	for _, st := range ls.Steps {
		if st.DroppedOnMerge > 0 {
			out = append(out, fmt.Sprintf("step %d p99s not exact: merging its seconds' histograms dropped %d value(s) outside their range", st.Index, st.DroppedOnMerge))
		}
	}
	return out
}

// AppendLoad adds one load result to the summary, the same way for a run and a rebuild: its
// section named name, its thresholds (named with prefix; given: the user's, so that one that
// could not be measured fails) and its run errors. It returns the section.
func AppendLoad(s *reports.Summary, res *loadtest.Result, name, prefix string, given bool) reports.LoadScenario {
	if s.Load == nil {
		s.Load = &reports.Load{}
	}
	ls := LoadScenario(res, name)
	s.Load.Scenarios = append(s.Load.Scenarios, ls)
	s.Thresholds = append(s.Thresholds, Thresholds(res, prefix, given)...)
	s.Errors = append(s.Errors, LoadErrors(res, name)...)
	return ls
}
