package main

import (
	"fmt"
	"io"
	"regexp"
	"time"

	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/features"
)

// conformOptions are the parsed flags of `harness conform`.
type conformOptions struct {
	target, profile, tags, out, format, known, name string
	concurrency                                     int
	seed                                            int64
	emu, coverage, compare, slow, strict            bool
	stopOnFailure, list                             bool
	lifetime                                        *time.Duration
	tlsf                                            *tlsFlags
}

// conformFlags defines the flags of `harness conform` on a new flag set, filling o.
func conformFlags(o *conformOptions, stdout, stderr io.Writer) *flagSet {
	fs := newFlagSet("conform", stdout, stderr)
	fs.StringVar(&o.target, "target", "", "platform base URL; default: an embedded emulator on a free 127.0.0.1 port")
	fs.StringVar(&o.profile, "profile", "", "profile YAML (apps, secrets or their env vars, X numbers, number blocks); default matches the embedded emulator")
	fs.StringVar(&o.tags, "tags", "", "godog tag expression, e.g. '@axb.bind && ~@emulator' (',' = or, '&&' = and, '~' = not)")
	fs.StringVar(&o.out, "out", "conformance-report", "directory for cucumber.json, junit.xml, ctrf.json, coverage.json and conformance.json")
	fs.StringVar(&o.format, "format", "progress", "console format: progress or pretty")
	fs.IntVar(&o.concurrency, "concurrency", 1, "scenarios run in parallel")
	// --seed is the spelling `harness run` uses; --randomize, the old one, stays an alias.
	fs.Int64Var(&o.seed, "seed", 0, "shuffle scenarios with this seed, as harness run --seed does (0 = file order, -1 = random)")
	fs.Int64Var(&o.seed, "randomize", 0, "deprecated alias of --seed")
	fs.BoolVar(&o.emu, "emulator", false, "treat the target as the pns-harness emulator (runs @emulator scenarios) even if the profile says otherwise")
	fs.BoolVar(&o.coverage, "coverage", true, "print the coverage table")
	o.tlsf = addTLSFlags(fs.FlagSet)
	fs.BoolVar(&o.compare, "compare-emulator", false, "run the suite against --target and against the embedded emulator and list every scenario where they answer differently (terminal, compare.json, compare.html); exit 1 when they differ")
	fs.BoolVar(&o.slow, "slow", false, "also run the @slow scenarios against a target that is not the emulator (they wait in real time, e.g. 70 s for a binding to expire)")
	fs.StringVar(&o.known, "known-differences", "", "YAML file of accepted differences (scenario or tag, optional resultcode, reason, optional expiry): a matching failure is reported as a known difference, not a failure (docs/report.md)")
	fs.BoolVar(&o.strict, "strict", false, "certification mode: also fail (exit 1) when a rule that applies to the platform was not checked on it, or a known-differences entry is stale")
	o.lifetime = lifetimeFlag(fs, "lifetime `D` every AXB and AXE bind of the suite carries (duration, bindExpiredTime) unless its scenario checks those fields, so that a binding left behind expires by itself (default: 15s per selected scenario + the emulator clock advances on the emulator + 11m; 0: bindings never expire; AX binds have no lifetime; an AXYB AX bind carries duration, at least 60s)") // 0: the suite's expected length plus a margin; negative: none
	fs.StringVar(&o.name, "name", "", "run only the scenarios whose name matches this regular expression (an outline row's name has its values filled in), as godog's --name")
	fs.BoolVar(&o.stopOnFailure, "stop-on-failure", false, "stop after the first failed scenario: the scenarios after it are reported not checked (\"stopped after the first failure\"), the bindings are still cleaned up, and the exit code is 1")
	fs.BoolVar(&o.list, "list", false, "list every tag with the number of scenarios carrying it (among those --tags selects) and exit without running")
	fs.describe("harness conform [--target URL] [--profile FILE] [--tags EXPR] [--name REGEX] [--out DIR] [--list] [FILE.feature[:LINE] ...]",
		"Runs the Gherkin conformance suite: every interface's parameter rules, result codes and\n"+
			"response and callback schemas. Without --target it starts an embedded emulator. Every binding\n"+
			"a scenario creates is unbound (with retries); one left on the platform is named and fails\n"+
			"the run. A target that does not answer ends the run at once, and a platform that refuses the\n"+
			"profile's credentials ends it after a few refusals, below its lockout (exit 3, could not check).\n"+
			"Each scenario ends passed, failed, not checked, not applicable, known difference or differs\n"+
			"(from an emulator decision), each with its reason; only failed fails the run (docs/report.md).\n"+
			"Positional arguments run single scenarios, as godog's do: features/axb_bind.feature:53 runs\n"+
			"the scenario (or Examples row) on line 53, features/axb_bind.feature the whole file. The\n"+
			"features are embedded in the binary: name a file as the report prints it, with or without\n"+
			"its features/ directory; a location that selects no scenario is a usage error (exit 2).")
	return fs
}

