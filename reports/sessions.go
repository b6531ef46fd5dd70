package reports

import (
	"html/template"
	"strconv"
)

// SessionsChartTitle is the title of a load scenario's active-sessions chart.
const SessionsChartTitle = "Active sessions (mean sessions in progress over each second)"

// sessionsChart draws a load scenario's sessions in progress over time, Gatling's "active
// users": the mean number of its flows' sessions between their first dispatch and their last
// answer in each second (Series.ActiveSessions). Unlike requests in flight it includes think
// times, so it shows how many users a workload keeps busy. Empty for a summary that lacks the
// data (written before it was recorded).
func sessionsChart(ls LoadScenario) template.HTML {
	cs := chartSeries{Name: "sessions in progress", Class: "s4"}
	var seen bool
	for _, p := range ls.Series {
		seen = seen || p.ActiveSessions > 0
		cs.X, cs.Y = append(cs.X, p.T.Seconds()), append(cs.Y, p.ActiveSessions)
	}
	if !seen {
		return ""
	}
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	return lineChart{Title: SessionsChartTitle, Series: []chartSeries{cs}, XTime: true, XMax: ls.Duration.Seconds(), Gap: 1,
		XFmt: formatSeconds, YFmt: num, XTitle: "time since start (s)", YTitle: "sessions in progress"}.render()
}
