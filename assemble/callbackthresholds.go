package assemble

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/pns-harness/pns-harness/emulator/pushstats"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/reports"
)

// DispatcherFile is the emulator dispatcher's statistics in a run directory (written by
// `harness run`, read back by `harness report` for the emulator-side loss).
const DispatcherFile = "dispatcher.json"

// EmulatorLoss extracts the pushes the emulator lost from its dispatcher's statistics.
func EmulatorLoss(st pushstats.Stats) *reports.EmulatorLoss {
	o, d, a := st.Loss()
	return &reports.EmulatorLoss{Overflow: int64(o), Dropped: int64(d), Abandoned: int64(a)}
}

// ReadEmulatorLoss reads a DispatcherFile; a missing file is (nil, nil).
func ReadEmulatorLoss(path string) (*reports.EmulatorLoss, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var st pushstats.Stats
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return EmulatorLoss(st), nil
}

// DefaultCallbackThresholds are the callback thresholds of every subcommand that receives
// pushes (`harness receive`, `harness run` with or without --target, `harness load` with the
// calls scenario) when none is given: every anomaly that fails a run by itself, plus the
// delays the contract's customers expect (fee records wait for the platform's batching).
var DefaultCallbackThresholds = []string{"callback.missing==0", "callback.duplicate==0", "callback.badSignature==0",
	"callback.invalid==0", "callback.orphan==0", "callback.afterDisconnect==0", "callback.lost==0",
	"callback.late==0", "callback.disconnect.p99<2s", "callback.fee.p99<5s"}

var callbackRunCounts = map[string]func(*reports.Callbacks) int64{
	"missing":         func(c *reports.Callbacks) int64 { return c.Counters.Missing },
	"duplicate":       func(c *reports.Callbacks) int64 { return c.Counters.Duplicate },
	"outOfOrder":      func(c *reports.Callbacks) int64 { return c.Counters.OutOfOrder },
	"late":            func(c *reports.Callbacks) int64 { return c.Counters.Late },
	"badSignature":    func(c *reports.Callbacks) int64 { return c.Counters.BadSignature },
	"invalid":         func(c *reports.Callbacks) int64 { return c.Counters.Invalid },
	"clockSkew":       func(c *reports.Callbacks) int64 { return c.Counters.ClockSkew },
	"lost":            func(c *reports.Callbacks) int64 { return c.EmulatorLoss.Total() },
	"orphan":          func(c *reports.Callbacks) int64 { return c.Counters.Orphan },
	"afterDisconnect": func(c *reports.Callbacks) int64 { return c.Counters.AfterDisconnect },
	"unsettled":       func(c *reports.Callbacks) int64 { return c.Unsettled },
}

var callbackTypeCounts = map[string]func(reports.CallbackType) int64{
	"count":      func(t reports.CallbackType) int64 { return t.Count },
	"expected":   func(t reports.CallbackType) int64 { return t.Expected },
	"received":   func(t reports.CallbackType) int64 { return t.Received },
	"missing":    func(t reports.CallbackType) int64 { return t.Missing },
	"duplicate":  func(t reports.CallbackType) int64 { return t.Duplicate },
	"outOfOrder": func(t reports.CallbackType) int64 { return t.OutOfOrder },
	"late":       func(t reports.CallbackType) int64 { return t.Late },
	"clockSkew":  func(t reports.CallbackType) int64 { return t.ClockSkew },
}

var callbackTypeDelays = map[string]func(reports.Percentiles) time.Duration{
	"p50":   func(p reports.Percentiles) time.Duration { return p.P50 },
	"p90":   func(p reports.Percentiles) time.Duration { return p.P90 },
	"p99":   func(p reports.Percentiles) time.Duration { return p.P99 },
	"p99.9": func(p reports.Percentiles) time.Duration { return p.P999 },
	"max":   func(p reports.Percentiles) time.Duration { return p.Max },
}

