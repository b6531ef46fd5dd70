// Package loadtest is the load generator of the harness: open-model load on the PNS
// provisioning interfaces, described as a workload of weighted flows (workload.go) over one or
// several modes, each flow a sequence of operations (op_*.go) on one binding. Latency is
// recorded twice (service time, and response time from the intended send time, i.e.
// corrected for coordinated omission) into HdrHistograms; the generator measures its own lag
// and says when it, not the target, was the bottleneck (generator.go); every response is
// checked for its result code and against the JSON schemas; refusals such as flow control are
// counted per code; results go to vegeta gob files and HdrHistogram interval logs, and to a
// mergeable JSON summary per shard.
//
// A load never leaves bindings behind: every flow that binds ends with an unbind, and
// whatever is still bound when the run ends (cancelled, aborted, failed unbinds, bind answers
// lost) is removed by a cleanup pass with retries; what it could not remove is named.
package loadtest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/pns-harness/pns-harness/pns"
)

// Limits of a run.
const (
	// MaxDuration bounds every run: load is always time-boxed.
	MaxDuration = time.Hour
	// MaxHold bounds how long a binding is kept before its unbind (and any think time).
	MaxHold = 10 * time.Minute
	// DefaultTimeout is the per-request timeout.
	DefaultTimeout = 10 * time.Second
	// DefaultMaxWorkers caps the workers (each with at most one request, so one connection,
	// in flight) so that a stalled target or a CPU-starved generator cannot make it spawn
	// goroutines and sockets without bound. 1000 workers sustain 100 000 requests/s at 10 ms;
	// a cap below the rate's need shows as generator lag, never silently.
	DefaultMaxWorkers = 1000
	// DefaultUnreachableAfter is how long a run goes on without any HTTP answer while its
	// requests fail at the transport level: longer than a platform's restart or a load
	// balancer's failover, far shorter than a soak.
	DefaultUnreachableAfter = 10 * time.Second
	// DefaultWorkers is the number of workers started before the first request.
	DefaultWorkers = 10
	// DefaultCleanupTimeout bounds the cleanup after the load: long enough to back off
	// through a platform's flow control, short enough that a dead platform does not hold the
	// run (the journal keeps what is left for `harness cleanup`).
	DefaultCleanupTimeout = 2 * time.Minute
	// DefaultCleanupAttempts bounds the tries per binding within the cleanup's time.
	DefaultCleanupAttempts = 10
	// BindingMargin is added to a run's length for its bindings' default lifetime: the
	// slack for clock differences and for a cleanup run by hand right after a failure.
	BindingMargin = 5 * time.Minute
)

// ConfigError is a load that cannot run as configured (unknown operation or metric, a plan
// the profile's numbers cannot carry, …): refused before the first request. The CLI exits 2.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

func configErr(err error) error {
	var ce *ConfigError
	if err == nil || errors.As(err, &ce) {
		return err
	}
	return &ConfigError{Err: err}
}

type runner struct {
	cfg         Config
	base        string
	wl          *Workload
	modes       map[pns.Mode]*modeRun
	flows       []*flowRun
	plan        Plan // every flow's arrivals, this shard's
	primary     string
	agg         *aggregate
	gen         *generator
	queue       *stepQueue
	aNums       numRange
	bNums       numRange
	validate    SchemaValidator
	validateDoc docValidator // the embedded schemas, fed the body decoded once
	sample      float64
	memo        *checkMemo // nil when sampling: a sampled check is not a function of the body
	lagLimit    time.Duration
	start       time.Time
	nextID      atomic.Uint64
	live        atomic.Int64
	fired       atomic.Int64
	callbacks   atomic.Int64
	// lastAnswer is when a request last got an HTTP answer (UnixNano; the run's start before
	// the first), downErrs how many transport failures came since, lastDownErr the latest:
	// the monitor's evidence that the target is unreachable.
	lastAnswer  atomic.Int64
	downErrs    atomic.Int64
	lastDownErr atomic.Pointer[string]
	active      atomic.Int64
	stopping    atomic.Bool
	usesCalls   bool
	// creds watches the answers until each mode's credentials are proven (credentials.go);
	// couldNotCheck is why the run could not measure (credentials refused, target
	// unreachable), stopLoad the run's stop, for the checkers.
	creds         pns.CredentialWatch
	couldNotCheck atomic.Pointer[string]
	stopLoad      atomic.Pointer[func(string)]

	arrivalsDone atomic.Bool
	idle         chan struct{}
	idleOnce     sync.Once
	stopArrivals chan struct{}

	pacerOnce sync.Once
	pacer     *pacer   // setup and cleanup requests
	journal   *journal // nil without an output directory

	mu        sync.Mutex
	leftovers []*bindState // bound, unbind failed or never sent
	orphans   []*bindState // bind outcome unknown
	fileErr   error
	warned    map[string]bool

	ivMu sync.Mutex
	iv   map[string]*hdr.Histogram // interval histograms for the HdrHistogram log

	win *windows // the windowed thresholds (nil without any)
}

