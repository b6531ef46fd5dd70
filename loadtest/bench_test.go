package loadtest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// Benchmarks compare against a baseline measured in the same run, so the figures are ratios
// that mean something on any machine. Each iteration is a short, bounded load (make bench
// runs one iteration).

const (
	benchDuration = time.Second
	benchRate     = 100000 // above what either generator reaches: both run flat out
	benchWorkers  = 32
)

// trivialPNS answers every request with a successful bind envelope and a fresh
// subscriptionId, doing nothing else.
func trivialPNS() http.Handler {
	var n atomic.Uint64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		_, _ = w.Write([]byte(`{"resultcode":"0","resultdesc":"Success","subscriptionId":"s` + strconv.FormatUint(n.Add(1), 10) + `","relationNum":"+8617001100000"}`))
	})
}

// harnessRate runs a bind-unbind load (no hold) and returns all requests (binds and unbinds)
// per second, and the binds alone, over the load: from the start of the attacks (Result.Started)
// to the last unbind handled (Result.Ended), as plainVegeta counts. Run's setup (configuration
// checks, schema compilation) and its summary are not load and are left out of both.
func harnessRate(b *testing.B, url string, prof *Profile, schema float64) (total, binds float64) {
	res, err := Run(context.Background(), Config{Target: url, Profile: prof, Rate: benchRate, Duration: benchDuration,
		Workers: benchWorkers, MaxWorkers: benchWorkers, SchemaSample: schema})
	if err != nil {
		b.Fatal(err)
	}
	wall := res.Ended.Sub(res.Started).Seconds()
	var n int64
	for _, s := range res.Interfaces {
		n += s.Count
	}
	return float64(n) / wall, float64(res.SentHits) / wall
}

// BenchmarkEmulatorVsTrivial: sustained bind+unbind requests per second against the
// in-process emulator versus the trivial endpoint, with the same generator. ratio = emulator /
// trivial.
func BenchmarkEmulatorVsTrivial(b *testing.B) {
	trivial := httptest.NewServer(trivialPNS())
	defer trivial.Close()
	em, emSrv, prof := newEmulatorB(b)
	var er, tr float64
	for i := 0; i < b.N; i++ {
		x, _ := harnessRate(b, trivial.URL, fakeProfile(), -1)
		tr += x
		y, _ := harnessRate(b, emSrv.URL, prof, -1)
		er += y
	}
	if n := emulatorLive(em); n != 0 {
		b.Fatalf("%d bindings left on the emulator", n)
	}
	n := float64(b.N)
	b.ReportMetric(tr/n, "trivial-req/s")
	b.ReportMetric(er/n, "emulator-req/s")
	b.ReportMetric(er/tr, "ratio")
}
