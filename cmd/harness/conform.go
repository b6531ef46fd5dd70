package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"time"

	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/features"
	"github.com/pns-harness/pns-harness/pipeline"
)

func init() {
	register("conform", "run the Gherkin conformance suite against the emulator or a PNS platform", interruptible(runConform))
}

// runConform implements `harness conform`: exit 0 when every scenario passed, 1 when one
// failed, 2 for bad usage or configuration.
func runConform(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("conform", stdout, stderr)
	target := fs.String("target", "", "platform base URL; default: an embedded emulator on a free 127.0.0.1 port")
	profile := fs.String("profile", "", "profile YAML (apps, secrets or their env vars, X numbers, number blocks); default matches the embedded emulator")
	tags := fs.String("tags", "", "godog tag expression, e.g. '@axb.bind && ~@emulator' (',' = or, '&&' = and, '~' = not)")
	out := fs.String("out", "conformance-report", "directory for cucumber.json, junit.xml, ctrf.json, coverage.json and conformance.json")
	format := fs.String("format", "progress", "console format: progress or pretty")
	concurrency := fs.Int("concurrency", 1, "scenarios run in parallel")
	// --seed is the spelling `harness run` uses; --randomize, the old one, stays an alias.
	seed := fs.Int64("seed", 0, "shuffle scenarios with this seed, as harness run --seed does (0 = file order, -1 = random)")
	fs.Int64Var(seed, "randomize", 0, "deprecated alias of --seed")
	emu := fs.Bool("emulator", false, "treat the target as the pns-harness emulator (runs @emulator scenarios) even if the profile says otherwise")
	coverage := fs.Bool("coverage", true, "print the coverage table")
	tlsf := addTLSFlags(fs.FlagSet)
	compare := fs.Bool("compare-emulator", false, "run the suite against --target and against the embedded emulator and list every scenario where they answer differently (terminal, compare.json, compare.html); exit 1 when they differ")
	slow := fs.Bool("slow", false, "also run the @slow scenarios against a target that is not the emulator (they wait in real time, e.g. 70 s for a binding to expire)")
	known := fs.String("known-differences", "", "YAML file of accepted differences (scenario or tag, optional resultcode, reason, optional expiry): a matching failure is reported as a known difference, not a failure (docs/report.md)")
	strict := fs.Bool("strict", false, "certification mode: also fail (exit 1) when a rule that applies to the platform was not checked on it, or a known-differences entry is stale")
	lifetime := lifetimeFlag(fs, "lifetime `D` every AXB and AXE bind of the suite carries (duration, bindExpiredTime) unless its scenario checks those fields, so that a binding left behind expires by itself (default: 15s per selected scenario + the emulator clock advances on the emulator + 11m; 0: bindings never expire; AX binds have no lifetime; an AXYB AX bind carries duration, at least 60s)") // 0: the suite's expected length plus a margin; negative: none
	name := fs.String("name", "", "run only the scenarios whose name matches this regular expression (an outline row's name has its values filled in), as godog's --name")
	stopOnFailure := fs.Bool("stop-on-failure", false, "stop after the first failed scenario: the scenarios after it are reported not checked (\"stopped after the first failure\"), the bindings are still cleaned up, and the exit code is 1")
	list := fs.Bool("list", false, "list every tag with the number of scenarios carrying it (among those --tags selects) and exit without running")
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
	if code, ok := parseFlags(fs, args, true); !ok {
		return code
	}
	var locs []conformance.Location
	for _, a := range fs.Args() {
		l, err := conformance.ParseLocation(a)
		if err != nil {
			fmt.Fprintf(stderr, "harness conform: %v\n", err)
			return exitUsage
		}
		locs = append(locs, l)
	}
	var nameRE *regexp.Regexp
	if *name != "" {
		re, err := regexp.Compile(*name)
		if err != nil {
			fmt.Fprintf(stderr, "harness conform: --name: %v\n", err)
			return exitUsage
		}
		nameRE = re
	}
	if *format != "progress" && *format != "pretty" {
		return fs.usageError("--format %q: want progress or pretty", *format)
	}
	if err := conformance.ValidateTags(*tags); err != nil {
		return fs.usageError("--tags: %v", err)
	}
	selected, err := conformance.Select(features.FS, *tags)
	if err == nil && (len(locs) > 0 || nameRE != nil) {
		var all []conformance.Pickle
		if all, err = conformance.ParseFeatures(features.FS); err == nil {
			selected, err = conformance.Focus(all, selected, locs, nameRE)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "harness conform: %v\n", err)
		return exitUsage
	}
	if *list {
		if err := conformance.WriteTagList(stdout, selected); err != nil {
			fmt.Fprintf(stderr, "harness conform: %v\n", err)
			return exitUsage
		}
		return exitOK
	}
	opts := conformance.Options{
		Target: *target, Tags: *tags, Locations: locs, Name: nameRE, StopOnFailure: *stopOnFailure, OutDir: *out, Emulator: *emu, Output: stdout,
		Format: *format, Concurrency: *concurrency, Randomize: *seed, Slow: *slow,
		BindingLifetime: *lifetime,
	}
	if *profile != "" {
		p, err := conformance.LoadProfile(*profile)
		if err != nil {
			fmt.Fprintf(stderr, "harness conform: %v\n", err)
			return exitUsage
		}
		opts.Profile, opts.ProfileFile = p, *profile
		if opts.Target == "" {
			opts.Target = p.Target
		}
	}
	if *known != "" {
		k, err := conformance.LoadKnownDifferences(*known)
		if err != nil {
			fmt.Fprintf(stderr, "harness conform: %v\n", err)
			return exitUsage
		}
		opts.KnownDifferences = k
	}
	hc, _, err := tlsf.client(30 * time.Second)
	if err != nil {
		return fs.usageError("%v", err)
	}
	opts.HTTPClient = hc
	if *compare {
		if opts.Target == "" {
			return fs.usageError("--compare-emulator needs --target (or a profile target): the embedded emulator is the other side")
		}
		if err := preflight(ctx, hc, opts.Target); err != nil {
			fmt.Fprintf(stderr, "harness conform: %v\n", err)
			return exitFor(targetVerdict(err))
		}
		return runCompare(ctx, opts, stdout, stderr)
	}
	if opts.Target == "" {
		fmt.Fprintf(stdout, "target: embedded emulator\n")
	} else {
		fmt.Fprintf(stdout, "target: %s\n", opts.Target)
		// A dead target ends the run here, within seconds, not after every scenario failed.
		if err := preflight(ctx, hc, opts.Target); err != nil {
			if ctx.Err() != nil {
				return exitFor(verdict{interrupted: true})
			}
			fmt.Fprintf(stderr, "harness conform: %v\n", err)
			return exitFor(targetVerdict(err))
		}
	}
	start := time.Now()
	res, err := conformance.Run(ctx, opts)
	if err != nil {
		if ctx.Err() != nil {
			return exitFor(verdict{interrupted: true})
		}
		fmt.Fprintf(stderr, "harness conform: %v\n", err)
		return exitFor(verdict{usage: true})
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "harness conform: warning: %s\n", w)
	}
	if *coverage && res.Coverage != nil {
		fmt.Fprintln(stdout)
		if err := res.Coverage.WriteTable(stdout); err != nil {
			fmt.Fprintf(stderr, "harness conform: %v\n", err)
		}
	}
	fmt.Fprintf(stdout, "\n%s in %s; reports in %s\n", res.Summary(), res.Duration.Round(1e6), *out)
	if res.Coverage != nil && res.Coverage.Contract != nil && *out != "" {
		fmt.Fprintln(stdout, res.Coverage.Contract.Summary(filepath.Join(*out, "coverage.json")))
	}
	if err := res.WriteStates(stdout); err != nil {
		fmt.Fprintf(stderr, "harness conform: %v\n", err)
	}
	pipeline.WriteCleanup(stdout, res.Cleanup)
	if res.CredentialsRefused != nil {
		fmt.Fprintf(stderr, "harness conform: %v\n", res.CredentialsRefused)
	}
	v := conformVerdict(res)
	strictFailed := *strict && v.couldNotCheck == "" && pipeline.WriteStrict(stdout, res)
	if strictFailed {
		v.failed++ // certification: a rule that applies left unchecked, or a stale entry
	}
	if *out != "" {
		secrets := conformance.EmulatorProfile().Secrets()
		if opts.Profile != nil {
			secrets = opts.Profile.Secrets()
		}
		if err := writeConformCTRF(*out, res, runManifest(res.Target, *profile, start, *seed, nil), strictFailed, secrets); err != nil {
			fmt.Fprintf(stderr, "harness conform: %v\n", err)
			v.failed++ // a CI dashboard reading ctrf.json would see nothing, or an old run
		}
	}
	return exitFor(v)
}
