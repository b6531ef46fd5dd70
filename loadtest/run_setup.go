package loadtest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/pns-harness/pns-harness/pns"
)

// This file builds a runner from a Config: the workload, defaults, validation, the
// generator-lag limit, the numbers of each mode, the flows and the capacity check. It was
// split from run.go (issue 23) so that a run's setup reads apart from its phases.

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
