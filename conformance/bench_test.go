package conformance

import (
	"context"
	"testing"
	"time"
)

// BenchmarkSuite runs the whole suite against an in-process emulator and reports the wall time
// of one run in seconds.
func BenchmarkSuite(b *testing.B) {
	url, stop, err := StartEmulator()
	if err != nil {
		b.Fatal(err)
	}
	defer stop()
	p := EmulatorProfile()
	b.ResetTimer()
	start := time.Now()
	scenarios := 0
	for i := 0; i < b.N; i++ {
		res, err := Run(context.Background(), Options{Target: url, Profile: p})
		if err != nil {
			b.Fatal(err)
		}
		if res.Status != 0 {
			b.Fatalf("run failed: %v", res.FailedKeys())
		}
		scenarios = len(res.Scenarios)
	}
	b.ReportMetric(time.Since(start).Seconds()/float64(b.N), "s/suite")
	b.ReportMetric(float64(scenarios), "scenarios")
}
