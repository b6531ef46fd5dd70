package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/assemble"
	"github.com/pns-harness/pns-harness/loadtest"
)

// loadFlags are the flags of `harness load`, as parsed.
type loadFlags struct {
	target          *string
	allowRemote     *bool
	maxRate         *float64
	tlsf            *tlsFlags
	profilePath     *string
	scenario        *string
	workloadPath    *string
	genLag          *time.Duration
	mode            *string
	rate            *float64
	ramp            *string
	rampShape       *string
	duration        *time.Duration
	hold            *time.Duration
	shard           *string
	out             *string
	abortOnFail     *bool
	workers         *uint64
	maxWorkers      *uint64
	schemaSample    *float64
	timeout         *time.Duration
	unreachable     *time.Duration
	jsonOut         *bool
	outJSON         *string
	receiverListen  *string
	callbackWait    *time.Duration
	startAt         *string
	runID           *string
	lifetime        *time.Duration
	cleanupTimeout  *time.Duration
	cleanupAttempts *int
	cleanupRate     *float64
	cleanupFirst    *bool
	waitTarget      *time.Duration
	thresholds      loadMultiFlag
	cf              callbackFlags
	progressEvery   progressFlag
}

// loadFlagSet defines the flags of `harness load`.
func loadFlagSet(stdout, stderr io.Writer) (*flagSet, *loadFlags) {
	fs := newFlagSet("load", stdout, stderr)
	f := &loadFlags{}
	f.target = fs.String("target", "", "base `URL` of the PNS under load (default: an embedded emulator on a free loopback port); a host other than loopback needs --allow-remote and --max-rate")
	f.allowRemote = fs.Bool("allow-remote", false, "allow a target that is not loopback (also profile allowRemote: true); needs a ceiling --max-rate")
	f.maxRate = fs.Float64("max-rate", 0, "ceiling in requests/s of every interface together, over all shards, that the plan's peak (sessions/s × requests per session: bind-unbind 2) may not exceed (also profile maxRate; required with --allow-remote)")
	f.tlsf = addTLSFlags(fs.FlagSet)
	f.profilePath = fs.String("profile", "", "load profile YAML `file` (default: the embedded emulator's demo apps and X numbers)")
	f.scenario = fs.String("scenario", "", "built-in workload: bind-unbind (default), query or calls, optionally prefixed with the mode (axb-bind-unbind)")
	f.workloadPath = fs.String("workload", "", "workload YAML `file`: weighted flows of operations over several modes (docs/workloads.md); replaces --scenario")
	f.genLag = fs.Duration("generator-lag", loadtest.DefaultGeneratorLag, "generator-lag limit: a p99 dispatch lag above it flags the run generator-bound and breaks the threshold generator.lag.p99 (0: flag at the default limit, no threshold)")
	f.mode = fs.String("mode", "", "mode: axb (default), ax or axe")
	f.rate = fs.Float64("rate", 0, "`N` sessions per second, over all shards (or use --ramp); with --workload, the plan its flows' shares split")
	f.ramp = fs.String("ramp", "", "ramp `plan` DURATION@RATE,..., e.g. 10s@100,30s@500,10s@0 (replaces --rate)")
	f.rampShape = fs.String("ramp-shape", "", "how a ramp reaches each stage's rate: step (hold the stage's rate from its start; the default) or linear (a straight line from the previous stage's rate, 0 before the first, as k6 does); also a workload's rampShape")
	f.duration = fs.Duration("duration", 0, fmt.Sprintf("bound of the run (required, at most %s; with --ramp: the ramp's length, never shorter)", loadtest.MaxDuration))
	f.hold = fs.Duration("hold", time.Second, fmt.Sprintf("time each binding is kept before its unbind (at most %s)", loadtest.MaxHold))
	f.shard = fs.String("shard", "0/1", "this process's shard `i/N`: rate and number space are split N ways")
	f.out = fs.String("out", "", "output `dir` for vegeta gob files, HdrHistogram logs and load.json (the result)")
	fs.Var(&f.thresholds, "threshold", "k6-style `EXPR`, repeatable: bind.p99<50ms, bind.success>=99.9%, bind.corrected.p99<100ms, rate.shortfall<1%; a window judges every sliding W of the load, axb.bind.p99[10s]<200ms, and a trailing !abort stops the load when it breaks (docs/thresholds.md); a callback metric (calls scenario) such as callback.fee.p95<2s or callback.missing==0 replaces the callback defaults "+strings.Join(assemble.DefaultCallbackThresholds, ", "))
	addCallbackFlags(fs, &f.cf, false)
	f.abortOnFail = fs.Bool("abort-on-fail", false, "stop early (and clean up) as soon as any threshold is broken, over the run so far or in a full window (one threshold: its !abort suffix)")
	f.workers = fs.Uint64("workers", 10, "workers the generator starts with (it adds more while all are busy, up to --max-workers)")
	f.maxWorkers = fs.Uint64("max-workers", loadtest.DefaultMaxWorkers, "maximum workers of the generator, one request in flight each (below the rate's need, the shortfall, lag and corrected latency show it)")
	f.schemaSample = fs.Float64("schema-sample", 1, "fraction of responses validated against the JSON schemas (0 = none)")
	f.timeout = fs.Duration("timeout", loadtest.DefaultTimeout, "per-request timeout")
	f.unreachable = fs.Duration("unreachable-after", loadtest.DefaultUnreachableAfter, "stop the load (after cleanup; exit 3, or 1 when bindings were left) when no request has had an HTTP answer for this long while requests fail at the transport level; 0 never stops")
	fs.Var(&f.progressEvery, "progress", "progress `interval` (default 1s on a terminal, 5s otherwise; a negative number such as -1, or none: no progress lines)")
	f.jsonOut = fs.Bool("json", false, "print the result as JSON instead of the text summary")
	f.outJSON = addStreamFlag(fs.FlagSet)
	f.receiverListen = fs.String("receiver-listen", "127.0.0.1:9099", "calls scenario: loopback `address` of the callback receiver; the platform app's callStatusUrl and feeUrl must point at it (port 0: a free port, for the embedded emulator, which is told where it is)")
	f.callbackWait = fs.Duration("callback-wait", loadtest.DefaultCallbackWait, "calls scenario: how long to wait for callbacks after the last call")
	f.startAt = fs.String("start-at", "", "shared start `instant` (RFC3339, e.g. 2026-12-01T22:30:00Z) of the shards of one run: setup happens before, the load begins then")
	f.runID = fs.String("run-id", "", "`name` of the distributed run, recorded in the result: report --merge refuses shards of different runs")
	f.lifetime = lifetimeFlag(fs, "lifetime `D` every AXB, AXE and AXYB bind carries (duration, bindExpiredTime; AXYB at least 60s), so that a binding left behind expires by itself (default: the run's length + "+loadtest.BindingMargin.String()+"; 0: none is sent, and bindings never expire, AXYB ones after the platform's default 7200s; AX binds have no lifetime)") // 0: the run's length plus a margin; negative: none
	f.cleanupTimeout = fs.Duration("cleanup-timeout", loadtest.DefaultCleanupTimeout, "time budget of the cleanup after the load")
	f.cleanupAttempts = fs.Int("cleanup-attempts", loadtest.DefaultCleanupAttempts, "tries per binding within the cleanup's time budget (with backoff and jitter)")
	f.cleanupRate = fs.Float64("cleanup-rate", 0, "requests/s of setup and cleanup over all shards, halved whenever the platform throttles or fails (default: half the profile's flowControl, else --max-rate, else "+strconv.Itoa(loadtest.DefaultCleanupRate)+")")
	f.cleanupFirst = fs.Bool("cleanup-first", false, "when --out holds the binding journal of an earlier run that left bindings, remove them before the load (as harness cleanup) instead of refusing the directory")
	f.waitTarget = fs.Duration("wait-target", 0, "wait up to this long for the target to accept TCP connections (e.g. an emulator sidecar starting)")
	fs.describe("harness load [--target URL] (--duration D --rate N | --ramp PLAN | --duration D --workload FILE) [flags]",
		"Open-model load: a built-in workload (--scenario) or a workload file of weighted flows\n"+
			"(--workload, docs/workloads.md). Every bind is unbound; Ctrl-C stops the load and unbinds\n"+
			"everything still bound. The generator times its own lag and says when it, not the target,\n"+
			"was the bottleneck. Without --target it starts the embedded emulator. A target that is not\n"+
			"loopback needs --allow-remote and a ceiling --max-rate (or allowRemote and maxRate in the\n"+
			"profile), checked before any packet is sent; a target that does not answer ends the run at\n"+
			"once, and each mode's credentials are tried with one harmless query first: a platform that\n"+
			"refuses them ends the run before any bind, below its lockout (exit 3, could not check).")
	return fs, f
}

