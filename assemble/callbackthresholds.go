package assemble

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/emulator/callbacks"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/reports"
)

// DispatcherFile is the emulator dispatcher's statistics in a run directory (written by
// `harness run`, read back by `harness report` for the emulator-side loss).
const DispatcherFile = "dispatcher.json"

// EmulatorLoss extracts the pushes the emulator lost from its dispatcher's statistics.
func EmulatorLoss(st callbacks.Stats) *reports.EmulatorLoss {
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
	var st callbacks.Stats
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return EmulatorLoss(st), nil
}

// Callback thresholds are evaluated on the whole run's callback section (every push the
// receiver saw, with the missing ones of the run's simulated calls):
//
//	callback.missing, callback.duplicate, callback.outOfOrder, callback.late,
//	callback.badSignature, callback.schemaInvalid, callback.clockSkew, callback.lost
//	    counts over all types (lost: pushes the emulator itself lost)
//	callback.EVENT.p50 | p90 | p99 | p99.9 | max
//	    the delay of one type (callin … disconnect, collectInfo, fee, numStatus, sms.notify)
//	callback.EVENT.count | expected | received | missing | duplicate | outOfOrder | late | clockSkew
//	    counts of one type
//
// e.g. `callback.fee.p99<2s`, `callback.missing==0`. Delay values take a duration, counts a
// number. A delay threshold of a type without any measured delay fails ("no samples").
var reCallbackThreshold = regexp.MustCompile(`^\s*callback\.([A-Za-z0-9.]+?)\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$`)

var callbackRunCounts = map[string]func(*reports.Callbacks) int64{
	"missing":       func(c *reports.Callbacks) int64 { return c.Counters.Missing },
	"duplicate":     func(c *reports.Callbacks) int64 { return c.Counters.Duplicate },
	"outOfOrder":    func(c *reports.Callbacks) int64 { return c.Counters.OutOfOrder },
	"late":          func(c *reports.Callbacks) int64 { return c.Counters.Late },
	"badSignature":  func(c *reports.Callbacks) int64 { return c.Counters.BadSignature },
	"schemaInvalid": func(c *reports.Callbacks) int64 { return c.Counters.SchemaInvalid },
	"clockSkew":     func(c *reports.Callbacks) int64 { return c.Counters.ClockSkew },
	"lost":          func(c *reports.Callbacks) int64 { return c.EmulatorLoss.Total() },
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

// CallbackThreshold is a parsed callback threshold.
type CallbackThreshold struct {
	Expr  string
	Event string // "" for run-wide counts
	Stat  string
	Op    string
	Value float64 // nanoseconds for delays, plain for counts
	Delay bool
}

// IsCallbackThreshold says whether an expression names a callback metric (callback.…), so
// that the CLI can route it here rather than to the load thresholds.
func IsCallbackThreshold(expr string) bool {
	return strings.HasPrefix(strings.TrimSpace(expr), "callback.")
}

// ParseCallbackThreshold parses one callback threshold (see the grammar above).
func ParseCallbackThreshold(expr string) (CallbackThreshold, error) {
	m := reCallbackThreshold.FindStringSubmatch(expr)
	if m == nil {
		return CallbackThreshold{}, fmt.Errorf("threshold %q: want callback.METRIC OP VALUE, e.g. callback.fee.p99<2s or callback.missing==0", expr)
	}
	t := CallbackThreshold{Expr: strings.TrimSpace(expr), Op: m[2]}
	name, val := m[1], m[3]
	if _, ok := callbackRunCounts[name]; ok {
		t.Stat = name
	} else {
		ev, stat, ok := cutStat(name)
		_, isCount := callbackTypeCounts[stat]
		_, isDelay := callbackTypeDelays[stat]
		if !ok || (!isCount && !isDelay) {
			return CallbackThreshold{}, fmt.Errorf("threshold %q: unknown callback metric %q (want callback.missing, duplicate, outOfOrder, late, badSignature, schemaInvalid, clockSkew, lost, or callback.EVENT.p50|p90|p99|p99.9|max|count|expected|received|missing|duplicate)", expr, "callback."+name)
		}
		t.Event, t.Stat, t.Delay = ev, stat, isDelay
	}
	if t.Delay {
		d, err := time.ParseDuration(val)
		if err != nil {
			return CallbackThreshold{}, fmt.Errorf("threshold %q: callback.%s needs a duration such as 2s, got %q", expr, name, val)
		}
		t.Value = float64(d)
		return t, nil
	}
	f, err := strconv.ParseFloat(val, 64)
	if err != nil {
		return CallbackThreshold{}, fmt.Errorf("threshold %q: callback.%s needs a number, got %q", expr, name, val)
	}
	t.Value = f
	return t, nil
}

// cutStat splits EVENT.STAT, keeping "p99.9" whole.
func cutStat(name string) (event, stat string, ok bool) {
	if strings.HasSuffix(name, ".p99.9") {
		return strings.TrimSuffix(name, ".p99.9"), "p99.9", strings.TrimSuffix(name, ".p99.9") != ""
	}
	i := strings.LastIndexByte(name, '.')
	if i <= 0 || i == len(name)-1 {
		return "", "", false
	}
	return name[:i], name[i+1:], true
}

// CallbackThresholds evaluates callback thresholds on a callback section; a nil section (no
// receiver ran) fails every threshold with "no callback results".
func CallbackThresholds(cb *reports.Callbacks, exprs []string) ([]reports.Threshold, error) {
	var out []reports.Threshold
	for _, e := range exprs {
		t, err := ParseCallbackThreshold(e)
		if err != nil {
			return nil, err
		}
		th := reports.Threshold{Expression: t.Expr, Unit: reports.UnitCount}
		if t.Delay {
			th.Unit = reports.UnitNanoseconds
		}
		measured := true
		switch {
		case cb == nil:
			measured, th.Message = false, "no callback results"
		case t.Event == "":
			th.Observed = float64(callbackRunCounts[t.Stat](cb))
		default:
			var ct reports.CallbackType
			found := false
			for _, x := range cb.Events {
				if x.Event == t.Event {
					ct, found = x, true
				}
			}
			switch {
			case t.Delay && (!found || ct.Count == 0):
				measured, th.Message = false, "no samples"
			case t.Delay:
				th.Observed = float64(callbackTypeDelays[t.Stat](ct.Latency))
			default:
				th.Observed = float64(callbackTypeCounts[t.Stat](ct))
			}
		}
		th.Passed = measured && loadtest.Compare(th.Observed, t.Op, t.Value)
		out = append(out, th)
	}
	return out, nil
}
