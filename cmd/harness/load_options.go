package main

import (
	"crypto/tls"
	"fmt"
	"net"
	"time"

	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pns"
)

// loadOptions are what the flags of `harness load` resolve to before anything starts: the
// plan, the workload, the shard, the thresholds (load ones parsed, callback ones checked),
// the profile, the remote gate and the TLS configuration.
type loadOptions struct {
	plan    loadtest.Plan
	wl      *loadtest.Workload
	si, sn  int
	cbThs   []string
	ths     []loadtest.Threshold
	start   time.Time
	sample  float64
	prof    *loadtest.Profile
	gate    loadtest.Gate
	peak    float64
	tlsConf *tls.Config
	sc      string
	scMode  pns.Mode
	// rcvLn is the callback receiver's listener, opened before the embedded emulator starts
	// so that its apps push to the receiver's real address (port 0 works).
	rcvLn net.Listener
}

// options checks the flags and resolves them; every error is a usage error (exit 2, one
// line), found before any request.
func (f *loadFlags) options() (loadOptions, error) {
	plan, err := f.rampPlan()
	if err != nil {
		return loadOptions{}, err
	}
	wl, err := f.workload()
	if err != nil {
		return loadOptions{}, err
	}
	if err := f.checkRate(wl); err != nil {
		return loadOptions{}, err
	}
	si, sn, err := loadParseShard(*f.shard)
	if err != nil {
		return loadOptions{}, err
	}
	ths, cbThs, err := f.splitThresholds()
	if err != nil {
		return loadOptions{}, err
	}
	start, err := loadParseStartAt(*f.startAt, time.Now())
	if err != nil {
		return loadOptions{}, err
	}
	if err := f.checkLimits(); err != nil {
		return loadOptions{}, err
	}
	sample := *f.schemaSample
	if sample == 0 {
		sample = -1 // Config: negative disables
	}
	prof, gate, err := f.profileAndGate()
	if err != nil {
		return loadOptions{}, err
	}
	peak := *f.rate
	if len(plan) > 0 {
		peak = plan.Truncate(*f.duration).MaxRate()
	}
	tlsConf, err := f.tlsf.config()
	if err != nil {
		return loadOptions{}, err
	}
	sc, scMode := loadtest.ParseScenario(*f.scenario)
	return loadOptions{plan: plan, wl: wl, si: si, sn: sn, cbThs: cbThs, ths: ths, start: start, sample: sample, prof: prof, gate: gate, peak: peak, tlsConf: tlsConf, sc: sc, scMode: scMode}, nil
}

// rampPlan is the plan of --ramp (nil without it) and checks --duration against it: a ramp
// has its own length, so --duration may be left out, and may not cut it short.
func (f *loadFlags) rampPlan() (loadtest.Plan, error) {
	var plan loadtest.Plan
	if *f.ramp != "" && *f.rate == 0 {
		p, err := loadtest.ParseRamp(*f.ramp)
		if err != nil {
			return nil, fmt.Errorf("--ramp: %v", err)
		}
		if plan, err = p.WithShape(*f.rampShape); err != nil {
			return nil, fmt.Errorf("--ramp-shape: %v", err)
		}
		switch {
		case *f.duration == 0:
			*f.duration = plan.Total()
		case *f.duration < plan.Total():
			return nil, fmt.Errorf("--duration %s is shorter than the ramp's %s (%s): leave --duration out (a ramp runs for its own length) or shorten the ramp", *f.duration, plan.Total(), plan)
		}
	}
	if *f.duration <= 0 {
		return nil, fmt.Errorf("--duration is required and must be positive")
	}
	if *f.duration > loadtest.MaxDuration {
		return nil, fmt.Errorf("--duration %s exceeds the maximum of %s", *f.duration, loadtest.MaxDuration)
	}
	return plan, nil
}

// workload is the --workload file (shaped by --ramp-shape), or nil for a --scenario, whose
// default it fills in and which it checks against --mode.
func (f *loadFlags) workload() (*loadtest.Workload, error) {
	if *f.workloadPath == "" {
		if *f.scenario == "" {
			*f.scenario = loadtest.ScenarioBindUnbind
		}
		return nil, loadCheckScenario(*f.scenario, *f.mode)
	}
	if *f.scenario != "" {
		return nil, fmt.Errorf("--workload and --scenario are mutually exclusive")
	}
	w, err := loadtest.LoadWorkload(*f.workloadPath)
	if err != nil {
		return nil, err
	}
	if *f.rampShape != "" {
		// The flag shapes the file's ramps too, as --ramp replaces its plan.
		if _, err := (loadtest.Plan{}).WithShape(*f.rampShape); err != nil {
			return nil, fmt.Errorf("--ramp-shape: %v", err)
		}
		w.RampShape = *f.rampShape
	}
	return w, nil
}

// splitThresholds parses --threshold into the one threshold set every subcommand uses (load
// metrics judged on the load result, callback ones on the receiver's results) and checks the
// receiver's flags.
func (f *loadFlags) splitThresholds() (ths []loadtest.Threshold, cbThs []string, err error) {
	set, err := loadtest.ParseThresholdSet(f.thresholds)
	if err != nil {
		return nil, nil, err
	}
	if err := f.cf.check(); err != nil {
		return nil, nil, err
	}
	return set.Load, set.Callback, nil
}

// profileAndGate reads --profile (nil without it) and makes the remote gate from the flags,
// completed by the profile's allowRemote and maxRate.
func (f *loadFlags) profileAndGate() (*loadtest.Profile, loadtest.Gate, error) {
	var prof *loadtest.Profile
	if *f.profilePath != "" {
		var err error
		if prof, err = loadtest.LoadProfile(*f.profilePath); err != nil {
			return nil, loadtest.Gate{}, err
		}
	}
	gate := loadtest.Gate{AllowRemote: *f.allowRemote, MaxRate: *f.maxRate}
	if prof != nil {
		gate.AllowRemote = gate.AllowRemote || prof.AllowRemote
		if gate.MaxRate == 0 {
			gate.MaxRate = prof.MaxRate
		}
	}
	return prof, gate, nil
}
