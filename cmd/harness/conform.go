package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/pipeline"
)

func init() {
	register("conform", "run the Gherkin conformance suite against the emulator or a PNS platform", interruptible(runConform))
}

// runConform implements `harness conform`: exit 0 when every scenario passed, 1 when one
// failed, 2 for bad usage or configuration.
func runConform(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var o conformOptions
	fs := conformFlags(&o, stdout, stderr)
	if code, ok := parseFlags(fs, args, true); !ok {
		return code
	}
	locs, nameRE, code, ok := o.selection(fs, stdout, stderr)
	if !ok {
		return code
	}
	opts, code, ok := o.suiteOptions(fs, locs, nameRE, stdout, stderr)
	if !ok {
		return code
	}
	if o.compare {
		if opts.Target == "" {
			return fs.usageError("--compare-emulator needs --target (or a profile target): the embedded emulator is the other side")
		}
		if err := preflight(ctx, opts.HTTPClient, opts.Target); err != nil {
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
		if err := preflight(ctx, opts.HTTPClient, opts.Target); err != nil {
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
	return conformReport(res, &o, opts, start, stdout, stderr)
}

// conformReport prints the outcome of the suite (warnings, coverage, summary, states,
// cleanup, strict checks), writes ctrf.json to --out and returns the exit code.
func conformReport(res *conformance.Result, o *conformOptions, opts conformance.Options, start time.Time, stdout, stderr io.Writer) int {
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "harness conform: warning: %s\n", w)
	}
	if o.coverage && res.Coverage != nil {
		fmt.Fprintln(stdout)
		if err := res.Coverage.WriteTable(stdout); err != nil {
			fmt.Fprintf(stderr, "harness conform: %v\n", err)
		}
	}
	fmt.Fprintf(stdout, "\n%s in %s; reports in %s\n", res.Summary(), res.Duration.Round(1e6), o.out)
	if res.Coverage != nil && res.Coverage.Contract != nil && o.out != "" {
		fmt.Fprintln(stdout, res.Coverage.Contract.Summary(filepath.Join(o.out, "coverage.json")))
	}
	if err := res.WriteStates(stdout); err != nil {
		fmt.Fprintf(stderr, "harness conform: %v\n", err)
	}
	pipeline.WriteCleanup(stdout, res.Cleanup)
	if res.CredentialsRefused != nil {
		fmt.Fprintf(stderr, "harness conform: %v\n", res.CredentialsRefused)
	}
	v := conformVerdict(res)
	strictFailed := o.strict && v.couldNotCheck == "" && pipeline.WriteStrict(stdout, res)
	if strictFailed {
		v.failed++ // certification: a rule that applies left unchecked, or a stale entry
	}
	if o.out != "" {
		secrets := conformance.EmulatorProfile().Secrets()
		if opts.Profile != nil {
			secrets = opts.Profile.Secrets()
		}
		if err := writeConformCTRF(o.out, res, runManifest(res.Target, o.profile, start, o.seed, nil), strictFailed, secrets); err != nil {
			fmt.Fprintf(stderr, "harness conform: %v\n", err)
			v.failed++ // a CI dashboard reading ctrf.json would see nothing, or an old run
		}
	}
	return exitFor(v)
}
