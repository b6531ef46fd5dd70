package reports

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// svgTexts returns the text of every <text class="cls"> element of an SVG fragment, with its
// y coordinate.
func svgTexts(svg, cls string) (texts []string, ys []float64) {
	re := regexp.MustCompile(`<text class="` + regexp.QuoteMeta(cls) + `" x="[-0-9.]+" y="([-0-9.]+)"[^>]*>([^<]*)</text>`)
	for _, m := range re.FindAllStringSubmatch(svg, -1) {
		y, _ := strconv.ParseFloat(m[1], 64)
		texts, ys = append(texts, m[2]), append(ys, y)
	}
	return texts, ys
}

// TestCallbackChartEveryType: the delay chart of a callback section draws every event type
// that has data (fee among them, the type a threshold checks), names both axes with units,
// keeps its legend below the title, and breaks a line over a stretch without data.
func TestCallbackChartEveryType(t *testing.T) {
	types := []string{"alerting", "answer", "callin", "callout", "disconnect", "fee", "idle", "numStatus", "sms.notify", "release"}
	cb := &Callbacks{Reference: "emulator"}
	for i, ev := range types {
		ct := CallbackType{Event: ev, Count: 3}
		for _, sec := range []int{1, 2, 3} {
			ct.Series = append(ct.Series, CallbackPoint{T: time.Duration(sec) * time.Second, Count: 1, Mean: time.Duration(i+sec) * time.Millisecond})
		}
		if ev == "fee" { // seconds 4 to 6 without fee records
			ct.Series = append(ct.Series, CallbackPoint{T: 7 * time.Second, Count: 1, Mean: 40 * time.Millisecond},
				CallbackPoint{T: 8 * time.Second, Count: 1, Mean: 41 * time.Millisecond})
		}
		cb.Events = append(cb.Events, ct)
	}
	v := buildCallbacks(cb)
	svg := string(v.DelayChart)
	for _, ev := range types {
		if !regexp.MustCompile(`<g class="legend s\d"><line[^>]*/><text[^>]*>` + regexp.QuoteMeta(ev) + `</text></g>`).MatchString(svg) {
			t.Errorf("legend lacks %s", ev)
		}
	}
	atitles, _ := svgTexts(svg, "atitle")
	if strings.Join(atitles, "|") != "time since start (s)|mean delay (ms)" {
		t.Errorf("axis titles %q", atitles)
	}
	_, titleY := svgTexts(svg, "ctitle")
	for _, m := range regexp.MustCompile(`<g class="legend[^"]*"><line[^>]*/><text x="[0-9.]+" y="([0-9.]+)"`).FindAllStringSubmatch(svg, -1) {
		y, _ := strconv.ParseFloat(m[1], 64)
		if len(titleY) != 1 || y < titleY[0]+16 {
			t.Fatalf("legend row at y=%v overlaps the title at %v", y, titleY)
		}
	}
	// Nine types are one line each; fee is two (1-3 s and 7-8 s), never one across 4-6 s.
	if n := strings.Count(svg, "<polyline"); n != len(types)+1 {
		t.Errorf("%d lines, want %d (fee broken at its gap)", n, len(types)+1)
	}
}

// TestCountAxesHaveIntegerTicks: a histogram of a few requests labels its y axis with whole,
// distinct numbers (it read "0, 1, 1, 2, 2").
func TestCountAxesHaveIntegerTicks(t *testing.T) {
	for _, max := range []float64{1, 2, 3, 7, 12, 26, 1234} {
		svg := string(barChart{Title: "h", Labels: []string{"1ms", "2ms"}, Values: []float64{max, 1}, YInt: true,
			YFmt: func(v float64) string { return FormatCount(int64(v + 0.5)) }}.render())
		labs, _ := svgTexts(svg, "ylab")
		seen := map[string]bool{}
		for _, l := range labs {
			if seen[l] {
				t.Errorf("max %v: y labels %q repeat %q", max, labs, l)
			}
			seen[l] = true
		}
		if len(labs) == 0 {
			t.Fatalf("max %v: no y labels", max)
		}
		if top, _ := strconv.ParseFloat(strings.ReplaceAll(labs[len(labs)-1], ",", ""), 64); top < max {
			t.Errorf("max %v: top label %q below the data", max, labs[len(labs)-1])
		}
		for _, v := range intTicks(max, tickCount) {
			if v != float64(int64(v)) {
				t.Errorf("max %v: tick %v is not whole", max, v)
			}
		}
	}
}

