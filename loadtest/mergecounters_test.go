package loadtest

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// mergeRule is how a numeric field of Result combines when results are merged.
type mergeRule int

const (
	// ruleSum: the merged value is the sum of the inputs'.
	ruleSum mergeRule = iota
	// ruleSumOfSame: the shards must agree on it (the merge refuses them otherwise) and the
	// merged value is the sum (a per-shard plan's rates add up to the total's).
	ruleSumOfSame
	// ruleMax: the merged value is the larger (the run's length, the lag limit, the binds'
	// lifetime).
	ruleMax
	// ruleSame: the shards must agree on it; the merged value is theirs.
	ruleSame
	// ruleFirst: the first input's (the flow step's think time, the same on every shard).
	ruleFirst
	// ruleDerived: recomputed from the merged counters and histograms (rates, ratios,
	// percentiles, offsets), or rebuilt per shard (ShardSeries, checked on its own below).
	ruleDerived
	// ruleNotCarried: thresholds are evaluated again on the merged result.
	ruleNotCarried
)

// resultMergeRules is every numeric field of Result, by path ([] a slice's element, {} a
// map's value), with how a merge combines it. A numeric field added to Result without a line
// here fails TestMergeKeepsEveryCounter: give it its merge in aggregate.merge (and
// aggregateFromResult) and its rule here.
var resultMergeRules = map[string]mergeRule{
	"Version":                         ruleSame,
	"Plan[].Duration":                 ruleSame,
	"Plan[].Rate":                     ruleSumOfSame,
	"Plan[].From":                     ruleSumOfSame,
	"TargetHits":                      ruleSum,
	"SentHits":                        ruleSum,
	"ElapsedSeconds":                  ruleMax,
	"TargetRate":                      ruleDerived,
	"AchievedRate":                    ruleDerived,
	"ShortfallPct":                    ruleDerived,
	"HoldSeconds":                     ruleSame,
	"Flows[].Pool":                    ruleSum,
	"Flows[].Plan[].Duration":         ruleSame,
	"Flows[].Plan[].Rate":             ruleSum,
	"Flows[].Plan[].From":             ruleSum,
	"Flows[].TargetArrivals":          ruleSum,
	"Flows[].Arrivals":                ruleSum,
	"Flows[].Completed":               ruleSum,
	"Flows[].Ended":                   ruleSum,
	"Flows[].Steps[].ThinkSeconds":    ruleFirst,
	"Flows[].Steps[].Count":           ruleSum,
	"Flows[].Steps[].Success":         ruleSum,
	"Generator.LimitMs":               ruleMax,
	"Rejections[].Count":              ruleSum,
	"Rejections[].Interfaces{}":       ruleSum,
	"Rejections[].BeganOffsetSeconds": ruleDerived,
	"Rejections[].BeganAtRate":        ruleDerived,
	"Rejections[].BeganAtTargetRate":  ruleDerived,
	"Interfaces[].Count":              ruleDerived, // the sum of its codes' counts
	"Interfaces[].Success":            ruleDerived, // its code "0" count
	"Interfaces[].SuccessPct":         ruleDerived,
	"Interfaces[].Buckets[].LE":       ruleDerived,
	"Interfaces[].Buckets[].Count":    ruleDerived,
	"Interfaces[].Codes[].Count":      ruleSum,
	"Interfaces[].Codes[].Statuses{}": ruleSum,
	"Callbacks[].Count":               ruleSum, // its histogram's count, which the merge adds
	"Series[].T":                      ruleSame,
	"Series[].Offset":                 ruleDerived,
	"Series[].TargetRate":             ruleSum,
	"Series[].AchievedRate":           ruleSum,
	"Series[].Requests":               ruleSum,
	"Series[].Success":                ruleSum,
	"Series[].SuccessPct":             ruleDerived,
	"Series[].P50":                    ruleDerived,
	"Series[].P99":                    ruleDerived,
	"Series[].CorrectedP99":           ruleDerived,
	"Series[].ConformanceErrors":      ruleSum,
	"Series[].Callbacks":              ruleSum,
	"Series[].InFlight":               ruleSum,
	"Series[].ActiveSessions":         ruleSum,
	"Series[].Interfaces[].Requests":  ruleSum,
	"Series[].Interfaces[].P50":       ruleDerived,
	"Series[].Interfaces[].P95":       ruleDerived,
	"Series[].Interfaces[].P99":       ruleDerived,
	"Conformance.Checked":             ruleSum,
	"Conformance.SchemaChecked":       ruleSum,
	"Conformance.Errors":              ruleSum,
	"Cleanup.Bound":                   ruleSum,
	"Cleanup.Unbound":                 ruleSum,
	"Cleanup.Retried":                 ruleSum,
	"Cleanup.Leaked":                  ruleSum,
	"Cleanup.Unknown":                 ruleSum,
	"Cleanup.LifetimeSeconds":         ruleMax, // the longest a left-behind binding lives
	"Thresholds[].Actual":             ruleNotCarried,
	// A window of one shard's answers is no window of the run's: a merged result has none, so
	// its windowed thresholds are not checked.
	"Windows[].WindowSeconds":             ruleNotCarried,
	"Windows[].Checked":                   ruleNotCarried,
	"Windows[].Failed":                    ruleNotCarried,
	"Windows[].Actual":                    ruleNotCarried,
	"Windows[].ActualEnd":                 ruleNotCarried,
	"Windows[].FirstFailedEnd":            ruleNotCarried,
	"Windows[].ElapsedSeconds":            ruleNotCarried,
	"Windows[].Inexact":                   ruleNotCarried,
	"Windows[].DroppedOnMerge":            ruleNotCarried,
	"ShardSeries[].Points[].T":            ruleDerived,
	"ShardSeries[].Points[].TargetRate":   ruleDerived,
	"ShardSeries[].Points[].AchievedRate": ruleDerived,
	"MergeDropped[].Values":               ruleSum,
}

