// Package assemble turns the results of the harness's parts (conformance run, load runs,
// callback receiver) into the renderer-independent reports.Summary. It is the only package
// that knows all of them, so that each part stays independent of the report format and the
// report format of each part.
package assemble

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/reports"
)

// File names inside a run directory, shared by `harness run` (which writes them) and
// `harness report` (which reads them back).
const (
	CucumberFile = conformance.CucumberFile
	CoverageFile = "coverage.json"
	ReceiverFile = "receiver.json"
	// ConformanceDir and LoadDir are the sub-directories of a run's output directory.
	ConformanceDir = "conformance"
	LoadDir        = "load"
)

// Conformance builds the conformance section from a directory written by the conformance
// runner: the cucumber JSON for scenarios, steps and attachments, coverage.json for the
// matrix, and conformance.json for each scenario's state and reason and the stale
// known-differences entries. wall, when positive, replaces the summed scenario durations.
func Conformance(dir string, wall time.Duration) (*reports.Conformance, error) {
	scen, err := reports.ParseCucumberFile(filepath.Join(dir, CucumberFile))
	if err != nil {
		return nil, err
	}
	var cov *conformance.Coverage
	b, err := os.ReadFile(filepath.Join(dir, CoverageFile))
	switch {
	case err == nil:
		cov = &conformance.Coverage{}
		if err := json.Unmarshal(b, cov); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(dir, CoverageFile), err)
		}
	case !os.IsNotExist(err):
		return nil, err
	}
	res, err := readResults(filepath.Join(dir, conformance.ResultsFile))
	if err != nil {
		return nil, err
	}
	return conformanceSection(scen, cov, res, wall), nil
}

// ConformanceOf builds the conformance section from a run's results in memory, what
// Conformance reads back from the run's directory: the scenarios from res.Outcomes, the
// matrix from res.Coverage, and the run's wall time.
func ConformanceOf(res *conformance.Result) (*reports.Conformance, error) {
	if res.Outcomes == nil {
		return nil, errors.New("the conformance run kept no outcomes (it had no output directory)")
	}
	return conformanceSection(reports.CucumberScenarios(res.Outcomes.Cucumber), res.Coverage, res, res.Duration), nil
}

// conformanceSection is the section of scenarios with the coverage matrix (nil: none) and,
// when res is not nil, each scenario's state and reason and the stale entries.
func conformanceSection(scen []reports.Scenario, cov *conformance.Coverage, res *conformance.Result, wall time.Duration) *reports.Conformance {
	var rows []reports.CoverageRow
	if cov != nil {
		rows = CoverageRows(cov)
	}
	if res != nil {
		annotateStates(scen, res)
	}
	c := reports.NewConformance(scen, rows)
	if res != nil {
		for _, st := range res.Stale {
			c.Stale = append(c.Stale, st.Entry+": "+st.Why)
		}
	}
	if wall > 0 {
		c.Duration = wall
	}
	return c
}

// readResults reads the runner's raw results; nil without the file (directories of older
// versions).
func readResults(path string) (*conformance.Result, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var res conformance.Result
	if err := json.Unmarshal(b, &res); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &res, nil
}

// annotateStates copies each scenario's state and reason from the runner's results into the
// scenarios parsed from cucumber.json, where a difference is just a skipped step, so that the
// report judges with the runner's states.
func annotateStates(scen []reports.Scenario, res *conformance.Result) {
	byKey := map[string]conformance.ScenarioResult{}
	for _, sc := range res.Scenarios {
		byKey[sc.Key] = sc
	}
	for i := range scen {
		if r, ok := byKey[scen[i].FeatureURI+":"+scen[i].Name]; ok {
			scen[i].State, scen[i].Reason = r.State, r.Reason
		}
	}
}

