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

// plainVegeta runs vegeta alone against url and returns its requests per second, counted from
// the start of the attack to its last result.
func plainVegeta(url string) float64 {
	// As many workers as the harness's two attacks (bind and unbind) together, and the
	// harness attacker's other settings (runner.attacker), so that only the generator differs:
	// same HTTP client and keep-alive connection pool defaults, timeout, body cap, redirects.
	atk := vegeta.NewAttacker(vegeta.Workers(2*benchWorkers), vegeta.MaxWorkers(2*benchWorkers),
		vegeta.Timeout(DefaultTimeout), vegeta.MaxBody(64<<10), vegeta.Redirects(vegeta.NoFollow))
	tr := vegeta.NewStaticTargeter(vegeta.Target{Method: http.MethodPost, URL: url + "/rest/caas/relationnumber/partners/v1.0", Body: []byte(`{}`)})
	start := time.Now()
	var n int
	for range atk.Attack(tr, vegeta.Rate{Freq: benchRate, Per: time.Second}, benchDuration, "plain") {
		n++
	}
	return float64(n) / time.Since(start).Seconds()
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

// BenchmarkHarnessVsVegeta: requests per second our generator sustains (signing, unique
// bodies, checks, histograms, bind→unbind chaining, schema validation on, no result files) against
// plain vegeta with a static target, both flat out against the same trivial loopback endpoint
// with the same total worker cap (the harness's bind and unbind attacks get half each, so both
// keep at most 64 requests in flight) and the same attacker settings. Vegeta runs before and
// after the two harness runs and its figure is the mean, so that a drift of the shared
// machine's load during the iteration does not favour either side.
// ratio = harness / vegeta; ratio-noschema is the same without schema validation.
func BenchmarkHarnessVsVegeta(b *testing.B) {
	srv := httptest.NewServer(trivialPNS())
	defer srv.Close()
	var vr, hr, hb, hn float64
	for i := 0; i < b.N; i++ {
		vr += plainVegeta(srv.URL) / 2
		t, bb := harnessRate(b, srv.URL, fakeProfile(), 0)
		hr += t
		hb += bb
		t, _ = harnessRate(b, srv.URL, fakeProfile(), -1)
		hn += t
		vr += plainVegeta(srv.URL) / 2
	}
	n := float64(b.N)
	b.ReportMetric(vr/n, "vegeta-req/s")
	b.ReportMetric(hr/n, "harness-req/s")
	b.ReportMetric(hb/n, "harness-bind/s")
	b.ReportMetric(hn/n, "harness-noschema-req/s")
	b.ReportMetric(hr/vr, "ratio")
	b.ReportMetric(hn/vr, "ratio-noschema")
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
