package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/assemble"
	"github.com/pns-harness/pns-harness/embedded"
	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/profile"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/reports"
	"github.com/pns-harness/pns-harness/schemas"
	"github.com/pns-harness/pns-harness/stream"
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

// defaultLoadProfile is the load profile of the embedded emulator: its demo apps with every X
// number of its default pool, so that binds name their X explicitly.
func defaultLoadProfile() *loadtest.Profile {
	p := loadtest.DefaultProfile()
	cfg, err := emulator.DefaultConfig()
	if err != nil {
		return p // auto selection still works
	}
	modeOf := map[string]pns.Mode{}
	for _, a := range cfg.Apps {
		modeOf[a.AppKey] = a.Mode
	}
	for _, e := range cfg.Entries() {
		if _, a := p.AppFor(modeOf[e.App]); a != nil && a.AppKey == e.App {
			a.XNumbers = append(a.XNumbers, e.Number)
		}
	}
	return p
}

// loadAdoptEmulatorPool asks the target's emulator admin API for its configuration and, for
// each demo app of prof that the emulator has, replaces the app's X numbers with the
// emulator's pool (the emulator may run a custom configuration). It reports whether it did;
// a target without the admin API leaves prof unchanged.
func loadAdoptEmulatorPool(ctx context.Context, hc *http.Client, target string, prof *loadtest.Profile) bool {
	if hc == nil {
		hc = http.DefaultClient
	}
	cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(cctx, http.MethodGet, strings.TrimRight(target, "/")+emulator.AdminPrefix+"config", nil)
	if err != nil {
		return false
	}
	resp, err := hc.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false
	}
	var cfg struct {
		Apps []struct {
			AppKey string   `json:"appKey"`
			Mode   pns.Mode `json:"mode"`
		} `json:"apps"`
		Pool []struct {
			Number string `json:"number"`
			App    string `json:"app"`
		} `json:"pool"`
		PoolRanges []struct {
			From  string `json:"from"`
			Count int    `json:"count"`
			App   string `json:"app"`
		} `json:"poolRanges"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 4<<20)).Decode(&cfg); err != nil {
		return false
	}
	changed := false
	for _, ea := range cfg.Apps {
		_, a := prof.AppFor(ea.Mode)
		if a == nil || a.AppKey != ea.AppKey {
			continue
		}
		var xs []string
		var ranges []loadtest.XRange
		for _, e := range cfg.Pool {
			if e.App == ea.AppKey {
				xs = append(xs, e.Number)
			}
		}
		for _, r := range cfg.PoolRanges {
			if r.App == ea.AppKey {
				ranges = append(ranges, loadtest.XRange{From: r.From, Count: r.Count})
			}
		}
		if len(xs)+len(ranges) > 0 {
			a.XNumbers, a.XRanges = xs, ranges
			changed = true
		}
	}
	return changed
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
	fs := newFlagSet("load", stdout, stderr)
	target := fs.String("target", "", "base `URL` of the PNS under load (default: an embedded emulator on a free loopback port); a host other than loopback needs --allow-remote and --max-rate")
	allowRemote := fs.Bool("allow-remote", false, "allow a target that is not loopback (also profile allowRemote: true); needs a ceiling --max-rate")
	maxRate := fs.Float64("max-rate", 0, "ceiling in requests/s of every interface together, over all shards, that the plan's peak (sessions/s × requests per session: bind-unbind 2) may not exceed (also profile maxRate; required with --allow-remote)")
	tlsf := addTLSFlags(fs.FlagSet)
	profilePath := fs.String("profile", "", "load profile YAML `file` (default: the embedded emulator's demo apps and X numbers)")
	scenario := fs.String("scenario", "", "built-in workload: bind-unbind (default), query or calls, optionally prefixed with the mode (axb-bind-unbind)")
	workloadPath := fs.String("workload", "", "workload YAML `file`: weighted flows of operations over several modes (docs/workloads.md); replaces --scenario")
	genLag := fs.Duration("generator-lag", loadtest.DefaultGeneratorLag, "generator-lag limit: a p99 dispatch lag above it flags the run generator-bound and breaks the threshold generator.lag.p99 (0: flag at the default limit, no threshold)")
	mode := fs.String("mode", "", "mode: axb (default), ax or axe")
	rate := fs.Float64("rate", 0, "`N` sessions per second, over all shards (or use --ramp); with --workload, the plan its flows' shares split")
	ramp := fs.String("ramp", "", "ramp `plan` DURATION@RATE,..., e.g. 10s@100,30s@500,10s@0 (replaces --rate)")
	rampShape := fs.String("ramp-shape", "", "how a ramp reaches each stage's rate: step (hold the stage's rate from its start; the default) or linear (a straight line from the previous stage's rate, 0 before the first, as k6 does); also a workload's rampShape")
	duration := fs.Duration("duration", 0, fmt.Sprintf("bound of the run (required, at most %s; with --ramp: the ramp's length, never shorter)", loadtest.MaxDuration))
	hold := fs.Duration("hold", time.Second, fmt.Sprintf("time each binding is kept before its unbind (at most %s)", loadtest.MaxHold))
	shard := fs.String("shard", "0/1", "this process's shard `i/N`: rate and number space are split N ways")
	out := fs.String("out", "", "output `dir` for vegeta gob files, HdrHistogram logs and summary.json")
	var thresholds loadMultiFlag
	fs.Var(&thresholds, "threshold", "k6-style `EXPR`, repeatable: bind.p99<50ms, bind.success>=99.9%, bind.corrected.p99<100ms, rate.shortfall<1%; a window judges every sliding W of the load, axb.bind.p99[10s]<200ms, and a trailing !abort stops the load when it breaks (docs/thresholds.md); a callback metric (calls scenario) such as callback.fee.p95<2s or callback.missing==0 replaces the callback defaults "+strings.Join(assemble.DefaultCallbackThresholds, ", "))
	var cf callbackFlags
	addCallbackFlags(fs, &cf, false)
	abortOnFail := fs.Bool("abort-on-fail", false, "stop early (and clean up) as soon as any threshold is broken, over the run so far or in a full window (one threshold: its !abort suffix)")
	workers := fs.Uint64("workers", 10, "workers the generator starts with (it adds more while all are busy, up to --max-workers)")
	maxWorkers := fs.Uint64("max-workers", loadtest.DefaultMaxWorkers, "maximum workers of the generator, one request in flight each (below the rate's need, the shortfall, lag and corrected latency show it)")
	schemaSample := fs.Float64("schema-sample", 1, "fraction of responses validated against the JSON schemas (0 = none)")
	timeout := fs.Duration("timeout", loadtest.DefaultTimeout, "per-request timeout")
	unreachable := fs.Duration("unreachable-after", loadtest.DefaultUnreachableAfter, "stop the load (after cleanup; exit 3, or 1 when bindings were left) when no request has had an HTTP answer for this long while requests fail at the transport level; 0 never stops")
	var progressEvery progressFlag
	fs.Var(&progressEvery, "progress", "progress `interval` (default 1s on a terminal, 5s otherwise; a negative number such as -1, or none: no progress lines)")
	jsonOut := fs.Bool("json", false, "print the result as JSON instead of the text summary")
	outJSON := addStreamFlag(fs.FlagSet)
	receiverListen := fs.String("receiver-listen", "127.0.0.1:9099", "calls scenario: `address` of the callback receiver; the emulator app's callStatusUrl and feeUrl must point at it")
	callbackWait := fs.Duration("callback-wait", loadtest.DefaultCallbackWait, "calls scenario: how long to wait for callbacks after the last call")
	startAt := fs.String("start-at", "", "shared start `instant` (RFC3339, e.g. 2026-12-01T22:30:00Z) of the shards of one run: setup happens before, the load begins then")
	runID := fs.String("run-id", "", "`name` of the distributed run, recorded in the result: report --merge refuses shards of different runs")
	lifetime := lifetimeFlag(fs, "lifetime `D` every AXB, AXE and AXYB bind carries (duration, bindExpiredTime; AXYB at least 60s), so that a binding left behind expires by itself (default: the run's length + "+loadtest.BindingMargin.String()+"; 0: none is sent, and bindings never expire, AXYB ones after the platform's default 7200s; AX binds have no lifetime)") // 0: the run's length plus a margin; negative: none
	cleanupTimeout := fs.Duration("cleanup-timeout", loadtest.DefaultCleanupTimeout, "time budget of the cleanup after the load")
	cleanupAttempts := fs.Int("cleanup-attempts", loadtest.DefaultCleanupAttempts, "tries per binding within the cleanup's time budget (with backoff and jitter)")
	cleanupRate := fs.Float64("cleanup-rate", 0, "requests/s of setup and cleanup over all shards, halved whenever the platform throttles or fails (default: half the profile's flowControl, else --max-rate, else "+strconv.Itoa(loadtest.DefaultCleanupRate)+")")
	cleanupFirst := fs.Bool("cleanup-first", false, "when --out holds the binding journal of an earlier run that left bindings, remove them before the load (as harness cleanup) instead of refusing the directory")
	waitTarget := fs.Duration("wait-target", 0, "wait up to this long for the target to accept TCP connections (e.g. an emulator sidecar starting)")
	fs.describe("harness load [--target URL] (--duration D --rate N | --ramp PLAN | --duration D --workload FILE) [flags]",
		"Open-model load: a built-in workload (--scenario) or a workload file of weighted flows\n"+
			"(--workload, docs/workloads.md). Every bind is unbound; Ctrl-C stops the load and unbinds\n"+
			"everything still bound. The generator times its own lag and says when it, not the target,\n"+
			"was the bottleneck. Without --target it starts the embedded emulator. A target that is not\n"+
			"loopback needs --allow-remote and a ceiling --max-rate (or allowRemote and maxRate in the\n"+
			"profile), checked before any packet is sent; a target that does not answer ends the run at\n"+
			"once, and each mode's credentials are tried with one harmless query first: a platform that\n"+
			"refuses them ends the run before any bind, below its lockout (exit 3, could not check).")
	if code, ok := parseFlags(fs, args, false); !ok {
		return code
	}
	usageErr := fs.usageError
	// A ramp has its own length: --duration may be left out, and may not cut it short.
	var plan loadtest.Plan
	if *ramp != "" && *rate == 0 {
		p, err := loadtest.ParseRamp(*ramp)
		if err != nil {
			return usageErr("--ramp: %v", err)
		}
		if plan, err = p.WithShape(*rampShape); err != nil {
			return usageErr("--ramp-shape: %v", err)
		}
		switch {
		case *duration == 0:
			*duration = plan.Total()
		case *duration < plan.Total():
			return usageErr("--duration %s is shorter than the ramp's %s (%s): leave --duration out (a ramp runs for its own length) or shorten the ramp", *duration, plan.Total(), plan)
		}
	}
	if *duration <= 0 {
		return usageErr("--duration is required and must be positive")
	}
	if *duration > loadtest.MaxDuration {
		return usageErr("--duration %s exceeds the maximum of %s", *duration, loadtest.MaxDuration)
	}
	var wl *loadtest.Workload
	if *workloadPath != "" {
		if *scenario != "" {
			return usageErr("--workload and --scenario are mutually exclusive")
		}
		w, err := loadtest.LoadWorkload(*workloadPath)
		if err != nil {
			return usageErr("%v", err)
		}
		if *rampShape != "" {
			// The flag shapes the file's ramps too, as --ramp replaces its plan.
			if _, err := (loadtest.Plan{}).WithShape(*rampShape); err != nil {
				return usageErr("--ramp-shape: %v", err)
			}
			w.RampShape = *rampShape
		}
		wl = w
	} else {
		if *scenario == "" {
			*scenario = loadtest.ScenarioBindUnbind
		}
		if err := loadCheckScenario(*scenario, *mode); err != nil {
			return usageErr("%v", err)
		}
	}
	switch {
	case *ramp != "" && *rate != 0:
		return usageErr("--rate and --ramp are mutually exclusive")
	case *rampShape != "" && *ramp == "" && (wl == nil || !wl.HasRamp()):
		return usageErr("--ramp-shape shapes a ramp: give --ramp (or a workload with a ramp)")
	case *ramp != "":
	case *rate < 0 || (*rate == 0 && wl == nil):
		return usageErr("--rate must be positive (or give --ramp)")
	}
	si, sn, err := loadParseShard(*shard)
	if err != nil {
		return usageErr("%v", err)
	}
	// Callback thresholds are evaluated on the receiver's results, in the grammar every
	// subcommand shares; the others on the load result.
	var loadThs, cbThs []string
	for _, th := range thresholds {
		if assemble.IsCallbackThreshold(th) {
			cbThs = append(cbThs, th)
		} else {
			loadThs = append(loadThs, th)
		}
	}
	if err := assemble.ParseCallbackThresholds(cbThs); err != nil {
		return usageErr("%v", err)
	}
	if err := cf.check(); err != nil {
		return usageErr("%v", err)
	}
	ths, err := loadtest.ParseThresholds(loadThs)
	if err != nil {
		return usageErr("%v", err)
	}
	start, err := loadParseStartAt(*startAt, time.Now())
	if err != nil {
		return usageErr("%v", err)
	}
	if *schemaSample < 0 || *schemaSample > 1 {
		return usageErr("--schema-sample must be between 0 and 1")
	}
	if *unreachable < 0 {
		return usageErr("--unreachable-after must not be negative (0 never stops)")
	}
	if *cleanupTimeout <= 0 || *cleanupAttempts < 1 || *cleanupRate < 0 {
		return usageErr("--cleanup-timeout and --cleanup-attempts must be positive, --cleanup-rate not negative")
	}
	sample := *schemaSample
	if sample == 0 {
		sample = -1 // Config: negative disables
	}
	var prof *loadtest.Profile
	if *profilePath != "" {
		if prof, err = loadtest.LoadProfile(*profilePath); err != nil {
			return usageErr("%v", err)
		}
	}
	gate := loadtest.Gate{AllowRemote: *allowRemote, MaxRate: *maxRate}
	if prof != nil {
		gate.AllowRemote = gate.AllowRemote || prof.AllowRemote
		if gate.MaxRate == 0 {
			gate.MaxRate = prof.MaxRate
		}
	}
	peak := *rate
	if len(plan) > 0 {
		peak = plan.Truncate(*duration).MaxRate()
	}
	tlsConf, err := tlsf.config()
	if err != nil {
		return usageErr("%v", err)
	}
	sc, scMode := loadtest.ParseScenario(*scenario)
	var sw *stream.Writer
	if *outJSON != "" {
		if sw, err = stream.Create(*outJSON); err != nil {
			return usageErr("--out-json: %v", err)
		}
		defer sw.Close()
	}
	// finish ends the stream with the verdict line and returns the exit code.
	finish := func(v verdict) int {
		// As interruptible decides: a signal makes the run's exit code 130.
		v.interrupted = v.interrupted || ctx.Err() != nil
		code := exitFor(v)
		if sw == nil {
			return code
		}
		sw.Write(stream.TypeVerdict, time.Time{}, stream.Verdict{Status: streamVerdictStatus(code), ExitCode: code})
		if err := sw.Close(); err != nil {
			fmt.Fprintf(stderr, "harness load: %v\n", err)
			v.failed++
			return exitFor(v)
		}
		return code
	}
	if *target == "" {
		// As harness conform does: no target means the embedded emulator, here on a free port.
		url, stop, err := loadStartEmbedded(sc == loadtest.ScenarioCalls, *receiverListen)
		if err != nil {
			fmt.Fprintf(stderr, "harness load: %v\n", err)
			return finish(verdict{failed: 1})
		}
		defer stop()
		*target = url
		infof(stderr, "target: embedded emulator %s", url)
	}
	sw.Write(stream.TypeStart, time.Time{}, stream.Start{Command: "load", Target: *target, Version: buildVersion()})
	// The gate comes before any packet: a refused remote target is not even resolved. The
	// ceiling counts the requests of every interface, not sessions.
	reqPeak, err := loadtest.PeakRequests(loadtest.Config{Scenario: *scenario, Mode: pns.Mode(*mode), Rate: *rate, Plan: plan,
		Duration: *duration, Hold: *hold, Workload: wl})
	if err != nil {
		return usageErr("%v", err)
	}
	if err := loadtest.CheckTarget(*target, gate, reqPeak); err != nil {
		fmt.Fprintf(stderr, "harness load: %v\n", err) // a target refusal, not a flag mistake: one line
		return exitUsage
	}
	hc, _, _ := tlsf.client(10 * time.Second)
	if *waitTarget > 0 {
		if err := loadWaitForTarget(ctx, *target, *waitTarget); err != nil {
			fmt.Fprintf(stderr, "harness load: %v\n", err)
			return finish(verdict{couldNotCheck: err.Error(), interrupted: ctx.Err() != nil})
		}
	}
	if err := preflight(ctx, hc, *target); err != nil {
		if ctx.Err() != nil {
			return finish(verdict{interrupted: true})
		}
		fmt.Fprintf(stderr, "harness load: %v\n", err)
		return finish(targetVerdict(err))
	}
	if prof == nil {
		prof = defaultLoadProfile()
		if loadtest.IsLoopbackTarget(*target) && loadAdoptEmulatorPool(ctx, hc, *target, prof) {
			infof(stderr, "no --profile: using the demo apps with the X numbers of the target emulator's configuration")
		}
	}
	m := pns.Mode(strings.ToUpper(*mode))
	if sc == loadtest.ScenarioBindUnbind {
		cm := m
		if cm == "" {
			cm = scMode
		}
		if cm == "" {
			cm = pns.ModeAXB
		}
		if code := loadCheckCapacity(prof, cm, peak, *hold, stderr); code != 0 {
			return code
		}
	}

	term := loadIsTerminal(stdout)
	every := time.Duration(progressEvery)
	if every == 0 {
		every = time.Second
		if !term {
			every = 5 * time.Second
		}
	}
	cfg := loadtest.Config{
		Target: *target, Profile: prof, Mode: m, Rate: *rate, Plan: plan,
		Duration: *duration, Hold: *hold, Shard: si, Shards: sn, OutDir: *out, Thresholds: ths,
		AbortOnFail: *abortOnFail, Workers: *workers, MaxWorkers: *maxWorkers, Timeout: *timeout,
		UnreachableAfter: unreachableAfter(*unreachable),
		SchemaSample:     sample, StartAt: start, Gate: gate, TLSConfig: tlsConf, Workload: wl, GeneratorLag: *genLag,
		Run:             loadtest.RunInfo{ID: *runID, HarnessVersion: buildVersion()},
		BindingLifetime: *lifetime, CleanupTimeout: *cleanupTimeout, CleanupAttempts: *cleanupAttempts, CleanupRate: *cleanupRate,
		CleanupFirst: *cleanupFirst,
	}
	if every > 0 && !*jsonOut {
		cfg.ProgressInterval = every
		cfg.Progress = func(p loadtest.Progress) {
			line := progressLine(p)
			if term {
				fmt.Fprintf(stdout, "\r\033[K%s", line)
			} else {
				fmt.Fprintln(stdout, line)
			}
		}
	}
	cfg.Scenario = *scenario
	// The load's name in the stream is its headline's: the workload's, or MODE-SCENARIO.
	loadName := "workload"
	if wl != nil && wl.Name != "" {
		loadName = wl.Name
	} else if wl == nil {
		lm := string(scMode)
		if lm == "" {
			lm = *mode
		}
		if lm == "" {
			lm = string(pns.ModeAXB)
		}
		loadName = strings.ToLower(lm) + "-" + sc
	}
	cfg.OnSecond = streamSecond(sw, loadName)
	var rcv *receiver.Receiver
	if loadNeedsReceiver(*scenario, wl) {
		rcv, err = loadStartReceiver(&cfg, *receiverListen, &cf, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "harness load: %v\n", err)
			return exitFailed
		}
		defer rcv.Close()
		cfg.CallbackWait = *callbackWait
	} else if len(cbThs) > 0 {
		return usageErr("callback thresholds need the calls scenario (or a workload that makes calls): nothing else is pushed")
	}
	res, err := loadtest.Run(ctx, cfg)
	if term && cfg.Progress != nil {
		fmt.Fprintln(stdout)
	}
	if err != nil {
		if res == nil {
			if ctx.Err() != nil {
				return finish(verdict{interrupted: true})
			}
			// Nothing was measured: the configuration is wrong, or the platform refused
			// our credentials.
			fmt.Fprintf(stderr, "harness load: %v\n", err)
			return finish(targetVerdict(err))
		}
		if ctx.Err() == nil {
			fmt.Fprintf(stderr, "harness load: %v\n", err)
		}
	}
	if *jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(res)
	} else {
		_ = res.WriteText(stdout)
		// The headline `harness report` prints and the HTML report shows for this result.
		fmt.Fprintln(stdout, assemble.LoadScenario(res, "").Headline())
	}
	if res.CouldNotCheck != "" {
		fmt.Fprintf(stderr, "harness load: could not check: %s\n", res.CouldNotCheck)
	}
	if p := res.UnansweredProblem(); p != "" {
		fmt.Fprintf(stderr, "harness load: FAIL: %s\n", p)
	}
	v := loadVerdict(res, err)
	streamLoad(sw, loadName, res)
	streamThresholds(sw, loadName, assemble.Thresholds(res, "", true))
	if rcv != nil {
		w := stdout
		if *jsonOut {
			w = io.Discard // the JSON result alone on stdout; the verdict still counts
		}
		cv, cths := loadCallbacks(rcv, cbThs, *out, w, stderr)
		v.failed += cv.failed
		v.thresholds += cv.thresholds
		streamThresholds(sw, "", cths)
	}
	return finish(v)
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
// defaults), writes receiver.json next to the load result and returns the callbacks'
// verdict and thresholds.
func loadCallbacks(rcv *receiver.Receiver, given []string, out string, stdout, stderr io.Writer) (verdict, []reports.Threshold) {
	rep := rcv.Final()
	if out != "" {
		if err := writeJSONFile(filepath.Join(out, assemble.ReceiverFile), rep); err != nil {
			fmt.Fprintf(stderr, "harness load: %v\n", err)
			return verdict{failed: 1}, nil
		}
	}
	cb := assemble.Callbacks(rep, nil)
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

// loadStartReceiver starts the callback receiver of the calls scenario on a loopback address
// and feeds cfg.Callbacks from it. Signatures are verified with the profile's app secrets.
func loadStartReceiver(cfg *loadtest.Config, addr string, cf *callbackFlags, stderr io.Writer) (*receiver.Receiver, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("--receiver-listen %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("--receiver-listen %q: want a loopback address", addr)
	}
	apps := map[string]string{}
	for _, m := range pns.Modes {
		if a, secret, err := cfg.Profile.ModeApp(m); err == nil {
			apps[a.AppKey] = secret
		}
	}
	tr := loadtest.NewCallbackTracker()
	opts := receiver.Options{Apps: apps}
	if cfg.SchemaSample >= 0 {
		if v, err := schemas.New(); err == nil {
			opts.Validate = v.ValidateCallback
		}
	}
	opts.OnPush = tr.Record
	cf.apply(&opts)
	rcv := receiver.New(opts)
	// Each call's expected notifications (the emulator's answer lists them) are registered
	// with the receiver, so that its report counts expected, received and missing.
	tr.SetReceiver(rcv)
	bound, err := rcv.Start(addr)
	if err != nil {
		return nil, fmt.Errorf("callback receiver: %w", err)
	}
	infof(stderr, "receiving callbacks on %s (the emulator app's callStatusUrl and feeUrl must point there)", bound)
	cfg.Callbacks = tr
	return rcv, nil
}

// loadCheckCapacity prints the highest rate × hold the profile's X numbers carry in the load's
// mode and refuses (exit 2) a bind-unbind plan that cannot fit, before the first request.
func loadCheckCapacity(prof *loadtest.Profile, m pns.Mode, peak float64, hold time.Duration, stderr io.Writer) int {
	_, a := prof.AppFor(m)
	if a == nil {
		return 0 // loadtest.Run names the missing app
	}
	c := profile.CapacityOf(m, a)
	infof(stderr, "capacity %s", c.String(hold))
	if err := c.Check(peak, hold); err != nil {
		fmt.Fprintf(stderr, "harness load: %v\n", err)
		return exitUsage
	}
	return 0
}

// loadStartEmbedded starts the embedded emulator (default configuration) on a free loopback
// port; for the calls scenario its apps push to the receiver at receiverAddr.
func loadStartEmbedded(calls bool, receiverAddr string) (string, func(), error) {
	cfg, err := emulator.DefaultConfig()
	if err != nil {
		return "", nil, err
	}
	if calls {
		for i := range cfg.Apps {
			cfg.Apps[i].CallStatusURL = "http://" + receiverAddr + "/"
			cfg.Apps[i].FeeURL = "http://" + receiverAddr + "/"
		}
	}
	plat, err := embedded.Start(cfg, embedded.Options{Immediate: calls})
	if err != nil {
		return "", nil, err
	}
	return plat.URL, func() { _ = plat.Close() }, nil
}

// loadWaitForTarget polls the target's TCP port until it accepts a connection or d has passed.
func loadWaitForTarget(ctx context.Context, target string, d time.Duration) error {
	u, err := url.Parse(target)
	if err != nil {
		return err
	}
	addr := u.Host
	if u.Port() == "" {
		port := "80"
		if u.Scheme == "https" {
			port = "443"
		}
		addr = net.JoinHostPort(u.Hostname(), port)
	}
	deadline := time.Now().Add(d)
	for {
		var dl net.Dialer
		cctx, cancel := context.WithTimeout(ctx, time.Second)
		c, err := dl.DialContext(cctx, "tcp", addr)
		cancel()
		if err == nil {
			return c.Close()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("target %s not reachable after %s: %w", addr, d, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// unreachableAfter maps the --unreachable-after flag to loadtest.Config.UnreachableAfter,
// whose zero means the default: the flag's 0 means never.
func unreachableAfter(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}
