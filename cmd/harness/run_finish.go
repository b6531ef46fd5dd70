package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pipeline"
	"github.com/pns-harness/pns-harness/reports"
	"github.com/pns-harness/pns-harness/stream"
)

// runOutcome is what a `harness run` produced: the summary, the secrets to scrub from it, and
// why parts of it could not check the platform (refused is true when that was its refusing
// our credentials: the conformance failures are then that refusal's).
type runOutcome struct {
	s          *reports.Summary
	secrets    []string
	notChecked []string
	refused    bool
}

// summaryVerdict is the verdict of a report's summary: failed and undefined scenarios, run
// errors (leaked bindings among them) and callback anomalies are failures, unless the
// scenarios failed because the platform refused our credentials (refused); notChecked says
// what could not be checked.
func summaryVerdict(v reports.Verdict, s *reports.Summary, notChecked []string, refused bool) verdict {
	out := verdict{failed: len(s.Errors) + v.CallbackFailures, thresholds: v.ThresholdsFailed, couldNotCheck: strings.Join(notChecked, "; ")}
	if !refused {
		out.failed += v.ScenariosFailed + v.ScenariosUndefined
	}
	return out
}

// executeRun builds the plan of the run (the embedded emulator's, or the --target platform's)
// and executes it, with the console and the --out-json stream as its observers.
func executeRun(ctx context.Context, o runOptions, stdout io.Writer) (*runOutcome, error) {
	build := embeddedPlan
	if o.remote.target != "" {
		build = targetPlan
	}
	p, secrets, stop, err := build(ctx, o, stdout)
	defer stop()
	if err != nil {
		return nil, err
	}
	p.Log = stdout
	p.Progress = func(pr loadtest.Progress) { fmt.Fprintln(stdout, "  "+progressLine(pr)) }
	if o.stream != nil {
		p.Observer = pipeline.Observer{
			Scenarios: func(c *reports.Conformance) { streamScenarios(o.stream, c) },
			Second:    func(load string) func(loadtest.LiveSecond) { return streamSecond(o.stream, load) },
			Load:      func(load string, res *loadtest.Result) { streamLoad(o.stream, load, res) },
		}
	}
	out, err := pipeline.Execute(ctx, p)
	if err != nil {
		return nil, err
	}
	return &runOutcome{s: out.Summary, secrets: secrets, notChecked: out.NotChecked, refused: out.Refused}, nil
}

// finishRun writes the report of a run (and, under --strict, its certification bundle),
// prints the verdict and returns the exit code.
func finishRun(o runOptions, out *runOutcome, base *reports.Summary, stdout, stderr io.Writer) int {
	s := out.s
	if o.strict {
		// Certification signs every gate: a default threshold that was not measured is a
		// gate the signature would not cover.
		for _, t := range s.Thresholds {
			if t.State() == reports.ThresholdNotChecked {
				e := fmt.Sprintf("strict: threshold %s was not checked: %s", t.Expression, t.Message)
				fmt.Fprintln(stdout, e)
				s.Errors = append(s.Errors, e)
			}
		}
	}
	if base != nil {
		s.SetBaseline(o.baseline, base)
	}
	reports.ScrubSecrets(s, out.secrets...)
	html, err := reports.WriteAll(o.out, s)
	if err != nil {
		fmt.Fprintf(stderr, "harness run: %v\n", err)
		return exitFailed
	}
	if o.strict {
		prof := conformance.EmulatorProfile()
		if o.remote.profilePath != "" {
			if prof, err = conformance.LoadProfile(o.remote.profilePath); err != nil {
				fmt.Fprintf(stderr, "harness run: %v\n", err)
				return exitUsage
			}
		}
		c, err := writeCertification(o, prof)
		if err != nil {
			fmt.Fprintf(stderr, "harness run: certification bundle: %v\n", err)
			return exitFailed
		}
		fmt.Fprintf(stdout, "certification bundle: %s (%s, %d files; check with harness verify %s)\n",
			filepath.Join(o.out, conformance.CertificationFile), c.Verdict, len(c.Files), o.out)
	}
	if s.Callbacks != nil {
		// The callback section as the page shows it (docs/report.md promises the same text).
		for _, l := range s.Callbacks.Lines() {
			fmt.Fprintln(stdout, l)
		}
	}
	v := s.ComputeVerdict()
	fmt.Fprintf(stdout, "\n%s  scenarios: %s; load scenarios: %d; thresholds: %s; callback anomalies: %d\n",
		v.Status, v.Counts(), v.LoadScenarios, v.ThresholdCounts(), v.CallbackAnomalies)
	printCallbackProblems(stdout, s.Callbacks)
	for _, r := range v.Reasons {
		fmt.Fprintf(stdout, "  - %s\n", r)
	}
	for _, l := range s.BaselineLines() {
		fmt.Fprintln(stdout, l)
	}
	abs, _ := filepath.Abs(html)
	fmt.Fprintf(stdout, "report: %s\n", abs)
	for _, why := range out.notChecked {
		fmt.Fprintf(stderr, "harness run: could not check: %s\n", why)
	}
	code := exitFor(summaryVerdict(v, s, out.notChecked, out.refused))
	if o.stream != nil {
		streamThresholds(o.stream, "", s.Thresholds)
		o.stream.Write(stream.TypeVerdict, time.Time{}, stream.Verdict{Status: v.Status, ExitCode: code, Reasons: v.Reasons})
		if err := o.stream.Close(); err != nil {
			fmt.Fprintf(stderr, "harness run: %v\n", err)
			return exitFor(verdict{failed: 1})
		}
	}
	return code
}
