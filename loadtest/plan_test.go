package loadtest

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestParseRamp(t *testing.T) {
	tests := []struct {
		in      string
		want    Plan
		wantErr string
	}{
		{in: "10s@100,30s@500,10s@0", want: Plan{st(10*time.Second, 100), st(30*time.Second, 500), st(10*time.Second, 0)}},
		{in: " 1m@2.5 ", want: Plan{st(time.Minute, 2.5)}},
		{in: "", wantErr: "ramp: empty plan, want stages like 10s@100,30s@500"},
		{in: "10s", wantErr: `ramp stage 1 "10s": want DURATION@RATE, e.g. 10s@100`},
		{in: "10s@100,abc@5", wantErr: `ramp stage 2 "abc@5": invalid duration "abc"`},
		{in: "0s@5", wantErr: `ramp stage 1 "0s@5": duration must be positive`},
		{in: "10s@x", wantErr: `ramp stage 1 "10s@x": invalid rate "x"`},
		{in: "10s@-1", wantErr: `ramp stage 1 "10s@-1": rate must not be negative`},
		{in: "10s@NaN", wantErr: `ramp stage 1 "10s@NaN": invalid rate "NaN"`},
		{in: "10s@0,5s@0", wantErr: "ramp: every stage has rate 0"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRamp(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != tt.want.String() {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPlanSchedule(t *testing.T) {
	p := Plan{st(time.Second, 10), st(time.Second, 0), st(time.Second, 100)}
	tests := []struct {
		n    uint64
		want time.Duration
		ok   bool
	}{
		{0, 0, true},
		{1, 100 * time.Millisecond, true},
		{9, 900 * time.Millisecond, true},
		{10, 2 * time.Second, true}, // the pause is skipped
		{11, 2*time.Second + 10*time.Millisecond, true},
		{109, 2*time.Second + 990*time.Millisecond, true},
		{110, 0, false},
	}
	for _, tt := range tests {
		got, ok := p.Intended(tt.n)
		if ok != tt.ok || (ok && (got-tt.want).Abs() > time.Microsecond) {
			t.Errorf("Intended(%d) = %v, %v; want %v, %v", tt.n, got, ok, tt.want, tt.ok)
		}
	}
	hits := []struct {
		at   time.Duration
		want uint64
	}{{0, 1}, {950 * time.Millisecond, 10}, {1500 * time.Millisecond, 10}, {2 * time.Second, 11}, {3 * time.Second, 110}, {time.Hour, 110}}
	for _, h := range hits {
		if got := p.ExpectedHits(h.at); got != h.want {
			t.Errorf("ExpectedHits(%v) = %d, want %d", h.at, got, h.want)
		}
	}
	if got := (Plan{st(time.Second, 0), st(time.Second, 5)}).ExpectedHits(500 * time.Millisecond); got != 0 {
		t.Errorf("ExpectedHits during a leading pause = %d, want 0", got)
	}
	if r := p.RateAt(2500 * time.Millisecond); r != 100 {
		t.Errorf("RateAt = %v", r)
	}
	if got := p.Truncate(1500 * time.Millisecond).String(); got != "1s@10,500ms@0" {
		t.Errorf("Truncate = %s", got)
	}
	// The pacer fires exactly the scheduled hits.
	pp := PlanPacer{Plan: p}
	if w, stop := pp.Pace(0, 0); w != 0 || stop {
		t.Errorf("Pace(0,0) = %v %v", w, stop)
	}
	if w, stop := pp.Pace(50*time.Millisecond, 1); w != 50*time.Millisecond || stop {
		t.Errorf("Pace(50ms,1) = %v %v", w, stop)
	}
	if _, stop := pp.Pace(3*time.Second, 110); !stop {
		t.Error("Pace after the plan does not stop")
	}
}

// st is a step stage.
func st(d time.Duration, r float64) Stage { return Stage{Duration: d, Rate: r} }

// TestLinearPlan: a linear ramp (k6's shape) climbs from the previous stage's rate, so
// 2s@20 from 0 schedules 20 hits, not 40, a quarter of them in its first second; the hits'
// intended instants follow the integral, a falling stage included, and the peak, the
// truncation and the rendering say where each line starts.
func TestLinearPlan(t *testing.T) {
	step, err := ParseRamp("2s@20,2s@20,1s@0")
	if err != nil {
		t.Fatal(err)
	}
	p, err := step.WithShape(RampLinear)
	if err != nil {
		t.Fatal(err)
	}
	if p.Shape() != RampLinear || step.Shape() != RampStep {
		t.Errorf("shapes %s and %s", p.Shape(), step.Shape())
	}
	if got := p.String(); got != "2s@0→20,2s@20→20,1s@20→0" {
		t.Errorf("String = %s", got)
	}
	for _, c := range []struct {
		at   time.Duration
		hits float64
		rate float64
	}{{time.Second, 5, 10}, {2 * time.Second, 20, 20}, {4 * time.Second, 60, 20}, {4500 * time.Millisecond, 67.5, 10}, {5 * time.Second, 70, 0}} {
		if h := p.Hits(c.at); math.Abs(h-c.hits) > 1e-9 {
			t.Errorf("Hits(%s) = %v, want %v", c.at, h, c.hits)
		}
		if r := p.RateAt(c.at - time.Nanosecond); math.Abs(r-c.rate) > 1e-6 {
			t.Errorf("RateAt(%s) = %v, want %v", c.at, r, c.rate)
		}
	}
	// Hit n is due where the integral reaches n: sqrt(2·n·D/R) on the rising line.
	for _, c := range []struct {
		n    uint64
		want time.Duration
	}{{0, 0}, {5, time.Second}, {10, time.Duration(math.Sqrt(2) * float64(time.Second))}, {20, 2 * time.Second}, {60, 4 * time.Second}, {65, 4*time.Second + time.Duration((1-math.Sqrt(0.5))*float64(time.Second))}} {
		got, ok := p.Intended(c.n)
		if !ok || (got-c.want).Abs() > time.Microsecond {
			t.Errorf("Intended(%d) = %v %v, want %v", c.n, got, ok, c.want)
		}
	}
	if _, ok := p.Intended(70); ok {
		t.Error("hit 70 is past the plan's 70 hits")
	}
	if got := p.ExpectedHits(p.Total()); got != 70 {
		t.Errorf("ExpectedHits over the plan = %d, want 70", got)
	}
	if got := p.Truncate(time.Second).String(); got != "1s@0→10" {
		t.Errorf("Truncate = %s", got)
	}
	if got := p.MaxRate(); got != 20 {
		t.Errorf("MaxRate = %v", got)
	}
	if _, err := step.WithShape("smooth"); err == nil || err.Error() != `ramp shape "smooth": want step or linear` {
		t.Errorf("unknown shape: %v", err)
	}
	// Every hit is due where the integral reaches its number, in order, over rising, falling
	// and flat lines alike.
	q, _ := ParseRamp("3s@7,2s@50,4s@3,1s@3,1s@0")
	q, _ = q.WithShape(RampLinear)
	var last time.Duration
	total := q.Hits(q.Total())
	for n := uint64(0); float64(n) < total; n++ {
		at, ok := q.Intended(n)
		if !ok || at < last || math.Abs(q.Hits(at)-float64(n)) > 1e-3 {
			t.Fatalf("Intended(%d) = %v %v after %v: %v hits by then", n, at, ok, last, q.Hits(at))
		}
		last = at
	}
	// Two flows, one linear: their sum is linear between the cuts of both.
	sum := sumPlans([]Plan{p, {st(5*time.Second, 10)}})
	if got := sum.String(); got != "2s@10→30,2s@30→30,1s@30→10" {
		t.Errorf("sum = %s", got)
	}
}

// TestWorkloadRampShape: a workload's rampShape shapes its own ramp and its flows' ramps; an
// unknown shape is refused when the file is read.
func TestWorkloadRampShape(t *testing.T) {
	w, err := ParseWorkload([]byte("ramp: 2s@10\nrampShape: linear\nflows:\n  - {name: a, mode: axb, share: 1, steps: [{op: bind}, {op: unbind}]}\n  - {name: b, mode: axb, ramp: 1s@4, steps: [{op: bind}, {op: unbind}]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	plans, err := w.flowPlans(nil, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{plans[0].String(), plans[1].String()}; got[0] != "2s@0→10" || got[1] != "1s@0→4" {
		t.Errorf("plans %v", got)
	}
	if _, err := ParseWorkload([]byte("ramp: 2s@10\nrampShape: curved\nflows:\n  - {name: a, mode: axb, share: 1, steps: [{op: bind}, {op: unbind}]}\n")); err == nil || !strings.Contains(err.Error(), `rampShape: ramp shape "curved": want step or linear`) {
		t.Errorf("unknown shape: %v", err)
	}
}