// CoverageRows flattens the coverage matrix: one row per interface and rule, and per
// interface and result code.
func CoverageRows(c *conformance.Coverage) []reports.CoverageRow {
	var rows []reports.CoverageRow
	for _, ic := range c.Interfaces {
		for _, r := range ic.Rules {
			row := reports.CoverageRow{Interface: ic.Interface, Item: r.Rule, Kind: reports.KindRule, Scenarios: r.Scenarios, Status: reports.CoverageCovered}
			switch {
			case len(r.Scenarios) == 0:
				row.Status, row.Reason = reports.CoverageMissing, "no scenario covers this rule"
			case r.State == conformance.StateFailed:
				row.Status, row.Reason = reports.CoverageFailed, "a covering scenario failed on this target"
			case r.State != "" && r.State != conformance.RuleCovered:
				row.Status, row.Reason = reports.CoverageNotChecked, r.State+" on this target: "+r.NotChecked
			}
			rows = append(rows, row)
		}
		for _, cc := range ic.Codes {
			row := reports.CoverageRow{Interface: ic.Interface, Item: cc.Code, Kind: reports.KindCode, Description: cc.Desc, Scenarios: cc.Scenarios, Status: reports.CoverageCovered}
			switch {
			case len(cc.Scenarios) > 0 && cc.State == conformance.StateFailed:
				row.Status, row.Reason = reports.CoverageFailed, "a covering scenario failed on this target"
			case len(cc.Scenarios) > 0 && cc.State != "" && cc.State != conformance.RuleCovered:
				row.Status, row.Reason = reports.CoverageNotChecked, cc.State+" on this target: "+cc.NotChecked
			case len(cc.Scenarios) > 0:
			case cc.Reason != "":
				row.Status, row.Reason = reports.CoverageNotReachable, cc.Reason
			default:
				row.Status, row.Reason = reports.CoverageMissing, "no scenario covers this result code"
			}
			rows = append(rows, row)
		}
	}
	rows = append(rows, contractRows(c.Contract)...)
	// Codes that apply to no interface of the first scope (legacy or out-of-scope codes) are
	// listed once with the reason they cannot be reached, so the matrix accounts for every
	// code of the table.
	for _, cc := range c.Codes {
		if len(cc.Scenarios) == 0 && cc.Reason != "" {
			rows = append(rows, reports.CoverageRow{Interface: "(none)", Item: cc.Code, Kind: reports.KindCode, Description: cc.Desc,
				Status: reports.CoverageNotReachable, Reason: cc.Reason})
		}
	}
	return rows
}

// contractRows lists every rule of the contract's inventory as a rule row of the pseudo
// interface "contract/<class>": covered when its scenarios check it in both directions (and
// passed on this target after a run), missing with the gap's reason otherwise.
func contractRows(c *conformance.ContractCoverage) []reports.CoverageRow {
	if c == nil {
		return nil
	}
	rows := make([]reports.CoverageRow, 0, len(c.Entries))
	for _, e := range c.Entries {
		row := reports.CoverageRow{Interface: "contract/" + string(e.Class), Item: e.ID, Kind: reports.KindRule,
			Scenarios: e.Scenarios, Status: reports.CoverageCovered, Reason: e.Gap}
		switch {
		case e.Gap != "" && e.Unchecked != "":
			// A gap that says why no black-box test can close it (rulenotes/, decisions).
			row.Status = reports.CoverageNotReachable
		case !e.Held || !e.Broken:
			row.Status = reports.CoverageMissing
		case e.State == conformance.StateFailed:
			row.Status, row.Reason = reports.CoverageFailed, "a checking scenario failed on this target"
		case e.State != "" && e.State != conformance.RuleCovered:
			row.Status, row.Reason = reports.CoverageNotChecked, e.State+" on this target: "+e.NotChecked
		}
		rows = append(rows, row)
	}
	return rows
}

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

// callbackOrder is the order of notification types in the report: call events in §7.4
// order, then fee records, X-number status and SMS (pns.NotificationTypes).
var callbackOrder = pns.NotificationTypeRanks()