// latencyFields are the fields of Latency, a summary of a histogram: derived wherever a
// Latency appears.
var latencyFields = []string{"Count", "Min", "Mean", "P50", "P90", "P95", "P99", "P999", "Max"}

func init() {
	for _, l := range []string{"Generator.Lag", "Generator.Blocked", "Interfaces[].Service", "Interfaces[].Corrected",
		"Interfaces[].Codes[].Service", "Interfaces[].Codes[].Corrected", "Callbacks[].Latency"} {
		for _, f := range latencyFields {
			resultMergeRules[l+"."+f] = ruleDerived
		}
	}
}

var timeType = reflect.TypeOf(time.Time{})

func isNumeric(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// numericPaths lists the numeric leaves of t (exported fields, slice elements, map values).
func numericPaths(t reflect.Type, prefix string, out *[]string) {
	switch {
	case t == timeType:
	case isNumeric(t.Kind()):
		*out = append(*out, prefix)
	case t.Kind() == reflect.Pointer:
		numericPaths(t.Elem(), prefix, out)
	case t.Kind() == reflect.Slice:
		numericPaths(t.Elem(), prefix+"[]", out)
	case t.Kind() == reflect.Map:
		numericPaths(t.Elem(), prefix+"{}", out)
	case t.Kind() == reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			p := f.Name
			if prefix != "" {
				p = prefix + "." + f.Name
			}
			numericPaths(f.Type, p, out)
		}
	}
}

// fill gives every numeric leaf of v a value of its own: distinct per field and per seed,
// except for the fields the shards must agree on, which get the same value in every input.
// Slices get one element and maps one key "k".
func fill(v reflect.Value, path string, seed int, n *int) {
	switch {
	case v.Type() == timeType:
	case isNumeric(v.Kind()):
		*n++
		x := float64(*n)
		switch resultMergeRules[path] {
		case ruleSame, ruleSumOfSame:
		default:
			x += float64(seed * 1000)
		}
		switch v.Kind() {
		case reflect.Float32, reflect.Float64:
			v.SetFloat(x)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			v.SetUint(uint64(x))
		default:
			v.SetInt(int64(x))
		}
	case v.Kind() == reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0), path+"[]", seed, n)
		v.Set(s)
	case v.Kind() == reflect.Map:
		m := reflect.MakeMap(v.Type())
		e := reflect.New(v.Type().Elem()).Elem()
		fill(e, path+"{}", seed, n)
		m.SetMapIndex(reflect.ValueOf("k"), e)
		v.Set(m)
	case v.Kind() == reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			p := f.Name
			if path != "" {
				p = path + "." + f.Name
			}
			fill(v.Field(i), p, seed, n)
		}
	}
}

