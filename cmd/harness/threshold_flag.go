package main

import (
	"github.com/pns-harness/pns-harness/assemble"
	"github.com/pns-harness/pns-harness/loadtest"
)

// thresholdFlag defines --threshold on fs for the subcommands that judge load and callback
// results alike (run, report): each expression is parsed as it is given, in the one grammar,
// and kept in callback when it names a callback metric, in load otherwise, so that an unknown
// metric is refused with the flag's error before anything starts.
func thresholdFlag(fs *flagSet, usage string, load, callback *[]string) {
	fs.Func("threshold", usage, func(v string) error {
		if assemble.IsCallbackThreshold(v) {
			if _, err := assemble.ParseCallbackThreshold(v); err != nil {
				return err
			}
			*callback = append(*callback, v)
			return nil
		}
		if _, err := loadtest.ParseThreshold(v); err != nil {
			return err
		}
		*load = append(*load, v)
		return nil
	})
}