// Callbacks builds the callback section from the receiver's report (take it with
// receiver.Final at the end of a run, so that calls still lacking notifications count as
// missing). Delays are those against the emulator's stated emission instants when the pushes
// carried them, else against the platform's timestamps (1 s resolution), else against the
// harness's trigger. loss is the emulator's own loss (nil when the platform was not the
// embedded emulator).
func Callbacks(rep receiver.Report, loss *reports.EmulatorLoss) *reports.Callbacks {
	cb := &reports.Callbacks{
		EmulatorLoss: loss,
		Counters: reports.CallbackCounters{
			Duplicate:       rep.Counters.Duplicates + rep.Counters.DuplicateEvents + rep.Counters.DuplicateFeeRecords + rep.Counters.DuplicateSMS,
			OutOfOrder:      rep.Counters.OutOfOrder,
			Late:            rep.Counters.Late,
			BadSignature:    rep.Counters.BadSignature,
			Invalid:         rep.Counters.Invalid,
			ClockSkew:       rep.Counters.ClockSkew,
			Orphan:          rep.Sessions.Orphan,
			AfterDisconnect: rep.Sessions.AfterDisconnect,
		},
		Unsettled: rep.Sessions.Unsettled,
	}
	if cb.Counters.Invalid == 0 {
		// A receiver.json of an older harness, which counted only schema violations.
		cb.Counters.Invalid = rep.Counters.SchemaInvalid
	}
	cb.Causes = causeRows(rep.Causes)
	if d := rep.Deliveries; d != nil {
		cb.Attempts = d.Attempts
		if f := d.FirstRepush; f != nil {
			cb.FirstRepush = &reports.RepushInterval{Count: f.Count, Min: f.Min, Mean: f.Mean, Max: f.Max, Contract: pns.RepushSchedule[0]}
		}
	}
	cb.Reference, cb.Resolution = delayReference(rep)
	if pc := rep.PlatformClock; pc != nil && cb.Reference == receiver.RefPlatform {
		cb.PlatformClock = &reports.ClockSpread{Samples: pc.Samples, Min: msDuration(pc.MinMs), Max: msDuration(pc.MaxMs)}
	}
	types := callbackTypes{}
	countByType(cb, rep, types)
	types.addDelays(rep, cb.Reference)
	cb.Events = types.sorted()
	cb.Problems = callbackProblems(rep)
	cb.Reproductions = CallbackReproductions(rep, "", "")
	return cb
}

// delayReference is the reference the receiver measured delays from, best first (the
// emulator's emission instant, the platform's timestamps, the trigger), and its resolution.
func delayReference(rep receiver.Report) (ref string, resolution time.Duration) {
	refs := map[string]bool{}
	for _, l := range rep.Latency {
		refs[l.Reference] = true
	}
	switch {
	case refs[receiver.RefEmulator]:
		return receiver.RefEmulator, time.Microsecond
	case refs[receiver.RefPlatform]:
		return receiver.RefPlatform, time.Second
	case refs[receiver.RefTrigger]:
		return receiver.RefTrigger, time.Microsecond
	}
	return "", 0
}

// callbackTypes are the report's rows of callback types, by type.
type callbackTypes map[string]*reports.CallbackType

// get is the row of type t, made when missing.
func (types callbackTypes) get(t string) *reports.CallbackType {
	ct := types[t]
	if ct == nil {
		ct = &reports.CallbackType{Event: t}
		types[t] = ct
	}
	return ct
}

// countByType fills the rows' expected, received and missing counts and cb's totals, from
// a receiver.json of any format, and says on what basis pushes are counted missing.
func countByType(cb *reports.Callbacks, rep receiver.Report, types callbackTypes) {
	var missing, typedDup, ofExpected int64
	// A receiver of format 3 or later counts the records about expected calls apart; for an
	// older one the split is unknown and stays nil.
	scoped := rep.Format >= 3
	for t, tc := range rep.ByType {
		typedDup += tc.Duplicate
		ct := types.get(t)
		ct.Expected, ct.Received, ct.Missing = tc.Expected, tc.Received, tc.Missing
		ct.TypeAnomalies = tc.TypeAnomalies
		if scoped {
			ct.ExpectedReceived = &tc.OfExpected
		}
		cb.Expected += tc.Expected
		cb.Received += tc.Received
		missing += tc.Missing
		ofExpected += tc.OfExpected
	}
	if scoped {
		other := cb.Received - ofExpected
		cb.ExpectedReceived, cb.OtherReceived = &ofExpected, &other
	}
	cb.Counters.Missing = missing
	if rep.Format >= 2 {
		// The receiver counts every duplicate once, in its type's row.
		cb.Counters.Duplicate = typedDup + rep.Counters.DuplicatesUntyped
	}
	if len(rep.ByType) == 0 {
		// A receiver.json of an older harness: sessions only.
		cb.Counters.Missing = rep.Sessions.Missing
		cb.Expected, cb.Received = rep.Counters.Expected, rep.Counters.Requests
	}
	switch {
	case rep.Counters.Expected > 0 || cb.Expected > 0:
		cb.MissingBasis = reports.MissingExpected
	case rep.Settle > 0 && rep.Sessions.Judged > 0: // calls all still unsettled judged nothing
		cb.MissingBasis = reports.MissingFromPushes
	default:
		cb.MissingBasis = reports.MissingUnknown
	}
}

