package conformance

import (
	"context"
	"testing"
	"time"
)

// BenchmarkSuite runs the whole suite against an in-process emulator, one scenario at a time
// (the default of Run and `harness conform`), and reports the wall time of one run in seconds
// and the suite's throughput in scenarios per second.
func BenchmarkSuite(b *testing.B) { benchSuite(b, 1) }

// BenchmarkSuiteConcurrent is BenchmarkSuite with four scenarios in parallel
// (`harness conform --concurrency 4`): @global-state scenarios still run alone.
func BenchmarkSuiteConcurrent(b *testing.B) { benchSuite(b, 4) }

func benchSuite(b *testing.B, concurrency int) {
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
		res, err := Run(context.Background(), Options{Target: url, Profile: p, Concurrency: concurrency})
		if err != nil {
			b.Fatal(err)
		}
		if res.Status != 0 {
			b.Fatalf("run failed: %v", res.FailedKeys())
		}
		scenarios += len(res.Scenarios)
	}
	elapsed := time.Since(start).Seconds()
	b.ReportMetric(elapsed/float64(b.N), "s/suite")
	b.ReportMetric(float64(scenarios/b.N), "scenarios")
	b.ReportMetric(float64(scenarios)/elapsed, "scenarios/s")
}
