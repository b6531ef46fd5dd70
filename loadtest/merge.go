package loadtest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// ErrShardMismatch is wrapped by the errors of Merge for shards that do not belong to one run
// (different run IDs, harness versions, profiles, plans, start instants or shard counts).
var ErrShardMismatch = errors.New("shards of different runs")

// ErrShardsMissing is wrapped by the errors of Merge for an incomplete set of shards.
var ErrShardsMissing = errors.New("shards missing")

// MergeOptions tune how shards are merged. The zero value refuses incomplete sets.
type MergeOptions struct {
	// Shards is the number of shards expected; 0 takes it from the shards found (each
	// records i/N). Set it when a whole shard may be absent, e.g. in a merge step that knows
	// the Job's completions.
	Shards int
	// AllowPartial merges an incomplete set instead of refusing it; the result then lists
	// the missing shards in Missing and says so in Warnings.
	AllowPartial bool
}

// ShardSeries is one merged shard's rate over time.
type ShardSeries struct {
	// Shard is "i/N".
	Shard string `json:"shard"`
	// Points are the shard's seconds, by Unix second T as in Result.Series.
	Points []ShardSecond `json:"points"`
}

// ShardSecond is one second of one shard: its primary operation's scheduled and sent
// requests, which add up over the shards to the merged Series' TargetRate and AchievedRate.
type ShardSecond struct {
	T            int64   `json:"t"`
	TargetRate   float64 `json:"targetRate"`
	AchievedRate int64   `json:"achievedRate"`
}

// Merge reads the load result of every shard directory and merges them exactly (see
// MergeOptions.Merge), refusing shards of different runs and incomplete sets.
func Merge(dirs ...string) (*Result, error) { return MergeOptions{}.Merge(dirs...) }

// MergeResults merges in-memory results exactly (see MergeOptions.MergeResults).
func MergeResults(rs ...*Result) (*Result, error) { return MergeOptions{}.MergeResults(rs...) }

// Merge reads the load result of every shard directory (ResultIn: load.json, or an older
// version's summary.json) and merges them exactly: histograms are added and counts summed, so
// the merged percentiles are those of the union of the shards' raw results. A directory
// without a result but with sub-directories that have one (the layout of a collected Indexed
// Job) is expanded.
func (o MergeOptions) Merge(dirs ...string) (*Result, error) {
	var in []shardInput
	for _, d := range dirs {
		paths, err := summaryPaths(d)
		if err != nil {
			return nil, err
		}
		for _, p := range paths {
			r, err := ReadResult(p)
			if err != nil {
				return nil, err
			}
			in = append(in, shardInput{label: filepath.Dir(p), r: r})
		}
	}
	return o.merge(in)
}

// MergeResults merges in-memory results exactly, with the checks of Merge. Thresholds are
// not carried over: evaluate them again on the merged result.
func (o MergeOptions) MergeResults(rs ...*Result) (*Result, error) {
	in := make([]shardInput, len(rs))
	for i, r := range rs {
		in[i] = shardInput{label: "result " + strconv.Itoa(i+1), r: r}
	}
	return o.merge(in)
}

// shardInput is one result to merge and where it came from, for the error messages.
type shardInput struct {
	label string
	r     *Result
}

func (o MergeOptions) merge(in []shardInput) (*Result, error) {
	if len(in) == 0 {
		return nil, errors.New("merge: no results")
	}
	missing, err := o.check(in)
	if err != nil {
		return nil, err
	}
	var all *aggregate
	for _, s := range in {
		a, err := aggregateFromResult(s.r)
		if err != nil {
			return nil, fmt.Errorf("merge: %s: %w", s.label, err)
		}
		if all == nil {
			all = a
			continue
		}
		if err := all.merge(a); err != nil {
			return nil, err
		}
	}
	if len(missing) > 0 {
		all.warnings = append(all.warnings, fmt.Sprintf("merged %d of %d shards (missing %s): the totals cover part of the load",
			len(all.shards), len(all.shards)+len(missing), strings.Join(missing, ", ")))
	}
	res, err := all.result(true)
	if err != nil {
		return nil, err
	}
	res.Missing = missing
	if len(all.shards) > 1 {
		res.ShardSeries = shardSeries(in)
	}
	return res, nil
}

