package loadtest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Stage is one stage of a load plan over Duration: a step stage holds Rate throughout; a
// linear stage moves in a straight line from From to Rate (k6's ramping-arrival-rate stages).
type Stage struct {
	Duration time.Duration `json:"duration"`
	Rate     float64       `json:"rate"`
	// Linear makes the stage a straight line from From to Rate instead of a constant Rate.
	Linear bool    `json:"linear,omitempty"`
	From   float64 `json:"from,omitempty"`
}

// Ramp shapes: how a --ramp plan's stages reach their rates.
const (
	// RampStep holds each stage's rate for its whole duration (the default).
	RampStep = "step"
	// RampLinear moves from the previous stage's rate (0 before the first) to the stage's
	// rate in a straight line over its duration, as k6 does.
	RampLinear = "linear"
)

// RampShapes lists the accepted ramp shapes.
var RampShapes = []string{RampStep, RampLinear}

// String renders a stage in the --ramp syntax; a linear stage shows where it starts
// ("10s@0→100").
func (s Stage) String() string {
	r := strconv.FormatFloat(s.Rate, 'f', -1, 64)
	if s.Linear {
		r = strconv.FormatFloat(s.From, 'f', -1, 64) + "→" + r
	}
	return s.Duration.String() + "@" + r
}

// start is the stage's rate at its beginning.
func (s Stage) start() float64 {
	if s.Linear {
		return s.From
	}
	return s.Rate
}

// rateAt is the stage's rate x into it (0 <= x <= Duration).
func (s Stage) rateAt(x time.Duration) float64 {
	if !s.Linear || s.Duration <= 0 {
		return s.Rate
	}
	return s.From + (s.Rate-s.From)*x.Seconds()/s.Duration.Seconds()
}

// hits is the integral of the stage's rate over its first x.
func (s Stage) hits(x time.Duration) float64 {
	if !s.Linear || s.Duration <= 0 {
		return s.Rate * x.Seconds()
	}
	xs := x.Seconds()
	return s.From*xs + (s.Rate-s.From)*xs*xs/(2*s.Duration.Seconds())
}

// MeanRate is the stage's mean rate: its rate, or the middle of a linear stage.
func (s Stage) MeanRate() float64 {
	if s.Linear {
		return (s.From + s.Rate) / 2
	}
	return s.Rate
}

// Plan is a rate schedule of stages, each held constant or moving linearly. A constant
// --rate for --duration is a plan of one step stage.
type Plan []Stage

// String renders the plan in the --ramp syntax (linear stages with their start rate).
func (p Plan) String() string {
	parts := make([]string, len(p))
	for i, s := range p {
		parts[i] = s.String()
	}
	return strings.Join(parts, ",")
}

// Shape is RampLinear when a stage of the plan is linear, else RampStep.
func (p Plan) Shape() string {
	for _, s := range p {
		if s.Linear {
			return RampLinear
		}
	}
	return RampStep
}

// WithShape returns the plan with its stages shaped: RampLinear makes each stage a line from
// the previous stage's rate (0 before the first) to its own; RampStep (or "") returns it as
// it is.
func (p Plan) WithShape(shape string) (Plan, error) {
	switch shape {
	case "", RampStep:
		return p, nil
	case RampLinear:
	default:
		return nil, fmt.Errorf("ramp shape %q: want %s", shape, strings.Join(RampShapes, " or "))
	}
	out := make(Plan, len(p))
	prev := 0.0
	for i, s := range p {
		out[i] = Stage{Duration: s.Duration, Rate: s.Rate, Linear: true, From: prev}
		prev = s.Rate
	}
	return out, nil
}

// Total returns the plan's length.
func (p Plan) Total() time.Duration {
	var t time.Duration
	for _, s := range p {
		t += s.Duration
	}
	return t
}

// MaxRate returns the highest rate the plan reaches.
func (p Plan) MaxRate() float64 {
	m := 0.0
	for _, s := range p {
		m = math.Max(m, math.Max(s.start(), s.Rate))
	}
	return m
}

// Scale returns the plan with every rate multiplied by f (used to split a rate over shards).
func (p Plan) Scale(f float64) Plan {
	out := make(Plan, len(p))
	for i, s := range p {
		out[i] = Stage{Duration: s.Duration, Rate: s.Rate * f, Linear: s.Linear, From: s.From * f}
	}
	return out
}

// Truncate returns the plan cut at d (a linear stage cut short ends at the rate it had
// reached).
func (p Plan) Truncate(d time.Duration) Plan {
	var out Plan
	var t time.Duration
	for _, s := range p {
		if t >= d {
			break
		}
		if t+s.Duration > d {
			s.Rate = s.rateAt(d - t)
			s.Duration = d - t
		}
		out = append(out, s)
		t += s.Duration
	}
	return out
}

// RateAt returns the plan's rate at offset t (0 outside the plan); at the boundary of two
// stages it is the later one's.
func (p Plan) RateAt(t time.Duration) float64 {
	if t < 0 {
		return 0
	}
	var start time.Duration
	for _, s := range p {
		if t < start+s.Duration {
			return s.rateAt(t - start)
		}
		start += s.Duration
	}
	return 0
}

// rateBefore is the plan's rate just before offset t (the earlier stage's at a boundary).
func (p Plan) rateBefore(t time.Duration) float64 {
	var start time.Duration
	for _, s := range p {
		if t > start && t <= start+s.Duration {
			return s.rateAt(t - start)
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
		h += s.hits(d)
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
		hits := s.hits(s.Duration)
		if hits > 0 && target < cum+hits {
			return start + s.offsetOf(target-cum), true
		}
		cum += hits
		start += s.Duration
	}
	return 0, false
}

// offsetOf is the offset into the stage at which its hits reach rem (0 <= rem < its hits):
// rem/Rate for a step, the root of From·x + (Rate−From)·x²/(2·Duration) = rem for a line,
// in the form that stays exact when From is 0 or the slope is small.
func (s Stage) offsetOf(rem float64) time.Duration {
	if rem <= 0 {
		return 0
	}
	if !s.Linear || s.From == s.Rate {
		return time.Duration(rem / s.Rate * float64(time.Second))
	}
	disc := s.From*s.From + 2*(s.Rate-s.From)*rem/s.Duration.Seconds()
	x := 2 * rem / (s.From + math.Sqrt(math.Max(disc, 0)))
	return min(time.Duration(x*float64(time.Second)), s.Duration)
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
