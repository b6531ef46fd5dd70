package loadtest

import (
	"testing"
	"time"
)

// FuzzParseRamp: the parser never panics, and an accepted plan renders to a string that parses
// back to the same plan with a positive total.
func FuzzParseRamp(f *testing.F) {
	for _, s := range []string{"10s@100,30s@500,10s@0", "1m@2.5", "", "@", "10s@", "1h@1e9", "1ns@0.0001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseRamp(s)
		if err != nil {
			return
		}
		if p.Total() <= 0 || p.MaxRate() <= 0 {
			t.Fatalf("%q: accepted plan %v with no load", s, p)
		}
		q, err := ParseRamp(p.String())
		if err != nil || q.String() != p.String() {
			t.Fatalf("%q: %v does not round-trip: %v %v", s, p, q, err)
		}
		// The schedule is monotonic.
		var last time.Duration
		for n := uint64(0); n < 50; n++ {
			at, ok := p.Intended(n)
			if !ok {
				break
			}
			if at < last {
				t.Fatalf("%q: Intended(%d) = %v before %v", s, n, at, last)
			}
			last = at
		}
	})
}

// FuzzParseThreshold: the parser never panics and accepted thresholds have a known kind.
func FuzzParseThreshold(f *testing.F) {
	for _, s := range []string{"bind.p99<50ms", "bind.success>=99.9%", "callback.fee.p95<2s", "rate.shortfall<1%", "bind.corrected.p99.9<1s", "x<y", "..<1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		th, err := ParseThreshold(s)
		if err != nil {
			return
		}
		switch th.Kind {
		case "latency", "percent", "number":
		default:
			t.Fatalf("%q: kind %q", s, th.Kind)
		}
		if th.Scope == "" || th.Stat == "" {
			t.Fatalf("%q: empty scope or stat: %+v", s, th)
		}
	})
}