// leaf returns the numeric leaf at path (the first element of every slice, key "k" of every
// map) as a float64.
func leaf(v reflect.Value, path string) (float64, error) {
	for _, seg := range strings.Split(path, ".") {
		name := strings.TrimRight(seg, "[]{}")
		v = v.FieldByName(name)
		for rest := seg[len(name):]; rest != ""; rest = rest[2:] {
			switch rest[:2] {
			case "[]":
				if v.Len() == 0 {
					return 0, fmt.Errorf("%s: empty", path)
				}
				v = v.Index(0)
			case "{}":
				v = v.MapIndex(reflect.ValueOf("k"))
				if !v.IsValid() {
					return 0, fmt.Errorf("%s: no key k", path)
				}
			}
		}
	}
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		return v.Float(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(v.Uint()), nil
	}
	return float64(v.Int()), nil
}

// mergeInput is a result whose every numeric field is set (fill), made consistent where the
// merge needs it: one run, shard seed of 2, the same interface, code, event, flow and second,
// histograms holding as many values as their counts.
func mergeInput(t *testing.T, seed int) *Result {
	t.Helper()
	r := &Result{}
	n := 0
	fill(reflect.ValueOf(r).Elem(), "", seed, &n)
	hist := func(count int64) string {
		h := newHist()
		if err := h.RecordValues(int64(time.Millisecond)*int64(seed+1), count); err != nil {
			t.Fatal(err)
		}
		s, err := encodeHist(h)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	start := time.Date(2026, 12, 1, 22, 30, 0, 0, time.UTC)
	r.Version, r.Scenario, r.Mode, r.Primary = ResultVersion, "bind-unbind", "axb", "axb.bind"
	r.Shards, r.Attacks = []string{fmt.Sprintf("%d/2", seed)}, nil
	r.Run = RunInfo{ID: "run", HarnessVersion: "test"}
	r.Started, r.Ended = start, start.Add(time.Minute)
	r.Interfaces[0].ID = "axb.bind"
	c := &r.Interfaces[0].Codes[0]
	c.Code, c.ServiceHist, c.CorrectedHist = "0", hist(c.Count), hist(c.Count)
	r.Callbacks[0].Event, r.Callbacks[0].Hist = "fee", hist(r.Callbacks[0].Count)
	r.Series[0].ServiceHist, r.Series[0].CorrectedHist = hist(r.Series[0].Requests), hist(r.Series[0].Requests)
	r.Generator.LagHist, r.Generator.BlockedHist = hist(10), hist(10)
	r.Rejections[0].Code = "1010010"
	r.Flows[0].Name, r.Flows[0].Mode, r.Flows[0].Steps[0].Op = "f", "axb", "bind"
	r.MergeDropped[0].Histogram = "callback fee"
	r.ShardSeries = nil // a shard's own series is its Series
	return r
}

// Every numeric field of a load result survives a merge: two results with every field set to
// values of its own are merged, and each field is the sum of the inputs' or the combination
// resultMergeRules documents. A counter added to Result later without a merge line (and a
// rule) fails here.
func TestMergeKeepsEveryCounter(t *testing.T) {
	var paths []string
	numericPaths(reflect.TypeOf(Result{}), "", &paths)
	known := map[string]bool{}
	for _, p := range paths {
		known[p] = true
		if _, ok := resultMergeRules[p]; !ok {
			t.Errorf("Result.%s has no merge rule: merge it in aggregate.merge and say how in resultMergeRules", p)
		}
	}
	var stale []string
	for p := range resultMergeRules {
		if !known[p] {
			stale = append(stale, p)
		}
	}
	sort.Strings(stale)
	if len(stale) > 0 {
		t.Errorf("resultMergeRules names fields Result no longer has: %v", stale)
	}

	a, b := mergeInput(t, 0), mergeInput(t, 1)
	m, err := MergeResults(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, mergeInput(t, 0)) || !reflect.DeepEqual(b, mergeInput(t, 1)) {
		t.Error("the merge wrote into its inputs")
	}
	ra, rb, rm := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem(), reflect.ValueOf(m).Elem()
	for _, p := range paths {
		rule := resultMergeRules[p]
		if rule == ruleDerived || rule == ruleNotCarried {
			continue
		}
		x, err1 := leaf(ra, p)
		y, err2 := leaf(rb, p)
		got, err3 := leaf(rm, p)
		if err := errorsJoin(err1, err2, err3); err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		var want float64
		switch rule {
		case ruleSum, ruleSumOfSame:
			want = x + y
		case ruleMax:
			want = math.Max(x, y)
		case ruleSame, ruleFirst:
			want = x
		}
		if rule != ruleSame && rule != ruleSumOfSame && x == y {
			t.Errorf("%s: the inputs hold the same value %g, which proves nothing", p, x)
		}
		if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
			t.Errorf("%s: merged %g, want %g (inputs %g and %g)", p, got, want, x, y)
		}
	}
	// The derived figures follow from the merged counters.
	if want := round3(m.TargetHits / m.ElapsedSeconds); m.TargetRate != want {
		t.Errorf("TargetRate %g, want TargetHits/ElapsedSeconds %g", m.TargetRate, want)
	}
	if is := m.Interfaces[0]; is.Count != is.Codes[0].Count || is.Success != is.Codes[0].Count {
		t.Errorf("interface count %d success %d, want its code 0's %d", is.Count, is.Success, is.Codes[0].Count)
	}
	if got, want := m.Callbacks[0].Latency.Count, a.Callbacks[0].Count+b.Callbacks[0].Count; got != want {
		t.Errorf("callback latency count %d, want %d", got, want)
	}
	// Each shard's rate over time is kept apart, the thresholds are not carried over.
	if len(m.ShardSeries) != 2 {
		t.Fatalf("shard series %+v", m.ShardSeries)
	}
	for i, in := range []*Result{a, b} {
		pt := m.ShardSeries[i].Points[0]
		if s := in.Series[0]; pt.T != s.T || pt.TargetRate != s.TargetRate || pt.AchievedRate != s.AchievedRate {
			t.Errorf("shard %d series %+v, want its Series %+v", i, pt, s)
		}
	}
	if m.Thresholds != nil {
		t.Errorf("thresholds carried over: %+v", m.Thresholds)
	}
}

