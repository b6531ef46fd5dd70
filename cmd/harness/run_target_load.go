package main

import (
	"crypto/tls"
	"fmt"
	"io"
	"time"

	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pipeline"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/profile"
)

// targetLoadPlan is the load of a --target run: its modes, each one's rate, the duration and
// hold, and the remote gate.
type targetLoadPlan struct {
	modes     []pns.Mode
	rates     map[pns.Mode]float64
	dur, hold time.Duration
	gate      loadtest.Gate
}

// planTargetLoad fits the load to the flags and the profile, and refuses (usageError) a plan
// the profile's limits or the remote gate do not allow, before the first request.
func planTargetLoad(o runOptions, prof *profile.Profile, stdout io.Writer) (targetLoadPlan, error) {
	t := o.remote
	rate := o.rate
	if !o.rateSet && prof.Load.Rate > 0 {
		rate = prof.Load.Rate
	}
	// A rate the user chose (--rate, load.rate) is run as given or refused; the default is
	// fitted to the platform's limits.
	explicit := o.rateSet || prof.Load.Rate > 0
	lp := targetLoadPlan{dur: o.loadDuration, hold: t.hold, rates: map[pns.Mode]float64{}}
	if !o.durationSet && prof.Load.Duration > 0 {
		lp.dur = time.Duration(prof.Load.Duration)
	}
	if lp.hold == 0 {
		lp.hold = defaultRunHold
		if prof.Load.Hold > 0 {
			lp.hold = time.Duration(prof.Load.Hold)
		}
	}
	lp.gate = loadtest.Gate{AllowRemote: t.allowRemote || prof.AllowRemote, MaxRate: t.maxRate}
	if lp.gate.MaxRate == 0 {
		lp.gate.MaxRate = prof.MaxRate
	}
	lp.modes = prof.Load.Modes
	if len(lp.modes) == 0 {
		lp.modes = prof.Modes()
	}
	peak := rate
	if !o.noLoad {
		var err error
		if lp.rates, err = planLoad(stdout, prof, lp.modes, rate, lp.dur, lp.hold, explicit, lp.gate.MaxRate); err != nil {
			return lp, usageError{err}
		}
		peak = 0
		for _, r := range lp.rates {
			peak = max(peak, r)
		}
	}
	// The ceiling counts requests: bind-unbind sends two per session (bind, unbind).
	reqPeak := loadtest.Peak{}
	if peak > 0 && len(lp.modes) > 0 {
		p, err := loadtest.PeakRequests(loadtest.Config{Scenario: loadtest.ScenarioBindUnbind, Mode: lp.modes[0], Rate: peak, Duration: lp.dur, Hold: lp.hold})
		if err != nil {
			return lp, usageError{err}
		}
		reqPeak = p
	}
	if err := loadtest.CheckTarget(t.target, lp.gate, reqPeak); err != nil {
		return lp, usageError{err}
	}
	return lp, nil
}

// targetLoads is the bind-unbind load of each mode of lp, with the run's load thresholds
// (or the defaults).
func targetLoads(o runOptions, prof *profile.Profile, lp targetLoadPlan, tlsConf *tls.Config) ([]pipeline.Load, error) {
	ths, err := o.bindThresholds()
	if err != nil {
		return nil, usageError{err}
	}
	var loads []pipeline.Load
	for _, m := range lp.modes {
		name := fmt.Sprintf("%s-bind-unbind", lowerMode(m))
		loads = append(loads, pipeline.Load{
			Name: name, Title: fmt.Sprintf("%g/s for %s, hold %s", lp.rates[m], lp.dur, lp.hold), Given: len(o.thresholds.Load) > 0,
			Config: loadtest.Config{
				Target: o.remote.target, Profile: prof, Scenario: loadtest.ScenarioBindUnbind, Mode: m,
				Rate: lp.rates[m], Duration: lp.dur, Hold: lp.hold, Thresholds: ths, Gate: lp.gate, TLSConfig: tlsConf,
			},
		})
	}
	return loads, nil
}

// bindThresholds are the thresholds of the bind-unbind loads: the load metrics of
// --threshold, or the defaults when none was given.
func (o runOptions) bindThresholds() ([]loadtest.Threshold, error) {
	if len(o.thresholds.Load) > 0 {
		return o.thresholds.Load, nil
	}
	return loadtest.ParseThresholds(defaultRunBindThresholds)
}

func lowerMode(m pns.Mode) string {
	b := []byte(m)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
