package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/features"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/reports"
	"github.com/pns-harness/pns-harness/schemas"
)

// progressLine renders a load progress sample as one plain line.
// progressLine is the progress line of `harness load` and `harness run`: every figure with its
// unit and scope, since the rates are per interval and the latencies since the start.
func progressLine(p loadtest.Progress) string {
	line := fmt.Sprintf("%5.1fs  arrivals target %.1f/s achieved %.1f/s (last %s)  success %.2f%% of %d requests  %s since start: p50 %.2fms p99 %.2fms corrected p99 %.2fms  generator lag p99 %.2fms  live bindings %d  throttled %d  callbacks of its calls %d  conformance errors %d",
		p.Elapsed.Seconds(), p.TargetRate, p.AchievedRate, p.Interval.Round(100*time.Millisecond), p.SuccessPct, p.Requests,
		orWord(p.Primary, "primary"), p.P50, p.P99, p.CorrectedP99, p.LagP99, p.Live, p.Throttled, p.Callbacks, p.ConformanceErrors)
	if p.GeneratorBound {
		line += "  GENERATOR-BOUND"
	}
	return line
}

func orWord(s, word string) string {
	if s == "" {
		return word
	}
	return s
}

// printCallbackProblems lists the callback anomalies that fail the run, with a few examples.
func printCallbackProblems(w io.Writer, cb *reports.Callbacks) {
	if len(cb.Failures()) == 0 {
		return
	}
	fmt.Fprintf(w, "callback anomalies: %s\n", strings.Join(cb.Failures(), ", "))
	for i, p := range cb.Problems {
		if i == 10 {
			fmt.Fprintf(w, "  … %d more in the report\n", len(cb.Problems)-i)
			break
		}
		fmt.Fprintf(w, "  - %s\n", p)
	}
	printCallbackReproductions(w, cb.Reproductions)
}

// printCallbackReproductions prints the replays of the pushes judged wrong, so that a user can
// send one to their own receiver (or `harness receive`) and see the same judgement.
func printCallbackReproductions(w io.Writer, rs []reports.CallbackReproduction) {
	if len(rs) == 0 {
		return
	}
	fmt.Fprintln(w, "reproductions of the pushes and calls judged wrong (replay them against your receiver or `harness receive`):")
	for i, r := range rs {
		if i == 10 {
			fmt.Fprintf(w, "  … %d more in the report\n", len(rs)-i)
			break
		}
		fmt.Fprintf(w, "  - %s\n    reproduce: %s\n", r.Problem, r.Line())
	}
}

// runManifest is the manifest of a `harness run`: what every run records (version, contract
// hashes, machine) and the target, profile, start, seed and settings of this one.
func runManifest(target, profile string, start time.Time, seed int64, settings []reports.Setting) reports.Manifest {
	return reports.Manifest{
		HarnessVersion: buildVersion(),
		TargetURL:      target,
		Profile:        profile,
		SchemaHash:     schemas.Hash(),
		FeatureHash:    features.Hash(),
		Start:          start,
		Seed:           seed,
		Machine:        reports.CurrentMachine(),
		Settings:       settings,
	}
}
