package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/assemble"
	"github.com/pns-harness/pns-harness/internal/bindjournal"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/reports"
)

// reportSubdir is where `harness report DIR` writes without --out: a subdirectory of the one
// result directory it reads, so that rebuilding an old run's report never overwrites the
// report of the last `make run` (reports/out), nor the load's own summary.json in DIR. The
// scan of result directories does not take it for a result (a report's summary.json is not a
// load's), so running the command twice reads the same results.
const reportSubdir = "report"

func init() {
	register("report", "rebuild the HTML, JUnit and JSON report from saved result directories (merging load shards)", runReport)
}

// resultDirs is what `harness report` found in its arguments.
type resultDirs struct {
	conformance []string // directories with cucumber.json
	load        []string // directories with a load summary.json
	receiver    []string // receiver.json files
	partial     []string // load directories with a binding journal but no summary: the run never ended
	// partialConformance are conformance output directories with the suite's binding journal
	// but no conformance.json: the run never ended.
	partialConformance []string
}

// scanResultDir classifies dir: a `harness run` output (conformance/, load/*/, receiver.json),
// a `harness conform --out` directory, a `harness load --out` directory, or a directory of
// shard directories.
// conformanceOut reports whether d is a conformance run's output directory: its binding
// journal is the suite's, not that of a load that never ended.
func conformanceOut(d string) bool {
	return filepath.Base(d) == assemble.ConformanceDir || exists(filepath.Join(d, assemble.CucumberFile)) ||
		exists(filepath.Join(d, "conformance.json"))
}