// delayStat measures a delay statistic of one type (or "all") from the receiver's
// histograms of the section's reference; ok is false without samples, and when a histogram
// merge (the receivers' merge, or "all" adding the types together here) dropped values: a
// statistic that leaves recorded values out is not exact, so it is not measured.
func delayStat(cb *reports.Callbacks, rep *receiver.Report, event, stat string) (time.Duration, bool, string) {
	if n := droppedBefore(rep, cb.Reference, event); n > 0 {
		return 0, false, notExact(n)
	}
	if event != "all" {
		if f, fixed := callbackTypeDelays[stat]; fixed {
			for _, x := range cb.Events {
				if x.Event == event && x.Count > 0 {
					return f(x.Latency), true, ""
				}
			}
			return 0, false, "no samples"
		}
	}
	if rep == nil {
		return 0, false, "needs the receiver's histograms (receiver.json)"
	}
	var h *hdrhistogram.Histogram
	var dropped int64
	for _, l := range rep.Latency {
		if l.Reference != cb.Reference || (event != "all" && l.Type != event) {
			continue
		}
		x, err := l.Hist()
		if err != nil {
			return 0, false, err.Error()
		}
		if h == nil {
			h = x
		} else {
			dropped += h.Merge(x)
		}
	}
	if dropped > 0 {
		return 0, false, notExact(dropped)
	}
	if h == nil || h.TotalCount() == 0 {
		return 0, false, "no samples"
	}
	us := func(v int64) time.Duration { return time.Duration(v) * time.Microsecond }
	switch stat {
	case "max":
		return us(h.Max()), true, ""
	case "min":
		return us(h.Min()), true, ""
	case "mean":
		return time.Duration(h.Mean() * float64(time.Microsecond)), true, ""
	}
	q, _ := strconv.ParseFloat(stat[1:], 64)
	return us(h.ValueAtQuantile(q)), true, ""
}

// CallbackThresholds evaluates callback thresholds on a callback section; rep, the receiver's
// report the section was built from, supplies the histograms of percentiles the section does
// not hold (nil: those cannot be measured). Thresholds that cannot be measured — every one
// without a section (no receiver ran, "no callback results"), a delay without samples,
// callback.missing when nothing told the receiver which calls happened
// (reports.MissingUnknown) — fail when the user gave them (given) and are not checked when
// they are a subcommand's defaults (reports.Threshold.Unmeasured).
func CallbackThresholds(cb *reports.Callbacks, rep *receiver.Report, exprs []string, given bool) ([]reports.Threshold, error) {
	var out []reports.Threshold
	for _, e := range exprs {
		t, err := loadtest.ParseCallbackThreshold(e)
		if err != nil {
			return nil, err
		}
		th := reports.Threshold{Expression: t.Expr, Unit: reports.UnitCount}
		if t.Delay {
			th.Unit = reports.UnitNanoseconds
		}
		measured, why := true, ""
		switch {
		case cb == nil:
			measured, why = false, "no callback results"
		case t.Event == "" && t.Stat == "missing" && cb.MissingBasis == reports.MissingUnknown:
			measured, why = false, "unknown: nothing told the receiver which calls happened"
		case t.Event == "":
			th.Observed = float64(callbackRunCounts[t.Stat](cb))
		case t.Delay:
			var d time.Duration
			d, measured, why = delayStat(cb, rep, t.Event, t.Stat)
			th.Observed = float64(d)
		default:
			var n int64
			for _, x := range cb.Events {
				if x.Event == t.Event || t.Event == "all" {
					n += callbackTypeCounts[t.Stat](x)
				}
			}
			th.Observed = float64(n)
		}
		if measured {
			th.Passed = loadtest.Compare(th.Observed, t.Op, t.Value)
		} else {
			th.Unmeasured(why, given)
		}
		out = append(out, th)
	}
	return out, nil
}

// droppedBefore sums the values the receivers' merge dropped (receiver.Report.MergeDropped,
// keyed "reference/type") from the delay histograms of ref and event ("all": every type).
func droppedBefore(rep *receiver.Report, ref, event string) int64 {
	if rep == nil {
		return 0
	}
	var n int64
	for k, v := range rep.MergeDropped {
		r, typ, _ := strings.Cut(k, "/")
		if r == ref && (event == "all" || typ == event) {
			n += v
		}
	}
	return n
}

// notExact is the reason a delay statistic is not measured when merging its histograms
// dropped n values.
func notExact(n int64) string {
	return fmt.Sprintf("not exact: merging the delay histograms dropped %d value(s) outside their range", n)
}

// JudgeCallbacks evaluates callback thresholds on the summary's callback section; rep, the
// receiver report the section was built from, measures the percentiles the section does not
// hold (nil: they cannot be measured). given: the user's thresholds, not defaults.
func JudgeCallbacks(s *reports.Summary, rep *receiver.Report, exprs []string, given bool) error {
	ths, err := CallbackThresholds(s.Callbacks, rep, exprs, given)
	if err != nil {
		return err
	}
	s.Thresholds = append(s.Thresholds, ths...)
	return nil
}