// addDelays fills the rows' delay statistics, histograms and series measured from ref.
func (types callbackTypes) addDelays(rep receiver.Report, ref string) {
	for _, l := range rep.Latency {
		if l.Reference != ref {
			continue
		}
		ct := types.get(l.Type)
		ct.Count = l.Count
		ct.DroppedOnMerge = rep.MergeDropped[l.Reference+"/"+l.Type]
		ct.Latency = reports.Percentiles{P50: ms(l.P50Ms), P90: ms(l.P90Ms), P99: ms(l.P99Ms), P999: ms(l.P999Ms), Max: ms(l.MaxMs)}
		if h, err := l.Hist(); err == nil {
			ct.Histogram = logBuckets(h, "delay", int64(time.Microsecond))
		}
		for _, p := range l.Series {
			ct.Series = append(ct.Series, reports.CallbackPoint{T: time.Duration(p.AtS * float64(time.Second)),
				Count: p.Count, Mean: ms(p.MeanMs), Max: ms(p.MaxMs)})
		}
	}
}

// sorted is the rows in the order of a call's life (callbackOrder), unknown types last by
// name.
func (types callbackTypes) sorted() []reports.CallbackType {
	var events []reports.CallbackType
	for _, ct := range types {
		events = append(events, *ct)
	}
	sort.Slice(events, func(i, j int) bool {
		oi, iok := callbackOrder[events[i].Event]
		oj, jok := callbackOrder[events[j].Event]
		if iok != jok {
			return iok
		}
		if oi != oj {
			return oi < oj
		}
		return events[i].Event < events[j].Event
	})
	return events
}

// msDuration converts signed milliseconds.
func msDuration(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }

// CallbackReproductions renders the replays of the pushes the receiver judged wrong (bad
// signatures, schema violations, duplicated bodies, as in Callbacks.Problems) and of the
// calls it judged wrong, at most
// reports.MaxCallbackProblems. dir is the directory holding receiver.json and its pushes ("":
// the body files are named relative to it); profileFile names the profile whose apps sign a
// fresh header ("": the built-in profiles).
func CallbackReproductions(rep receiver.Report, dir, profileFile string) []reports.CallbackReproduction {
	var out []reports.CallbackReproduction
	add := func(check, problem string, rp *receiver.Replay) {
		if c := rp.Curl(dir, profileFile); c != "" && len(out) < reports.MaxCallbackProblems {
			out = append(out, reports.CallbackReproduction{Check: check, Problem: problem, Curl: c})
		}
	}
	for _, b := range rep.BadSignatures {
		add("badSignature", badSignatureProblem(b), b.Replay)
	}
	for _, v := range rep.Violations {
		add("schemaInvalid", violationProblem(v), v.Replay)
	}
	for _, d := range rep.Duplicates {
		add("duplicate", duplicateProblem(d), d.Replay)
	}
	for _, f := range rep.Failures {
		if len(out) >= reports.MaxCallbackProblems {
			break
		}
		r := reports.CallbackReproduction{Check: sessionCheck(f.Problems), Problem: sessionProblem(f)}
		if f.Trigger != nil {
			r.Curl = f.Trigger.Curl(profileFile)
		} else {
			r.NotReproducible = receiver.NotOurCall
		}
		out = append(out, r)
	}
	return out
}

