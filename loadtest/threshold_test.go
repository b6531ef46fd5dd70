package loadtest

import (
	"strings"
	"testing"
	"time"
)

func TestParseThreshold(t *testing.T) {
	tests := []struct {
		in      string
		want    Threshold
		wantErr string
	}{
		{in: "bind.p99<50ms", want: Threshold{Scope: "bind", Stat: "p99", Op: "<", Value: 50, Kind: "latency"}},
		{in: "bind.success>=99.9%", want: Threshold{Scope: "bind", Stat: "success", Op: ">=", Value: 99.9, Kind: "percent"}},
		{in: "callback.fee.p95<2s", want: Threshold{Scope: "callback.fee", Stat: "p95", Op: "<", Value: 2000, Kind: "latency"}},
		{in: "rate.shortfall<1%", want: Threshold{Scope: "rate", Stat: "shortfall", Op: "<", Value: 1, Kind: "percent"}},
		{in: "unbind.p50<=10ms", want: Threshold{Scope: "unbind", Stat: "p50", Op: "<=", Value: 10, Kind: "latency"}},
		{in: "bind.corrected.p99<100ms", want: Threshold{Scope: "bind", Stat: "p99", Corrected: true, Op: "<", Value: 100, Kind: "latency"}},
		{in: "axb.bind.p99.9 < 1s", want: Threshold{Scope: "axb.bind", Stat: "p99.9", Op: "<", Value: 1000, Kind: "latency"}},
		{in: "conformance.errors==0", want: Threshold{Scope: "conformance", Stat: "errors", Op: "==", Value: 0, Kind: "number"}},
		{in: "all.count>10", want: Threshold{Scope: "all", Stat: "count", Op: ">", Value: 10, Kind: "number"}},
		{in: ".p00<0", wantErr: `threshold ".p00<0": metric ".p00" has an empty name part`},
		{in: "bind.p99", wantErr: `threshold "bind.p99": want METRIC OP VALUE, e.g. bind.p99<50ms`},
		{in: "p99<5ms", wantErr: `threshold "p99<5ms": metric "p99" needs SCOPE.STAT, e.g. bind.p99`},
		{in: "bind.p99<50", wantErr: `threshold "bind.p99<50": bind.p99 needs a duration such as 50ms, got "50"`},
		{in: "bind.success>99", wantErr: `threshold "bind.success>99": bind.success needs a percentage such as 99.9%, got "99"`},
		{in: "bind.success>120%", wantErr: `threshold "bind.success>120%": bind.success needs a percentage such as 99.9%, got "120%"`},
		{in: "bind.median<5ms", wantErr: `threshold "bind.median<5ms": unknown statistic "median" (want pNN, max, mean, min, success or count)`},
		{in: "rate.p99<1%", wantErr: `threshold "rate.p99<1%": unknown rate metric "rate.p99" (want rate.shortfall or rate.achieved)`},
		{in: "bind.corrected.success>1%", wantErr: `threshold "bind.corrected.success>1%": corrected applies to latency statistics only`},
		{in: "callback.p95<1s", wantErr: `threshold "callback.p95<1s": unknown callback metric "callback.p95"`},
		{in: "callback.fe.p95<1s", wantErr: `threshold "callback.fe.p95<1s": unknown notification type "fe"`},
		{in: "callback.missing==0", wantErr: `threshold "callback.missing==0": evaluated on the callback receiver's results`},
		{in: "bind.p101<1s", wantErr: `threshold "bind.p101<1s": percentile p101 above 100`},
		{in: "bnid.p99<50ms", wantErr: `threshold "bnid.p99<50ms": "bnid" is no operation or interface a load measures (want all, an operation or one of ax.bind,`},
		{in: "axb.bnid.count>0", wantErr: `threshold "axb.bnid.count>0": "axb.bnid" is no operation or interface a load measures`},
		{in: "calls.success>=99%", want: Threshold{Scope: "calls", Stat: "success", Op: ">=", Value: 99, Kind: "percent"}},
		{in: "ax.callee.p99<1s", want: Threshold{Scope: "ax.callee", Stat: "p99", Op: "<", Value: 1000, Kind: "latency"}},
		{in: "conformance.count<1", wantErr: `threshold "conformance.count<1": unknown conformance metric "conformance.count" (want conformance.errors)`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseThreshold(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q…", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Expr = got.Expr
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestEvaluate(t *testing.T) {
	a := newAggregate()
	a.scenario, a.mode = ScenarioBindUnbind, "axb"
	a.started = time.Unix(1000, 0)
	now := time.Unix(1000, 0)
	for i := 1; i <= 100; i++ {
		code := "0"
		if i == 100 {
			code = "1012008"
		}
		a.observe(&observation{iface: "axb.bind", code: code, status: 200, ts: now,
			service: time.Duration(i) * time.Millisecond, corrected: time.Duration(2*i) * time.Millisecond, primary: true, success: code == "0"})
		a.observe(&observation{iface: "axb.unbind", code: "0", status: 200, ts: now, service: time.Millisecond, corrected: time.Millisecond, success: true})
	}
	a.observeCallback("fee", now, 3*time.Second)
	a.targetHits, a.elapsed = 110, 1
	r, err := a.result(true)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		expr   string
		ok     bool
		actual float64
	}{
		{"bind.p99<100ms", true, 99},
		{"bind.p99<99ms", false, 99},
		{"bind.p50<=50.1ms", true, 50},
		{"bind.corrected.p99<150ms", false, 198},
		{"bind.max<=100.1ms", true, 100},
		{"bind.success>=99%", true, 99},
		{"bind.success>=99.5%", false, 99},
		{"unbind.p50<2ms", true, 1},
		{"all.count==200", true, 200},
		{"rate.shortfall<10%", true, 9.091},
		{"rate.shortfall<5%", false, 9.091},
		{"callback.fee.p95<2s", false, 3000},
		{"callback.all.count==1", true, 1},
		{"query.p99<1s", false, 0}, // no samples
		{"conformance.errors==0", true, 0},
	}
	for _, tt := range tests {
		th, err := ParseThreshold(tt.expr)
		if err != nil {
			t.Fatal(err)
		}
		// Evaluate on the decoded JSON form too, as after a merge.
		for _, res := range []*Result{r, {Version: r.Version, Interfaces: r.Interfaces, Callbacks: r.Callbacks, TargetHits: r.TargetHits, SentHits: r.SentHits, ShortfallPct: r.ShortfallPct, Scenario: r.Scenario, Mode: r.Mode}} {
			out, err := Evaluate(res, []Threshold{th})
			if err != nil {
				t.Fatal(err)
			}
			if out[0].OK != tt.ok || (tt.actual != 0 && (out[0].Actual < tt.actual*0.99 || out[0].Actual > tt.actual*1.01)) {
				t.Errorf("%s: got ok=%v actual=%v, want ok=%v actual≈%v", tt.expr, out[0].OK, out[0].Actual, tt.ok, tt.actual)
			}
		}
	}
}