// checkRate refuses a rate the load cannot use: --rate with --ramp, --ramp-shape without a
// ramp, no rate at all for a scenario.
func (f *loadFlags) checkRate(wl *loadtest.Workload) error {
	switch {
	case *f.ramp != "" && *f.rate != 0:
		return fmt.Errorf("--rate and --ramp are mutually exclusive")
	case *f.rampShape != "" && *f.ramp == "" && (wl == nil || !wl.HasRamp()):
		return fmt.Errorf("--ramp-shape shapes a ramp: give --ramp (or a workload with a ramp)")
	case *f.ramp != "":
	case *f.rate < 0 || (*f.rate == 0 && wl == nil):
		return fmt.Errorf("--rate must be positive (or give --ramp)")
	}
	return nil
}

// checkLimits refuses out-of-range values of the sampling, unreachable and cleanup flags.
func (f *loadFlags) checkLimits() error {
	if *f.schemaSample < 0 || *f.schemaSample > 1 {
		return fmt.Errorf("--schema-sample must be between 0 and 1")
	}
	if *f.unreachable < 0 {
		return fmt.Errorf("--unreachable-after must not be negative (0 never stops)")
	}
	if *f.cleanupTimeout <= 0 || *f.cleanupAttempts < 1 || *f.cleanupRate < 0 {
		return fmt.Errorf("--cleanup-timeout and --cleanup-attempts must be positive, --cleanup-rate not negative")
	}
	return nil
}
