package loadtest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
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

// plainVegeta runs vegeta alone against url and returns its requests per second.
func plainVegeta(url string) float64 {
	// As many workers as the harness's two attacks (bind and unbind) together.
	atk := vegeta.NewAttacker(vegeta.Workers(2*benchWorkers), vegeta.MaxWorkers(2*benchWorkers))
	tr := vegeta.NewStaticTargeter(vegeta.Target{Method: http.MethodPost, URL: url + "/rest/caas/relationnumber/partners/v1.0", Body: []byte(`{}`)})
	start := time.Now()
	var n int
	for range atk.Attack(tr, vegeta.Rate{Freq: benchRate, Per: time.Second}, benchDuration, "plain") {
		n++
	}
	return float64(n) / time.Since(start).Seconds()
}

// harnessRate runs a bind-unbind load (no hold) and returns all requests (binds and unbinds)
// per second of wall time, and the binds alone.
func harnessRate(b *testing.B, url string, prof *Profile, schema float64) (total, binds float64) {
	start := time.Now()
	res, err := Run(context.Background(), Config{Target: url, Profile: prof, Rate: benchRate, Duration: benchDuration,
		Workers: benchWorkers, MaxWorkers: benchWorkers, SchemaSample: schema})
	if err != nil {
		b.Fatal(err)
	}
	wall := time.Since(start).Seconds()
	var n int64
	for _, s := range res.Interfaces {
		n += s.Count
	}
	return float64(n) / wall, float64(res.SentHits) / wall
}

// BenchmarkHarnessVsVegeta: requests per second our generator sustains (signing, unique
// bodies, checks, histograms, bind→unbind chaining, schema validation on, no result files) against
// plain vegeta with a static target, both flat out with the same total worker cap (the
// harness's bind and unbind attacks each get half) against the same trivial loopback endpoint.
// ratio = harness / vegeta; harness-noschema-req/s is the same run without schema validation.
func BenchmarkHarnessVsVegeta(b *testing.B) {
	srv := httptest.NewServer(trivialPNS())
	defer srv.Close()
	var vr, hr, hb, hn float64
	for i := 0; i < b.N; i++ {
		vr += plainVegeta(srv.URL)
		t, bb := harnessRate(b, srv.URL, fakeProfile(), 0)
		hr += t
		hb += bb
		t, _ = harnessRate(b, srv.URL, fakeProfile(), -1)
		hn += t
	}
	n := float64(b.N)
	b.ReportMetric(vr/n, "vegeta-req/s")
	b.ReportMetric(hr/n, "harness-req/s")
	b.ReportMetric(hb/n, "harness-bind/s")
	b.ReportMetric(hn/n, "harness-noschema-req/s")
	b.ReportMetric(hr/vr, "ratio")
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
