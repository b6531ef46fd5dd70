package reports

import (
	"fmt"
	"html/template"
	"math"
	"sort"
	"strconv"
	"strings"
)

// This file is the view of a load scenario: its interface rows, bars, charts and result
// codes. It was split from html.go (issue 23), one file per section's view.

type ifaceRow struct {
	InterfaceCounts
	All                         int
	PassW, FailW, SkipW, UndefW float64
}

type loadView struct {
	LoadScenario
	// RateUnit names the unit of the scenario's rates, e.g. "axb.bind requests/s".
	RateUnit         string
	RateChart        template.HTML
	ShardChart       template.HTML // merged shards: each shard's achieved rate and their total
	LatencyChart     template.HTML
	LoadLatencyChart template.HTML
	// IfaceRateChart draws every interface's requests per second, IfaceLatencyCharts each
	// interface's p50/p95/p99 per second (Gatling's percentiles over time), InFlightChart the
	// mean requests in flight per second; all from Series, empty when it lacks the data
	// (a summary written before they were recorded).
	IfaceRateChart     template.HTML
	IfaceLatencyCharts []template.HTML
	InFlightChart      template.HTML
	HistChart          template.HTML
	HistMetric         string
	Codes              []codeRow
	PerCode            []perCodeRow
	ViolTotal          int64

	// SessionsChart draws the mean sessions in progress per second (sessionsChart).
	SessionsChart template.HTML
}

type codeRow struct {
	CodeCount
	Share float64
}

type perCodeRow struct {
	Interface string
	CodeStats
}

// barPct clamps a percentage to 0..100 and renders it for an SVG attribute.
func barPct(p float64) string {
	if math.IsNaN(p) {
		p = 0
	}
	return strconv.FormatFloat(math.Max(0, math.Min(100, p)), 'f', 2, 64)
}

// stackBar draws an interface's outcome shares as one SVG bar: rectangles placed and sized by
// attributes (a CSP without 'unsafe-inline' blocks style="width:…") and coloured by class.
func stackBar(r ifaceRow) template.HTML {
	var b strings.Builder
	b.WriteString(`<svg class="stack" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">`)
	x := 0.0
	for _, seg := range []struct {
		class string
		w     float64
	}{{"pass", r.PassW}, {"fail", r.FailW}, {"undef", r.UndefW}, {"skip", r.SkipW}} {
		w := math.Max(0, math.Min(100-x, seg.w))
		if w > 0 {
			fmt.Fprintf(&b, `<rect class="%s" x="%s" y="0" width="%s" height="10"/>`, seg.class, barPct(x), barPct(w))
		}
		x += w
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // class names and numbers only
}

// shareBar draws a share (0..100) as an SVG bar, green for success, red otherwise.
func shareBar(share float64, ok bool) template.HTML {
	cls := "hbar"
	if ok {
		cls += " ok"
	}
	return template.HTML(fmt.Sprintf(`<svg class="%s" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true"><rect x="0" y="0" width="%s" height="10"/></svg>`, //nolint:gosec // class names and numbers only
		cls, barPct(share)))
}

func setWidths(r *ifaceRow) {
	if r.All == 0 {
		return
	}
	t := float64(r.All)
	r.PassW = float64(r.Passed) / t * 100
	r.FailW = float64(r.Failed) / t * 100
	r.SkipW = float64(r.Skipped) / t * 100
	r.UndefW = float64(r.Undefined) / t * 100
}

// maxShardLines bounds the per-shard lines drawn: beyond it the legend would not fit and the
// lines would not be told apart; the chart then shows the total only (summary.json has all).
const maxShardLines = 8

// shardChart draws the achieved rate of every shard of a merged scenario with their total
// (xs, total: the scenario's series), or nothing for a single shard.
func shardChart(ls LoadScenario, xs, total []float64) template.HTML {
	if len(ls.ShardRates) < 2 {
		return ""
	}
	title := fmt.Sprintf("Achieved rate per shard and total (req/s, %d shards)", len(ls.ShardRates))
	series := []chartSeries{{Name: "total", Class: "s0", X: xs, Y: total}}
	if len(ls.ShardRates) <= maxShardLines {
		for i, sr := range ls.ShardRates {
			cs := chartSeries{Name: "shard " + sr.Shard, Class: fmt.Sprintf("s%d", 1+i%3)}
			for _, p := range sr.Points {
				cs.X = append(cs.X, p.T.Seconds())
				cs.Y = append(cs.Y, p.AchievedRate)
			}
			series = append(series, cs)
		}
	} else {
		title = fmt.Sprintf("Achieved rate, total of %d shards (req/s; per-shard rates in summary.json)", len(ls.ShardRates))
	}
	return lineChart{Title: title, Series: series, XTime: true, XMax: ls.Duration.Seconds(), XFmt: formatSeconds,
		YFmt:   func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) },
		XTitle: "time since start (s)", YTitle: rateUnit(ls)}.render()
}

