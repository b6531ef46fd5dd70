package loadtest

import (
	"fmt"
	"sort"
	"strings"
)

// loadScopes are the interface IDs a load result can hold samples of: the interfaces of
// every workload operation (the operations table is the registry of load metrics), so a
// threshold scope is checked against what a load can measure, not against one workload.
func loadScopes() []string {
	seen := map[string]bool{}
	for _, op := range operations {
		for _, id := range op.Ifaces {
			seen[id] = true
		}
	}
	out := make([]string, 0, len(seen))
	for id := range seen {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// checkLoadScope refuses an interface scope that no load can measure (a typo such as
// bnid.p99), so that every subcommand taking thresholds — load, run, report — refuses it
// while parsing, before any traffic, instead of failing it after the run for "no samples".
// A scope is "all", an interface ID (axb.bind) or an operation ending one (bind).
func checkLoadScope(expr, scope string) error {
	if scope == "all" || strings.HasPrefix(scope, "callback.") {
		return nil
	}
	ids := loadScopes()
	for _, id := range ids {
		if id == scope || strings.HasSuffix(id, "."+scope) {
			return nil
		}
	}
	return fmt.Errorf("threshold %q: %q is no operation or interface a load measures (want all, an operation or one of %s, or rate, conformance, throttling, rejections, generator.lag, generator.blocked, callback.EVENT, flow.NAME)",
		expr, scope, strings.Join(ids, ", "))
}
