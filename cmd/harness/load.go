package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/assemble"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/reports"
)

func init() {
	register("load", "generate open-model load on a PNS (bind-unbind, query, calls) with corrected latency", interruptible(runLoad))
}

// loadMultiFlag collects a repeatable string flag.
type loadMultiFlag []string

func (m *loadMultiFlag) String() string     { return strings.Join(*m, " ") }
func (m *loadMultiFlag) Set(v string) error { *m = append(*m, v); return nil }

// loadParseShard parses "i/N" (0 <= i < N).
func loadParseShard(s string) (int, int, error) {
	is, ns, ok := strings.Cut(s, "/")
	if !ok {
		return 0, 0, fmt.Errorf("--shard %q: want i/N, e.g. 0/4", s)
	}
	i, err1 := strconv.Atoi(strings.TrimSpace(is))
	n, err2 := strconv.Atoi(strings.TrimSpace(ns))
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("--shard %q: want i/N with integers, e.g. 0/4", s)
	}
	if n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("--shard %q: want 0 <= i < N", s)
	}
	return i, n, nil
}

// maxStartWait bounds how far --start-at may be ahead or behind: further is a typo (a wrong
// day or time zone) or a stale value, not a plan.
const maxStartWait = time.Hour

// loadParseStartAt parses --start-at (RFC3339; empty means none) relative to now. An instant
// up to maxStartWait in the past is accepted: a shard that arrives late starts at once and its
// result says how late it was.
func loadParseStartAt(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--start-at %q: want an RFC3339 instant such as 2026-12-01T22:30:00Z", s)
	}
	if t.Sub(now) > maxStartWait {
		return time.Time{}, fmt.Errorf("--start-at %s is more than %s ahead", s, maxStartWait)
	}
	if now.Sub(t) > maxStartWait {
		// A stale value (last run's), not a shard that is a little late: alone, its load
		// would not overlap the others'.
		return time.Time{}, fmt.Errorf("--start-at %s is more than %s in the past: give this run's start instant", s, maxStartWait)
	}
	return t, nil
}

// loadIsTerminal reports whether w is a character device (an interactive terminal).
func loadIsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, f := loadFlagSet(stdout, stderr)
	if code, ok := parseFlags(fs, args, false); !ok {
		return code
	}
	o, err := f.options()
	if err != nil {
		return fs.usageError("%v", err)
	}
	return loadWork(ctx, fs, f, o, stdout, stderr)
}

// loadVerdict is the verdict of a load that ran: bindings left on the platform, requests of a
// run that went its full course without an answer (Result.UnansweredProblem) and result files
// that could not be written are failures; a run stopped because the platform became
// unreachable or refused the credentials could not check; then the thresholds.
func loadVerdict(res *loadtest.Result, err error) verdict {
	v := verdict{couldNotCheck: res.CouldNotCheck}
	if res.Cleanup.LeftBehind() > 0 {
		v.failed++
	}
	if res.UnansweredProblem() != "" {
		v.failed++
	}
	if err != nil {
		v.failed++
	}
	for _, t := range res.Thresholds {
		if !t.OK {
			v.thresholds++
		}
	}
	return v
}

// loadCallbacks judges the pushes of the calls scenario as every subcommand that receives
// does (expected, received, missing and each anomaly, the callback thresholds or their
// defaults), writes receiver.json (and the bodies of the pushes judged wrong) next to the
// load result and returns the callbacks' verdict and thresholds; profile is the --profile
// file the reproductions sign with ("" for the built-in one).
func loadCallbacks(rcv *receiver.Receiver, given []string, out, profile string, stdout, stderr io.Writer) (verdict, []reports.Threshold) {
	rep := rcv.Final()
	if out != "" {
		if err := rep.SaveReplays(out); err != nil {
			fmt.Fprintf(stderr, "harness load: %v\n", err)
			return verdict{failed: 1}, nil
		}
		if err := writeJSONFile(filepath.Join(out, assemble.ReceiverFile), rep); err != nil {
			fmt.Fprintf(stderr, "harness load: %v\n", err)
			return verdict{failed: 1}, nil
		}
	}
	cb := assemble.Callbacks(rep, nil)
	// The console's reproductions name the pushes' files under --out and the profile whose
	// apps sign, wherever the user runs them.
	cb.Reproductions = assemble.CallbackReproductions(rep, out, profile)
	ths, err := callbackThresholds(cb, &rep, given)
	if err != nil {
		fmt.Fprintf(stderr, "harness load: %v\n", err)
		return verdict{failed: 1}, nil
	}
	return callbackVerdict(stdout, cb, ths), ths
}

// loadNeedsReceiver reports whether the load runs the call operation, whose callbacks the
// receiver times.
func loadNeedsReceiver(scenario string, wl *loadtest.Workload) bool {
	if wl == nil {
		sc, _ := loadtest.ParseScenario(scenario)
		return sc == loadtest.ScenarioCalls
	}
	for _, f := range wl.Flows {
		for _, s := range f.Steps {
			if s.Op == loadtest.OpCall {
				return true
			}
		}
	}
	return false
}

// loadScenarios are the scenarios of `harness load --scenario`, each optionally prefixed
// with its mode.
var loadScenarios = []string{loadtest.ScenarioBindUnbind, loadtest.ScenarioQuery, loadtest.ScenarioCalls}

// loadCheckScenario rejects an unknown scenario or mode before anything is started, naming
// the nearest valid scenario.
func loadCheckScenario(scenario, mode string) error {
	sc, m := loadtest.ParseScenario(scenario)
	known := false
	for _, k := range loadScenarios {
		known = known || sc == k
	}
	if !known {
		var names, prefixes []string
		for _, k := range loadScenarios {
			names = append(names, k)
			for _, pm := range pns.Modes {
				names = append(names, pm.Lower()+"-"+k)
			}
		}
		for _, pm := range pns.Modes {
			prefixes = append(prefixes, pm.Lower()+"-")
		}
		return fmt.Errorf("--scenario %q: unknown scenario (want %s, optionally prefixed with %s or %s)%s",
			scenario, strings.Join(loadScenarios, ", "), strings.Join(prefixes[:len(prefixes)-1], ", "), prefixes[len(prefixes)-1], suggest(scenario, names))
	}
	if mode != "" {
		if _, err := pns.ParseMode(mode); err != nil {
			return fmt.Errorf("--mode %q: want %s", mode, pns.ModeList(true))
		}
	}
	if m != "" && mode != "" && !strings.EqualFold(string(m), mode) {
		return fmt.Errorf("--scenario %q names mode %s but --mode is %s", scenario, m, mode)
	}
	return nil
}