var errNumberSpace = errors.New("loadtest: number range exhausted")

// Run executes a load run and returns its result. The returned error is for runs that could
// not be carried out: a *ConfigError before the first request (bad configuration, target
// refused, a plan that cannot run), or files that could not be written; failed requests and
// broken thresholds are data in the Result. Cancelling ctx stops the load, unbinds everything
// still bound and returns the partial result with Aborted set.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	r, err := newRunner(ctx, cfg)
	if err != nil {
		return nil, configErr(err)
	}
	return r.run(ctx)
}

// ParseScenario splits a scenario name that may carry its mode ("axb-bind-unbind") into
// scenario and mode; mode is empty when the name has none.
func ParseScenario(name string) (scenario string, mode pns.Mode) {
	for _, m := range pns.Modes {
		if rest, ok := strings.CutPrefix(name, m.Lower()+"-"); ok {
			return rest, m
		}
	}
	return name, ""
}

// resolveWorkload returns the workload of cfg: its own, or the built-in one it names.
func resolveWorkload(cfg *Config) (*Workload, error) {
	if cfg.Workload != nil {
		if err := cfg.Workload.Validate(); err != nil {
			return nil, err
		}
		return cfg.Workload, nil
	}
	if cfg.Scenario == "" {
		cfg.Scenario = ScenarioBindUnbind
	}
	if s, m := ParseScenario(cfg.Scenario); m != "" {
		if cfg.Mode != "" && !strings.EqualFold(string(cfg.Mode), string(m)) {
			return nil, fmt.Errorf("scenario %q names mode %s but mode %s was given", cfg.Scenario, m, cfg.Mode)
		}
		cfg.Scenario, cfg.Mode = s, m
	}
	if cfg.Mode == "" {
		cfg.Mode = pns.ModeAXB
	}
	mode, err := pns.ParseMode(string(cfg.Mode))
	if err != nil {
		return nil, err
	}
	if cfg.Hold < 0 || cfg.Hold > MaxHold {
		return nil, fmt.Errorf("hold %s outside 0-%s", cfg.Hold, MaxHold)
	}
	peak := cfg.Rate
	if len(cfg.Plan) > 0 {
		peak = cfg.Plan.MaxRate()
	}
	return BuiltinWorkload(cfg.Scenario, mode, cfg.Hold, peak)
}

