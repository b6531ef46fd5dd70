package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/pns-harness/pns-harness/assemble"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/reports"
)

// defaultReportOut is where `harness report` writes unless told otherwise.
const defaultReportOut = "reports/out"

func init() {
	register("report", "rebuild the HTML, JUnit and JSON report from saved result directories (merging load shards)", runReport)
}

// resultDirs is what `harness report` found in its arguments.
type resultDirs struct {
	conformance []string // directories with cucumber.json
	load        []string // directories with a load summary.json
	receiver    []string // receiver.json files
}

// scanResultDir classifies dir: a `harness run` output (conformance/, load/*/, receiver.json),
// a `harness conform --out` directory, a `harness load --out` directory, or a directory of
// shard directories.
func scanResultDir(dir string, into *resultDirs) error {
	st, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	found := false
	if exists(filepath.Join(dir, assemble.CucumberFile)) {
		into.conformance = append(into.conformance, dir)
		found = true
	}
	if c := filepath.Join(dir, assemble.ConformanceDir); exists(filepath.Join(c, assemble.CucumberFile)) {
		into.conformance = append(into.conformance, c)
		found = true
	}
	if isLoadSummary(filepath.Join(dir, loadtest.SummaryFile)) {
		into.load = append(into.load, dir)
		found = true
	}
	for _, parent := range []string{filepath.Join(dir, assemble.LoadDir), dir} {
		entries, err := os.ReadDir(parent)
		if err != nil {
			continue
		}
		for _, e := range entries {
			sub := filepath.Join(parent, e.Name())
			if e.IsDir() && isLoadSummary(filepath.Join(sub, loadtest.SummaryFile)) {
				into.load = append(into.load, sub)
				found = true
			}
		}
	}
	if r := filepath.Join(dir, assemble.ReceiverFile); exists(r) {
		into.receiver = append(into.receiver, r)
		found = true
	}
	if !found {
		return fmt.Errorf("%s holds no conformance, load or receiver results", dir)
	}
	return nil
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// isLoadSummary tells a load result's summary.json from a report's summary.json (which has a
// schemaVersion).
func isLoadSummary(p string) bool {
	b, err := os.ReadFile(p)
	if err != nil {
		return false
	}
	var probe struct {
		SchemaVersion *int    `json:"schemaVersion"`
		Scenario      *string `json:"scenario"`
	}
	return json.Unmarshal(b, &probe) == nil && probe.SchemaVersion == nil && probe.Scenario != nil
}

func runReport(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("report", stderr)
	out := fs.String("out", defaultReportOut, "output `directory` for index.html, junit.xml and summary.json")
	merge := fs.Bool("merge", false, "merge every load result found into one scenario (shards of one distributed run): histograms are added, not averaged")
	baseline := fs.String("baseline", "", "summary.json of an earlier run to compare with")
	target := fs.String("target", "", "target URL to show in the manifest")
	var thresholds, cbThresholds []string
	fs.Func("threshold", "threshold evaluated on the (merged) load results, e.g. 'bind.p99<50ms', or on the receiver results when it names a callback metric, e.g. 'callback.fee.p99<2s', 'callback.missing==0' (repeatable)", func(v string) error {
		if assemble.IsCallbackThreshold(v) {
			if _, err := assemble.ParseCallbackThreshold(v); err != nil {
				return err
			}
			cbThresholds = append(cbThresholds, v)
			return nil
		}
		if _, err := loadtest.ParseThreshold(v); err != nil {
			return err
		}
		thresholds = append(thresholds, v)
		return nil
	})
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: harness report [flags] DIR...\n\nRebuilds the report from saved results: `harness run` output directories, `harness conform --out`\nand `harness load --out` directories, or directories of load shards (with --merge).\n\nflags:\n")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, true); !ok {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "harness report: at least one result directory is required")
		fs.Usage()
		return exitUsage
	}
	var found resultDirs
	for _, d := range fs.Args() {
		if err := scanResultDir(d, &found); err != nil {
			fmt.Fprintf(stderr, "harness report: %v\n", err)
			return exitUsage
		}
	}
	ths, err := loadtest.ParseThresholds(thresholds)
	if err != nil {
		fmt.Fprintf(stderr, "harness report: %v\n", err)
		return exitUsage
	}
	s, err := buildReport(found, *merge, ths)
	if err != nil {
		fmt.Fprintf(stderr, "harness report: %v\n", err)
		return exitFailed
	}
	if len(cbThresholds) > 0 {
		cths, err := assemble.CallbackThresholds(s.Callbacks, cbThresholds)
		if err != nil {
			fmt.Fprintf(stderr, "harness report: %v\n", err)
			return exitUsage
		}
		s.Thresholds = append(s.Thresholds, cths...)
	}
	s.Manifest.TargetURL = *target
	if *baseline != "" {
		base, err := reports.LoadSummary(*baseline)
		if err != nil {
			fmt.Fprintf(stderr, "harness report: --baseline: %v\n", err)
			return exitUsage
		}
		s.SetBaseline(*baseline, base)
	}
	html, err := reports.WriteAll(*out, s)
	if err != nil {
		fmt.Fprintf(stderr, "harness report: %v\n", err)
		return exitFailed
	}
	v := s.ComputeVerdict()
	fmt.Fprintf(stdout, "%s  scenarios: %d passed, %d failed, %d skipped; load scenarios: %d; thresholds: %d passed, %d failed\n",
		v.Status, v.ScenariosPassed, v.ScenariosFailed, v.ScenariosSkipped, v.LoadScenarios, v.ThresholdsPassed, v.ThresholdsFailed)
	for _, r := range v.Reasons {
		fmt.Fprintf(stdout, "  - %s\n", r)
	}
	printCallbackProblems(stdout, s.Callbacks)
	fmt.Fprintf(stdout, "report: %s\n", html)
	switch {
	case v.CallbackFailures > 0:
		return exitFailed
	case v.ThresholdsFailed > 0:
		return exitThreshold
	case v.Status == reports.VerdictFail:
		return exitFailed
	}
	return exitOK
}