func buildLoad(ls LoadScenario) loadView {
	lv := loadView{LoadScenario: ls, RateUnit: rateUnit(ls)}
	var xs, target, achieved []float64
	// Latency points only for seconds with a timed request: a second in which requests were
	// only in flight, or only scheduled, has no latency, and a 0 there would draw a dip.
	var lx, p50, p99, lrate []float64
	for _, p := range ls.Series {
		xs = append(xs, p.T.Seconds())
		target = append(target, p.TargetRate)
		achieved = append(achieved, p.AchievedRate)
		if p.P99 > 0 {
			lx = append(lx, p.T.Seconds())
			p50 = append(p50, durMs(p.P50))
			p99 = append(p99, durMs(p.P99))
			lrate = append(lrate, p.AchievedRate)
		}
	}
	// Time axes run from 0 to the plan's end, whatever the samples.
	end := ls.Duration.Seconds()
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	lv.RateChart = lineChart{
		Title: rateTitle(ls),
		Series: []chartSeries{
			{Name: "target", Class: "s-target", X: xs, Y: target},
			{Name: "achieved", Class: "s0", X: xs, Y: achieved},
		},
		XTime: true, XMax: end, Gap: 1,
		XFmt:   formatSeconds,
		YFmt:   num,
		XTitle: "time since start (s)",
		YTitle: lv.RateUnit,
	}.render()
	lv.ShardChart = shardChart(ls, xs, achieved)
	lv.LatencyChart = lineChart{
		Title: "Corrected response time per second (all interfaces)",
		Series: []chartSeries{
			{Name: "p50", Class: "s0", X: lx, Y: p50},
			{Name: "p99", Class: "s1", X: lx, Y: p99},
		},
		XTime: true, XMax: end, Gap: 1,
		XFmt:   formatSeconds,
		YFmt:   num,
		XTitle: "time since start (s)",
		YTitle: "response time (ms)",
	}.render()
	// A plan whose rate changes gets Gatling's "response time against requests per second":
	// one dot per second, so that the knee of the curve shows the capacity.
	if ramps(ls) {
		lv.LoadLatencyChart = lineChart{
			Title:  "Corrected p99 against achieved rate (one dot per second)",
			Series: []chartSeries{{Name: "p99", Class: "s1", X: lrate, Y: p99}},
			Dots:   true,
			XFmt:   num,
			YFmt:   num,
			XTitle: "achieved " + lv.RateUnit,
			YTitle: "p99 response time (ms)",
		}.render()
	}
	lv.IfaceRateChart, lv.IfaceLatencyCharts, lv.InFlightChart = interfaceCharts(ls)
	lv.SessionsChart = sessionsChart(ls)
	if h := ls.Histogram; h != nil {
		lv.HistMetric = h.Metric
		lv.HistChart = histChart(ls.Primary, h)
	}
	lv.Codes, lv.PerCode = codeRows(ls)
	for _, st := range ls.Steps {
		lv.ViolTotal += st.ConformanceErrors
	}
	return lv
}

// histChart draws the latency histogram h of the primary interface.
func histChart(primary string, h *Histogram) template.HTML {
	var labels []string
	var vals []float64
	for _, bk := range h.Buckets {
		labels = append(labels, FormatDuration(bk.To))
		vals = append(vals, float64(bk.Count))
	}
	return barChart{
		Title:  "Latency histogram of " + orDash(primary) + " (" + h.Metric + " time)",
		Labels: labels, Values: vals,
		YFmt:   func(v float64) string { return FormatCount(int64(math.Round(v))) },
		XTitle: "bucket upper bound (latency)",
		YTitle: "requests",
		YInt:   true,
	}.render()
}

// codeRows lists the result codes of a scenario with their shares, most frequent first, and
// every interface's codes with their latencies.
func codeRows(ls LoadScenario) (rows []codeRow, perCode []perCodeRow) {
	var total int64
	for _, c := range ls.ResultCodes {
		total += c.Count
	}
	for _, c := range ls.ResultCodes {
		r := codeRow{CodeCount: c}
		if total > 0 {
			r.Share = float64(c.Count) / float64(total) * 100
		}
		rows = append(rows, r)
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Count > rows[j].Count })
	for _, il := range ls.Interfaces {
		for _, cs := range il.ResultCodes {
			perCode = append(perCode, perCodeRow{Interface: il.Interface, CodeStats: cs})
		}
	}
	return rows, perCode
}

