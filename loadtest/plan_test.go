package loadtest

import (
	"testing"
	"time"
)

func TestParseRamp(t *testing.T) {
	tests := []struct {
		in      string
		want    Plan
		wantErr string
	}{
		{in: "10s@100,30s@500,10s@0", want: Plan{{10 * time.Second, 100}, {30 * time.Second, 500}, {10 * time.Second, 0}}},
		{in: " 1m@2.5 ", want: Plan{{time.Minute, 2.5}}},
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
	p := Plan{{time.Second, 10}, {time.Second, 0}, {time.Second, 100}}
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
	if got := (Plan{{time.Second, 0}, {time.Second, 5}}).ExpectedHits(500 * time.Millisecond); got != 0 {
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
