package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/assemble"
	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/embedded"
	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/features"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/reports"
	"github.com/pns-harness/pns-harness/schemas"
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

// faultFlag is a repeatable --inject-fault IFACE[=CODE]: every request to that interface is
// answered with CODE (default 1010001), to show what a broken platform looks like in the
// report (and to prove that the run can fail).
type faultFlag map[string]pns.Code

// String lists the faults as IFACE=CODE, sorted; "" when there are none, so that the
// manifest shows no empty row.
func (f faultFlag) String() string {
	parts := make([]string, 0, len(f))
	for id, c := range f {
		parts = append(parts, id+"="+string(c))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func (f faultFlag) Set(v string) error {
	id, code, _ := strings.Cut(v, "=")
	if _, ok := pns.InterfaceByID(id); !ok {
		return fmt.Errorf("unknown interface %q (want e.g. axb.bind, ax.query)", id)
	}
	c := pns.CodeInternalSystemError
	if code != "" {
		c = pns.Code(code)
		if _, ok := pns.Lookup(c); !ok {
			return fmt.Errorf("unknown result code %q", code)
		}
	}
	f[id] = c
	return nil
}

// wrap answers the faulted interfaces before the emulator sees the request.
func (f faultFlag) wrap(next http.Handler) http.Handler {
	if len(f) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if iface, ok, _ := pns.Route(r.Method, r.URL.Path); ok {
			if c, faulty := f[iface.ID]; faulty {
				w.Header().Set("Content-Type", "application/json;charset=utf-8")
				w.WriteHeader(c.HTTPStatus())
				fmt.Fprintf(w, `{"resultcode":%q,"resultdesc":%q}`, c, c.Desc())
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

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
	thresholds   []string
	cbThresholds []string
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

func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("run", stdout, stderr)
	o := runOptions{faults: faultFlag{}}
	fs.StringVar(&o.out, "out", defaultRunOut, "output `directory` (index.html, junit.xml, ctrf.json, summary.json, raw results)")
	fs.StringVar(&o.outJSON, "out-json", "", streamFlagUsage)
	fs.DurationVar(&o.loadDuration, "load-duration", defaultRunLoadDuration, "duration of each load scenario (bind-unbind, calls)")
	fs.Float64Var(&o.rate, "rate", defaultRunRate, "bind rate of the bind-unbind scenario (req/s); with --target, unless given here or as profile load.rate, lowered per mode to what the profile's X numbers, flowControl and maxRate carry (the plan is printed), and when given, refused if they cannot carry it")
	fs.Float64Var(&o.callRate, "call-rate", defaultRunCallRate, "simulated calls per second of the calls scenario")
	fs.BoolVar(&o.noLoad, "no-load", false, "skip the load scenarios")
	fs.StringVar(&o.tags, "tags", "", "godog tag expression selecting conformance scenarios (default: all)")
	fs.Int64Var(&o.seed, "seed", 0, "seed for scenario order and generated numbers (0 = random, printed)")
	fs.StringVar(&o.baseline, "baseline", "", "an earlier result to compare with: a report's or a load's summary.json, or any result directory harness report reads")
	fs.Func("threshold", "threshold, k6 style (repeatable): a load metric such as 'bind.p99<50ms' applies to bind-unbind and replaces its defaults "+strings.Join(defaultRunBindThresholds, ", ")+
		"; a callback metric such as 'callback.fee.p99<2s' or 'callback.missing==0' applies to every push of the run and replaces its defaults "+strings.Join(assemble.DefaultCallbackThresholds, ", "), func(v string) error {
		if assemble.IsCallbackThreshold(v) {
			if _, err := assemble.ParseCallbackThreshold(v); err != nil {
				return err
			}
			o.cbThresholds = append(o.cbThresholds, v)
			return nil
		}
		if _, err := loadtest.ParseThreshold(v); err != nil {
			return err
		}
		o.thresholds = append(o.thresholds, v)
		return nil
	})
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
	if code, ok := parseFlags(fs, args, false); !ok {
		return code
	}
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
		fmt.Fprintln(stderr, "harness run: --profile, --receive, --allow-remote, --max-rate, --hold, --ca-file and --insecure-skip-verify need --target")
		return exitUsage
	}
	if o.remote.target != "" && len(o.faults) > 0 {
		fmt.Fprintln(stderr, "harness run: --inject-fault works on the embedded emulator only, not with --target")
		return exitUsage
	}
	if o.loadDuration <= 0 || o.loadDuration > loadtest.MaxDuration || o.rate <= 0 || o.callRate <= 0 {
		fmt.Fprintf(stderr, "harness run: --load-duration must be in (0, %s] and rates positive\n", loadtest.MaxDuration)
		return exitUsage
	}
	if o.tags != "" {
		if err := conformance.ValidateTags(o.tags); err != nil {
			fmt.Fprintf(stderr, "harness run: --tags: %v\n", err)
			return exitUsage
		}
	}
	if o.knownPath != "" {
		k, err := conformance.LoadKnownDifferences(o.knownPath)
		if err != nil {
			fmt.Fprintf(stderr, "harness run: %v\n", err)
			return exitUsage
		}
		o.known = k
	}
	var base *reports.Summary
	if o.baseline != "" {
		var err error
		if base, err = loadBaseline(o.baseline); err != nil {
			fmt.Fprintf(stderr, "harness run: --baseline: %v\n", err)
			return exitUsage
		}
	}
	if o.seed == 0 {
		o.seed = rand.Int64N(1<<31) + 1
	}
	run := runAll
	if o.remote.target != "" {
		run = runTargetAll
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
	out, err := run(ctx, o, stdout)
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
	s := out.s
	if o.strict {
		// Certification signs every gate: a default threshold that was not measured is a
		// gate the signature would not cover.
		for _, t := range s.Thresholds {
			if t.State() == reports.ThresholdNotChecked {
				e := fmt.Sprintf("strict: threshold %s was not checked: %s", t.Expression, t.Message)
				fmt.Fprintln(stdout, e)
				s.Errors = append(s.Errors, e)
			}
		}
	}
	if base != nil {
		s.SetBaseline(o.baseline, base)
	}
	reports.ScrubSecrets(s, out.secrets...)
	html, err := reports.WriteAll(o.out, s)
	if err != nil {
		fmt.Fprintf(stderr, "harness run: %v\n", err)
		return exitFailed
	}
	if o.strict {
		prof := conformance.EmulatorProfile()
		if o.remote.profilePath != "" {
			if prof, err = conformance.LoadProfile(o.remote.profilePath); err != nil {
				fmt.Fprintf(stderr, "harness run: %v\n", err)
				return exitUsage
			}
		}
		c, err := writeCertification(o, prof)
		if err != nil {
			fmt.Fprintf(stderr, "harness run: certification bundle: %v\n", err)
			return exitFailed
		}
		fmt.Fprintf(stdout, "certification bundle: %s (%s, %d files; check with harness verify %s)\n",
			filepath.Join(o.out, conformance.CertificationFile), c.Verdict, len(c.Files), o.out)
	}
	if s.Callbacks != nil {
		// The callback section as the page shows it (docs/report.md promises the same text).
		for _, l := range s.Callbacks.Lines() {
			fmt.Fprintln(stdout, l)
		}
	}
	v := s.ComputeVerdict()
	fmt.Fprintf(stdout, "\n%s  scenarios: %s; load scenarios: %d; thresholds: %s; callback anomalies: %d\n",
		v.Status, v.Counts(), v.LoadScenarios, v.ThresholdCounts(), v.CallbackAnomalies)
	printCallbackProblems(stdout, s.Callbacks)
	for _, r := range v.Reasons {
		fmt.Fprintf(stdout, "  - %s\n", r)
	}
	for _, l := range s.BaselineLines() {
		fmt.Fprintln(stdout, l)
	}
	abs, _ := filepath.Abs(html)
	fmt.Fprintf(stdout, "report: %s\n", abs)
	for _, why := range out.notChecked {
		fmt.Fprintf(stderr, "harness run: could not check: %s\n", why)
	}
	code := exitFor(summaryVerdict(v, s, out.notChecked, out.refused))
	if o.stream != nil {
		streamThresholds(o.stream, "", s.Thresholds)
		o.stream.Write(stream.TypeVerdict, time.Time{}, stream.Verdict{Status: v.Status, ExitCode: code, Reasons: v.Reasons})
		if err := o.stream.Close(); err != nil {
			fmt.Fprintf(stderr, "harness run: %v\n", err)
			return exitFor(verdict{failed: 1})
		}
	}
	return code
}

// runOutcome is what a `harness run` produced: the summary, the secrets to scrub from it, and
// why parts of it could not check the platform (refused is true when that was its refusing
// our credentials: the conformance failures are then that refusal's).
type runOutcome struct {
	s          *reports.Summary
	secrets    []string
	notChecked []string
	refused    bool
}

// summaryVerdict is the verdict of a report's summary: failed and undefined scenarios, run
// errors (leaked bindings among them) and callback anomalies are failures, unless the
// scenarios failed because the platform refused our credentials (refused); notChecked says
// what could not be checked.
func summaryVerdict(v reports.Verdict, s *reports.Summary, notChecked []string, refused bool) verdict {
	out := verdict{failed: len(s.Errors) + v.CallbackFailures, thresholds: v.ThresholdsFailed, couldNotCheck: strings.Join(notChecked, "; ")}
	if !refused {
		out.failed += v.ScenariosFailed + v.ScenariosUndefined
	}
	return out
}

// runAll does the work of `harness run` and returns the summary and the secrets to scrub.
func runAll(ctx context.Context, o runOptions, stdout io.Writer) (*runOutcome, error) {
	start := time.Now()
	// An earlier --target run's journals name no platform of ours: the demo apps are all
	// this run knows of (harness cleanup --profile takes the run's own).
	if err := takeOverRunDir(ctx, o.out, o.cleanupFirst, loadtest.CleanupConfig{Profile: defaultLoadProfile()}, stdout); err != nil {
		return nil, err
	}
	for _, sub := range []string{assemble.ConformanceDir, assemble.LoadDir} {
		if err := os.RemoveAll(filepath.Join(o.out, sub)); err != nil {
			return nil, err
		}
	}
	cfg, err := conformance.ConformanceConfig()
	if err != nil {
		return nil, err
	}
	// One receiver for every push of the run; the load's calls scenario reads it through the
	// tracker, the report through its snapshot.
	apps := map[string]string{}
	var secrets []string
	for _, a := range cfg.Apps {
		apps[a.AppKey] = a.AppSecret
		secrets = append(secrets, a.AppSecret)
	}
	v, err := schemas.New()
	if err != nil {
		return nil, err
	}
	tracker := loadtest.NewCallbackTracker()
	// Delays are taken against the emulator's stated emission instants; the call simulator's
	// expected events are registered with the receiver by the tracker.
	// pushes hands every arrival to the conformance scenarios that check deliveries.
	pushes := conformance.NewPushHub()
	// The conformance scenarios set the customer's answers to Block requests (X-mode callin,
	// SMS control) through replies.
	replies := &conformance.BlockReplies{}
	ropts := receiver.Options{
		Apps:     apps,
		Validate: v.ValidateCallback,
		OnPush: func(a receiver.Arrival) {
			tracker.Record(a)
			pushes.Record(a)
		},
		BlockReply: replies.Reply,
	}
	o.callbacks.apply(&ropts)
	// The embedded emulator says what each call of the load must push (expectations); the
	// conformance suite's own calls, some deliberately incomplete (apps without a URL, D77),
	// are the suite's to judge, not the receiver's.
	ropts.Settle = 0
	rcv := receiver.New(ropts)
	tracker.SetReceiver(rcv)
	rurl, err := rcv.Start("127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer rcv.Close()
	// A second receiver fails every first delivery of the retry app, so the re-push scenarios
	// see the platform's retry; it is not part of the callback accounting of the report.
	retry := receiver.New(receiver.Options{Apps: apps, FailFirst: 1, OnPush: pushes.Record})
	retryURL, err := retry.Start("127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer retry.Close()
	for i := range cfg.Apps {
		a := &cfg.Apps[i]
		target := rurl
		if a.AppKey == conformance.RetryAppKey {
			target = retryURL
		}
		urls := []*string{&a.CallStatusURL, &a.FeeURL, &a.XStatusURL, &a.SMSNotifyURL}
		if a.Mode == pns.ModeAX || a.Mode == pns.ModeX {
			urls = append(urls, &a.SMSControlURL)
		}
		for _, u := range urls {
			if *u == "" {
				*u = target
			}
		}
	}
	plat, err := embedded.Start(cfg, embedded.Options{Wrap: o.faults.wrap})
	if err != nil {
		return nil, err
	}
	defer plat.Close()
	fmt.Fprintf(stdout, "emulator: %s  callback receiver: %s  seed: %d\n", plat.URL, rurl, o.seed)

	s := &reports.Summary{Manifest: runManifest(plat.URL, "embedded emulator (conformance configuration)", start, o.seed,
		[]reports.Setting{
			{Key: "load duration", Value: o.loadDuration.String()},
			{Key: "bind rate", Value: fmt.Sprintf("%g/s", o.rate)},
			{Key: "call rate", Value: fmt.Sprintf("%g/s", o.callRate)},
			{Key: "tags", Value: o.tags},
			{Key: "injected faults", Value: o.faults.String()},
		})}

	// 1. Conformance.
	fmt.Fprintln(stdout, "== conformance")
	cdir := filepath.Join(o.out, assemble.ConformanceDir)
	cres, err := conformance.Run(ctx, conformance.Options{
		Target:    plat.URL,
		Profile:   conformance.EmulatorProfile(),
		Emulator:  true,
		Tags:      o.tags,
		OutDir:    cdir,
		Output:    stdout,
		Randomize: o.seed,
		Pushes:    pushes,
		Replies:   replies,

		KnownDifferences: o.known,
		EphemeralTarget:  true,
	})
	recordConformance(stdout, s, cdir, cres, err, o.strict)
	streamScenarios(o.stream, s.Conformance)

	// 2. Load: bind-unbind, then calls with callbacks. The conformance run left the clock and
	// the state as it was; start from a clean state so the load sees a fresh pool.
	var notChecked []string
	if !o.noLoad && ctx.Err() == nil {
		plat.Emulator.Reset()
		plat.Emulator.Clock().SetScale(1)
		prof := runLoadProfile(plat.Emulator)
		bindThs := o.thresholds
		if len(bindThs) == 0 {
			bindThs = defaultRunBindThresholds
		}
		ths, err := loadtest.ParseThresholds(bindThs)
		if err != nil {
			return nil, err
		}
		callThs, err := loadtest.ParseThresholds(defaultRunCallsThresholds)
		if err != nil {
			return nil, err
		}
		// given: the scenario's thresholds are the user's (--threshold), not its defaults.
		scenarios := []struct {
			name  string
			cfg   loadtest.Config
			given bool
		}{
			{"axb-bind-unbind", loadtest.Config{Scenario: loadtest.ScenarioBindUnbind, Mode: pns.ModeAXB, Rate: o.rate, Hold: defaultRunHold, Thresholds: ths}, len(o.thresholds) > 0},
			{"axb-calls", loadtest.Config{Scenario: "calls", Mode: pns.ModeAXB, Rate: o.callRate, Callbacks: tracker, Thresholds: callThs}, false},
		}
		for _, sc := range scenarios {
			if ctx.Err() != nil {
				break
			}
			fmt.Fprintf(stdout, "== load %s: %g/s for %s\n", sc.name, sc.cfg.Rate, o.loadDuration)
			c := sc.cfg
			c.Target = plat.URL
			c.Profile = prof
			c.Duration = o.loadDuration
			c.OutDir = filepath.Join(o.out, assemble.LoadDir, sc.name)
			c.Name = sc.name
			c.EphemeralTarget = true // the embedded emulator dies with the run
			c.Progress = func(p loadtest.Progress) { fmt.Fprintln(stdout, "  "+progressLine(p)) }
			c.OnSecond = streamSecond(o.stream, sc.name)
			res, err := loadtest.Run(ctx, c)
			streamLoad(o.stream, sc.name, res)
			if err != nil {
				if v := targetVerdict(err); v.couldNotCheck != "" {
					notChecked = append(notChecked, "load "+sc.name+": "+v.couldNotCheck)
					break
				}
				s.Errors = append(s.Errors, "load "+sc.name+": "+err.Error())
				continue
			}
			if res.CouldNotCheck != "" {
				notChecked = append(notChecked, "load "+sc.name+": "+res.CouldNotCheck)
			}
			if s.Load == nil {
				s.Load = &reports.Load{}
			}
			ls := assemble.LoadScenario(res, sc.name)
			s.Load.Scenarios = append(s.Load.Scenarios, ls)
			s.Thresholds = append(s.Thresholds, assemble.Thresholds(res, sc.name, sc.given)...)
			s.Errors = append(s.Errors, assemble.LoadErrors(res, sc.name)...)
			fmt.Fprintf(stdout, "  %s\n", ls.Headline())
		}
	}

	// 3. Callbacks: let the dispatcher finish, then take the receiver's view.
	plat.Emulator.Clock().Advance(5 * time.Second) // close the fee batch window
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	_ = plat.Dispatcher.Drain(dctx)
	cancel()
	// Final: the run is over, so calls still lacking notifications count as missing.
	rep := rcv.Final()
	if err := writeJSONFile(filepath.Join(o.out, assemble.ReceiverFile), rep); err != nil {
		return nil, err
	}
	ds := plat.Dispatcher.Stats()
	if err := writeJSONFile(filepath.Join(o.out, assemble.DispatcherFile), ds); err != nil {
		return nil, err
	}
	s.Callbacks = assemble.Callbacks(rep, assemble.EmulatorLoss(ds))
	ths, err := callbackThresholds(s.Callbacks, &rep, o.cbThresholds)
	if err != nil {
		return nil, err
	}
	s.Thresholds = append(s.Thresholds, ths...)
	s.Manifest.End = time.Now()
	return &runOutcome{s: s, secrets: secrets, notChecked: notChecked}, nil
}

// runLoadProfile is the load profile of the embedded platform: its demo apps with their X
// pools, so that bindings are spread over known numbers.
func runLoadProfile(em *emulator.Emulator) *loadtest.Profile {
	p := loadtest.DefaultProfile()
	for _, m := range []pns.Mode{pns.ModeAXB, pns.ModeAX, pns.ModeAXE} {
		_, a := p.AppFor(m)
		if a == nil {
			continue
		}
		a.XNumbers = nil
		for _, x := range em.Store().XNumbers(a.AppKey) {
			a.XNumbers = append(a.XNumbers, x.Number)
		}
	}
	return p
}

// progressLine renders a load progress sample as one plain line.
// progressLine is the progress line of `harness load` and `harness run`: every figure with its
// unit and scope, since the rates are per interval and the latencies since the start.
func progressLine(p loadtest.Progress) string {
	line := fmt.Sprintf("%5.1fs  arrivals target %.1f/s achieved %.1f/s (last %s)  success %.2f%% of %d requests  %s since start: p50 %.2fms p99 %.2fms corrected p99 %.2fms  generator lag p99 %.2fms  live bindings %d  throttled %d  callbacks of its calls %d  conformance errors %d",
		p.Elapsed.Seconds(), p.TargetRate, p.AchievedRate, p.Interval.Round(100*time.Millisecond), p.SuccessPct, p.Requests,
		orWord(p.Primary, "primary"), p.P50, p.P99, p.CorrectedP99, p.LagP99, p.Live, p.Throttled, p.Callbacks, p.ConformanceErrors)
	if p.GeneratorBound {
		line += "  GENERATOR-BOUND"
	}
	return line
}

func orWord(s, word string) string {
	if s == "" {
		return word
	}
	return s
}

// printCallbackProblems lists the callback anomalies that fail the run, with a few examples.
func printCallbackProblems(w io.Writer, cb *reports.Callbacks) {
	if len(cb.Failures()) == 0 {
		return
	}
	fmt.Fprintf(w, "callback anomalies: %s\n", strings.Join(cb.Failures(), ", "))
	for i, p := range cb.Problems {
		if i == 10 {
			fmt.Fprintf(w, "  … %d more in the report\n", len(cb.Problems)-i)
			break
		}
		fmt.Fprintf(w, "  - %s\n", p)
	}
}

// recordConformance puts a conformance run's outcome into the run's summary and prints its
// console lines (the summary of states, what is not a pass with its reason, cleanup account):
// the same for the embedded and the --target run. Every leaked binding is a run error, so it
// fails the verdict; under strict so is every problem of Result.StrictProblems.
func recordConformance(stdout io.Writer, s *reports.Summary, cdir string, cres *conformance.Result, err error, strict bool) {
	if err != nil {
		s.Errors = append(s.Errors, "conformance: "+err.Error())
		return
	}
	if c, err := assemble.Conformance(cdir, cres.Duration); err != nil {
		s.Errors = append(s.Errors, "conformance results: "+err.Error())
	} else {
		s.Conformance = c
	}
	fmt.Fprintf(stdout, "conformance: %s in %s\n", cres.Summary(), cres.Duration.Round(time.Millisecond))
	if err := cres.WriteStates(stdout); err != nil {
		s.Errors = append(s.Errors, "conformance: "+err.Error())
	}
	writeCleanup(stdout, cres.Cleanup)
	if strict && writeStrict(stdout, cres) {
		for _, p := range cres.StrictProblems() {
			s.Errors = append(s.Errors, "strict: "+p)
		}
	}
	s.Errors = append(s.Errors, leakErrors(cres)...)
}

// leakErrors are the run errors of the bindings a conformance run left on the platform, one
// per binding, named: a leak fails the verdict wherever the run is reported.
func leakErrors(cres *conformance.Result) []string {
	var out []string
	for _, l := range cres.Cleanup.Leaked {
		out = append(out, fmt.Sprintf("conformance left %s binding %s (app %s, scenario %q) on the platform: %s", l.Mode, l.SubscriptionID, l.App, l.Scenario, l.Reason))
	}
	return out
}

// runManifest is the manifest of a `harness run`: what every run records (version, contract
// hashes, machine) and the target, profile, start, seed and settings of this one.
func runManifest(target, profile string, start time.Time, seed int64, settings []reports.Setting) reports.Manifest {
	return reports.Manifest{
		HarnessVersion: buildVersion(),
		TargetURL:      target,
		Profile:        profile,
		SchemaHash:     schemas.Hash(),
		FeatureHash:    features.Hash(),
		Start:          start,
		Seed:           seed,
		Machine:        reports.CurrentMachine(),
		Settings:       settings,
	}
}