// check refuses inputs that were not run together and returns the missing shards "i/N"
// (an error unless AllowPartial).
func (o MergeOptions) check(in []shardInput) ([]string, error) {
	first := in[0]
	mismatch := func(s shardInput, what, a, b string) error {
		return fmt.Errorf("merge: %w: %s has %s %s but %s has %s: refusing to merge them",
			ErrShardMismatch, s.label, what, b, first.label, a)
	}
	q := strconv.Quote
	n := o.Shards
	seen := map[int]string{}
	for _, s := range in {
		r, f := s.r, first.r
		switch {
		case r.Run.ID != f.Run.ID:
			return nil, mismatch(s, "run ID", q(f.Run.ID), q(r.Run.ID))
		case r.Run.HarnessVersion != f.Run.HarnessVersion:
			return nil, mismatch(s, "harness version", q(f.Run.HarnessVersion), q(r.Run.HarnessVersion))
		case r.Run.ProfileDigest != f.Run.ProfileDigest:
			return nil, mismatch(s, "profile digest", q(f.Run.ProfileDigest), q(r.Run.ProfileDigest))
		case !r.Run.StartAt.Equal(f.Run.StartAt):
			return nil, mismatch(s, "start instant", startString(f), startString(r))
		case r.Scenario != f.Scenario || r.Mode != f.Mode:
			return nil, mismatch(s, "scenario", f.Mode+" "+f.Scenario, r.Mode+" "+r.Scenario)
		case !slices.Equal(r.Plan, f.Plan) || r.HoldSeconds != f.HoldSeconds:
			return nil, mismatch(s, "plan", planString(f), planString(r))
		}
		for _, sh := range r.Shards {
			i, sn, err := parseShard(sh)
			if err != nil {
				return nil, fmt.Errorf("merge: %s: %w", s.label, err)
			}
			if n == 0 {
				n = sn
			}
			if sn != n {
				return nil, mismatch(s, "shard count", strconv.Itoa(n), strconv.Itoa(sn))
			}
			if prev, dup := seen[i]; dup {
				return nil, fmt.Errorf("merge: shard %s appears twice (%s and %s)", sh, prev, s.label)
			}
			seen[i] = s.label
		}
	}
	var missing []string
	for i := 0; i < n; i++ {
		if _, ok := seen[i]; !ok {
			missing = append(missing, fmt.Sprintf("%d/%d", i, n))
		}
	}
	if len(missing) > 0 && !o.AllowPartial {
		run := ""
		if first.r.Run.ID != "" {
			run = " of run " + q(first.r.Run.ID)
		}
		return nil, fmt.Errorf("merge: %w: shard %s%s not found (found %d of %d): a missing shard's load would be left out of the totals; rerun it, or merge with --allow-partial",
			ErrShardsMissing, strings.Join(missing, ", "), run, len(seen), n)
	}
	return missing, nil
}

func startString(r *Result) string {
	if r.Run.StartAt.IsZero() {
		return "none"
	}
	return r.Run.StartAt.UTC().Format("2006-01-02T15:04:05.999999999Z07:00")
}

func planString(r *Result) string {
	return fmt.Sprintf("%s (per shard, hold %gs)", r.Plan, r.HoldSeconds)
}

// parseShard parses "i/N" (0 <= i < N).
func parseShard(s string) (int, int, error) {
	is, ns, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(is)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("shard %q: want i/N with 0 <= i < N", s)
	}
	return i, n, nil
}

// shardSeries is the rate over time of every input shard, in shard order. An input that is
// itself a merge contributes its own per-shard series.
func shardSeries(in []shardInput) []ShardSeries {
	var out []ShardSeries
	for _, s := range in {
		if len(s.r.ShardSeries) > 0 {
			out = append(out, s.r.ShardSeries...)
			continue
		}
		ss := ShardSeries{Shard: strings.Join(s.r.Shards, "+"), Points: make([]ShardSecond, 0, len(s.r.Series))}
		for _, sec := range s.r.Series {
			ss.Points = append(ss.Points, ShardSecond{T: sec.T, TargetRate: sec.TargetRate, AchievedRate: sec.AchievedRate})
		}
		out = append(out, ss)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, _, _ := parseShard(out[i].Shard)
		b, _, _ := parseShard(out[j].Shard)
		return a < b
	})
	return out
}

func summaryPaths(d string) ([]string, error) {
	if p := ResultIn(d); p != "" {
		return []string{p}, nil
	}
	st, err := os.Stat(d)
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	if !st.IsDir() {
		return []string{d}, nil
	}
	ents, err := os.ReadDir(d)
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() {
			if p := ResultIn(filepath.Join(d, e.Name())); p != "" {
				out = append(out, p)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("merge: %s has no load result %s (nor sub-directories with one)", d, ResultFile)
	}
	sort.Strings(out)
	return out, nil
}
