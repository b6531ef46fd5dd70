package loadtest

import (
	"fmt"
	"strings"
)

// This file is the registry of threshold metrics: every family of metrics the one grammar
// accepts, which results judge it, how its statistic is classified and whether a workload
// must run something for it. The parser (ParseThreshold), the workload check
// (CheckThresholds) and the split of a subcommand's thresholds (ThresholdSet) read it, so a
// new family is one entry here and its measurement.

// Judge names the results a threshold is evaluated on.
type Judge string

const (
	// JudgedOnLoad is a load's result (load.json): interfaces, rate, conformance errors,
	// rejections, the generator, flows.
	JudgedOnLoad Judge = "load"
	// JudgedOnCallbacks is the callback receiver's results (receiver.json): every callback.…
	// metric of a subcommand's --threshold.
	JudgedOnCallbacks Judge = "callbacks"
)

// MetricFamily is one family of the registry, as users write it.
type MetricFamily struct {
	// Metric is how the family's metrics are written, e.g. "rate.shortfall, rate.achieved".
	Metric string
	// Judged says which results evaluate the family's thresholds.
	Judged Judge
	// Example is one accepted expression of the family.
	Example string

	// scope says whether a parsed scope belongs to the family; the first family that
	// claims it classifies it.
	scope func(scope string) bool
	// classify sets the kind of t's value and refuses a statistic the family lacks.
	classify func(expr, name string, t *Threshold) error
	// inWorkload refuses a threshold one workload cannot measure (CheckThresholds); nil
	// when every load measures the family.
	inWorkload func(t Threshold, wm workloadMetrics) error
}

// callbackPrefix starts every callback metric; an expression with it belongs to the
// callback family whatever follows, so that a malformed one gets the callback grammar's
// error.
const callbackPrefix = "callback."

// metricFamilies is the registry, in the order a scope is matched: the run-wide families by
// name, then callbacks, then the interface statistics that take every other scope (checked
// against the load operation table).
var metricFamilies = []MetricFamily{
	{Metric: "rate.shortfall, rate.achieved", Judged: JudgedOnLoad, Example: "rate.shortfall<1%",
		scope: is("rate"), classify: classifyRate},
	{Metric: "throttling.count", Judged: JudgedOnLoad, Example: "throttling.count==0",
		scope: is("throttling"), classify: classifyCount},
	{Metric: "rejections.count", Judged: JudgedOnLoad, Example: "rejections.count<10",
		scope: is("rejections"), classify: classifyCount},
	{Metric: "flow.NAME.arrivals, flow.NAME.completed, flow.NAME.ended", Judged: JudgedOnLoad, Example: "flow.lifecycle.completed>0",
		scope: under("flow"), classify: classifyFlow, inWorkload: flowInWorkload},
	{Metric: "generator.lag.STAT, generator.blocked.STAT", Judged: JudgedOnLoad, Example: "generator.lag.p99<50ms",
		scope: under("generator"), classify: classifyGenerator},
	{Metric: "conformance.errors", Judged: JudgedOnLoad, Example: "conformance.errors==0",
		scope: is("conformance"), classify: classifyConformance},
	{Metric: "callback.COUNT, callback.EVENT.STAT", Judged: JudgedOnCallbacks, Example: "callback.fee.p95<2s",
		scope: under("callback"), classify: func(expr, _ string, t *Threshold) error { return classifyInterfaceStat(expr, t) }},
	{Metric: "SCOPE.STAT, SCOPE.corrected.STAT (SCOPE: all, an operation or an interface)", Judged: JudgedOnLoad, Example: "bind.p99<50ms",
		scope: func(string) bool { return true }, classify: func(expr, _ string, t *Threshold) error { return classifyInterfaceStat(expr, t) },
		inWorkload: scopeInWorkload},
}

// ThresholdMetrics is the registry of metric families, for documentation and help texts.
func ThresholdMetrics() []MetricFamily {
	out := make([]MetricFamily, len(metricFamilies))
	for i, f := range metricFamilies {
		out[i] = MetricFamily{Metric: f.Metric, Judged: f.Judged, Example: f.Example}
	}
	return out
}

// is matches exactly one scope name.
func is(name string) func(string) bool {
	return func(scope string) bool { return scope == name }
}

// under matches a scope name and every scope below it (name.…).
func under(name string) func(string) bool {
	return func(scope string) bool { return scope == name || strings.HasPrefix(scope, name+".") }
}

// familyOf is the family a parsed scope belongs to: the first that claims it (the last
// family takes every scope).
func familyOf(scope string) *MetricFamily {
	for i := range metricFamilies {
		if metricFamilies[i].scope(scope) {
			return &metricFamilies[i]
		}
	}
	return &metricFamilies[len(metricFamilies)-1]
}

// classifyThreshold sets the kind of t's value (latency, percent or number) through the
// family of its scope, and refuses a metric no result measures.
func classifyThreshold(expr, name string, t *Threshold) error {
	return familyOf(t.Scope).classify(expr, name, t)
}

func classifyRate(expr, name string, t *Threshold) error {
	switch t.Stat {
	case "shortfall":
		t.Kind = "percent"
	case "achieved":
		t.Kind = "number"
	default:
		return fmt.Errorf("threshold %q: unknown rate metric %q (want rate.shortfall or rate.achieved)", expr, name)
	}
	return nil
}

func classifyCount(expr, name string, t *Threshold) error {
	if t.Stat != "count" {
		return fmt.Errorf("threshold %q: unknown metric %q (want %s.count)", expr, name, t.Scope)
	}
	t.Kind = "number"
	return nil
}

func classifyFlow(expr, _ string, t *Threshold) error {
	if t.Scope == "flow" || strings.Count(t.Scope, ".") != 1 {
		return fmt.Errorf("threshold %q: flow metrics are flow.NAME.STAT, e.g. flow.lifecycle.completed", expr)
	}
	switch t.Stat {
	case "arrivals", "completed", "ended":
		t.Kind = "number"
	default:
		return fmt.Errorf("threshold %q: unknown flow statistic %q (want arrivals, completed or ended)", expr, t.Stat)
	}
	return nil
}

func classifyGenerator(expr, name string, t *Threshold) error {
	if t.Scope != "generator.lag" && t.Scope != "generator.blocked" {
		return fmt.Errorf("threshold %q: unknown generator metric %q (want generator.lag.STAT or generator.blocked.STAT)", expr, name)
	}
	if t.Corrected || !(t.Stat == "max" || t.Stat == "mean" || t.Stat == "min" || rePct.MatchString(t.Stat)) {
		return fmt.Errorf("threshold %q: %s takes a latency statistic (pNN, max, mean, min)", expr, t.Scope)
	}
	t.Kind = "latency"
	return nil
}

func classifyConformance(expr, name string, t *Threshold) error {
	if t.Stat != "errors" {
		return fmt.Errorf("threshold %q: unknown conformance metric %q (want conformance.errors)", expr, name)
	}
	t.Kind = "number"
	return nil
}