// conformanceJournal reports whether d's binding journal is a conformance run's.
func conformanceJournal(d string) bool {
	st, err := loadtest.ReadJournal(d)
	return err == nil && st.Kind == bindjournal.KindConformance
}

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
	// A conformance run that never ended (killed): its journal without the result it writes
	// last (conformance.json; godog may have created cucumber.json already).
	for _, c := range []string{dir, filepath.Join(dir, assemble.ConformanceDir)} {
		if exists(filepath.Join(c, loadtest.JournalFile)) && !exists(filepath.Join(c, "conformance.json")) {
			if st, err := loadtest.ReadJournal(c); err == nil && st.Kind == bindjournal.KindConformance {
				into.partialConformance = append(into.partialConformance, c)
				found = true
			}
		}
	}
	// A load directory: its summary, or only its journal when the run never ended (killed).
	load := func(d string) bool {
		switch {
		case isLoadSummary(filepath.Join(d, loadtest.SummaryFile)):
			into.load = append(into.load, d)
		case exists(filepath.Join(d, loadtest.JournalFile)) && !conformanceOut(d) && !conformanceJournal(d):
			into.partial = append(into.partial, d)
		default:
			return false
		}
		return true
	}
	if load(dir) {
		found = true
	}
	for _, parent := range []string{filepath.Join(dir, assemble.LoadDir), dir} {
		entries, err := os.ReadDir(parent)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if e.IsDir() && load(filepath.Join(parent, e.Name())) {
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
	fs := newFlagSet("report", stdout, stderr)
	out := fs.String("out", "", "output `directory` for index.html, junit.xml, ctrf.json and summary.json (default: DIR/"+reportSubdir+" for one DIR; required for several)")
	merge := fs.Bool("merge", false, "merge every load result found into one scenario (shards of one distributed run): histograms are added, not averaged")
	baseline := fs.String("baseline", "", "an earlier result to compare with: a report's or a load's summary.json, or any result directory this command reads")
	target := fs.String("target", "", "target URL to show in the manifest")
	shards := fs.Int("shards", 0, "with --merge: the `N` shards expected (default: the N the shards record); a missing one fails the merge")
	allowPartial := fs.Bool("allow-partial", false, "with --merge: merge an incomplete set of shards, listing the missing ones in the report")
	wait := fs.Duration("wait", 0, "with --merge: wait up to this long for every shard's summary.json to appear (a merge step started with the shards)")
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
	fs.describe("harness report [flags] DIR...",
		"Rebuilds the report from saved results: `harness run` output directories, `harness conform --out`\n"+
			"and `harness load --out` directories, `harness receive --out` directories, or directories of\n"+
			"load shards (with --merge).")
	if code, ok := parseFlags(fs, args, true); !ok {
		return code
	}
	if fs.NArg() == 0 {
		return fs.usageError("at least one result directory is required")
	}
	if !*merge && (*shards != 0 || *allowPartial || *wait != 0) {
		return fs.usageError("--shards, --allow-partial and --wait need --merge")
	}
	if *shards < 0 {
		return fs.usageError("--shards must be positive")
	}
	if *wait > 0 {
		n, err := waitForShards(fs.Args(), *shards, *wait, time.Second)
		infof(stderr, "%d shard(s) found after waiting", n)
		if err != nil {
			fmt.Fprintf(stderr, "harness report: %v\n", err)
			return exitUsage
		}
	}
	var found resultDirs
	for _, d := range fs.Args() {
		if err := scanResultDir(d, &found); err != nil {
			if *merge && *shards > 0 {
				// The merge step of a run whose shards all failed before writing anything:
				// nothing was measured to judge, which is not a usage error.
				fmt.Fprintf(stderr, "harness report: merge: %v: none of the %d shards wrote a result\n", err, *shards)
				return exitFor(verdict{couldNotCheck: "no shard wrote a result"})
			}
			fmt.Fprintf(stderr, "harness report: %v\n", err)
			return exitUsage
		}
	}
	ths, err := loadtest.ParseThresholds(thresholds)
	if err != nil {
		fmt.Fprintf(stderr, "harness report: %v\n", err)
		return exitUsage
	}
	var mo *loadtest.MergeOptions
	if *merge {
		mo = &loadtest.MergeOptions{Shards: *shards, AllowPartial: *allowPartial}
	}
	s, err := buildReport(found, mo, ths)
	if err != nil {
		fmt.Fprintf(stderr, "harness report: %v\n", err)
		if errors.Is(err, loadtest.ErrShardMismatch) {
			return exitUsage // inputs that must not be merged: a usage error, not a failed run
		}
		if errors.Is(err, loadtest.ErrShardsMissing) {
			// Part of the load is missing: too little was measured to judge the run (a
			// failure is not established either; --allow-partial merges and fails it).
			return exitFor(verdict{couldNotCheck: err.Error()})
		}
		return exitFailed
	}
	if len(cbThresholds) > 0 {
		var merged *receiver.Report // its histograms measure any percentile
		if len(found.receiver) > 0 {
			var reps []receiver.Report
			for _, p := range found.receiver {
				if r, err := assemble.ReadReceiver(p); err == nil {
					reps = append(reps, *r)
				}
			}
			if m, err := mergeReceivers(reps); err == nil {
				merged = &m
			}
		}
		cths, err := assemble.CallbackThresholds(s.Callbacks, merged, cbThresholds, true)
		if err != nil {
			fmt.Fprintf(stderr, "harness report: %v\n", err)
			return exitUsage
		}
		s.Thresholds = append(s.Thresholds, cths...)
	}
	s.Manifest.TargetURL = *target
	if *baseline != "" {
		base, err := loadBaseline(*baseline)
		if err != nil {
			fmt.Fprintf(stderr, "harness report: --baseline: %v\n", err)
			return exitUsage
		}
		s.SetBaseline(*baseline, base)
	}
	if *out == "" {
		// Checked here, not before reading: a merge's own errors (shards of two runs) say
		// more about several directories than a missing --out.
		if fs.NArg() > 1 {
			return fs.usageError("several result directories: say where the report goes with --out")
		}
		*out = filepath.Join(fs.Arg(0), reportSubdir)
	}
	html, err := reports.WriteAll(*out, s)
	if err != nil {
		fmt.Fprintf(stderr, "harness report: %v\n", err)
		return exitFailed
	}
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
	v := s.ComputeVerdict()
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
	notChecked, refused := resultsNotChecked(found)
	for _, why := range notChecked {
		fmt.Fprintf(stderr, "harness report: could not check: %s\n", why)
	}
	return exitFor(summaryVerdict(v, s, notChecked, refused))
}

// loadBaseline reads the result --baseline names, whatever the harness wrote: a report's
// summary.json (harness run, harness report), a load's summary.json, or a result directory
// (a run, conform, load or receive output), rebuilt as `harness report` would.
func loadBaseline(path string) (*reports.Summary, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	var found resultDirs
	switch {
	case !st.IsDir() && isLoadSummary(path):
		found.load = []string{filepath.Dir(path)}
	case !st.IsDir():
		return reports.LoadSummary(path)
	case exists(filepath.Join(path, loadtest.SummaryFile)) && !isLoadSummary(filepath.Join(path, loadtest.SummaryFile)):
		return reports.LoadSummary(filepath.Join(path, loadtest.SummaryFile))
	default:
		if err := scanResultDir(path, &found); err != nil {
			return nil, err
		}
	}
	return buildReport(found, nil, nil)
}

// resultsNotChecked lists the saved results that say they could not check the platform: a
// conformance run the platform refused our credentials in (refused: its failed scenarios are
// that refusal's), loads stopped for that or an unreachable target.
func resultsNotChecked(found resultDirs) (out []string, refused bool) {
	for _, d := range found.conformance {
		var c struct {
			CredentialsRefused *pns.CredentialsRefused `json:"credentialsRefused"`
		}
		if b, err := os.ReadFile(filepath.Join(d, "conformance.json")); err == nil && json.Unmarshal(b, &c) == nil && c.CredentialsRefused != nil {
			out = append(out, "conformance: "+c.CredentialsRefused.Error())
			refused = true
		}
	}
	for _, d := range found.load {
		r, err := loadtest.ReadSummary(filepath.Join(d, loadtest.SummaryFile))
		if err == nil && r.CouldNotCheck != "" {
			out = append(out, "load "+filepath.Base(d)+": "+r.CouldNotCheck)
		}
	}
	return out, refused
}

// buildReport assembles the summary from the found results; merge, when set, merges the load
// results into one scenario.
func buildReport(found resultDirs, merge *loadtest.MergeOptions, ths []loadtest.Threshold) (*reports.Summary, error) {
	s := &reports.Summary{Manifest: reports.Manifest{
		HarnessVersion: buildVersion(),
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
	if merge != nil && len(found.load) > 0 {
		r, err := merge.Merge(found.load...)
		if err != nil {
			return nil, err
		}
		results = append(results, r)
		name := fmt.Sprintf("%s-%s merged (%d shards)", r.Mode, r.Scenario, len(r.Shards))
		if len(r.Missing) > 0 {
			name = fmt.Sprintf("%s-%s merged (%d of %d shards)", r.Mode, r.Scenario, len(r.Shards), len(r.Shards)+len(r.Missing))
		}
		if r.Run.ID != "" {
			name = r.Run.ID + " " + name
		}
		names = append(names, name)
		s.Manifest.Settings = append(s.Manifest.Settings, mergedRunSettings(r)...)
		if len(r.Missing) > 0 {
			// Merged on request (--allow-partial), never silently: the run cannot pass.
			s.Errors = append(s.Errors, fmt.Sprintf("load %s: shard %s missing: the merged figures and thresholds cover part of the load",
				name, strings.Join(r.Missing, ", ")))
		}
		if msg := r.NotExact(); msg != "" {
			// "Exactly mergeable" is a claim the figures make: a merge that lost values fails.
			s.Errors = append(s.Errors, "load "+name+": "+msg)
		}
	} else {
		seen := map[string]int{}
		for _, d := range found.load {
			r, err := loadtest.ReadSummary(filepath.Join(d, loadtest.SummaryFile))
			if err != nil {
				return nil, err
			}
			results = append(results, r)
			names = append(names, assemble.ScenarioName(r))
			seen[assemble.ScenarioName(r)]++
		}
		// The same workload run twice is told apart by where each was written.
		for i, d := range found.load {
			if seen[names[i]] > 1 {
				names[i] += " (" + filepath.Base(d) + ")"
			}
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
		// A result read back does not record which of its thresholds were defaults: each
		// counts as given, so that an unmeasured one fails rather than passes unseen.
		s.Thresholds = append(s.Thresholds, assemble.Thresholds(r, prefix, true)...)
		s.Errors = append(s.Errors, assemble.LoadErrors(r, names[i])...)
		if s.Manifest.Start.IsZero() || r.Started.Before(s.Manifest.Start) {
			s.Manifest.Start = r.Started
		}
		if r.Ended.After(s.Manifest.End) {
			s.Manifest.End = r.Ended
		}
	}
	for _, d := range found.partial {
		// A run killed before its summary: never a pass, and what it may have left is said.
		s.Errors = append(s.Errors, fmt.Sprintf("load %s: partial result: the run ended without writing its %s (killed or crashed); %s",
			d, loadtest.SummaryFile, journalNote(d)))
	}
	for _, d := range found.partialConformance {
		s.Errors = append(s.Errors, fmt.Sprintf("conformance %s: partial result: the run ended without writing its conformance.json (killed or crashed); %s",
			d, journalNote(d)))
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
		if msg := merged.NotExact(); msg != "" {
			s.Errors = append(s.Errors, "callbacks: "+msg)
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

// mergedRunSettings are the identity of a merged run for the report's manifest: what every
// shard agreed on (the merge refuses shards that do not).
func mergedRunSettings(r *loadtest.Result) []reports.Setting {
	set := []reports.Setting{{Key: "load.shards", Value: strings.Join(r.Shards, ", ")}}
	if r.Run.ID != "" {
		set = append(set, reports.Setting{Key: "load.runId", Value: r.Run.ID})
	}
	if !r.Run.StartAt.IsZero() {
		set = append(set, reports.Setting{Key: "load.startAt", Value: r.Run.StartAt.UTC().Format(time.RFC3339Nano)})
	}
	if r.Run.HarnessVersion != "" {
		set = append(set, reports.Setting{Key: "load.harnessVersion", Value: r.Run.HarnessVersion})
	}
	if r.Run.ProfileDigest != "" {
		set = append(set, reports.Setting{Key: "load.profileDigest", Value: r.Run.ProfileDigest})
	}
	return set
}

// waitForShards polls dirs (directories of shard directories, as a sharded run writes them)
// until it finds n shards' load summaries, n being want or, when want is 0, the shard count
// the first summary records; after d it gives up and returns nil, leaving the missing shards
// to the merge to report. It returns how many shards it found; an error only for a summary
// that cannot be read.
func waitForShards(dirs []string, want int, d, every time.Duration) (int, error) {
	deadline := time.Now().Add(d)
	for {
		n, total, err := countShards(dirs)
		if err != nil {
			return n, err
		}
		if want > 0 {
			total = want
		}
		if total > 0 && n >= total {
			return n, nil
		}
		if time.Now().After(deadline) {
			return n, nil
		}
		time.Sleep(every)
	}
}

// countShards returns the shards found in dirs and the shard count they record.
func countShards(dirs []string) (found, total int, err error) {
	var rd resultDirs
	for _, d := range dirs {
		_ = scanResultDir(d, &rd) // not there yet: the shards create it
	}
	for _, d := range rd.load {
		r, err := loadtest.ReadSummary(d)
		if err != nil {
			return found, total, err
		}
		found += len(r.Shards)
		for _, sh := range r.Shards {
			if _, n, ok := strings.Cut(sh, "/"); ok && total == 0 {
				total, _ = strconv.Atoi(n)
			}
		}
	}
	return found, total, nil
}

// mergeReceivers combines receiver reports (several receivers of one run).
func mergeReceivers(reps []receiver.Report) (receiver.Report, error) {
	if len(reps) == 1 {
		return reps[0], nil
	}
	return receiver.Merge(reps...)
}
