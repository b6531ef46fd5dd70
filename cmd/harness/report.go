package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pipeline/rundir"
	"github.com/pns-harness/pns-harness/reports"
)

// reportSubdir is where `harness report DIR` writes without --out: a subdirectory of the one
// result directory it reads, so that rebuilding an old run's report never overwrites the
// report of the last `make run` (reports/out), nor the report a `harness run` wrote in DIR.
// The scan of result directories does not take it for a result (a report's summary.json is
// not a load's load.json), so running the command twice reads the same results.
const reportSubdir = "report"

func init() {
	register("report", "rebuild the HTML, JUnit and JSON report from saved result directories (merging load shards)", runReport)
}

// runReport is `harness report DIR...`: flags, the checks of their combination, then the
// rebuild (reportWork).
func runReport(args []string, stdout, stderr io.Writer) int {
	fs, f := reportFlagSet(stdout, stderr)
	if code, ok := parseFlags(fs, args, true); !ok {
		return code
	}
	if fs.NArg() == 0 {
		return fs.usageError("at least one result directory is required")
	}
	if !*f.merge && (*f.shards != 0 || *f.allowPartial || *f.wait != 0) {
		return fs.usageError("--shards, --allow-partial and --wait need --merge")
	}
	if *f.shards < 0 {
		return fs.usageError("--shards must be positive")
	}
	return reportWork(fs, f, stdout, stderr)
}

// reportWork rebuilds the summary from the result directories (rundir.Rebuild), evaluates
// the thresholds, writes the report, prints the verdict and returns exitFor of it.
func reportWork(fs *flagSet, f *reportFlags, stdout, stderr io.Writer) int {
	found, code, ok := reportScan(fs, f, stderr)
	if !ok {
		return code
	}
	s, code, ok := reportRebuild(f, found, stderr)
	if !ok {
		return code
	}
	if *f.out == "" {
		// Checked here, not before reading: a merge's own errors (shards of two runs) say
		// more about several directories than a missing --out.
		if fs.NArg() > 1 {
			return fs.usageError("several result directories: say where the report goes with --out")
		}
		*f.out = filepath.Join(fs.Arg(0), reportSubdir)
	}
	html, err := reports.WriteAll(*f.out, s)
	if err != nil {
		fmt.Fprintf(stderr, "harness report: %v\n", err)
		return exitFailed
	}
	v := s.ComputeVerdict()
	reportPrint(stdout, s, v, html)
	notChecked, refused := rundir.NotChecked(found)
	for _, why := range notChecked {
		fmt.Fprintf(stderr, "harness report: could not check: %s\n", why)
	}
	return exitFor(summaryVerdict(v, s, notChecked, refused))
}

// reportScan waits for the shards when --wait asks to and scans the result directories.
// When ok is false the command exits with code.
func reportScan(fs *flagSet, f *reportFlags, stderr io.Writer) (found rundir.Results, code int, ok bool) {
	if *f.wait > 0 {
		n, err := rundir.WaitForShards(fs.Args(), *f.shards, *f.wait, time.Second)
		infof(stderr, "%d shard(s) found after waiting", n)
		if err != nil {
			fmt.Fprintf(stderr, "harness report: %v\n", err)
			return found, exitUsage, false
		}
	}
	for _, d := range fs.Args() {
		if err := rundir.Scan(d, &found); err != nil {
			if *f.merge && *f.shards > 0 {
				// The merge step of a run whose shards all failed before writing anything:
				// nothing was measured to judge, which is not a usage error.
				fmt.Fprintf(stderr, "harness report: merge: %v: none of the %d shards wrote a result\n", err, *f.shards)
				return found, exitFor(verdict{couldNotCheck: "no shard wrote a result"}), false
			}
			fmt.Fprintf(stderr, "harness report: %v\n", err)
			return found, exitUsage, false
		}
	}
	return found, 0, true
}

// reportRebuild builds the summary from found with the thresholds, merging shards with
// --merge, and compares it with --baseline. When ok is false the command exits with code.
func reportRebuild(f *reportFlags, found rundir.Results, stderr io.Writer) (s *reports.Summary, code int, ok bool) {
	opt := rundir.RebuildOptions{Thresholds: f.thresholds.Load, CallbackThresholds: f.thresholds.Callback, Version: buildVersion()}
	if *f.merge {
		opt.Merge = &loadtest.MergeOptions{Shards: *f.shards, AllowPartial: *f.allowPartial}
	}
	s, err := rundir.Rebuild(found, opt)
	if err != nil {
		fmt.Fprintf(stderr, "harness report: %v\n", err)
		if errors.Is(err, loadtest.ErrShardMismatch) {
			return nil, exitUsage, false // inputs that must not be merged: a usage error, not a failed run
		}
		if errors.Is(err, loadtest.ErrShardsMissing) {
			// Part of the load is missing: too little was measured to judge the run (a
			// failure is not established either; --allow-partial merges and fails it).
			return nil, exitFor(verdict{couldNotCheck: err.Error()}), false
		}
		return nil, exitFailed, false
	}
	s.Manifest.TargetURL = *f.target
	if *f.baseline != "" {
		base, err := rundir.LoadBaseline(*f.baseline, buildVersion())
		if err != nil {
			fmt.Fprintf(stderr, "harness report: --baseline: %v\n", err)
			return nil, exitUsage, false
		}
		s.SetBaseline(*f.baseline, base)
	}
	return s, 0, true
}

// reportPrint prints the rebuilt report's headlines, its verdict with the reasons, the
// comparison with the baseline and where the HTML report is.
func reportPrint(stdout io.Writer, s *reports.Summary, v reports.Verdict, html string) {
	if s.Load != nil {
		for _, ls := range s.Load.Scenarios {
			fmt.Fprintf(stdout, "load %s\n", ls.Headline())
		}
	}
	if s.Callbacks != nil {
		for _, l := range s.Callbacks.Lines() {
			fmt.Fprintln(stdout, l)
		}
	}
	fmt.Fprintf(stdout, "%s  scenarios: %s; load scenarios: %d; thresholds: %s\n",
		v.Status, v.Counts(), v.LoadScenarios, v.ThresholdCounts())
	for _, r := range v.Reasons {
		fmt.Fprintf(stdout, "  - %s\n", r)
	}
	for _, e := range s.Errors {
		fmt.Fprintf(stdout, "  error: %s\n", e)
	}
	printCallbackProblems(stdout, s.Callbacks)
	for _, l := range s.BaselineLines() {
		fmt.Fprintln(stdout, l)
	}
	fmt.Fprintf(stdout, "report: %s\n", html)
}
