package rundir

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/assemble"
	"github.com/pns-harness/pns-harness/conformance/results"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/reports"
)

// LoadBaseline reads the result a --baseline names, whatever the harness wrote: a report's
// summary.json (harness run, harness report), a load's load.json (or the summary.json an
// older version gave it), or a result directory (a run, conform, load or receive output),
// rebuilt as `harness report` would.
func LoadBaseline(path, version string) (*reports.Summary, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	var found Results
	switch {
	case !st.IsDir() && (filepath.Base(path) == loadtest.ResultFile || loadtest.IsLegacyResult(path)):
		found.Load = []string{filepath.Dir(path)}
	case !st.IsDir():
		return reports.LoadSummary(path)
	case loadtest.ResultIn(path) == "" && exists(filepath.Join(path, reports.JSONFile)):
		return reports.LoadSummary(filepath.Join(path, reports.JSONFile))
	default:
		if err := Scan(path, &found); err != nil {
			return nil, err
		}
	}
	return Rebuild(found, RebuildOptions{Version: version})
}

// NotChecked lists the saved results that say they could not check the platform: a
// conformance run the platform refused our credentials in (refused: its failed scenarios are
// that refusal's), loads stopped for that or an unreachable target.
func NotChecked(found Results) (out []string, refused bool) {
	for _, d := range found.Conformance {
		var c struct {
			CredentialsRefused *pns.CredentialsRefused `json:"credentialsRefused"`
		}
		if b, err := os.ReadFile(filepath.Join(d, results.ResultsFile)); err == nil && json.Unmarshal(b, &c) == nil && c.CredentialsRefused != nil {
			out = append(out, "conformance: "+c.CredentialsRefused.Error())
			refused = true
		}
	}
	for _, d := range found.Load {
		r, err := loadtest.ReadResult(d)
		if err == nil && r.CouldNotCheck != "" {
			out = append(out, "load "+filepath.Base(d)+": "+r.CouldNotCheck)
		}
	}
	return out, refused
}