// sessionCheck is the callback check a call's problems fail (the first of them that fails
// one), "" when none does (e.g. only late).
func sessionCheck(problems []string) string {
	for _, p := range problems {
		switch {
		case strings.HasPrefix(p, "missing"):
			return "missing"
		case strings.HasPrefix(p, "duplicate"):
			return "duplicate"
		case p == "orphan-fee":
			return "orphanFee"
		case p == "event-after-disconnect":
			return "afterDisconnect"
		}
	}
	return ""
}

// sessionProblem is the Problems line of a call with problems.
func sessionProblem(f receiver.SessionDetail) string {
	return fmt.Sprintf("call %s: %s", f.SessionID, strings.Join(f.Problems, ", "))
}

// badSignatureProblem is the Problems line of a bad signature.
func badSignatureProblem(b receiver.BadSignatureSample) string {
	why := ""
	if b.Reason != "" {
		why = " (" + b.Reason + ")"
	}
	return fmt.Sprintf("bad signature%s: app %q scheme %q, arrived %s after the receiver started", why, b.AppKey, b.Scheme, b.Arrived.Round(time.Millisecond))
}

// violationProblem is the Problems line of a schema violation.
func violationProblem(v receiver.ViolationSample) string {
	msg := "invalid " + v.Kind
	if v.EventType != "" {
		msg += " " + v.EventType
	}
	if len(v.Violations) > 0 {
		msg += ": " + v.Violations[0]
	}
	return msg
}

// duplicateProblem is the Problems line of a body delivered again after it was accepted.
func duplicateProblem(d receiver.DuplicateSample) string {
	what := d.Kind
	if d.EventType != "" {
		what += " " + d.EventType
	}
	return fmt.Sprintf("duplicate %s: the same body delivered again after it was accepted, %s after the receiver started", what, d.Arrived.Round(time.Millisecond))
}

// callbackProblems lists individual anomalies for the report: sessions with problems, bad
// signatures, schema violations and duplicated bodies, at most reports.MaxCallbackProblems.
func callbackProblems(rep receiver.Report) []string {
	var out []string
	add := func(s string) bool {
		if len(out) >= reports.MaxCallbackProblems {
			return false
		}
		out = append(out, s)
		return true
	}
	for _, b := range rep.BadSignatures {
		if !add(badSignatureProblem(b)) {
			return out
		}
	}
	for _, v := range rep.Violations {
		if !add(violationProblem(v)) {
			return out
		}
	}
	for _, d := range rep.Duplicates {
		if !add(duplicateProblem(d)) {
			return out
		}
	}
	for _, f := range rep.Failures {
		if !add(sessionProblem(f)) {
			return out
		}
	}
	return out
}

// ReadReceiver reads a receiver.json written by `harness run` or `harness receive`.
func ReadReceiver(path string) (*receiver.Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rep receiver.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// The bodies of the pushes judged wrong lie next to this receiver.json: a report of
	// several directories (or written elsewhere) names them by an absolute path.
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	for _, rp := range rep.Replays() {
		if rp.BodyFile != "" && !filepath.IsAbs(filepath.FromSlash(rp.BodyFile)) {
			rp.BodyFile = filepath.Join(dir, filepath.FromSlash(rp.BodyFile))
		}
	}
	return &rep, nil
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

// causeRows turns the receiver's disconnect counts by stateCode into the report's cause
// table, with the contract's meaning of each code (pns.LookupHangupCause): codes in numeric
// order, then the disconnects without an integer stateCode.
func causeRows(causes map[string]int64) []reports.CallbackCause {
	var out []reports.CallbackCause
	for k, n := range causes {
		row := reports.CallbackCause{Code: k, Count: n}
		if code, err := strconv.Atoi(k); err == nil {
			if c, ok := pns.LookupHangupCause(code); ok {
				row.Listed, row.Group, row.Meaning = true, string(c.Group), c.Meaning
			}
		}
		out = append(out, row)
	}
	sort.Slice(out, func(i, j int) bool {
		a, aErr := strconv.Atoi(out[i].Code)
		b, bErr := strconv.Atoi(out[j].Code)
		switch {
		case aErr == nil && bErr == nil:
			return a < b
		case aErr == nil || bErr == nil:
			return aErr == nil
		}
		return out[i].Code < out[j].Code
	})
	return out
}
