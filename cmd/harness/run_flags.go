package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/pns-harness/pns-harness/assemble"
	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pipeline/rundir"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/reports"
)

// runFlags defines the flags of `harness run` on a new flag set, filling o.
func runFlags(o *runOptions, stdout, stderr io.Writer) *flagSet {
	fs := newFlagSet("run", stdout, stderr)
	fs.StringVar(&o.out, "out", defaultRunOut, "output `directory` (index.html, junit.xml, ctrf.json, summary.json, raw results)")
	fs.StringVar(&o.outJSON, "out-json", "", streamFlagUsage)
	fs.DurationVar(&o.loadDuration, "load-duration", defaultRunLoadDuration, "duration of each load scenario (bind-unbind, calls)")
	fs.Float64Var(&o.rate, "rate", defaultRunRate, "bind rate of the bind-unbind scenario (req/s); with --target, unless given here or as profile load.rate, lowered per mode to what the profile's X numbers, flowControl and maxRate carry (the plan is printed), and when given, refused if they cannot carry it")
	fs.Float64Var(&o.callRate, "call-rate", defaultRunCallRate, "simulated calls per second of the calls scenario")
	fs.BoolVar(&o.noLoad, "no-load", false, "skip the load scenarios")
	fs.StringVar(&o.tags, "tags", "", "godog tag expression selecting conformance scenarios (default: all)")
	fs.Int64Var(&o.seed, "seed", 0, "seed for scenario order and generated numbers (0 = random, printed)")
	fs.StringVar(&o.baseline, "baseline", "", "an earlier result to compare with: a report's summary.json, a load's load.json (summary.json from older versions), or any result directory harness report reads")
	thresholdFlag(fs, "threshold, k6 style (repeatable): a load metric such as 'bind.p99<50ms' applies to bind-unbind and replaces its defaults "+strings.Join(defaultRunBindThresholds, ", ")+
		"; a callback metric such as 'callback.fee.p99<2s' or 'callback.missing==0' applies to every push of the run and replaces its defaults "+strings.Join(assemble.DefaultCallbackThresholds, ", "), &o.thresholds)
	fs.StringVar(&o.knownPath, "known-differences", "", "YAML `file` of accepted differences: a conformance failure an entry matches is a known difference, not a failure (docs/report.md)")
	fs.BoolVar(&o.strict, "strict", false, "certification mode: the run also fails when a conformance rule that applies to the platform was not checked on it, or a known-differences entry is stale; the --out directory becomes a certification bundle (certification.json, checked by harness verify)")
	fs.BoolVar(&o.cleanupFirst, "cleanup-first", false, "when --out holds the binding journal of an earlier run that may have left bindings on its platform, remove them first (as harness cleanup) instead of refusing the directory")
	addCallbackFlags(fs, &o.callbacks, false)
	fs.Var(o.faults, "inject-fault", "`IFACE[=CODE]`: answer every request of that interface with CODE (default 1010001), to see a failing run (repeatable)")
	fs.StringVar(&o.remote.target, "target", "", "run the whole job against this platform `URL` instead of the embedded emulator (needs --profile)")
	fs.StringVar(&o.remote.profilePath, "profile", "", "profile YAML `file` of the --target platform (apps, secrets from env, X numbers, load settings)")
	fs.StringVar(&o.remote.receive, "receive", "", "with --target: run a callback receiver on this `address` for the whole run (the platform's notification URLs must point at it)")
	fs.BoolVar(&o.remote.allowRemote, "allow-remote", false, "with --target: allow a target that is not loopback (also profile allowRemote: true); needs --max-rate")
	fs.Float64Var(&o.remote.maxRate, "max-rate", 0, "with --target: ceiling in requests/s no load rate may exceed (also profile maxRate)")
	fs.DurationVar(&o.remote.hold, "hold", 0, "with --target: how long each load binding is kept (default: profile load.hold, else 1s)")
	o.remote.tls = addTLSFlags(fs.FlagSet)
	fs.describe("harness run [flags]\n       harness run --target URL --profile FILE [--receive ADDR] [flags]",
		"Starts the embedded emulator on a free loopback port, runs the conformance suite and a short\n"+
			"load test (bind-unbind and calls with callbacks), and writes the HTML report. Ctrl-C stops\n"+
			"early: the load unbinds what it bound and the report of what ran is still written. With\n"+
			"--target it does the same against that platform: conformance (scenarios needing emulator\n"+
			"control not checked, with the reason), a bind-unbind load per mode of the profile behind the\n"+
			"remote gate, at a rate fitted to the profile's limits unless one is given, and callbacks\n"+
			"received on --receive for the whole run. A platform that refuses the profile's credentials\n"+
			"stops the run (exit 3).")
	return fs
}

// check validates the options after parsing (fs tells given flags from defaults) and loads
// what they name (known differences, the baseline) before anything starts: every refusal is
// a usage error, said in one line.
func (o *runOptions) check(fs *flagSet) (base *reports.Summary, err error) {
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "rate":
			o.rateSet = true
		case "load-duration":
			o.durationSet = true
		}
	})
	if o.remote.target == "" && (o.remote.profilePath != "" || o.remote.receive != "" || o.remote.allowRemote || o.remote.maxRate != 0 || o.remote.hold != 0 ||
		o.remote.tls.caFile != "" || o.remote.tls.insecure) {
		return nil, errors.New("--profile, --receive, --allow-remote, --max-rate, --hold, --ca-file and --insecure-skip-verify need --target")
	}
	if o.remote.target != "" && len(o.faults) > 0 {
		return nil, errors.New("--inject-fault works on the embedded emulator only, not with --target")
	}
	if o.loadDuration <= 0 || o.loadDuration > loadtest.MaxDuration || o.rate <= 0 || o.callRate <= 0 {
		return nil, fmt.Errorf("--load-duration must be in (0, %s] and rates positive", loadtest.MaxDuration)
	}
	if err := checkRunThresholds(o.thresholds.Load, o.remote.target == ""); err != nil {
		return nil, err
	}
	if o.tags != "" {
		if err := conformance.ValidateTags(o.tags); err != nil {
			return nil, fmt.Errorf("--tags: %w", err)
		}
	}
	if o.knownPath != "" {
		k, err := conformance.LoadKnownDifferences(o.knownPath)
		if err != nil {
			return nil, err
		}
		o.known = k
	}
	if o.baseline != "" {
		if base, err = rundir.LoadBaseline(o.baseline, buildVersion()); err != nil {
			return nil, fmt.Errorf("--baseline: %w", err)
		}
	}
	return base, nil
}

// checkRunThresholds refuses, before the run, a load threshold the bind-unbind scenario
// cannot measure (query.p99 on a load that only binds and unbinds), as `harness load` does,
// rather than failing the load after the conformance suite. The embedded run loads AXB only;
// with --target the modes come from the profile (read later), so there the scope is checked
// against every load metric (ParseThreshold, when the flag was parsed) and each mode's load
// checks its own.
func checkRunThresholds(ths []loadtest.Threshold, embedded bool) error {
	if !embedded {
		return nil
	}
	wl, err := loadtest.BuiltinWorkload(loadtest.ScenarioBindUnbind, pns.ModeAXB, defaultRunHold, defaultRunRate)
	if err != nil {
		return err
	}
	return loadtest.CheckThresholds(ths, wl)
}
