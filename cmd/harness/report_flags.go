package main

import (
	"io"
	"time"

	"github.com/pns-harness/pns-harness/loadtest"
)

// reportFlags are the flags of `harness report`, as parsed.
type reportFlags struct {
	out          *string
	merge        *bool
	baseline     *string
	target       *string
	shards       *int
	allowPartial *bool
	wait         *time.Duration
	thresholds   loadtest.ThresholdSet
}

// reportFlagSet defines the flags of `harness report`; --threshold is parsed as it is given,
// load metrics apart from callback ones, so that an unknown metric is refused before reading.
func reportFlagSet(stdout, stderr io.Writer) (*flagSet, *reportFlags) {
	fs := newFlagSet("report", stdout, stderr)
	f := &reportFlags{}
	f.out = fs.String("out", "", "output `directory` for index.html, junit.xml, ctrf.json and summary.json (default: DIR/"+reportSubdir+" for one DIR; required for several)")
	f.merge = fs.Bool("merge", false, "merge every load result found into one scenario (shards of one distributed run): histograms are added, not averaged")
	f.baseline = fs.String("baseline", "", "an earlier result to compare with: a report's summary.json, a load's load.json (summary.json from older versions), or any result directory this command reads")
	f.target = fs.String("target", "", "target URL to show in the manifest")
	f.shards = fs.Int("shards", 0, "with --merge: the `N` shards expected (default: the N the shards record); a missing one fails the merge")
	f.allowPartial = fs.Bool("allow-partial", false, "with --merge: merge an incomplete set of shards, listing the missing ones in the report")
	f.wait = fs.Duration("wait", 0, "with --merge: wait up to this long for every shard's load.json to appear (a merge step started with the shards)")
	thresholdFlag(fs, "threshold evaluated on the (merged) load results, e.g. 'bind.p99<50ms', or on the receiver results when it names a callback metric, e.g. 'callback.fee.p99<2s', 'callback.missing==0' (repeatable)", &f.thresholds)
	fs.describe("harness report [flags] DIR...",
		"Rebuilds the report from saved results: `harness run` output directories, `harness conform --out`\n"+
			"and `harness load --out` directories, `harness receive --out` directories, or directories of\n"+
			"load shards (with --merge).")
	return fs, f
}