// selection checks the scenario selection (positional locations, --name, --format, --tags)
// and, with --list, prints the tags of the selected scenarios. When ok is false the command
// exits with code: exitOK after --list, exitUsage after a refusal (printed).
func (o *conformOptions) selection(fs *flagSet, stdout, stderr io.Writer) (locs []conformance.Location, nameRE *regexp.Regexp, code int, ok bool) {
	for _, a := range fs.Args() {
		l, err := conformance.ParseLocation(a)
		if err != nil {
			fmt.Fprintf(stderr, "harness conform: %v\n", err)
			return nil, nil, exitUsage, false
		}
		locs = append(locs, l)
	}
	if o.name != "" {
		re, err := regexp.Compile(o.name)
		if err != nil {
			fmt.Fprintf(stderr, "harness conform: --name: %v\n", err)
			return nil, nil, exitUsage, false
		}
		nameRE = re
	}
	if o.format != "progress" && o.format != "pretty" {
		return nil, nil, fs.usageError("--format %q: want progress or pretty", o.format), false
	}
	if err := conformance.ValidateTags(o.tags); err != nil {
		return nil, nil, fs.usageError("--tags: %v", err), false
	}
	selected, err := conformance.Select(features.FS, o.tags)
	if err == nil && (len(locs) > 0 || nameRE != nil) {
		var all []conformance.Pickle
		if all, err = conformance.ParseFeatures(features.FS); err == nil {
			selected, err = conformance.Focus(all, selected, locs, nameRE)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "harness conform: %v\n", err)
		return nil, nil, exitUsage, false
	}
	if o.list {
		if err := conformance.WriteTagList(stdout, selected); err != nil {
			fmt.Fprintf(stderr, "harness conform: %v\n", err)
			return nil, nil, exitUsage, false
		}
		return nil, nil, exitOK, false
	}
	return locs, nameRE, 0, true
}

// suiteOptions resolves the options of the suite: the profile, the known differences and
// the HTTP client. When ok is false the command exits with code (a usage error, printed).
func (o *conformOptions) suiteOptions(fs *flagSet, locs []conformance.Location, nameRE *regexp.Regexp, stdout, stderr io.Writer) (opts conformance.Options, code int, ok bool) {
	opts = conformance.Options{
		Target: o.target, Tags: o.tags, Locations: locs, Name: nameRE, StopOnFailure: o.stopOnFailure, OutDir: o.out, Emulator: o.emu, Output: stdout,
		Format: o.format, Concurrency: o.concurrency, Randomize: o.seed, Slow: o.slow,
		BindingLifetime: *o.lifetime,
	}
	var err error
	if opts.Profile, opts.Target, err = profileAndTarget(o.profile, o.target); err != nil {
		fmt.Fprintf(stderr, "harness conform: %v\n", err)
		return opts, exitUsage, false
	}
	opts.ProfileFile = o.profile
	if o.known != "" {
		k, err := conformance.LoadKnownDifferences(o.known)
		if err != nil {
			fmt.Fprintf(stderr, "harness conform: %v\n", err)
			return opts, exitUsage, false
		}
		opts.KnownDifferences = k
	}
	hc, _, err := o.tlsf.client(30 * time.Second)
	if err != nil {
		return opts, fs.usageError("%v", err), false
	}
	opts.HTTPClient = hc
	return opts, 0, true
}

// profileAndTarget reads the profile at path (none when path is empty) and returns it with
// the target: the one given, else the profile's.
func profileAndTarget(path, target string) (*conformance.Profile, string, error) {
	if path == "" {
		return nil, target, nil
	}
	p, err := conformance.LoadProfile(path)
	if err != nil {
		return nil, target, err
	}
	if target == "" {
		target = p.Target
	}
	return p, target, nil
}