func errorsJoin(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// A merged histogram that cannot hold a value says so: the dropped values are counted by
// histogram and carried through a merge of merges.
func TestMergeCountsDroppedValues(t *testing.T) {
	wide := hdr.New(histLowest, 10*histHighest, histSigFigs)
	if err := wide.RecordValue(5 * histHighest); err != nil {
		t.Fatal(err)
	}
	narrow := newHist()
	record(narrow, time.Millisecond)
	var dst *hdr.Histogram
	if n := mergeInto(&dst, narrow); n != 0 {
		t.Fatalf("first merge dropped %d", n)
	}
	if n := mergeInto(&dst, wide); n != 1 {
		t.Fatalf("merge of a value beyond the range dropped %d, want 1", n)
	}
	a := newAggregate()
	a.drop("callback fee", 2)
	a.drop("generator lag", 0)
	b := newAggregate()
	b.drop("callback fee", 3)
	if err := a.merge(b); err != nil {
		t.Fatal(err)
	}
	r, err := a.result(true)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.MergeDropped) != 1 || r.MergeDropped[0] != (DroppedValues{"callback fee", 5}) {
		t.Fatalf("dropped %+v", r.MergeDropped)
	}
	back, err := aggregateFromResult(r)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := back.result(true); err != nil || len(again.MergeDropped) != 1 || again.MergeDropped[0].Values != 5 {
		t.Fatalf("re-read: %+v %v", again.MergeDropped, err)
	}
	if want := "merge not exact: 5 recorded value(s) fell outside the range of the histogram they were merged into and were dropped (callback fee 5): the merged percentiles leave them out"; r.NotExact() != want {
		t.Fatalf("NotExact %q", r.NotExact())
	}
}
