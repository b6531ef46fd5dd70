package reports

import (
	"html/template"
	"math"
	"time"
)

// cbView is the callback section of the HTML report.
type cbView struct {
	*Callbacks
	Counters []counterRow
	// DelayChart draws the mean delay over time of up to three types; Hists one delay
	// histogram per type.
	DelayChart template.HTML
	Hists      []cbHist
	Loss       int64
}

type cbHist struct {
	Event string
	Chart template.HTML
}

// delayChartTypes are the types drawn in the delay-over-time chart, in order of preference
// (the chart has three colours).
var delayChartTypes = []string{"callin", "answer", "disconnect", "fee", "alerting", "callout", "numStatus", "sms.notify"}

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
	var series []chartSeries
	for _, t := range delayChartTypes {
		e, ok := byEvent[t]
		if !ok || len(e.Series) == 0 || len(series) == 3 {
			continue
		}
		s := chartSeries{Name: t, Class: "s" + string(rune('0'+len(series)))}
		for _, p := range e.Series {
			s.X = append(s.X, p.T.Seconds())
			s.Y = append(s.Y, float64(p.Mean))
		}
		series = append(series, s)
	}
	if len(series) > 0 {
		v.DelayChart = lineChart{Title: "Mean callback delay over time, by event type", Series: series, XTime: true,
			XFmt: formatSeconds, YFmt: func(f float64) string { return FormatDuration(time.Duration(f)) }}.render()
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
		}.render()})
	}
	return v
}
