package main

import (
	"flag"
	"time"

	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/reports"
	"github.com/pns-harness/pns-harness/stream"
)

// streamFlagUsage is the help of --out-json, shared by load and run. The flag is k6's
// `--out json=FILE` in the harness's spelling: --out already names the result directory, and
// a flag of its own keeps both usable together.
const streamFlagUsage = "write a live NDJSON event stream to `file` while the run goes, as k6's --out json=FILE: one JSON object a line (per-second metrics per interface, conformance scenarios, thresholds, the verdict), each written as it happens (docs/output.md)"

// addStreamFlag adds --out-json to fs.
func addStreamFlag(fs *flag.FlagSet) *string {
	return fs.String("out-json", "", streamFlagUsage)
}

// streamSecond turns a load's seconds into metrics lines of the load named load.
func streamSecond(sw *stream.Writer, load string) func(loadtest.LiveSecond) {
	if sw == nil {
		return nil
	}
	return func(s loadtest.LiveSecond) {
		m := stream.Metrics{Load: load, Offset: s.Offset, Seconds: s.Seconds, Interfaces: map[string]stream.Interface{}}
		for _, x := range s.Interfaces {
			m.Interfaces[x.ID] = streamIface(x.Requests, x.Success, x.Codes, x.Latency, s.Seconds)
		}
		sw.Write(stream.TypeMetrics, s.Time, m)
	}
}

// streamIface is one interface's line part; rate is requests per second of span.
func streamIface(requests, success int64, codes map[string]int64, lat loadtest.Latency, span float64) stream.Interface {
	x := stream.Interface{Requests: requests, Success: success, Errors: requests - success, Codes: codes}
	if x.Codes == nil {
		x.Codes = map[string]int64{}
	}
	if span > 0 {
		x.Rate = float64(requests) / span
	}
	if lat.Count > 0 {
		x.LatencyMs = &stream.Latency{Count: lat.Count, P50: lat.P50, P90: lat.P90, P95: lat.P95, P99: lat.P99, Max: lat.Max}
	}
	return x
}

// streamLoad writes the load line of a finished load: the Result's own totals, the figures
// the load's load.json holds.
func streamLoad(sw *stream.Writer, load string, res *loadtest.Result) {
	if sw == nil || res == nil {
		return
	}
	l := stream.Load{Load: load, ElapsedSeconds: res.ElapsedSeconds, Aborted: res.Aborted, Interfaces: map[string]stream.Interface{}}
	for _, is := range res.Interfaces {
		codes := map[string]int64{}
		for _, c := range is.Codes {
			codes[c.Code] = c.Count
		}
		l.Interfaces[is.ID] = streamIface(is.Count, is.Success, codes, is.Service, res.ElapsedSeconds)
	}
	sw.Write(stream.TypeLoad, res.Ended, l)
}

// streamThresholds writes the thresholds as the report judges them (a threshold the user
// gave that could not be measured failed; a default one was not checked).
func streamThresholds(sw *stream.Writer, load string, ths []reports.Threshold) {
	for _, t := range ths {
		st := stream.Threshold{Load: load, Expr: t.Expression, Status: t.State(), Actual: t.Observed, Unit: t.Unit, Detail: t.Message}
		if t.Unit == reports.UnitNanoseconds {
			st.Actual, st.Unit = t.Observed/float64(time.Millisecond), "ms"
		}
		sw.Write(stream.TypeThreshold, time.Time{}, st)
	}
}

// streamScenarios writes a conformance run's scenarios, as summary.json lists them.
func streamScenarios(sw *stream.Writer, c *reports.Conformance) {
	if sw == nil || c == nil {
		return
	}
	for _, s := range c.Scenarios {
		sw.Write(stream.TypeScenario, time.Time{}, stream.Scenario{Feature: s.Feature, Name: s.Name, ID: s.ID, Line: s.Line,
			Interface: s.Interface, Status: string(s.Status), State: s.State, Reason: s.Reason})
	}
}

// streamVerdictStatus names an exit code's verdict for the stream's last line.
func streamVerdictStatus(code int) string {
	switch code {
	case exitOK:
		return reports.VerdictPass
	case exitInterrupted:
		return "INTERRUPTED"
	case exitCouldNotCheck:
		return "COULD NOT CHECK"
	}
	return reports.VerdictFail
}
