package loadtest

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"
)

// BenchmarkDistinctAnswersVsVegeta is the part of BenchmarkGeneratorVsVegeta that measures the
// answer check: CPU per request of the harness over plain vegeta's (separate processes,
// interleaved runs, median and range) at 5k and 10k requests/s against an endpoint whose
// every answer is different, so that each is decoded and schema-validated; the p99 ratio; and
// the heap allocations per request (bytes and objects) of each, which a busy machine does not
// blur as it blurs CPU time.
// PNS_GENBENCH_REPS sets the number of runs per rate (default 3, 4 s each).
func BenchmarkDistinctAnswersVsVegeta(b *testing.B) {
	url, stop := genbenchServer(b)
	defer stop()
	reps := 3
	if n, err := strconv.Atoi(os.Getenv("PNS_GENBENCH_REPS")); err == nil && n > 0 {
		reps = n
	}
	const d = 4 * time.Second
	fmt.Printf("\nharness vs plain vegeta, every answer distinct (median (range) of %d interleaved runs)\n", reps)
	for _, rate := range []float64{5000, 10000} {
		var cpu, p99, hc, vc, hb, vb, ho, vo []float64
		short := 0
		for i := 0; i < reps; i++ {
			v, _ := genbenchRun(b, "vegeta", url+genbenchDistinct, rate, d, "")
			h, _ := genbenchRun(b, "harness", url+genbenchDistinct, rate, d, "")
			vcpu, hcpu := v.CPUSeconds/float64(v.Requests)*1e6, h.CPUSeconds/float64(h.Requests)*1e6
			vc, hc, cpu = append(vc, vcpu), append(hc, hcpu), append(cpu, hcpu/vcpu)
			vb, hb = append(vb, float64(v.AllocBytes)/float64(v.Requests)), append(hb, float64(h.AllocBytes)/float64(h.Requests))
			vo, ho = append(vo, float64(v.AllocObjects)/float64(v.Requests)), append(ho, float64(h.AllocObjects)/float64(h.Requests))
			if v.P99Ms > 0 {
				p99 = append(p99, h.P99Ms/v.P99Ms)
			}
			if h.ShortfallPc >= 1 {
				short++
			}
		}
		c, p := spreadOf(cpu), spreadOf(p99)
		fmt.Printf("  %5.0f/s: CPU per request harness %.1fµs, vegeta %.1fµs: ratio %s; p99 ratio %s; harness short by >=1%% in %d of %d runs\n",
			rate, spreadOf(hc).med, spreadOf(vc).med, c, p, short, reps)
		fmt.Printf("         allocations per request harness %.0f B in %.1f objects, vegeta %.0f B in %.1f objects\n",
			spreadOf(hb).med, spreadOf(ho).med, spreadOf(vb).med, spreadOf(vo).med)
		b.ReportMetric(c.med, fmt.Sprintf("cpu-ratio-%.0fk-distinct", rate/1000))
		b.ReportMetric(spreadOf(hb).med/spreadOf(vb).med, fmt.Sprintf("alloc-ratio-%.0fk-distinct", rate/1000))
		b.ReportMetric(p.med, fmt.Sprintf("p99-ratio-%.0fk-distinct", rate/1000))
	}
}
