package reports

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
)

// cbView is the callback section of the HTML report.
type cbView struct {
	*Callbacks
	Counters []counterRow
	// DelayChart draws the mean delay over time of every type with data; Hists one delay
	// histogram per type.
	DelayChart template.HTML
	Hists      []cbHist
	Loss       int64
}

type cbHist struct {
	Event string
	Chart template.HTML
}

// seriesClasses is the number of distinct series colours in report.css (s0..s9): the
// callback chart draws every event type with data, and there are ten of them.
const seriesClasses = 10

func buildCallbacks(cb *Callbacks) *cbView {
	c := cb.Counters
	v := &cbView{Callbacks: cb, Loss: cb.EmulatorLoss.Total(), Counters: []counterRow{
		{"missing", "expected but never received", c.Missing},
		{"duplicate", "received more than once (beyond documented retries)", c.Duplicate},
		{"outOfOrder", "received before an event that must precede it", c.OutOfOrder},
		{"late", "received after the allowed delay", c.Late},
		{"badSignature", "signature missing or wrong", c.BadSignature},
		{"invalid", "signed body that is no valid notification: not JSON, wrong types, schema-invalid, unknown event type", c.Invalid},
		{"orphan", "fee record of a call that pushed no event at all", c.Orphan},
		{"afterDisconnect", "call with an event stamped after its disconnect", c.AfterDisconnect},
		{"clockSkew", "negative delay: the sender's clock is ahead (counted, never recorded as a delay)", c.ClockSkew},
	}}
	if cb.MissingBasis == MissingUnknown {
		v.Counters = v.Counters[1:] // not measured: the lead says so, a 0 would claim it
	}
	if l := cb.EmulatorLoss; l != nil {
		v.Counters = append(v.Counters, counterRow{"emulatorLoss", "pushes the emulator lost: backlog overflow, dropped after the last re-push, abandoned at shutdown", l.Total()})
	}
	byEvent := map[string]CallbackType{}
	for _, e := range cb.Events {
		byEvent[e.Event] = e
	}
	// Every event type with delays over time, in the order of Events: the thresholds may
	// check any of them (fee included), so none is left out.
	var series []chartSeries
	for _, e := range cb.Events {
		if len(e.Series) == 0 {
			continue
		}
		s := chartSeries{Name: e.Event, Class: fmt.Sprintf("s%d", len(series)%seriesClasses)}
		for _, p := range e.Series {
			s.X = append(s.X, p.T.Seconds())
			s.Y = append(s.Y, durMs(p.Mean))
		}
		series = append(series, s)
	}
	if len(series) > 0 {
		num := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
		v.DelayChart = lineChart{Title: "Mean callback delay over time, by event type", Series: series, XTime: true,
			Gap: minSpacing(series), XFmt: formatSeconds, YFmt: num,
			XTitle: "time since start (s)", YTitle: "mean delay (ms)"}.render()
	}
	for _, e := range cb.Events {
		h := e.Histogram
		if h == nil || len(h.Buckets) == 0 {
			continue
		}
		labels := make([]string, len(h.Buckets))
		vals := make([]float64, len(h.Buckets))
		for i, b := range h.Buckets {
			labels[i] = FormatDuration(b.To)
			vals[i] = float64(b.Count)
		}
		v.Hists = append(v.Hists, cbHist{Event: e.Event, Chart: barChart{
			Title:  "Delay histogram of " + e.Event + " (notifications per bucket)",
			Labels: labels, Values: vals,
			YFmt:   func(f float64) string { return FormatCount(int64(math.Round(f))) },
			XTitle: "bucket upper bound (delay)",
			YTitle: "notifications", YInt: true,
		}.render()})
	}
	return v
}

// minSpacing is the smallest distance between consecutive x of any series: the receiver's
// delay buckets all have one width and an empty bucket has no point, so a wider distance is a
// stretch without data, where the line breaks. 0 (no break) with fewer than two points.
func minSpacing(series []chartSeries) float64 {
	m := math.Inf(1)
	for _, s := range series {
		for i := 1; i < len(s.X); i++ {
			if d := s.X[i] - s.X[i-1]; d > 0 && d < m {
				m = d
			}
		}
	}
	if math.IsInf(m, 1) {
		return 0
	}
	return m
}
