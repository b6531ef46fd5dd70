package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// sampleLog has the shapes go test prints: results on the name's line, results on a later
// line after the benchmark's own output, sub-benchmarks, and PASS/ok lines.
const sampleLog = `goos: linux
BenchmarkBindUnbindVsTrivial-2   	    4000	    169735 ns/op	     10748 emulator-ops/s	         0.9312 ratio	     13613 trivial-ops/s
PASS
BenchmarkPushesVsTrivial-2   	    6000	     94433 ns/op	     32254 signed-pushes/s	         0.8515 signed-ratio	     39085 trivial-pushes/s	     26620 validated-pushes/s	         0.7324 validated-ratio
BenchmarkGeneratorVsVegeta-2   	
generator vs plain vegeta (separate processes, trivial endpoint; median (range) of 5 interleaved runs)
  CPU per request at  2000/s: harness 30.1µs, vegeta 29.0µs: ratio 1.038 (1.01–1.07)
  5000/s: CPU per request harness 1.0µs
       1	400000000000 ns/op	         1.038 cpu-ratio-2k	         1.10 cpu-ratio-5k	         0.89 p99-ratio-5k
BenchmarkCallbacksEndToEnd/validated-2   	   20000	     50000 ns/op	      8000 callbacks/s
BenchmarkCallbacksEndToEnd/hanging-app-2 	   20000	     50000 ns/op	      7000 callbacks/s
BenchmarkTrivialPushes-2   	   20000	     25000 ns/op	     10000 callbacks/s
BenchmarkSuite-2   	       3	 2000000000 ns/op	         2.000 s/suite	       554.0 scenarios
ok  	github.com/pns-harness/pns-harness/conformance	8.1s
`

func line(t *testing.T, out, prefix string) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	t.Fatalf("no line %q in:\n%s", prefix, out)
	return ""
}

func TestTable(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(strings.NewReader(sampleLog), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	s := out.String()
	for _, c := range []struct{ prefix, want []string }{
		{[]string{"emulator: signed AXB bind+unbind"}, []string{"0.93×", "≥ 0.9", " met ", "trivial JSON handler"}},
		{[]string{"receiver: signed event pushes"}, []string{"0.85×", "not met"}},
		{[]string{"receiver: signed pushes with schema checks"}, []string{"0.73×", "not met"}},
		{[]string{"generator CPU/request at 2k/s"}, []string{"1.04×", "≤ 1.05", " met ", "plain vegeta"}},
		{[]string{"generator CPU/request at 5k/s "}, []string{"1.10×", "not met"}},
		{[]string{"generator p99 at 5k/s "}, []string{"0.89×", " met "}},
		{[]string{"callbacks end to end, validated"}, []string{"0.80×", "no aim"}},
		{[]string{"conformance suite, embedded"}, []string{"277 scenarios/s", "≥ 300", "not met"}},
	} {
		l := line(t, s, c.prefix[0])
		for _, w := range c.want {
			if !strings.Contains(l, w) {
				t.Errorf("%q lacks %q", l, w)
			}
		}
	}
	if l := line(t, s, "generator CPU/request at 10k/s "); strings.Count(l, "not measured") != 2 {
		t.Errorf("a figure missing from the log must be not measured and have no verdict: %q", l)
	}
	if strings.Count(s, "not measured") < 4 {
		t.Errorf("figures not in the log must read not measured:\n%s", s)
	}
}

// TestNothingMeasured: an empty log (every benchmark failed) gives no "met" anywhere.
func TestNothingMeasured(t *testing.T) {
	var out bytes.Buffer
	if code := run(strings.NewReader("FAIL\n"), &out, &bytes.Buffer{}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if strings.Contains(out.String(), " met ") || strings.Count(out.String(), "not measured") != 2*len(rows) {
		t.Errorf("empty log:\n%s", out.String())
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("boom") }

func TestReadError(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(failingReader{}, &out, &errOut); code != 2 || strings.Count(errOut.String(), "\n") != 1 || out.Len() != 0 {
		t.Errorf("exit %d, stderr %q, stdout %q", code, errOut.String(), out.String())
	}
}