// Rebuild assembles the summary of a run from its saved results, as `harness report` shows
// it (opt: RebuildOptions).
func Rebuild(found Results, opt RebuildOptions) (*reports.Summary, error) {
	s := &reports.Summary{Manifest: reports.Manifest{
		HarnessVersion: opt.Version,
		Profile:        "rebuilt by harness report",
		Machine:        reports.CurrentMachine(),
	}}
	if err := rebuildConformance(s, found); err != nil {
		return nil, err
	}
	results, names, err := readLoads(s, found, opt.Merge)
	if err != nil {
		return nil, err
	}
	if err := addLoads(s, results, names, opt.Thresholds); err != nil {
		return nil, err
	}
	for _, d := range found.Partial {
		// A run killed before its summary: never a pass, and what it may have left is said.
		s.Errors = append(s.Errors, fmt.Sprintf("load %s: partial result: the run ended without writing its %s (killed or crashed); %s",
			d, loadtest.ResultFile, JournalNote(d)))
	}
	for _, d := range found.PartialConformance {
		s.Errors = append(s.Errors, fmt.Sprintf("conformance %s: partial result: the run ended without writing its conformance.json (killed or crashed); %s",
			d, JournalNote(d)))
	}
	merged, err := rebuildCallbacks(s, found)
	if err != nil {
		return nil, err
	}
	if s.Manifest.Start.IsZero() {
		s.Manifest.Start = time.Now()
		s.Manifest.End = s.Manifest.Start
	}
	sort.SliceStable(s.Thresholds, func(i, j int) bool { return s.Thresholds[i].Expression < s.Thresholds[j].Expression })
	if len(opt.CallbackThresholds) > 0 {
		// Judged on the merged receivers' histograms, which measure any percentile; given by
		// the user, so one that cannot be measured fails.
		if err := assemble.JudgeCallbacks(s, merged, opt.CallbackThresholds, true); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// RebuildOptions say how Rebuild treats the results: Merge, when set, merges the load results
// into one scenario (shards); Thresholds are evaluated again on each load result and
// CallbackThresholds on the receivers' results; Version is the harness version the manifest
// records.
type RebuildOptions struct {
	Merge              *loadtest.MergeOptions
	Thresholds         []loadtest.Threshold
	CallbackThresholds []string
	Version            string
}

// rebuildConformance adds the conformance results found (several runs: one section).
func rebuildConformance(s *reports.Summary, found Results) error {
	for i, d := range found.Conformance {
		c, err := assemble.Conformance(d, 0)
		if err != nil {
			return err
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
	return nil
}

// readLoads reads the load results found, merged into one when merge is set, with the name
// each has in the report; a merge's missing shards and lost values are run errors.
func readLoads(s *reports.Summary, found Results, merge *loadtest.MergeOptions) ([]*loadtest.Result, []string, error) {
	var results []*loadtest.Result
	var names []string
	if merge != nil && len(found.Load) > 0 {
		r, err := merge.Merge(found.Load...)
		if err != nil {
			return nil, nil, err
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
		for _, d := range found.Load {
			r, err := loadtest.ReadResult(d)
			if err != nil {
				return nil, nil, err
			}
			results = append(results, r)
			names = append(names, assemble.ScenarioName(r))
			seen[assemble.ScenarioName(r)]++
		}
		// The same workload run twice is told apart by where each was written.
		for i, d := range found.Load {
			if seen[names[i]] > 1 {
				names[i] += " (" + filepath.Base(d) + ")"
			}
		}
	}
	return results, names, nil
}

// addLoads adds each load result's section, thresholds (ths evaluated again when given) and
// errors, and widens the manifest's span to cover it.
func addLoads(s *reports.Summary, results []*loadtest.Result, names []string, ths []loadtest.Threshold) error {
	for i, r := range results {
		if len(ths) > 0 {
			out, err := loadtest.Evaluate(r, ths)
			if err != nil {
				return err
			}
			r.Thresholds = out
		}
		prefix := ""
		if len(results) > 1 {
			prefix = names[i]
		}
		// A result read back does not record which of its thresholds were defaults: each
		// counts as given, so that an unmeasured one fails rather than passes unseen.
		assemble.AppendLoad(s, r, names[i], prefix, true)
		if s.Manifest.Start.IsZero() || r.Started.Before(s.Manifest.Start) {
			s.Manifest.Start = r.Started
		}
		if r.Ended.After(s.Manifest.End) {
			s.Manifest.End = r.Ended
		}
	}
	return nil
}

// rebuildCallbacks adds the callback section of the receiver results found (several
// receivers merged), with the embedded emulator's own loss when `harness run` recorded it,
// and returns the merged report (nil without receiver results).
func rebuildCallbacks(s *reports.Summary, found Results) (*receiver.Report, error) {
	if len(found.Receiver) == 0 {
		return nil, nil
	}
	var reps []receiver.Report
	for _, p := range found.Receiver {
		r, err := assemble.ReadReceiver(p)
		if err != nil {
			return nil, err
		}
		reps = append(reps, *r)
	}
	merged, err := MergeReceivers(reps)
	if err != nil {
		return nil, err
	}
	if msg := merged.NotExact(); msg != "" {
		s.Errors = append(s.Errors, "callbacks: "+msg)
	}
	// The emulator's own loss, when the receiver results come from `harness run`.
	var loss *reports.EmulatorLoss
	for _, p := range found.Receiver {
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
	return &merged, nil
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

// WaitForShards polls dirs (directories of shard directories, as a sharded run writes them)
// until it finds n shards' load summaries, n being want or, when want is 0, the shard count
// the first summary records; after d it gives up and returns nil, leaving the missing shards
// to the merge to report. It returns how many shards it found; an error only for a summary
// that cannot be read.
func WaitForShards(dirs []string, want int, d, every time.Duration) (int, error) {
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
	var rd Results
	for _, d := range dirs {
		_ = Scan(d, &rd) // not there yet: the shards create it
	}
	for _, d := range rd.Load {
		r, err := loadtest.ReadResult(d)
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

// MergeReceivers combines receiver reports (several receivers of one run).
func MergeReceivers(reps []receiver.Report) (receiver.Report, error) {
	if len(reps) == 1 {
		return reps[0], nil
	}
	return receiver.Merge(reps...)
}