func newRunner(ctx context.Context, cfg Config) (*runner, error) {
	wl, err := resolveWorkload(&cfg)
	if err != nil {
		return nil, err
	}
	if cfg.Duration <= 0 {
		return nil, errors.New("duration is required and must be positive")
	}
	if cfg.Duration > MaxDuration {
		return nil, fmt.Errorf("duration %s exceeds the maximum of %s", cfg.Duration, MaxDuration)
	}
	if cfg.Shards == 0 {
		cfg.Shards = 1
	}
	if cfg.Shards < 1 || cfg.Shard < 0 || cfg.Shard >= cfg.Shards {
		return nil, fmt.Errorf("shard %d/%d: want 0 <= i < N", cfg.Shard, cfg.Shards)
	}
	plans, err := runPlans(cfg, wl)
	if err != nil {
		return nil, err
	}
	// The gate applies to the peak of every flow's requests together, over all shards.
	if err := CheckTarget(cfg.Target, cfg.Gate, peakOf(wl, plans)); err != nil {
		return nil, err
	}
	for i := range plans {
		plans[i] = plans[i].Scale(1 / float64(cfg.Shards))
	}
	if err := setRunDefaults(&cfg, wl); err != nil {
		return nil, err
	}
	modes := wl.Modes()
	r := &runner{cfg: cfg, base: strings.TrimRight(cfg.Target, "/"), wl: wl, modes: map[pns.Mode]*modeRun{},
		creds: pns.CredentialWatch{Limit: pns.RefusalLimit(cfg.Profile.Lockout.Failures)},
		iv:    map[string]*hdr.Histogram{}, idle: make(chan struct{}), stopArrivals: make(chan struct{}),
		queue: newStepQueue(), warned: map[string]bool{}}
	if err := r.setupValidation(); err != nil {
		return nil, err
	}
	for _, m := range modes {
		mr, err := newModeRun(cfg, r.base, m, cfg.Shard, cfg.Shards)
		if err != nil {
			return nil, err
		}
		r.modes[m] = mr
	}
	if err := r.buildFlows(plans); err != nil {
		return nil, err
	}
	if err := CheckThresholds(cfg.Thresholds, wl); err != nil {
		return nil, err
	}
	r.win = newWindows(cfg.Thresholds, cfg.AbortOnFail, cfg.OnSecond)
	if err := r.setupLagLimit(); err != nil {
		return nil, err
	}
	if r.usesCalls && cfg.Callbacks == nil {
		return nil, errors.New("the call operation needs a callback receiver (Config.Callbacks)")
	}
	if err := r.setupNumbers(); err != nil {
		return nil, err
	}
	if err := r.checkCapacity(); err != nil {
		return nil, err
	}
	r.agg = r.newRunAggregate()
	return r, nil
}

