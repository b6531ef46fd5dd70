package loadtest

import (
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// Threshold is a k6-style pass/fail criterion on a result, e.g. "bind.p99<50ms",
// "bind.success>=99.9%", "bind.corrected.p99<100ms", "callback.fee.p95<2s",
// "rate.shortfall<1%", "conformance.errors==0".
//
// Metric names: SCOPE.STAT where SCOPE is an operation (bind, unbind, query, calls, …),
// matching every interface ending in it, or a full interface ID (axb.bind), or "all"; STAT is
// pNN (p50, p90, p99, p99.9, …), max, mean, min, success (percent of resultcode "0"), count,
// or corrected.pNN / corrected.max / corrected.mean for latency from the intended send time.
// Callbacks: callback.EVENT.STAT (latency stats and count; EVENT may be "all"). Run-wide:
// rate.shortfall (percent), rate.achieved (requests/s), conformance.errors (count),
// throttling.count (flow-control answers), rejections.count (every non-success answer).
// Generator: generator.lag.STAT and generator.blocked.STAT (latency stats of the generator's
// own dispatch lag and wait for a worker); generator.lag.p99 also sets the limit above which
// the run is flagged generator-bound. Flows: flow.NAME.arrivals, flow.NAME.completed,
// flow.NAME.ended (session counts).
// Latency statistics cover every answer in the scope, whatever its result code (as k6 does);
// pair them with a success threshold. Values are HdrHistogram percentiles (3 significant
// digits, reported as the highest equivalent value).
//
// Windows: an interface metric may carry a window, SCOPE.STAT[W] (e.g. axb.bind.p99[10s]<200ms),
// W a whole number of seconds from 1s to MaxDuration. It is then checked over every sliding
// window of W that ends at a whole second of the load (answers bucketed by the second they
// were recorded), and fails when any full window breaks it; a run that never had a full
// window with samples leaves it unmeasured. A trailing "!abort" (k6's abortOnFail) stops the
// load as soon as the threshold is broken; --abort-on-fail does so for every threshold.
type Threshold struct {
	Expr      string
	Scope     string // operation, interface ID, "all", "callback.EVENT", "rate" or "conformance"
	Stat      string // p99, max, mean, min, success, count, shortfall, achieved, errors
	Corrected bool
	Op        string
	Value     float64 // milliseconds for latencies, percent for percentages, plain otherwise
	Kind      string  // "latency", "percent" or "number"
	// Window is the sliding window of a windowed threshold (zero: the whole run).
	Window time.Duration
	// Abort stops the load as soon as the threshold is broken (the "!abort" suffix).
	Abort bool
}

// ThresholdOutcome is the evaluation of one threshold.
type ThresholdOutcome struct {
	Expr   string  `json:"expr"`
	OK     bool    `json:"ok"`
	Actual float64 `json:"actual"`
	Unit   string  `json:"unit"`
	// Detail explains an outcome that could not be measured (e.g. no samples).
	Detail string `json:"detail,omitempty"`
	// Unmeasured says the metric had nothing to measure (OK is then false), so that a report
	// can tell a default threshold that was not checked from one that was broken.
	Unmeasured bool `json:"unmeasured,omitempty"`
}

var (
	reThreshold = regexp.MustCompile(`^\s*([A-Za-z0-9_.\-]+?)(\[[^\]]*\])?\s*(<=|>=|==|!=|<|>)\s*(\S.*?)\s*$`)
	rePct       = regexp.MustCompile(`^p(\d+(\.\d+)?)$`)
)

// ParseThreshold parses one threshold expression.
func ParseThreshold(expr string) (Threshold, error) {
	if IsCallbackThreshold(expr) {
		// The one callback grammar; the generator measures only the delays and counts of
		// the calls it made, the rest is evaluated on the receiver's results.
		ct, err := ParseCallbackThreshold(expr)
		if err != nil {
			return Threshold{}, err
		}
		if ct.Event == "" || (!ct.Delay && ct.Stat != "count") {
			return Threshold{}, fmt.Errorf("threshold %q: evaluated on the callback receiver's results, not on a load result (harness load, run and report do so)", expr)
		}
	}
	body, abort := strings.CutSuffix(strings.TrimSpace(expr), AbortSuffix)
	m := reThreshold.FindStringSubmatch(body)
	if m == nil {
		return Threshold{}, fmt.Errorf("threshold %q: want METRIC OP VALUE, e.g. bind.p99<50ms", expr)
	}
	t := Threshold{Expr: strings.TrimSpace(expr), Op: m[3], Abort: abort}
	name, val := m[1], m[4]
	if m[2] != "" {
		w, err := parseWindow(m[2][1 : len(m[2])-1])
		if err != nil {
			return Threshold{}, fmt.Errorf("threshold %q: %w", expr, err)
		}
		t.Window = w
	}
	parts := strings.Split(name, ".")
	// The stat is the last element, except for percentiles with a fraction (p99.9).
	if n := len(parts); n >= 3 && rePct.MatchString(parts[n-2]+"."+parts[n-1]) {
		parts = append(parts[:n-2], parts[n-2]+"."+parts[n-1])
	}
	for _, p := range parts {
		if p == "" {
			return Threshold{}, fmt.Errorf("threshold %q: metric %q has an empty name part", expr, name)
		}
	}
	if len(parts) < 2 {
		return Threshold{}, fmt.Errorf("threshold %q: metric %q needs SCOPE.STAT, e.g. bind.p99", expr, name)
	}
	t.Stat = parts[len(parts)-1]
	scope := parts[:len(parts)-1]
	if len(scope) > 1 && scope[len(scope)-1] == "corrected" {
		t.Corrected = true
		scope = scope[:len(scope)-1]
	}
	t.Scope = strings.Join(scope, ".")
	if err := classifyThreshold(expr, name, &t); err != nil {
		return Threshold{}, err
	}
	if t.Window > 0 && !windowable(t) {
		return Threshold{}, fmt.Errorf("threshold %q: a window applies to interface metrics (SCOPE.pNN, max, mean, min, success, count), not to %s", expr, name)
	}
	if err := parseThresholdValue(expr, name, val, &t); err != nil {
		return Threshold{}, err
	}
	return t, nil
}

// classifyInterfaceStat classifies a statistic of an interface scope (an interface, an
// operation, all, or a callback event) and checks the scope against the operation table.
func classifyInterfaceStat(expr string, t *Threshold) error {
	switch {
	case t.Stat == "success":
		if strings.HasPrefix(t.Scope, "callback") {
			return fmt.Errorf("threshold %q: callbacks have no success rate", expr)
		}
		t.Kind = "percent"
	case t.Stat == "count":
		t.Kind = "number"
	case t.Stat == "max" || t.Stat == "mean" || t.Stat == "min" || rePct.MatchString(t.Stat):
		t.Kind = "latency"
		if rePct.MatchString(t.Stat) {
			q, _ := strconv.ParseFloat(t.Stat[1:], 64)
			if q > 100 {
				return fmt.Errorf("threshold %q: percentile %s above 100", expr, t.Stat)
			}
		}
	default:
		return fmt.Errorf("threshold %q: unknown statistic %q (want pNN, max, mean, min, success or count)", expr, t.Stat)
	}
	if t.Corrected && t.Kind != "latency" {
		return fmt.Errorf("threshold %q: corrected applies to latency statistics only", expr)
	}
	if t.Corrected && strings.HasPrefix(t.Scope, "callback") {
		return fmt.Errorf("threshold %q: callbacks have no corrected latency", expr)
	}
	if t.Scope == "callback" {
		return fmt.Errorf("threshold %q: callback metrics need an event, e.g. callback.fee.p95", expr)
	}
	return checkLoadScope(expr, t.Scope)
}

// parseThresholdValue parses the value of t in its kind: a duration, a percentage or a
// number.
func parseThresholdValue(expr, name, val string, t *Threshold) error {
	switch t.Kind {
	case "latency":
		d, err := time.ParseDuration(val)
		if err != nil {
			return fmt.Errorf("threshold %q: %s needs a duration such as 50ms, got %q", expr, name, val)
		}
		t.Value = float64(d) / 1e6
	case "percent":
		if !strings.HasSuffix(val, "%") {
			return fmt.Errorf("threshold %q: %s needs a percentage such as 99.9%%, got %q", expr, name, val)
		}
		f, err := strconv.ParseFloat(strings.TrimSuffix(val, "%"), 64)
		if err != nil || f < 0 || f > 100 {
			return fmt.Errorf("threshold %q: %s needs a percentage such as 99.9%%, got %q", expr, name, val)
		}
		t.Value = f
	default:
		f, err := strconv.ParseFloat(val, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("threshold %q: %s needs a number, got %q", expr, name, val)
		}
		t.Value = f
	}
	return nil
}

// ParseThresholds parses several expressions, stopping at the first error.
func ParseThresholds(exprs []string) ([]Threshold, error) {
	out := make([]Threshold, 0, len(exprs))
	for _, e := range exprs {
		t, err := ParseThreshold(e)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// Compare reports whether a op b holds for a threshold operator (<, <=, >, >=, ==, !=); an
// unknown operator never holds. Callback thresholds use it too, so both read alike.
func Compare(a float64, op string, b float64) bool {
	switch op {
	case "<":
		return a < b
	case "<=":
		return a <= b
	case ">":
		return a > b
	case ">=":
		return a >= b
	case "==":
		return a == b
	case "!=":
		return a != b
	}
	return false
}

func latencyStat(h *hdr.Histogram, stat string) float64 {
	switch stat {
	case "max":
		return ms(h.Max())
	case "min":
		return ms(h.Min())
	case "mean":
		return ms(int64(h.Mean()))
	}
	q, _ := strconv.ParseFloat(stat[1:], 64)
	return ms(h.ValueAtQuantile(q))
}

// measureThreshold sets o.Actual to the value of t's metric in r (a its aggregate). It
// reports whether the metric had anything to measure, and how many values the histograms
// behind a latency statistic dropped when they were merged.
//
// lost counts the values the histograms behind a latency statistic dropped when they were
// merged (here, or when the result was merged from shards): such a statistic leaves them out,
// so it is not measured rather than passed or failed on the rest.
func measureThreshold(r *Result, a *aggregate, t Threshold, o *ThresholdOutcome) (measured bool, lost int64) {
	measured = true
	switch {
	case t.Scope == "rate" && t.Stat == "shortfall":
		o.Actual = r.ShortfallPct
		measured = r.TargetHits > 0
	case t.Scope == "rate":
		o.Actual = r.AchievedRate
		o.Unit = "req/s"
	case t.Scope == "conformance":
		o.Actual = float64(r.Conformance.Errors)
	case t.Scope == "throttling" || t.Scope == "rejections":
		for _, x := range r.Rejections {
			if x.Throttling || t.Scope == "rejections" {
				o.Actual += float64(x.Count)
			}
		}
	case strings.HasPrefix(t.Scope, "flow."):
		name := strings.TrimPrefix(t.Scope, "flow.")
		measured = false
		for _, f := range r.Flows {
			if f.Name == name {
				measured = true
				switch t.Stat {
				case "arrivals":
					o.Actual = float64(f.Arrivals)
				case "completed":
					o.Actual = float64(f.Completed)
				default:
					o.Actual = float64(f.Ended)
				}
			}
		}
	case t.Scope == "generator.lag" || t.Scope == "generator.blocked":
		h, name := a.lag, "generator lag"
		if t.Scope == "generator.blocked" {
			h, name = a.blocked, "generator blocked"
		}
		lost = a.dropped[name]
		if h == nil || h.TotalCount() == 0 {
			measured = false
		} else {
			o.Actual = latencyStat(h, t.Stat)
		}
	case t.Scope == "callback" || strings.HasPrefix(t.Scope, "callback."):
		return measureCallbacks(a, t, o)
	default:
		return measureInterfaces(a, t, o)
	}
	return measured, lost
}

// measureCallbacks measures a callback metric of the generator's own calls: the count or a
// delay statistic of one event's pushes, or of all.
func measureCallbacks(a *aggregate, t Threshold, o *ThresholdOutcome) (measured bool, lost int64) {
	measured = true
	ev := strings.TrimPrefix(t.Scope, "callback.")
	var h *hdr.Histogram
	// Sorted, as in ifaceHists: the first histogram decides what the merge can hold.
	for _, e := range slices.Sorted(maps.Keys(a.callbacks)) {
		if x := a.callbacks[e]; ev == "all" || e == ev {
			lost += mergeInto(&h, x) + a.dropped["callback "+e]
		}
	}
	if t.Stat == "count" {
		if h != nil {
			o.Actual = float64(h.TotalCount())
		}
	} else if h == nil || h.TotalCount() == 0 {
		measured = false
	} else {
		o.Actual = latencyStat(h, t.Stat)
	}
	return measured, lost
}

// measureInterfaces measures a statistic of the interfaces t's scope matches: count, success
// rate, or a service or corrected latency statistic.
func measureInterfaces(a *aggregate, t Threshold, o *ThresholdOutcome) (measured bool, lost int64) {
	measured = true
	match := func(id string) bool {
		return t.Scope == "all" || id == t.Scope || strings.HasSuffix(id, "."+t.Scope)
	}
	svc, cor, count, success, svcLost, corLost := a.ifaceHists(match)
	switch t.Stat {
	case "count":
		o.Actual = float64(count)
	case "success":
		if count == 0 {
			measured = false
		}
		o.Actual = pct(success, count)
	default:
		h, kind, codesLost := svc, " service", svcLost
		if t.Corrected {
			h, kind, codesLost = cor, " corrected", corLost
		}
		lost = codesLost + a.codesDropped(match, kind)
		if h == nil || h.TotalCount() == 0 {
			measured = false
		} else {
			o.Actual = latencyStat(h, t.Stat)
		}
	}
	return measured, lost
}

// Evaluate checks every threshold against the result, stores the outcomes in r.Thresholds and
// returns them. A latency or success threshold whose metric has no sample fails: a criterion
// about traffic that never happened cannot be said to hold. Nor can one about a latency
// statistic whose histograms dropped values when merged: it is unmeasured, "not exact".
func Evaluate(r *Result, ts []Threshold) ([]ThresholdOutcome, error) {
	a := r.agg
	if a == nil {
		var err error
		if a, err = aggregateFromResult(r); err != nil {
			return nil, err
		}
		r.agg = a
	}
	out := make([]ThresholdOutcome, 0, len(ts))
	for _, t := range ts {
		o := ThresholdOutcome{Expr: t.Expr}
		switch t.Kind {
		case "latency":
			o.Unit = "ms"
		case "percent":
			o.Unit = "%"
		}
		if t.Window > 0 {
			evaluateWindowed(r, t, &o)
			out = append(out, o)
			continue
		}
		measured, lost := measureThreshold(r, a, t, &o)
		switch {
		case !measured:
			o.OK, o.Unmeasured = false, true
			o.Detail = "no samples"
		case lost > 0:
			o.OK, o.Unmeasured = false, true
			o.Detail = fmt.Sprintf("not exact: merging its histograms dropped %d value(s) outside their range (actual %g without them)", lost, o.Actual)
		default:
			o.OK = Compare(o.Actual, t.Op, t.Value)
		}
		out = append(out, o)
	}
	r.Thresholds = out
	return out, nil
}

// DefaultGeneratorLag is the generator-lag limit when no generator.lag.p99 threshold is given:
// a p99 dispatch lag above it means the generator, not the target, set the pace, and the
// latency figures (corrected ones above all) are the generator's. It is far above the lag of
// a generator with CPU and workers to spare (well under a millisecond), and below what a
// performance engineer would accept as the target's latency error.
const DefaultGeneratorLag = 50 * time.Millisecond

// CheckThresholds refuses a threshold whose metric the workload cannot produce: an operation
// or interface none of its steps runs (a typo such as bnid.p99 would otherwise fail only after
// the whole load as "no samples"), or a flow it does not have.
func CheckThresholds(ts []Threshold, w *Workload) error {
	wm := workloadMetrics{ifaces: map[string]bool{}, flows: map[string]bool{}}
	for i := range w.Flows {
		f := &w.Flows[i]
		wm.flows[f.Name] = true
		for _, s := range f.Steps {
			if op, ok := operations[s.Op]; ok {
				wm.ifaces[op.Ifaces[f.mode()]] = true
			}
		}
	}
	for _, t := range ts {
		if check := familyOf(t.Scope).inWorkload; check != nil {
			if err := check(t, wm); err != nil {
				return err
			}
		}
	}
	return nil
}

// workloadMetrics are what one workload can measure: the interfaces its steps call and its
// flows.
type workloadMetrics struct{ ifaces, flows map[string]bool }

// flowInWorkload refuses a flow metric of a flow the workload does not have.
func flowInWorkload(t Threshold, wm workloadMetrics) error {
	if name := strings.TrimPrefix(t.Scope, "flow."); !wm.flows[name] {
		return fmt.Errorf("threshold %q: the workload has no flow %q (flows: %s)", t.Expr, name, strings.Join(sortedKeys(wm.flows), ", "))
	}
	return nil
}

// scopeInWorkload refuses an interface metric of an operation or interface none of the
// workload's steps calls ("all" takes whatever it calls).
func scopeInWorkload(t Threshold, wm workloadMetrics) error {
	if t.Scope == "all" {
		return nil
	}
	for id := range wm.ifaces {
		if id == t.Scope || strings.HasSuffix(id, "."+t.Scope) {
			return nil
		}
	}
	return fmt.Errorf("threshold %q: %q is no operation or interface of this workload (it runs %s; other metrics: all, rate, conformance, throttling, rejections, generator.lag, generator.blocked, callback.EVENT, flow.NAME)",
		t.Expr, t.Scope, strings.Join(sortedKeys(wm.ifaces), ", "))
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
