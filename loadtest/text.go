package loadtest

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteText writes the human summary of a result: rates and shortfall, one line per interface
// and callback type, conformance, cleanup, warnings and thresholds.
func (r *Result) WriteText(out io.Writer) error {
	w := &errWriter{w: out}
	fmt.Fprintf(w, "scenario %s, mode %s, shards %s, %.1fs\n", r.Scenario, r.Mode, strings.Join(r.Shards, ","), r.ElapsedSeconds)
	fmt.Fprintf(w, "%s: target %.0f requests (%.1f/s), sent %d (%.1f/s), shortfall %.2f%%\n",
		r.Primary, r.TargetHits, r.TargetRate, r.SentHits, r.AchievedRate, r.ShortfallPct)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "interface\tcount\tsuccess\tp50\tp90\tp99\tp99.9\tmax\tcorr p50\tcorr p99\tcorr max\tcodes")
	for _, s := range r.Interfaces {
		var codes []string
		for _, c := range s.Codes {
			codes = append(codes, fmt.Sprintf("%s×%d", c.Code, c.Count))
		}
		fmt.Fprintf(tw, "%s\t%d\t%.2f%%\t%.2fms\t%.2fms\t%.2fms\t%.2fms\t%.2fms\t%.2fms\t%.2fms\t%.2fms\t%s\n",
			s.ID, s.Count, s.SuccessPct, s.Service.P50, s.Service.P90, s.Service.P99, s.Service.P999, s.Service.Max,
			s.Corrected.P50, s.Corrected.P99, s.Corrected.Max, strings.Join(codes, " "))
	}
	for _, c := range r.Callbacks {
		fmt.Fprintf(tw, "callback.%s\t%d\t\t%.2fms\t%.2fms\t%.2fms\t%.2fms\t%.2fms\t\t\t\t\n",
			c.Event, c.Count, c.Latency.P50, c.Latency.P90, c.Latency.P99, c.Latency.P999, c.Latency.Max)
	}
	if err := tw.Flush(); err != nil && w.err == nil {
		w.err = err
	}
	fmt.Fprintf(w, "conformance: %d responses checked, %d against schemas, %d errors\n", r.Conformance.Checked, r.Conformance.SchemaChecked, r.Conformance.Errors)
	for _, e := range r.Conformance.Examples {
		fmt.Fprintf(w, "  %s\n", e)
	}
	fmt.Fprintf(w, "bindings: %d bound, %d unbound, %d removed by cleanup, %d leaked\n", r.Cleanup.Bound, r.Cleanup.Unbound, r.Cleanup.Retried, r.Cleanup.Leaked)
	for _, e := range r.Cleanup.Errors {
		fmt.Fprintf(w, "  %s\n", e)
	}
	for _, x := range r.Warnings {
		fmt.Fprintf(w, "warning: %s\n", x)
	}
	if r.Aborted != "" {
		fmt.Fprintf(w, "aborted: %s\n", r.Aborted)
	}
	for _, t := range r.Thresholds {
		status := "ok"
		if !t.OK {
			status = "BROKEN"
		}
		detail := ""
		if t.Detail != "" {
			detail = " (" + t.Detail + ")"
		}
		fmt.Fprintf(w, "threshold %-30s %-6s actual %g%s%s\n", t.Expr, status, t.Actual, t.Unit, detail)
	}
	for _, f := range r.Files {
		fmt.Fprintf(w, "wrote %s\n", f)
	}
	return w.err
}

// errWriter keeps the first write error so that WriteText can report it once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return len(p), nil
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, nil
}
