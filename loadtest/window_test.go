package loadtest

import (
	"strings"
	"testing"
	"time"
)

func TestParseWindowedThreshold(t *testing.T) {
	good := []struct {
		in   string
		want Threshold
	}{
		{"axb.bind.p99[10s]<200ms", Threshold{Scope: "axb.bind", Stat: "p99", Op: "<", Value: 200, Kind: "latency", Window: 10 * time.Second}},
		{"bind.success[1m]>=99%!abort", Threshold{Scope: "bind", Stat: "success", Op: ">=", Value: 99, Kind: "percent", Window: time.Minute, Abort: true}},
		{"bind.corrected.p99.9[5s] < 1s", Threshold{Scope: "bind", Stat: "p99.9", Corrected: true, Op: "<", Value: 1000, Kind: "latency", Window: 5 * time.Second}},
		{"bind.p99<50ms!abort", Threshold{Scope: "bind", Stat: "p99", Op: "<", Value: 50, Kind: "latency", Abort: true}},
	}
	for _, tt := range good {
		got, err := ParseThreshold(tt.in)
		if err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		tt.want.Expr = strings.TrimSpace(tt.in)
		if got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.in, got, tt.want)
		}
	}
	bad := map[string]string{
		"bind.p99[10x]<5ms":         `threshold "bind.p99[10x]<5ms": window "10x" is not a duration such as 10s`,
		"bind.p99[]<5ms":            `threshold "bind.p99[]<5ms": window "" is not a duration such as 10s`,
		"bind.p99[500ms]<5ms":       `threshold "bind.p99[500ms]<5ms": window 500ms is shorter than 1s (windows slide by the second)`,
		"bind.p99[1500ms]<5ms":      `threshold "bind.p99[1500ms]<5ms": window 1500ms is not a whole number of seconds (windows slide by the second)`,
		"bind.p99[2h]<5ms":          `threshold "bind.p99[2h]<5ms": window 2h is longer than the longest load (1h0m0s)`,
		"bind.p99[-1s]<5ms":         `threshold "bind.p99[-1s]<5ms": window -1s is shorter than 1s (windows slide by the second)`,
		"rate.shortfall[10s]<1%":    `threshold "rate.shortfall[10s]<1%": a window applies to interface metrics (SCOPE.pNN, max, mean, min, success, count), not to rate.shortfall`,
		"generator.lag.p99[5s]<1ms": `threshold "generator.lag.p99[5s]<1ms": a window applies to interface metrics (SCOPE.pNN, max, mean, min, success, count), not to generator.lag.p99`,
		"bind[10s].p99<5ms":         `threshold "bind[10s].p99<5ms": want METRIC OP VALUE, e.g. bind.p99<50ms`,
	}
	for in, want := range bad {
		_, err := ParseThreshold(in)
		if err == nil || err.Error() != want {
			t.Errorf("%s: err = %v, want %q", in, err, want)
		}
	}
}

// TestWindowsSlide feeds answers at fabricated instants: a slow second 12 breaks every 10 s
// window that contains it and no other; the threshold that aborts reports it once.
func TestWindowsSlide(t *testing.T) {
	ths, err := ParseThresholds([]string{"axb.bind.p99[10s]<100ms!abort", "bind.count[10s]>=10", "axb.unbind.p99[30s]<1s"})
	if err != nil {
		t.Fatal(err)
	}
	var secs []LiveSecond
	w := newWindows(ths, false, func(s LiveSecond) { secs = append(secs, s) })
	start := time.Unix(1000, 0)
	w.begin(start)
	var reasons []string
	for s := 0; s < 20; s++ {
		lat := 10 * time.Millisecond
		if s == 12 {
			lat = 300 * time.Millisecond
		}
		at := start.Add(time.Duration(s)*time.Second + 500*time.Millisecond)
		w.record(&observation{iface: "axb.bind", code: "0", success: true, service: lat, corrected: lat}, at)
		if why := w.advance(at); why != "" {
			reasons = append(reasons, why)
		}
	}
	w.close(start.Add(20 * time.Second))
	if why := w.advance(start.Add(40 * time.Second)); why != "" {
		t.Errorf("a closed tracker still evaluates: %s", why)
	}
	if len(reasons) != 1 || !strings.HasPrefix(reasons[0], "threshold axb.bind.p99[10s]<100ms!abort broken in the window 3s-13s (actual 30") {
		t.Fatalf("abort reasons = %q", reasons)
	}
	// Every second is handed on once, in order, the answers all accounted for.
	var total int64
	for i, s := range secs {
		if s.Offset != int64(i) || s.Seconds != 1 || len(s.Interfaces) != 1 || s.Interfaces[0].Codes["0"] != 1 {
			t.Fatalf("second %d = %+v", i, s)
		}
		total += s.Interfaces[0].Requests
	}
	if len(secs) != 20 || total != 20 || secs[12].Interfaces[0].Latency.Max < 299 {
		t.Errorf("%d seconds with %d requests, second 12 = %+v", len(secs), total, secs[12])
	}
	out := w.outcomes()
	p99, count, unbind := out[0], out[1], out[2]
	// Windows end at 10..20 s: 11 of them, those ending at 13..20 contain second 12.
	if p99.Checked != 11 || p99.Failed != 8 || p99.FirstFailedEnd != 13 || p99.Actual < 299 {
		t.Errorf("p99 windows = %+v", p99)
	}
	if count.Checked != 11 || count.Failed != 0 || count.Actual != 10 {
		t.Errorf("count windows = %+v", count)
	}
	if unbind.Checked != 0 {
		t.Errorf("unbind windows = %+v", unbind)
	}
	r := &Result{Windows: out, agg: newAggregate()}
	got, err := Evaluate(r, ths)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].OK || got[0].Unmeasured || !strings.Contains(got[0].Detail, "8 of 11 full 10s windows broke it, the first ending at 13s") {
		t.Errorf("p99 outcome = %+v", got[0])
	}
	if !got[1].OK || got[1].Actual != 10 {
		t.Errorf("count outcome = %+v", got[1])
	}
	if got[2].OK || !got[2].Unmeasured || got[2].Detail != "not checked: no full 30s window, the load ran 20s" {
		t.Errorf("unbind outcome = %+v", got[2])
	}
	// A result without the windows (merged, or older) cannot check them: never a pass.
	got, _ = Evaluate(&Result{agg: newAggregate()}, ths[:1])
	if got[0].OK || !got[0].Unmeasured {
		t.Errorf("without windows: %+v", got[0])
	}
}

// BenchmarkWindowsRecord is the cost per answer of the per-second buckets (windowed thresholds
// and the live stream), on top of the aggregate's own.
func BenchmarkWindowsRecord(b *testing.B) {
	ths, _ := ParseThresholds([]string{"axb.bind.p99[10s]<100ms"})
	w := newWindows(ths, false, func(LiveSecond) {})
	start := time.Now()
	w.begin(start)
	o := &observation{iface: "axb.bind", code: "0", success: true, service: 3 * time.Millisecond, corrected: 4 * time.Millisecond}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		at := start.Add(time.Duration(i) * time.Millisecond)
		w.record(o, at)
		if i%1000 == 0 {
			w.advance(at)
		}
	}
}
