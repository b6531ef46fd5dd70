package loadtest

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteText writes the human summary of a result: rates and shortfall, one line per interface
// and callback type, conformance, cleanup, warnings and thresholds.
func (r *Result) WriteText(out io.Writer) error {
	w := &errWriter{w: out}
	fmt.Fprintf(w, "scenario %s, mode %s, shards %s, %.1fs", r.Scenario, r.Mode, strings.Join(r.Shards, ","), r.ElapsedSeconds)
	if len(r.Plan) > 1 || r.Plan.Shape() == RampLinear {
		// A ramp says how it reaches its rates (held or linear), as the report does.
		fmt.Fprintf(w, ", plan %s (%s ramp)", r.Plan, r.Plan.Shape())
	}
	fmt.Fprintln(w)
	if r.Generator.Bound {
		fmt.Fprintf(w, "GENERATOR-BOUND: the generator sent requests up to %.2fms late (p99, limit %gms): the latency figures below are the generator's queueing, not the target's; raise --max-workers, give the generator more CPU or lower the rate\n",
			r.Generator.Lag.P99, r.Generator.LimitMs)
	}
	fmt.Fprintf(w, "%s: target %.0f requests (%.1f/s), sent %d (%.1f/s), shortfall %.2f%%\n",
		r.arrivalLabel(), r.TargetHits, r.TargetRate, r.SentHits, r.AchievedRate, r.ShortfallPct)
	fmt.Fprintf(w, "generator: lag p50 %.2fms p99 %.2fms max %.2fms, blocked on workers p99 %.2fms max %.2fms (limit p99 %gms)\n",
		r.Generator.Lag.P50, r.Generator.Lag.P99, r.Generator.Lag.Max, r.Generator.Blocked.P99, r.Generator.Blocked.Max, r.Generator.LimitMs)
	r.writeTables(w)
	fmt.Fprintf(w, "conformance: %d responses checked, %d against schemas, %d errors\n", r.Conformance.Checked, r.Conformance.SchemaChecked, r.Conformance.Errors)
	for _, e := range r.Conformance.Examples {
		fmt.Fprintf(w, "  %s\n", e)
	}
	for _, x := range r.Rejections {
		kind := "rejected"
		what := x.Code
		if x.Throttling {
			kind, what = "throttling", x.Code+" flow control"
		}
		var ifs []string
		for _, id := range sortedKeys(boolKeys(x.Interfaces)) {
			ifs = append(ifs, fmt.Sprintf("%s×%d", id, x.Interfaces[id]))
		}
		fmt.Fprintf(w, "%s: %s ×%d (%s), began at %.1fs at %d req/s answered (plan %.1f/s)\n",
			kind, what, x.Count, strings.Join(ifs, " "), x.BeganOffsetSeconds, x.BeganAtRate, x.BeganAtTargetRate)
	}
	r.writeCleanup(w)
	for _, x := range r.Warnings {
		fmt.Fprintf(w, "warning: %s\n", x)
	}
	if r.CouldNotCheck != "" {
		fmt.Fprintf(w, "could not check: %s\n", r.CouldNotCheck)
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

// writeTables writes the flows (when there is more than one simple flow) and the table of
// interfaces and callback types.
func (r *Result) writeTables(w *errWriter) {
	if len(r.Flows) > 1 || (len(r.Flows) == 1 && len(r.Flows[0].Steps) > 2) {
		ft := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		fmt.Fprintln(ft, "flow\tmode\tsessions\tplanned\tcompleted\tended early\tsteps (sent/success)")
		for _, f := range r.Flows {
			var steps []string
			for _, s := range f.Steps {
				steps = append(steps, fmt.Sprintf("%s %d/%d", s.Op, s.Count, s.Success))
			}
			fmt.Fprintf(ft, "%s\t%s\t%d\t%.0f\t%d\t%d\t%s\n", f.Name, f.Mode, f.Arrivals, f.TargetArrivals, f.Completed, f.Ended, strings.Join(steps, " → "))
		}
		if err := ft.Flush(); err != nil && w.err == nil {
			w.err = err
		}
	}
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
}

// writeCleanup writes what became of the load's bindings: counts, their lifetime, the leaked
// ones and the cleanup's errors.
func (r *Result) writeCleanup(w *errWriter) {
	fmt.Fprintf(w, "bindings: %d bound, %d unbound, %d removed by cleanup, %d leaked\n", r.Cleanup.Bound, r.Cleanup.Unbound, r.Cleanup.Retried, r.Cleanup.Leaked)
	if s := r.Cleanup.LifetimeSeconds; s > 0 {
		fmt.Fprintf(w, "  %s binds carried a lifetime of %s: a binding left behind expires by itself\n", lifetimeModes(), time.Duration(s)*time.Second)
	}
	if len(r.Cleanup.LeakedIDs) > 0 {
		more := ""
		if n := r.Cleanup.Leaked - int64(len(r.Cleanup.LeakedIDs)); n > 0 {
			more = fmt.Sprintf(" and %d more", n)
		}
		fmt.Fprintf(w, "  leaked subscriptionIds: %s%s\n", strings.Join(r.Cleanup.LeakedIDs, " "), more)
	}
	if r.Cleanup.Unknown > 0 {
		fmt.Fprintf(w, "  %d binds lost their answer and could not be looked up: they may be on the platform\n", r.Cleanup.Unknown)
	}
	for _, e := range r.Cleanup.Errors {
		fmt.Fprintf(w, "  %s\n", e)
	}
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

// arrivalLabel names what the plan drives: the primary interface of a one-flow workload,
// "arrivals" (sessions of every flow) otherwise.
func (r *Result) arrivalLabel() string {
	if len(r.Flows) > 1 {
		return "arrivals"
	}
	return r.Primary
}

func boolKeys(m map[string]int64) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}