// interfaceCharts draws the per-interface series of a scenario: the rate of every interface
// in one chart (a second of the series without a request of an interface is 0 req/s there),
// one chart of p50/p95/p99 per interface (a second without a timed request of it has no
// point, and its line breaks there), and the requests in flight.
func interfaceCharts(ls LoadScenario) (rate template.HTML, lat []template.HTML, inFlight template.HTML) {
	var ids []string
	seen := map[string]bool{}
	var hasInFlight bool
	for _, p := range ls.Series {
		for _, ip := range p.Interfaces {
			if !seen[ip.Interface] {
				seen[ip.Interface] = true
				ids = append(ids, ip.Interface)
			}
		}
		hasInFlight = hasInFlight || p.InFlight > 0
	}
	sort.Strings(ids)
	end := ls.Duration.Seconds()
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	const xTitle = "time since start (s)"
	if len(ids) > 0 {
		var rs []chartSeries
		for i, id := range ids {
			cs := chartSeries{Name: id, Class: fmt.Sprintf("s%d", i%seriesClasses)}
			for _, p := range ls.Series {
				var n int64
				for _, ip := range p.Interfaces {
					if ip.Interface == id {
						n = ip.Requests
					}
				}
				cs.X, cs.Y = append(cs.X, p.T.Seconds()), append(cs.Y, float64(n))
			}
			rs = append(rs, cs)
		}
		rate = lineChart{Title: "Requests per second by interface", Series: rs, XTime: true, XMax: end, Gap: 1, YInt: true,
			XFmt: formatSeconds, YFmt: num, XTitle: xTitle, YTitle: "requests/s"}.render()
		for _, id := range ids {
			p50 := chartSeries{Name: "p50", Class: "s0"}
			p95 := chartSeries{Name: "p95", Class: "s2"}
			p99 := chartSeries{Name: "p99", Class: "s1"}
			for _, p := range ls.Series {
				for _, ip := range p.Interfaces {
					if ip.Interface != id || ip.P99 == 0 {
						continue
					}
					x := p.T.Seconds()
					p50.X, p50.Y = append(p50.X, x), append(p50.Y, durMs(ip.P50))
					p95.X, p95.Y = append(p95.X, x), append(p95.Y, durMs(ip.P95))
					p99.X, p99.Y = append(p99.X, x), append(p99.Y, durMs(ip.P99))
				}
			}
			lat = append(lat, lineChart{Title: "Corrected response time of " + id + " per second",
				Series: []chartSeries{p50, p95, p99}, XTime: true, XMax: end, Gap: 1,
				XFmt: formatSeconds, YFmt: num, XTitle: xTitle, YTitle: "response time (ms)"}.render())
		}
	}
	if hasInFlight {
		cs := chartSeries{Name: "in flight", Class: "s3"}
		for _, p := range ls.Series {
			cs.X, cs.Y = append(cs.X, p.T.Seconds()), append(cs.Y, p.InFlight)
		}
		inFlight = lineChart{Title: "Requests in flight (mean over each second)", Series: []chartSeries{cs}, XTime: true, XMax: end, Gap: 1,
			XFmt: formatSeconds, YFmt: num, XTitle: xTitle, YTitle: "requests in flight"}.render()
	}
	return rate, lat, inFlight
}

// formatSeconds labels a time axis: seconds up to two minutes, then minutes (and seconds),
// then hours.
// rateUnit is the unit of a scenario's rates. The plan schedules session arrivals, each the
// first request of a flow: with one flow they are the requests of its first interface, the
// Primary; with several they are the arrivals of every flow, which no single interface's
// rate is (the per-interface table has those).
func rateUnit(ls LoadScenario) string {
	switch {
	case len(ls.Flows) > 1:
		return "session arrivals/s, all flows"
	case ls.Primary == "":
		return "requests/s"
	}
	return ls.Primary + " requests/s"
}

// rateTitle names what the rate chart draws, in the words of rateUnit.
func rateTitle(ls LoadScenario) string {
	if len(ls.Flows) > 1 {
		return fmt.Sprintf("Session arrival rate of all %d flows: target vs achieved", len(ls.Flows))
	}
	return "Rate of " + orDash(ls.Primary) + ": target vs achieved"
}

// ramps reports whether the scenario's target rate changes over the run.
func ramps(ls LoadScenario) bool {
	if len(ls.Steps) > 1 {
		return true
	}
	for i := 1; i < len(ls.Series); i++ {
		if ls.Series[i].TargetRate != ls.Series[0].TargetRate && i < len(ls.Series)-1 {
			return true
		}
	}
	return false
}
