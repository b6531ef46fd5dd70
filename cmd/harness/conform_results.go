package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pns-harness/pns-harness/assemble"
	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/pipeline"
	"github.com/pns-harness/pns-harness/reports"
)

// writeConformCTRF writes ctrf.json beside the suite's junit.xml, from the run's outcomes in
// memory as `harness run` reports a conformance run (what cucumber.json, conformance.json and
// coverage.json hold): each scenario with its state and reason, plus a run error per leaked binding, for an interrupted
// run and, under --strict, per strict problem, so that it fails whenever the exit code does.
// The profile's secrets are scrubbed from it, as from every report.
func writeConformCTRF(dir string, res *conformance.Result, m reports.Manifest, strict bool, secrets []string) error {
	c, err := assemble.ConformanceOf(res)
	if err != nil {
		return fmt.Errorf("ctrf.json: %w", err)
	}
	m.End = m.Start.Add(res.Duration)
	s := &reports.Summary{Manifest: m, Conformance: c, Errors: pipeline.LeakErrors(res)}
	if res.Interrupted {
		// The scenarios not reached are in no file: a dashboard must not show the rest green.
		s.Errors = append(s.Errors, "interrupted before the end of the suite: the scenarios not run are not reported")
	}
	if strict {
		for _, p := range res.StrictProblems() {
			s.Errors = append(s.Errors, "strict: "+p)
		}
	}
	reports.ScrubSecrets(s, secrets...)
	return reports.WriteCTRFFile(filepath.Join(dir, reports.CTRFFile), s)
}

// conformVerdict is the verdict of a conformance run: failed scenarios and bindings left on
// the platform fail it, except that when the platform refused our credentials the failed
// scenarios are that refusal's (no request of the app got through) and the run could not
// check.
func conformVerdict(res *conformance.Result) verdict {
	v := verdict{interrupted: res.Interrupted, usage: res.Status == 2, failed: res.Failed + len(res.Cleanup.Leaked)}
	if res.Status == 1 && v.failed == 0 {
		v.failed = 1 // godog failed the suite without a failed scenario of ours
	}
	if res.CredentialsRefused != nil {
		v.couldNotCheck = res.CredentialsRefused.Error()
		v.failed = len(res.Cleanup.Leaked)
	}
	return v
}

// runCompare implements --compare-emulator: the fidelity diff of the target against the
// embedded emulator. Exit 0 when they agree on every compared scenario, 1 when they differ.
func runCompare(ctx context.Context, opts conformance.Options, stdout, stderr io.Writer) int {
	out := opts.OutDir
	opts.OutDir = "" // the reports of the two runs would overwrite each other
	fmt.Fprintf(stdout, "comparing %s with the embedded emulator\n", opts.Target)
	c, err := conformance.Compare(ctx, opts)
	if err != nil {
		if ctx.Err() != nil {
			return exitFor(verdict{interrupted: true})
		}
		fmt.Fprintf(stderr, "harness conform: %v\n", err)
		return exitFor(verdict{usage: true})
	}
	fmt.Fprintln(stdout)
	if err := c.WriteTable(stdout); err != nil {
		fmt.Fprintf(stderr, "harness conform: %v\n", err)
		return exitFor(verdict{usage: true})
	}
	if out != "" {
		if err := writeComparison(out, c); err != nil {
			fmt.Fprintf(stderr, "harness conform: %v\n", err)
			return exitFor(verdict{usage: true})
		}
		fmt.Fprintf(stdout, "reports in %s (compare.json, compare.html)\n", out)
	}
	return exitFor(verdict{failed: len(c.Differences)})
}

// writeComparison writes compare.json and the fidelity page compare.html (with its CSS)
// into dir.
func writeComparison(dir string, c *conformance.Comparison) error {
	if err := writeJSONFile(filepath.Join(dir, "compare.json"), c); err != nil {
		return err
	}
	d := reports.FidelityDiff{Target: c.TargetURL, Compared: c.Compared, NotCompared: c.NotCompared}
	for _, x := range c.Differences {
		d.Rows = append(d.Rows, reports.FidelityRow{Scenario: x.Key, Interfaces: strings.Join(x.Interfaces, " "),
			Target: x.Target.String(), TargetError: x.Target.Error, Emulator: x.Emulator.String(), EmulatorError: x.Emulator.Error})
	}
	css, err := os.Create(filepath.Join(dir, reports.CSSFile))
	if err != nil {
		return err
	}
	if err := reports.WriteCSS(css); err != nil {
		css.Close()
		return err
	}
	if err := css.Close(); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, "compare.html"))
	if err != nil {
		return err
	}
	if err := reports.WriteFidelityHTML(f, d); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