// buildReport assembles the summary from the found results.
func buildReport(found resultDirs, merge bool, ths []loadtest.Threshold) (*reports.Summary, error) {
	s := &reports.Summary{Manifest: reports.Manifest{
		HarnessVersion: version,
		Profile:        "rebuilt by harness report",
		Machine:        reports.CurrentMachine(),
	}}
	for i, d := range found.conformance {
		c, err := assemble.Conformance(d, 0)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			s.Conformance = c
			continue
		}
		s.Conformance.Scenarios = append(s.Conformance.Scenarios, c.Scenarios...)
		s.Conformance.Coverage = append(s.Conformance.Coverage, c.Coverage...)
		s.Conformance.Duration += c.Duration
		s.Conformance.Interfaces = reports.CountByInterface(s.Conformance.Scenarios)
	}
	var results []*loadtest.Result
	var names []string
	if merge && len(found.load) > 0 {
		r, err := loadtest.Merge(found.load...)
		if err != nil {
			return nil, err
		}
		results = append(results, r)
		names = append(names, fmt.Sprintf("%s-%s merged (%d shards)", r.Mode, r.Scenario, len(r.Shards)))
	} else {
		for _, d := range found.load {
			r, err := loadtest.ReadSummary(filepath.Join(d, loadtest.SummaryFile))
			if err != nil {
				return nil, err
			}
			results = append(results, r)
			names = append(names, filepath.Base(d))
		}
	}
	for i, r := range results {
		if len(ths) > 0 {
			out, err := loadtest.Evaluate(r, ths)
			if err != nil {
				return nil, err
			}
			r.Thresholds = out
		}
		if s.Load == nil {
			s.Load = &reports.Load{}
		}
		s.Load.Scenarios = append(s.Load.Scenarios, assemble.LoadScenario(r, names[i]))
		prefix := ""
		if len(results) > 1 {
			prefix = names[i]
		}
		s.Thresholds = append(s.Thresholds, assemble.Thresholds(r, prefix)...)
		if s.Manifest.Start.IsZero() || r.Started.Before(s.Manifest.Start) {
			s.Manifest.Start = r.Started
		}
		if r.Ended.After(s.Manifest.End) {
			s.Manifest.End = r.Ended
		}
	}
	if len(found.receiver) > 0 {
		var reps []receiver.Report
		for _, p := range found.receiver {
			r, err := assemble.ReadReceiver(p)
			if err != nil {
				return nil, err
			}
			reps = append(reps, *r)
		}
		merged, err := mergeReceivers(reps)
		if err != nil {
			return nil, err
		}
		// The emulator's own loss, when the receiver results come from `harness run`.
		var loss *reports.EmulatorLoss
		for _, p := range found.receiver {
			l, err := assemble.ReadEmulatorLoss(filepath.Join(filepath.Dir(p), assemble.DispatcherFile))
			if err != nil {
				return nil, err
			}
			if l != nil {
				if loss == nil {
					loss = &reports.EmulatorLoss{}
				}
				loss.Overflow += l.Overflow
				loss.Dropped += l.Dropped
				loss.Abandoned += l.Abandoned
			}
		}
		s.Callbacks = assemble.Callbacks(merged, loss)
	}
	if s.Manifest.Start.IsZero() {
		s.Manifest.Start = time.Now()
		s.Manifest.End = s.Manifest.Start
	}
	sort.SliceStable(s.Thresholds, func(i, j int) bool { return s.Thresholds[i].Expression < s.Thresholds[j].Expression })
	return s, nil
}

// mergeReceivers combines receiver reports (several receivers of one run).
func mergeReceivers(reps []receiver.Report) (receiver.Report, error) {
	if len(reps) == 1 {
		return reps[0], nil
	}
	return receiver.Merge(reps...)
}