// TestInterfaceChartsRender: a load scenario with per-interface series gets a requests-per-
// second chart of every interface, one percentile chart per interface (its lines broken at a
// second without a request of it) and a requests-in-flight chart, each with both axis titles.
func TestInterfaceChartsRender(t *testing.T) {
	s := fixtureSummary(t)
	lv := buildLoad(s.Load.Scenarios[0])
	if len(lv.IfaceLatencyCharts) != 2 {
		t.Fatalf("%d per-interface latency charts, want 2", len(lv.IfaceLatencyCharts))
	}
	charts := map[string]string{
		"rate":       string(lv.IfaceRateChart),
		"in flight":  string(lv.InFlightChart),
		"axb.bind":   string(lv.IfaceLatencyCharts[0]),
		"axb.unbind": string(lv.IfaceLatencyCharts[1]),
	}
	for name, svg := range charts {
		if at, _ := svgTexts(svg, "atitle"); len(at) != 2 || at[0] != "time since start (s)" {
			t.Errorf("%s chart: axis titles %q", name, at)
		}
	}
	if !strings.Contains(charts["axb.unbind"], "Corrected response time of axb.unbind per second") {
		t.Error("the axb.unbind chart is not titled by its interface")
	}
	// axb.bind: one line per percentile; axb.unbind: two per percentile (no request at 45 s).
	if n := strings.Count(charts["axb.bind"], "<polyline"); n != 3 {
		t.Errorf("axb.bind: %d lines, want 3", n)
	}
	if n := strings.Count(charts["axb.unbind"], "<polyline"); n != 6 {
		t.Errorf("axb.unbind: %d lines, want 6 (broken at 45 s)", n)
	}
	for _, name := range []string{"axb.bind", "axb.unbind"} {
		if !strings.Contains(charts["rate"], ">"+name+"</text></g>") {
			t.Errorf("rate chart legend lacks %s", name)
		}
	}
	// A summary written before the per-interface series has none of these charts.
	for i := range s.Load.Scenarios[0].Series {
		s.Load.Scenarios[0].Series[i].Interfaces, s.Load.Scenarios[0].Series[i].InFlight = nil, 0
	}
	if lv := buildLoad(s.Load.Scenarios[0]); lv.IfaceRateChart != "" || lv.InFlightChart != "" || lv.IfaceLatencyCharts != nil {
		t.Error("charts drawn without data")
	}
}

// TestLatencyChartSkipsUntimedSeconds: a second with no timed request (requests only in
// flight, or only scheduled) has no latency: the all-interfaces latency chart breaks its lines
// there instead of drawing a dip to 0 ms; the rate chart draws its 0 req/s.
func TestLatencyChartSkipsUntimedSeconds(t *testing.T) {
	ls := LoadScenario{Name: "x", Primary: "axb.bind", Duration: 5 * time.Second}
	for i := 1; i <= 5; i++ {
		p := SeriesPoint{T: time.Duration(i) * time.Second, TargetRate: 10, AchievedRate: 10, P50: 5 * time.Millisecond, P99: 9 * time.Millisecond}
		if i == 3 {
			p.AchievedRate, p.P50, p.P99, p.InFlight = 0, 0, 0, 2
		}
		ls.Series = append(ls.Series, p)
	}
	lv := buildLoad(ls)
	if n := strings.Count(string(lv.LatencyChart), "<polyline"); n != 4 {
		t.Errorf("latency chart: %d lines, want p50 and p99 each broken at 3 s", n)
	}
	if strings.Count(string(lv.RateChart), "<polyline") != 2 {
		t.Error("rate chart: want the target and achieved lines unbroken (0 req/s is data)")
	}
}
