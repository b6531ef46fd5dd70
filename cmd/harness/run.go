package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/stream"
)

// Defaults of `harness run`: a short, bounded load so the whole job takes about a minute on a
// 2-core machine.
const (
	defaultRunOut          = "reports/out"
	defaultRunLoadDuration = 5 * time.Second
	defaultRunRate         = 100
	defaultRunCallRate     = 20
	defaultRunHold         = time.Second
)

// Service levels `harness run` checks when no --threshold is given: generous enough for a
// shared 2-core machine, strict about correctness (every request answered "0", every response
// schema-valid, the rate delivered).
var (
	defaultRunBindThresholds  = []string{"bind.success>=99.9%", "unbind.success>=99.9%", "rate.shortfall<5%", "conformance.errors==0", "bind.corrected.p99<250ms"}
	defaultRunCallsThresholds = []string{"calls.success>=99.9%", "conformance.errors==0"}
)

func init() {
	register("run", "the main job: embedded emulator, conformance suite, short load, HTML report", interruptible(runRun))
}

// runOptions are the flags of `harness run`.
type runOptions struct {
	out          string
	loadDuration time.Duration
	rate         float64
	callRate     float64
	noLoad       bool
	tags         string
	seed         int64
	baseline     string
	thresholds   loadtest.ThresholdSet
	callbacks    callbackFlags
	faults       faultFlag
	// known is the --known-differences file (loaded), strict the certification mode.
	knownPath string
	known     *conformance.KnownDifferences
	strict    bool
	// rateSet and durationSet tell a flag given from its default (the profile may set both).
	rateSet, durationSet bool
	// cleanupFirst removes what an earlier run's journals in out say may be left, instead of
	// refusing the directory (takeOverRunDir).
	cleanupFirst bool
	// remote holds the flags of a run against --target.
	remote targetOptions
	// outJSON is --out-json; stream its writer (nil without).
	outJSON string
	stream  *stream.Writer
}

// runRun is `harness run`: flags, options, the plan executed, the report and the exit code
// (exitFor of the run's verdict).
func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o := runOptions{faults: faultFlag{}}
	fs := runFlags(&o, stdout, stderr)
	if code, ok := parseFlags(fs, args, false); !ok {
		return code
	}
	base, err := o.check(fs)
	if err != nil {
		fmt.Fprintf(stderr, "harness run: %v\n", err)
		return exitUsage
	}
	if o.seed == 0 {
		o.seed = rand.Int64N(1<<31) + 1
	}
	if o.outJSON != "" {
		sw, err := stream.Create(o.outJSON)
		if err != nil {
			fmt.Fprintf(stderr, "harness run: --out-json: %v\n", err)
			return exitUsage
		}
		defer sw.Close()
		o.stream = sw
		sw.Write(stream.TypeStart, time.Time{}, stream.Start{Command: "run", Target: o.remote.target, Version: buildVersion()})
	}
	out, err := executeRun(ctx, o, stdout)
	if err != nil {
		if ctx.Err() != nil {
			return exitFor(verdict{interrupted: true})
		}
		fmt.Fprintf(stderr, "harness run: %v\n", err)
		if v := targetVerdict(err); v.couldNotCheck != "" || errors.As(err, new(usageError)) {
			return exitFor(v)
		}
		return exitFor(verdict{failed: 1})
	}
	return finishRun(o, out, base, stdout, stderr)
}
