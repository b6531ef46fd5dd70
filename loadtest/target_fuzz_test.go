package loadtest

import (
	"math"
	"testing"
)

// FuzzCheckTarget: any target string never panics, and a target the gate accepts without the
// opt-in is loopback, while one accepted with the opt-in respects the ceiling.
func FuzzCheckTarget(f *testing.F) {
	for _, s := range []string{"http://127.0.0.1:8080", "https://pns.invalid", "http://[::1]:1/x", "http://localhost", "ftp://x", "http://", "%zz", "http://10.0.0.1"} {
		f.Add(s, false, 0.0, 10.0)
		f.Add(s, true, 100.0, 50.0)
		f.Add(s, true, math.NaN(), 1.0)
		f.Add(s, true, math.Inf(1), math.Inf(1))
	}
	f.Fuzz(func(t *testing.T, target string, allow bool, maxRate, peak float64) {
		err := CheckTarget(target, Gate{AllowRemote: allow, MaxRate: maxRate}, Peak{Requests: peak})
		if err != nil {
			return
		}
		if !allow && !IsLoopbackTarget(target) {
			t.Fatalf("%q accepted without the opt-in", target)
		}
		if maxRate > 0 && peak > maxRate {
			t.Fatalf("peak %g above ceiling %g accepted", peak, maxRate)
		}
		if !IsLoopbackTarget(target) && !(maxRate > 0) {
			t.Fatalf("remote %q accepted without a ceiling", target)
		}
	})
}
