package loadtest

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// The one grammar of callback thresholds, shared by `harness load`, `harness run`, `harness
// receive` and `harness report` (package assemble evaluates it on the receiver's results):
//
//	callback.COUNT OP N        run-wide counts (CallbackRunCounts)
//	callback.EVENT.STAT OP V   one notification type (CallbackEvents, or "all")
//
// STAT is a delay statistic, pNN (0 < NN ≤ 100, e.g. p95, p99.9), max, mean or min, compared
// with a duration, or a count of the type (CallbackTypeCounts) compared with a number.
var reCallbackThreshold = regexp.MustCompile(`^\s*callback\.([A-Za-z0-9.]+?)\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$`)

// CallbackRunCounts are the run-wide callback counts a threshold may name; "schemaInvalid" is
// the former name of "invalid" and means the same counter.
var CallbackRunCounts = []string{"missing", "duplicate", "outOfOrder", "late", "badSignature", "invalid",
	"schemaInvalid", "clockSkew", "lost", "orphan", "afterDisconnect", "unsettled"}

// CallbackTypeCounts are the counts of one notification type a threshold may name.
var CallbackTypeCounts = []string{"count", "expected", "received", "missing", "duplicate", "outOfOrder", "late", "clockSkew"}

// CallbackEvents are the notification types a threshold may name: the rows of every kind of
// pns.Notifications, and "all", which adds them up.
var CallbackEvents = append(pns.NotificationTypes(), "all")

// CallbackThreshold is a parsed callback threshold.
type CallbackThreshold struct {
	Expr  string
	Event string // "" for run-wide counts
	Stat  string
	Op    string
	Value float64 // nanoseconds for delays, plain for counts
	Delay bool
}

// IsCallbackThreshold says whether an expression names a callback metric (callback.…).
func IsCallbackThreshold(expr string) bool {
	return strings.HasPrefix(strings.TrimSpace(expr), callbackPrefix)
}

func oneOf(s string, list []string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// isDelayStat says whether stat is a delay statistic: pNN, max, mean or min.
func isDelayStat(stat string) bool {
	if stat == "max" || stat == "mean" || stat == "min" {
		return true
	}
	if !rePct.MatchString(stat) {
		return false
	}
	q, _ := strconv.ParseFloat(stat[1:], 64)
	return q > 0 && q <= 100
}

// ParseCallbackThreshold parses one callback threshold; an unknown metric, event or statistic
// is an error naming what is accepted.
func ParseCallbackThreshold(expr string) (CallbackThreshold, error) {
	m := reCallbackThreshold.FindStringSubmatch(expr)
	if m == nil {
		return CallbackThreshold{}, fmt.Errorf("threshold %q: want callback.METRIC OP VALUE, e.g. callback.fee.p99<2s or callback.missing==0", expr)
	}
	t := CallbackThreshold{Expr: strings.TrimSpace(expr), Op: m[2]}
	name, val := m[1], m[3]
	if oneOf(name, CallbackRunCounts) {
		t.Stat = name
		if name == "schemaInvalid" {
			t.Stat = "invalid"
		}
	} else {
		ev, stat, ok := cutCallbackStat(name)
		switch {
		case !ok || (!oneOf(stat, CallbackTypeCounts) && !isDelayStat(stat)):
			return CallbackThreshold{}, fmt.Errorf("threshold %q: unknown callback metric %q (want callback.%s, or callback.EVENT.pNN|max|mean|min|%s)",
				expr, "callback."+name, strings.Join(CallbackRunCounts, "|"), strings.Join(CallbackTypeCounts, "|"))
		case !oneOf(ev, CallbackEvents):
			events := append([]string(nil), CallbackEvents...)
			sort.Strings(events)
			return CallbackThreshold{}, fmt.Errorf("threshold %q: unknown notification type %q (want one of %s)", expr, ev, strings.Join(events, ", "))
		}
		t.Event, t.Stat, t.Delay = ev, stat, isDelayStat(stat)
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

// cutCallbackStat splits EVENT.STAT, keeping a fractional percentile ("p99.9") whole.
func cutCallbackStat(name string) (event, stat string, ok bool) {
	parts := strings.Split(name, ".")
	if n := len(parts); n >= 3 && rePct.MatchString(parts[n-2]+"."+parts[n-1]) {
		parts = append(parts[:n-2], parts[n-2]+"."+parts[n-1])
	}
	if len(parts) < 2 {
		return "", "", false
	}
	event, stat = strings.Join(parts[:len(parts)-1], "."), parts[len(parts)-1]
	return event, stat, event != "" && stat != ""
}
