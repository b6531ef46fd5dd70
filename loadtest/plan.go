package loadtest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Stage is one step of a load plan: Rate requests per second, held for Duration.
type Stage struct {
	Duration time.Duration `json:"duration"`
	Rate     float64       `json:"rate"`
}

// String renders a stage in the --ramp syntax.
func (s Stage) String() string {
	return s.Duration.String() + "@" + strconv.FormatFloat(s.Rate, 'f', -1, 64)
}

// Plan is a piecewise-constant rate schedule. A constant --rate for --duration is a plan of
// one stage.
type Plan []Stage

// String renders the plan in the --ramp syntax.
func (p Plan) String() string {
	parts := make([]string, len(p))
	for i, s := range p {
		parts[i] = s.String()
	}
	return strings.Join(parts, ",")
}

// Total returns the plan's length.
func (p Plan) Total() time.Duration {
	var t time.Duration
	for _, s := range p {
		t += s.Duration
	}
	return t
}

// MaxRate returns the highest stage rate.
func (p Plan) MaxRate() float64 {
	m := 0.0
	for _, s := range p {
		m = math.Max(m, s.Rate)
	}
	return m
}

// Scale returns the plan with every rate multiplied by f (used to split a rate over shards).
func (p Plan) Scale(f float64) Plan {
	out := make(Plan, len(p))
	for i, s := range p {
		out[i] = Stage{Duration: s.Duration, Rate: s.Rate * f}
	}
	return out
}

// Truncate returns the plan cut at d.
func (p Plan) Truncate(d time.Duration) Plan {
	var out Plan
	var t time.Duration
	for _, s := range p {
		if t >= d {
			break
		}
		if t+s.Duration > d {
			s.Duration = d - t
		}
		out = append(out, s)
		t += s.Duration
	}
	return out
}

// RateAt returns the plan's rate at offset t (0 outside the plan).
func (p Plan) RateAt(t time.Duration) float64 {
	if t < 0 {
		return 0
	}
	var start time.Duration
	for _, s := range p {
		if t < start+s.Duration {
			return s.Rate
		}
		start += s.Duration
	}
	return 0
}

// Hits returns the number of hits the plan schedules in [0, t): the integral of the rate.
func (p Plan) Hits(t time.Duration) float64 {
	var start time.Duration
	h := 0.0
	for _, s := range p {
		if t <= start {
			break
		}
		d := s.Duration
		if t < start+d {
			d = t - start
		}
		h += s.Rate * d.Seconds()
		start += s.Duration
	}
	return h
}

// ExpectedHits returns the number of hits a pacer following the plan fires in [0, t]: the
// count of n with Intended(n) <= t.
func (p Plan) ExpectedHits(t time.Duration) uint64 {
	k := uint64(math.Floor(p.Hits(t)))
	if at, ok := p.Intended(k); ok && at <= t {
		return k + 1
	}
	return k
}

// Intended returns the offset from the start at which hit number n (0-based) is scheduled, and
// false when the plan ends before it. For a constant rate r this is n/r, the schedule of
// vegeta's ConstantPacer; within a ramp it is where the cumulative hit count reaches n. This
// is the intended send time used for coordinated-omission corrected latency.
func (p Plan) Intended(n uint64) (time.Duration, bool) {
	var start time.Duration
	cum := 0.0
	target := float64(n)
	for _, s := range p {
		if s.Rate > 0 {
			hits := s.Rate * s.Duration.Seconds()
			if target < cum+hits {
				off := time.Duration((target - cum) / s.Rate * float64(time.Second))
				return start + off, true
			}
			cum += hits
		}
		start += s.Duration
	}
	return 0, false
}

// ParseRamp parses a ramp plan: comma-separated stages DURATION@RATE, e.g.
// "10s@100,30s@500,10s@0". A rate of 0 pauses for the stage's duration.
func ParseRamp(s string) (Plan, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("ramp: empty plan, want stages like 10s@100,30s@500")
	}
	var p Plan
	for i, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		ds, rs, ok := strings.Cut(part, "@")
		if !ok {
			return nil, fmt.Errorf("ramp stage %d %q: want DURATION@RATE, e.g. 10s@100", i+1, part)
		}
		d, err := time.ParseDuration(strings.TrimSpace(ds))
		if err != nil {
			return nil, fmt.Errorf("ramp stage %d %q: invalid duration %q", i+1, part, ds)
		}
		if d <= 0 {
			return nil, fmt.Errorf("ramp stage %d %q: duration must be positive", i+1, part)
		}
		r, err := strconv.ParseFloat(strings.TrimSpace(rs), 64)
		if err != nil || math.IsNaN(r) || math.IsInf(r, 0) {
			return nil, fmt.Errorf("ramp stage %d %q: invalid rate %q", i+1, part, rs)
		}
		if r < 0 {
			return nil, fmt.Errorf("ramp stage %d %q: rate must not be negative", i+1, part)
		}
		p = append(p, Stage{Duration: d, Rate: r})
	}
	if p.MaxRate() == 0 {
		return nil, fmt.Errorf("ramp: every stage has rate 0")
	}
	return p, nil
}

// PlanPacer is a vegeta Pacer that follows a Plan. (vegeta.PacerFunc is not a Pacer: it lacks
// Rate, so custom pacers must be types.) Like vegeta's ConstantPacer it fires hit n at
// Intended(n) and, when behind schedule, immediately; it stops at the plan's end even when
// behind (the missing hits are the run's shortfall), so a run never outlasts its plan.
type PlanPacer struct {
	Plan Plan
}

// Pace implements vegeta.Pacer.
func (pp PlanPacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	at, ok := pp.Plan.Intended(hits)
	if !ok || elapsed >= pp.Plan.Total() {
		return 0, true
	}
	if at <= elapsed {
		return 0, false
	}
	return at - elapsed, false
}

// Rate implements vegeta.Pacer.
func (pp PlanPacer) Rate(elapsed time.Duration) float64 { return pp.Plan.RateAt(elapsed) }
