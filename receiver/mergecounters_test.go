package receiver

import (
	"reflect"
	"testing"
	"time"
)

// reportMergeRules says how Merge combines each field of Report. A field added to Report
// without a rule here fails TestMergeKeepsEveryCounter, so a new counter cannot be left out of
// Merge unnoticed; the counter structs' int64 fields are checked by reflection (each the sum).
var reportMergeRules = map[string]string{
	"Format":        "the lowest",
	"Started":       "the earliest",
	"Elapsed":       "the longest",
	"Counters":      "sum of every field",
	"ByKind":        "sum by key",
	"ByEventType":   "sum by key",
	"ByScheme":      "sum by key",
	"Sessions":      "sum of every field",
	"ByType":        "sum of every field by key",
	"Causes":        "sum by key",
	"BlockReplies":  "sum by key",
	"PlatformClock": "samples summed, min of min, max of max",
	"Final":         "any",
	"Settle":        "the longest",
	"Deliveries":    "attempts summed by key, intervals merged",
	"Latency":       "histograms merged (TestMergeCountsDroppedDelays)",
	"Failures":      "appended",
	"Violations":    "appended",
	"BadSignatures": "appended",
	"Duplicates":    "appended",
	"MergeDropped":  "sum by key, plus what this merge dropped",
}

// counterMaxes are the integer fields of the counter structs that merge as the larger value,
// not the sum: a largest-seen size, not a count.
var counterMaxes = map[string]bool{"Counters.MaxFeeBatch": true}

// fillInts sets every integer field of the struct v points to, including those of embedded
// counter structs (pns.TypeAnomalies): the i-th integer to base+i.
func fillInts(v any, base int64) {
	n := base
	var fill func(e reflect.Value)
	fill = func(e reflect.Value) {
		for i := 0; i < e.NumField(); i++ {
			f := e.Field(i)
			switch {
			case f.Kind() == reflect.Int64 || f.Kind() == reflect.Int:
				f.SetInt(n)
				n++
			case f.Kind() == reflect.Struct && e.Type().Field(i).Anonymous:
				fill(f)
			}
		}
	}
	fill(reflect.ValueOf(v).Elem())
}

// sumsEveryInt fails for each integer field of got that is not a's plus b's (the larger of
// the two for counterMaxes), and for a field that is no integer (it needs its own check).
// Embedded counter structs are checked field by field.
func sumsEveryInt(t *testing.T, what string, got, a, b any) {
	t.Helper()
	g, x, y := reflect.ValueOf(got), reflect.ValueOf(a), reflect.ValueOf(b)
	for i := 0; i < g.NumField(); i++ {
		name := what + "." + g.Type().Field(i).Name
		if g.Field(i).Kind() == reflect.Struct && g.Type().Field(i).Anonymous {
			sumsEveryInt(t, name, g.Field(i).Interface(), x.Field(i).Interface(), y.Field(i).Interface())
			continue
		}
		if k := g.Field(i).Kind(); k != reflect.Int64 && k != reflect.Int {
			t.Errorf("%s is not an integer counter: give it a rule", name)
			continue
		}
		want := x.Field(i).Int() + y.Field(i).Int()
		if counterMaxes[name] {
			want = max(x.Field(i).Int(), y.Field(i).Int())
		}
		if g.Field(i).Int() != want {
			t.Errorf("%s = %d after merge, want %d", name, g.Field(i).Int(), want)
		}
	}
}

// TestMergeKeepsEveryCounter: every counter of two receiver reports survives Merge, summed,
// including the dropped-on-merge counts; and every Report field has a merge rule.
func TestMergeKeepsEveryCounter(t *testing.T) {
	rt := reflect.TypeOf(Report{})
	for i := 0; i < rt.NumField(); i++ {
		if _, ok := reportMergeRules[rt.Field(i).Name]; !ok {
			t.Errorf("Report.%s has no merge rule: merge it in Merge and say how in reportMergeRules", rt.Field(i).Name)
		}
	}
	mk := func(base int64) Report {
		r := Report{Started: time.Unix(base, 0), Elapsed: time.Duration(base), Settle: time.Duration(base),
			ByKind: map[string]int64{"k": base}, ByEventType: map[string]int64{"e": base + 1}, ByScheme: map[string]int64{"s": base + 2},
			ByType:        map[string]TypeCounts{},
			PlatformClock: &ClockOffset{Samples: base, MinMs: float64(-base), MaxMs: float64(base)},
			Deliveries:    &Deliveries{Attempts: map[string]int64{"1": base}},
			MergeDropped:  map[string]int64{"trigger/fee": base + 3},
			Causes:        map[string]int64{"8014": base + 4, CauseAbsent: base + 5},
			BlockReplies:  map[string]int64{"callin connect": base + 6}}
		fillInts(&r.Counters, base)
		fillInts(&r.Sessions, base+100)
		var tc TypeCounts
		fillInts(&tc, base+200)
		r.ByType["fee"] = tc
		return r
	}
	a, b := mk(1), mk(1000)
	m, err := Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	sumsEveryInt(t, "Counters", m.Counters, a.Counters, b.Counters)
	sumsEveryInt(t, "Sessions", m.Sessions, a.Sessions, b.Sessions)
	sumsEveryInt(t, "ByType[fee]", m.ByType["fee"], a.ByType["fee"], b.ByType["fee"])
	for name, pair := range map[string][3]map[string]int64{
		"ByKind":       {m.ByKind, a.ByKind, b.ByKind},
		"ByEventType":  {m.ByEventType, a.ByEventType, b.ByEventType},
		"ByScheme":     {m.ByScheme, a.ByScheme, b.ByScheme},
		"MergeDropped": {m.MergeDropped, a.MergeDropped, b.MergeDropped},
		"Causes":       {m.Causes, a.Causes, b.Causes},
		"BlockReplies": {m.BlockReplies, a.BlockReplies, b.BlockReplies},
		"Attempts":     {m.Deliveries.Attempts, a.Deliveries.Attempts, b.Deliveries.Attempts},
	} {
		for k, v := range pair[1] {
			if want := v + pair[2][k]; pair[0][k] != want {
				t.Errorf("%s[%s] = %d after merge, want %d", name, k, pair[0][k], want)
			}
		}
	}
	if pc := m.PlatformClock; pc == nil || pc.Samples != 1001 || pc.MinMs != -1000 || pc.MaxMs != 1000 {
		t.Errorf("platform clock %+v", pc)
	}
	if !m.Started.Equal(a.Started) || m.Elapsed != b.Elapsed || m.Settle != b.Settle {
		t.Errorf("started %v elapsed %v settle %v", m.Started, m.Elapsed, m.Settle)
	}
}
