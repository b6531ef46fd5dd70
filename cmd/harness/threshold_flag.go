package main

import (
	"github.com/pns-harness/pns-harness/loadtest"
)

// thresholdFlag defines --threshold on fs for the subcommands that judge load and callback
// results alike (run, report): each expression goes into set as it is given, which parses it
// in the one grammar and keeps it with the results that judge it, so that an unknown metric
// is refused with the flag's error before anything starts.
func thresholdFlag(fs *flagSet, usage string, set *loadtest.ThresholdSet) {
	fs.Func("threshold", usage, set.Add)
}
