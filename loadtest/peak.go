package loadtest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Peak is a plan's highest request rate, every interface, flow and shard together: what the
// rate ceiling (Gate.MaxRate, --max-rate) is compared with. A session sends one request per
// step of its flow (bind-unbind: 2), so the peak is Σ flows (sessions/s × requests per
// session) at the instant where that sum is highest; think times only delay a session's later
// requests, so at a steady rate this is the rate the platform sees.
type Peak struct {
	// Requests is the peak rate in requests per second.
	Requests float64
	// Arithmetic shows how Requests follows from the flows' session rates.
	Arithmetic string
}

// requestsPerSession is how many requests one session of f sends: one per step.
func requestsPerSession(f *Flow) int { return len(f.Steps) }

// peakOf computes the peak of a workload whose flows follow plans (over all shards).
func peakOf(wl *Workload, plans []Plan) Peak {
	scaled := make([]Plan, len(plans))
	for i := range plans {
		scaled[i] = plans[i].Scale(float64(requestsPerSession(&wl.Flows[i])))
	}
	total := sumPlans(scaled)
	var at time.Duration // the offset of the first instant at the peak
	end := false         // the peak is the end of a linear stage (the rate just before at)
	var p Peak
	var t time.Duration
	for _, s := range total {
		if r := s.start(); r > p.Requests {
			p.Requests, at, end = r, t, false
		}
		if s.Linear && s.Rate > p.Requests {
			p.Requests, at, end = s.Rate, t+s.Duration, true
		}
		t += s.Duration
	}
	var terms []string
	for i, f := range wl.Flows {
		sessions := plans[i].RateAt(at)
		if end {
			sessions = plans[i].rateBefore(at)
		}
		if sessions == 0 {
			continue
		}
		n := requestsPerSession(&f)
		ops := make([]string, n)
		for j, s := range f.Steps {
			ops[j] = s.Op
		}
		terms = append(terms, fmt.Sprintf("%s %s sessions/s × %d request(s) (%s)", f.Name, num(sessions), n, strings.Join(ops, ", ")))
	}
	p.Arithmetic = strings.Join(terms, " + ") + " = " + num(p.Requests) + " requests/s"
	if len(total) > 1 || end {
		p.Arithmetic += fmt.Sprintf(" (at %ss into the plan)", num(at.Seconds()))
	}
	return p
}

// num renders a rate without float noise (300, 0.5, 33.33).
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// PeakRequests returns the peak request rate of cfg's plan over all shards, as Run computes
// it before the first request: the CLI checks it against the ceiling before it sends anything
// (even the preflight). No packet is sent.
func PeakRequests(cfg Config) (Peak, error) {
	wl, err := resolveWorkload(&cfg)
	if err != nil {
		return Peak{}, configErr(err)
	}
	plans, err := runPlans(cfg, wl)
	if err != nil {
		return Peak{}, configErr(err)
	}
	return peakOf(wl, plans), nil
}

// runPlans returns every flow's plan over all shards, cut at the run's duration.
func runPlans(cfg Config, wl *Workload) ([]Plan, error) {
	if cfg.Duration <= 0 {
		return nil, fmt.Errorf("duration is required and must be positive")
	}
	base := cfg.Plan
	if len(base) == 0 && cfg.Rate != 0 {
		if cfg.Rate < 0 || math.IsNaN(cfg.Rate) || math.IsInf(cfg.Rate, 0) {
			return nil, fmt.Errorf("rate must be positive (or give a ramp plan)")
		}
		base = Plan{{Duration: cfg.Duration, Rate: cfg.Rate}}
	}
	if len(base) == 0 && cfg.Workload == nil {
		return nil, fmt.Errorf("rate must be positive (or give a ramp plan)")
	}
	plans, err := wl.flowPlans(base, cfg.Duration)
	if err != nil {
		return nil, err
	}
	for i := range plans {
		plans[i] = plans[i].Truncate(cfg.Duration)
	}
	return plans, nil
}

// BindingLifetimeFor is the default lifetime of the bindings of a run of cfg and wl set up at
// now: every binding must outlive the run (pools are bound before the shards' start instant
// and kept to the end; a session's binding lives for its flow's think times), its cleanup and
// BindingMargin, and no longer.
func BindingLifetimeFor(cfg Config, wl *Workload, now time.Time) time.Duration {
	var think time.Duration
	for _, f := range wl.Flows {
		var t time.Duration
		for _, s := range f.Steps {
			t += s.Think
		}
		think = max(think, t)
	}
	d := cfg.Duration + think + cfg.Timeout + cfg.CallbackWait + cfg.CleanupTimeout + BindingMargin
	if !cfg.StartAt.IsZero() && cfg.StartAt.After(now) {
		d += cfg.StartAt.Sub(now)
	}
	return d.Round(time.Second)
}