// setRunDefaults fills the settings of cfg left zero with their defaults, and names the run
// after its modes when it has no name.
func setRunDefaults(cfg *Config, wl *Workload) error {
	modes := wl.Modes()
	if cfg.Profile == nil {
		cfg.Profile = DefaultProfile()
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Workers == 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.UnreachableAfter == 0 {
		cfg.UnreachableAfter = DefaultUnreachableAfter
	}
	if cfg.MaxWorkers == 0 {
		cfg.MaxWorkers = DefaultMaxWorkers
	}
	if cfg.ProgressInterval <= 0 {
		cfg.ProgressInterval = time.Second
	}
	if cfg.CleanupTimeout < 0 || cfg.CleanupAttempts < 0 || cfg.CleanupRate < 0 || math.IsNaN(cfg.CleanupRate) || math.IsInf(cfg.CleanupRate, 0) {
		return errors.New("cleanup timeout, attempts and rate must not be negative")
	}
	if cfg.CleanupTimeout == 0 {
		cfg.CleanupTimeout = DefaultCleanupTimeout
	}
	if cfg.CleanupAttempts == 0 {
		cfg.CleanupAttempts = DefaultCleanupAttempts
	}
	if cfg.BindingLifetime == 0 {
		cfg.BindingLifetime = BindingLifetimeFor(*cfg, wl, time.Now())
	}
	if cfg.Name == "" {
		names := make([]string, len(modes))
		for i, m := range modes {
			names[i] = strings.ToLower(string(m))
		}
		cfg.Name = strings.Join(names, "+")
	}
	return nil
}

// setupValidation sets the share of answers checked against the schemas and the validator
// that checks them.
func (r *runner) setupValidation() error {
	cfg := r.cfg
	r.sample = cfg.SchemaSample
	if r.sample == 0 {
		r.sample = 1
	}
	if r.sample > 0 {
		r.validate = cfg.Validator
		if r.validate == nil {
			doc, err := embeddedDocValidator()
			if err != nil {
				return fmt.Errorf("schemas: %w", err)
			}
			r.validateDoc = doc
		}
	}
	if r.sample >= 1 || r.sample < 0 {
		r.memo = newCheckMemo()
	}
	return nil
}

// setupLagLimit sets the generator's lag limit (a generator.lag.p99 threshold, else
// Config.GeneratorLag, else the default) and, when Config.GeneratorLag asks for it, adds the
// threshold that fails a generator-bound run.
func (r *runner) setupLagLimit() error {
	cfg := r.cfg
	r.lagLimit = cfg.GeneratorLag
	if r.lagLimit <= 0 {
		r.lagLimit = DefaultGeneratorLag
	}
	hasLag := false
	for _, t := range cfg.Thresholds {
		if t.Scope == "generator.lag" && t.Stat == "p99" && (t.Op == "<" || t.Op == "<=") {
			r.lagLimit = time.Duration(t.Value * 1e6)
			hasLag = true
		}
	}
	if !hasLag && cfg.GeneratorLag > 0 {
		// The generator.lag threshold: a generator-bound run fails its thresholds.
		t, err := ParseThreshold("generator.lag.p99<" + r.lagLimit.String())
		if err != nil {
			return err
		}
		r.cfg.Thresholds = append(append([]Threshold(nil), cfg.Thresholds...), t)
	}
	return nil
}

// setupNumbers takes the run's shard of the profile's A and B number ranges (or the
// defaults).
func (r *runner) setupNumbers() error {
	cfg := r.cfg
	nums := cfg.Profile.Numbers
	if nums.A.Start == "" {
		nums.A = NumberRange{Start: DefaultAStart, Count: DefaultRangeN}
	}
	if nums.B.Start == "" {
		nums.B = NumberRange{Start: DefaultBStart, Count: DefaultRangeN}
	}
	aR, err := parseRange(nums.A)
	if err != nil {
		return fmt.Errorf("profile: numbers.a: %w", err)
	}
	bR, err := parseRange(nums.B)
	if err != nil {
		return fmt.Errorf("profile: numbers.b: %w", err)
	}
	r.aNums, r.bNums = aR.shard(cfg.Shard, cfg.Shards), bR.shard(cfg.Shard, cfg.Shards)
	return nil
}

// newRunAggregate is the empty aggregate of the run, labelled with its workload, shard, plan
// and settings.
func (r *runner) newRunAggregate() *aggregate {
	cfg, wl := r.cfg, r.wl
	a := newAggregate()
	a.scenario, a.mode = wl.Name, cfg.Name
	if wl.Name == "" {
		a.scenario = "workload"
	}
	a.shards = []string{fmt.Sprintf("%d/%d", cfg.Shard, cfg.Shards)}
	a.plan = r.plan
	a.primary = r.primary
	a.lagLimit = r.lagLimit.Seconds() * 1e3
	if cfg.Workload == nil && cfg.Scenario == ScenarioBindUnbind {
		a.hold = cfg.Hold.Seconds()
	}
	a.cleanup.LifetimeSeconds = int64(math.Ceil(max(cfg.BindingLifetime, 0).Seconds()))
	a.run = cfg.Run
	a.run.StartAt = cfg.StartAt
	if a.run.ProfileDigest == "" {
		a.run.ProfileDigest = ProfileDigest(cfg.Profile)
	}
	return a
}

// newModeRun prepares mode m of a run of cfg against base, as shard of shards.
func newModeRun(cfg Config, base string, m pns.Mode, shard, shards int) (*modeRun, error) {
	app, secret, err := cfg.Profile.ModeApp(m)
	if err != nil {
		return nil, err
	}
	return newAppModeRun(cfg, base, m, app, secret, shard, shards)
}

// newAppModeRun prepares mode m run by app (whose secret is given).
func newAppModeRun(cfg Config, base string, m pns.Mode, app *AppProfile, secret string, shard, shards int) (*modeRun, error) {
	mr := &modeRun{mode: m, key: strings.ToLower(string(m)), base: base, app: app, tls: cfg.TLSConfig,
		signer: pns.Signer{AppKey: app.AppKey, AppSecret: secret, Scheme: pns.SchemeAKSK},
		sign:   newLoadSigner(app.AppKey, secret), ifaces: map[string]pns.Interface{},
		pool: newXPool(m, app, shard, shards), lifetime: max(cfg.BindingLifetime, 0)}
	if m.Spec().AppKeyInURL {
		mr.appKeyParam = "app_key=" + url.QueryEscape(app.AppKey)
	}
	if n := len(app.Xs()); n > 0 && len(mr.pool.xs) == 0 && !m.Spec().PlatformChoosesX() {
		return nil, fmt.Errorf("profile: apps.%s lists %d X numbers, fewer than the %d shards (shards never share an X)", mr.key, n, shards)
	}
	for name, op := range operations {
		if id, ok := op.Ifaces[m]; ok {
			if iface, ok := pns.InterfaceByID(id); ok {
				mr.ifaces[name] = iface
			}
		}
	}
	return mr, nil
}

// buildFlows prepares the flows of the workload with their plans.
func (r *runner) buildFlows(plans []Plan) error {
	for i := range r.wl.Flows {
		spec := &r.wl.Flows[i]
		m := r.modes[spec.mode()]
		f := &flowRun{idx: i, name: spec.Name, spec: spec, m: m, plan: plans[i], unbind: -1,
			attack: fmt.Sprintf("%s.%s.s%d", r.cfg.Name, spec.Name, r.cfg.Shard),
			sent:   make([]atomic.Int64, len(spec.Steps)), success: make([]atomic.Int64, len(spec.Steps))}
		for j, s := range spec.Steps {
			op := operations[s.Op]
			iface := op.Ifaces[m.mode]
			f.steps = append(f.steps, stepRun{op: op, name: s.Op, m: m, iface: iface, think: s.Think, causes: newCausePicker(s)})
			if op.Unbinds {
				f.unbind = j
			}
			if s.Op == OpCall {
				r.usesCalls = true
			}
		}
		if i == 0 {
			r.primary = f.steps[0].iface
		}
		r.flows = append(r.flows, f)
	}
	ps := make([]Plan, len(r.flows))
	for i, f := range r.flows {
		ps[i] = f.plan
	}
	r.plan = sumPlans(ps)
	if r.plan.MaxRate() <= 0 {
		return errors.New("the plan schedules no request within the duration")
	}
	return nil
}

// checkCapacity refuses, before the first request, a plan the profile's numbers cannot carry:
// enough A and B numbers for every bind, and for a mode whose X carries one binding
// (pns.ModeSpec.OneAPerX, AX) enough X numbers for the live bindings.
func (r *runner) checkCapacity() error {
	need := 0.0
	live := map[*modeRun]float64{}
	for _, f := range r.flows {
		if f.spec.Pool > 0 {
			need += float64(f.spec.Pool)
			if f.m.mode.Spec().OneAPerX {
				live[f.m] += float64(f.spec.Pool)
			}
			continue
		}
		need += math.Ceil(f.plan.Hits(f.plan.Total()))
		if f.m.mode.Spec().OneAPerX {
			var hold time.Duration
			for _, s := range f.steps {
				hold += s.think
			}
			// One binding per X: the live bindings (rate × (hold + latency)) must fit.
			live[f.m] += f.plan.MaxRate() * (hold.Seconds() + 0.5)
		}
	}
	if need > float64(min(r.aNums.count, r.bNums.count)) {
		return fmt.Errorf("the plan needs %.0f numbers per shard but the profile's ranges give %d", need, min(r.aNums.count, r.bNums.count))
	}
	for _, mode := range pns.Modes {
		m := r.modes[mode]
		if m == nil || len(m.pool.xs) == 0 || !mode.Spec().OneAPerX {
			continue
		}
		if live[m] > float64(len(m.pool.xs)) {
			return fmt.Errorf("%s: about %.0f live bindings per shard (rate × (hold + 0.5 s), plus pools) but the profile has %d X numbers and %s binds one A per X", m.key, live[m], len(m.pool.xs), mode)
		}
	}
	return nil
}

// warnOnce adds a warning to the result once.
func (r *runner) warnOnce(w string) {
	r.mu.Lock()
	first := !r.warned[w]
	r.warned[w] = true
	r.mu.Unlock()
	if first {
		r.agg.mu.Lock()
		r.agg.warnings = append(r.agg.warnings, w)
		r.agg.mu.Unlock()
	}
}

// bound, unbound, leftover and orphan keep the exact account of the bindings the load made.
func (r *runner) bound(b *bindState) {
	r.journal.outcome(journalBound, b)
	r.live.Add(1)
	r.agg.mu.Lock()
	r.agg.cleanup.Bound++
	r.agg.mu.Unlock()
}

func (r *runner) unbound(b *bindState) {
	r.journal.outcome(journalGone, b)
	r.live.Add(-1)
	b.m.pool.release(b.xi)
	r.agg.mu.Lock()
	r.agg.cleanup.Unbound++
	r.agg.mu.Unlock()
}

// refused records a bind that created nothing and frees its X.
func (r *runner) refused(b *bindState) {
	r.journal.outcome(journalRefused, b)
	b.m.pool.release(b.xi)
}

func (r *runner) leftover(b *bindState) {
	r.mu.Lock()
	r.leftovers = append(r.leftovers, b)
	r.mu.Unlock()
}

func (r *runner) orphan(b *bindState) {
	r.mu.Lock()
	r.orphans = append(r.orphans, b)
	r.mu.Unlock()
}

// run carries the load out: pools, arrivals, steps, checks, then cleanup and the result.
func (r *runner) run(ctx context.Context) (*Result, error) {
	if err := r.prepareOut(); err != nil {
		return nil, err
	}
	if r.cfg.OutDir != "" {
		if err := r.openRunJournal(ctx); err != nil {
			return nil, err
		}
		defer r.journal.close() // the early returns; the normal end closes it before the result
	}
	if r.usesCalls {
		if err := r.probeCalls(ctx); err != nil {
			return nil, configErr(err)
		}
	}
	if err := r.probeCredentials(ctx); err != nil {
		return nil, err
	}
	if err := r.setupPools(ctx); err != nil {
		r.teardownPools(ctx)
		r.cleanup(ctx)
		return nil, err
	}
	sinks, hl, err := r.openFiles()
	if err != nil {
		r.teardownPools(ctx)
		return nil, err
	}
	if r.usesCalls {
		r.startCallbacks()
	}
	r.gen = r.newRunGenerator(ctx)

	var st stopper
	stopLoad := r.stopLoadWith(&st)
	r.stopLoad.Store(&stopLoad)
	// The schedule's origin: taken right before the first arrival so that corrected latency
	// does not include setup time (nor the wait for the shards' shared start instant).
	r.waitStart(ctx)
	r.start = time.Now()
	r.lastAnswer.Store(r.start.UnixNano())
	r.agg.started = r.start
	r.win.begin(r.start)
	checked := r.startCheckers(sinks)
	queueDone := make(chan struct{})
	go func() {
		defer close(queueDone)
		r.queue.run(r.dispatchPending)
	}()
	r.startArrivals()
	stopMon := make(chan struct{})
	monDone := r.monitor(hl, stopMon, stopLoad)
	select {
	case <-ctx.Done():
		// Said for readers of the summary: a signal (Ctrl-C) or the caller stopped the run.
		stopLoad("interrupted before the end of the plan: no session started after it, and the bindings made were unbound (or are listed as leaked)")
		<-r.idle
	case <-r.idle:
	}
	r.queue.finish()
	<-queueDone
	r.gen.close()
	<-checked
	// The load is over and every answer recorded: the windows ending by its end are its
	// last (a plan that ran out counts to its end, its last arrivals may leave early); the
	// seconds after it (callback wait, cleanup) are no load.
	r.win.close(r.loadEnd(&st))
	if r.usesCalls {
		r.endCallbacks(ctx)
	}
	close(stopMon)
	<-monDone
	r.teardownPools(ctx)
	r.cleanup(ctx)
	r.closeJournal()
	return r.finish(&st)
}

// newRunGenerator is the generator of the run's requests, on Config.HTTPClient or a client
// of its own. Requests outlive a cancelled ctx: the unbinds of a stopping load must still go
// out.
func (r *runner) newRunGenerator(ctx context.Context) *generator {
	client := r.cfg.HTTPClient
	if client == nil {
		client = defaultClient(r.cfg.Timeout, r.cfg.MaxWorkers, r.cfg.TLSConfig)
	}
	return newGenerator(context.WithoutCancel(ctx), client, r.cfg.Workers, r.cfg.MaxWorkers)
}

// closeJournal closes the binding journal at the normal end; its error is the run's first
// file error unless one came before.
func (r *runner) closeJournal() {
	if err := r.journal.close(); err != nil {
		r.mu.Lock()
		r.fileErr = cmp.Or(r.fileErr, err)
		r.mu.Unlock()
	}
}

// stopLoadWith is the function that stops the load once, for the reason it is given (kept
// in st): no more arrivals, the queued steps dropped, and a hard stop one request timeout
// (plus slack) later for the unbinds to drain; the rest is cleanup's.
func (r *runner) stopLoadWith(st *stopper) func(reason string) {
	return func(reason string) {
		st.stop(reason, func() {
			r.stopping.Store(true)
			close(r.stopArrivals)
			r.queue.drainNow()
			time.AfterFunc(r.cfg.Timeout+5*time.Second, r.hardStop)
		})
	}
}

// loadEnd is when the load ended: now, or the plan's end when it ran out early and was not
// stopped (its last arrivals may leave early, the plan still counts to its end).
func (r *runner) loadEnd(st *stopper) time.Time {
	end := time.Now()
	if reason, _ := st.get(); reason == "" {
		if planEnd := r.start.Add(r.plan.Total()); planEnd.After(end) {
			end = planEnd
		}
	}
	return end
}

// openRunJournal takes over the output directory's binding journal (refusing one an earlier
// run may have left bindings in) and opens the run's own, shared by its modes.
func (r *runner) openRunJournal(ctx context.Context) error {
	if err := r.takeOverJournal(ctx); err != nil {
		return configErr(err)
	}
	j, err := openJournal(r.cfg.OutDir)
	if err != nil {
		return err
	}
	r.journal = j
	for _, m := range r.modes {
		m.journal = j
	}
	j.write(journalRecord{Op: journalRun, Target: r.base, At: time.Now().UTC().Format(time.RFC3339Nano), Ephemeral: r.cfg.EphemeralTarget})
	return nil
}

// startArrivals starts every flow's arrivals; once all have ended and no session is active,
// the run is idle.
func (r *runner) startArrivals() {
	var arrivals sync.WaitGroup
	for _, f := range r.flows {
		arrivals.Add(1)
		go func() {
			defer arrivals.Done()
			r.arrive(f)
		}()
	}
	go func() {
		arrivals.Wait()
		r.arrivalsDone.Store(true)
		if r.active.Load() == 0 {
			r.idleOnce.Do(func() { close(r.idle) })
		}
	}()
}

// endCallbacks waits for the callbacks of the load's calls, stops recording them and warns
// about calls whose fee record never came.
func (r *runner) endCallbacks(ctx context.Context) {
	r.waitCallbacks(ctx, r.cfg.Callbacks)
	r.cfg.Callbacks.detach()
	if n := r.cfg.Callbacks.openCalls(); n > 0 {
		r.warnOnce(fmt.Sprintf("%d calls had no fee record within the callback wait: check the emulator's callStatusUrl/feeUrl point at the receiver", n))
	}
}

// hardStop ends a stopping load that did not drain in time: queued steps are abandoned and
// their bindings left to cleanup.
func (r *runner) hardStop() {
	for _, p := range r.queue.stop() {
		if p.s.flow.unbind >= 0 && p.s.b.sub != "" {
			r.leftover(p.s.b)
		}
		r.sessionEnded(p.s, false)
	}
	close(r.gen.stop)
}

// startCheckers checks the generator's results on one goroutine per CPU and writes them to the
// flows' gob files from one goroutine; the returned channel is closed when all is done. Each
// hit is recycled (putHit) once checked and, with result files, written.
//
// Checking on the workers themselves, without this hand-off, was tried (issue 25) and cost
// about a tenth more CPU per request side by side with plain vegeta on a busy 2-core machine
// (interleaved simultaneous runs, median 0.90 for the hand-off over it): a starved generator
// grows to many workers, and each then ran the decoding, validation and recording too.
func (r *runner) startCheckers(sinks []*sink) chan struct{} {
	results := make(chan *hit, 1<<14)
	r.gen.handle = func(h *hit) { results <- h }
	r.gen.after = func() { close(results) }
	var enc chan *hit
	if sinks != nil {
		enc = make(chan *hit, 1<<12)
	}
	var wg sync.WaitGroup
	for i := 0; i < max(1, runtime.GOMAXPROCS(0)); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for h := range results {
				r.handle(h)
				if enc != nil {
					enc <- h // the encoder recycles it
				} else {
					putHit(h)
				}
			}
		}()
	}
	done := make(chan struct{})
	if enc == nil {
		go func() {
			wg.Wait()
			close(done)
		}()
		return done
	}
	go func() {
		wg.Wait()
		close(enc)
	}()
	go func() {
		defer close(done)
		r.encode(enc, sinks)
	}()
	return done
}
