package main

import (
	"crypto/tls"
	"fmt"
	"time"

	"github.com/pns-harness/pns-harness/assemble"
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
}

// options checks the flags and resolves them; every error is a usage error (exit 2, one
// line), found before any request.
func (f *loadFlags) options() (loadOptions, error) {
	// A ramp has its own length: --duration may be left out, and may not cut it short.
	var plan loadtest.Plan
	if *f.ramp != "" && *f.rate == 0 {
		p, err := loadtest.ParseRamp(*f.ramp)
		if err != nil {
			return loadOptions{}, fmt.Errorf("--ramp: %v", err)
		}
		if plan, err = p.WithShape(*f.rampShape); err != nil {
			return loadOptions{}, fmt.Errorf("--ramp-shape: %v", err)
		}
		switch {
		case *f.duration == 0:
			*f.duration = plan.Total()
		case *f.duration < plan.Total():
			return loadOptions{}, fmt.Errorf("--duration %s is shorter than the ramp's %s (%s): leave --duration out (a ramp runs for its own length) or shorten the ramp", *f.duration, plan.Total(), plan)
		}
	}
	if *f.duration <= 0 {
		return loadOptions{}, fmt.Errorf("--duration is required and must be positive")
	}
	if *f.duration > loadtest.MaxDuration {
		return loadOptions{}, fmt.Errorf("--duration %s exceeds the maximum of %s", *f.duration, loadtest.MaxDuration)
	}
	var wl *loadtest.Workload
	if *f.workloadPath != "" {
		if *f.scenario != "" {
			return loadOptions{}, fmt.Errorf("--workload and --scenario are mutually exclusive")
		}
		w, err := loadtest.LoadWorkload(*f.workloadPath)
		if err != nil {
			return loadOptions{}, err
		}
		if *f.rampShape != "" {
			// The flag shapes the file's ramps too, as --ramp replaces its plan.
			if _, err := (loadtest.Plan{}).WithShape(*f.rampShape); err != nil {
				return loadOptions{}, fmt.Errorf("--ramp-shape: %v", err)
			}
			w.RampShape = *f.rampShape
		}
		wl = w
	} else {
		if *f.scenario == "" {
			*f.scenario = loadtest.ScenarioBindUnbind
		}
		if err := loadCheckScenario(*f.scenario, *f.mode); err != nil {
			return loadOptions{}, err
		}
	}
	switch {
	case *f.ramp != "" && *f.rate != 0:
		return loadOptions{}, fmt.Errorf("--rate and --ramp are mutually exclusive")
	case *f.rampShape != "" && *f.ramp == "" && (wl == nil || !wl.HasRamp()):
		return loadOptions{}, fmt.Errorf("--ramp-shape shapes a ramp: give --ramp (or a workload with a ramp)")
	case *f.ramp != "":
	case *f.rate < 0 || (*f.rate == 0 && wl == nil):
		return loadOptions{}, fmt.Errorf("--rate must be positive (or give --ramp)")
	}
	si, sn, err := loadParseShard(*f.shard)
	if err != nil {
		return loadOptions{}, err
	}
	// Callback thresholds are evaluated on the receiver's results, in the grammar every
	// subcommand shares; the others on the load result.
	var loadThs, cbThs []string
	for _, th := range f.thresholds {
		if assemble.IsCallbackThreshold(th) {
			cbThs = append(cbThs, th)
		} else {
			loadThs = append(loadThs, th)
		}
	}
	if err := assemble.ParseCallbackThresholds(cbThs); err != nil {
		return loadOptions{}, err
	}
	if err := f.cf.check(); err != nil {
		return loadOptions{}, err
	}
	ths, err := loadtest.ParseThresholds(loadThs)
	if err != nil {
		return loadOptions{}, err
	}
	start, err := loadParseStartAt(*f.startAt, time.Now())
	if err != nil {
		return loadOptions{}, err
	}
	if *f.schemaSample < 0 || *f.schemaSample > 1 {
		return loadOptions{}, fmt.Errorf("--schema-sample must be between 0 and 1")
	}
	if *f.unreachable < 0 {
		return loadOptions{}, fmt.Errorf("--unreachable-after must not be negative (0 never stops)")
	}
	if *f.cleanupTimeout <= 0 || *f.cleanupAttempts < 1 || *f.cleanupRate < 0 {
		return loadOptions{}, fmt.Errorf("--cleanup-timeout and --cleanup-attempts must be positive, --cleanup-rate not negative")
	}
	sample := *f.schemaSample
	if sample == 0 {
		sample = -1 // Config: negative disables
	}
	var prof *loadtest.Profile
	if *f.profilePath != "" {
		if prof, err = loadtest.LoadProfile(*f.profilePath); err != nil {
			return loadOptions{}, err
		}
	}
	gate := loadtest.Gate{AllowRemote: *f.allowRemote, MaxRate: *f.maxRate}
	if prof != nil {
		gate.AllowRemote = gate.AllowRemote || prof.AllowRemote
		if gate.MaxRate == 0 {
			gate.MaxRate = prof.MaxRate
		}
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
