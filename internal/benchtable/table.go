package main

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// results maps a benchmark name (without its -GOMAXPROCS suffix) to its reported metrics by
// unit; a benchmark reported twice keeps its last figures.
type results map[string]map[string]float64

// procSuffix is the "-2" go test appends to a benchmark name.
var procSuffix = regexp.MustCompile(`-\d+$`)

// parse reads go test -bench output. A result is "BenchmarkName-N <iterations> <value unit>..."
// on one line, or, when the benchmark printed to stdout while it ran, the name on one line and
// "<iterations> <value unit>..." on a later one: figures are credited to the last name seen.
func parse(r io.Reader) (results, error) {
	res := results{}
	last := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if strings.HasPrefix(f[0], "Benchmark") {
			last = procSuffix.ReplaceAllString(f[0], "")
			f = f[1:]
		}
		if last == "" || len(f) < 3 || len(f)%2 != 1 {
			continue
		}
		if _, err := strconv.ParseUint(f[0], 10, 64); err != nil {
			continue
		}
		m := map[string]float64{}
		ok := true
		for i := 1; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				ok = false
				break
			}
			m[f[i+1]] = v
		}
		if ok {
			res[last] = m
		}
	}
	return res, sc.Err()
}

// ref names one reported figure.
type ref struct{ bench, unit string }

// row is one line of the table: a figure read directly (num), or the quotient of two figures
// of the same make bench run (num / den), compared with an aim.
type row struct {
	what     string
	num, den ref
	baseline string
	// atLeast: the aim is a floor (ratios of rates); otherwise a ceiling (ratios of costs).
	atLeast bool
	aim     float64
	unit    string // printed after the figure; "×" for ratios
}

// rows are make bench's side-by-side figures. The generator's are CPU per request (lower is
// better); the others are rates (higher is better).
var rows = []row{
	{what: "emulator: signed AXB bind+unbind over loopback HTTP", num: ref{"BenchmarkBindUnbindVsTrivial", "ratio"},
		baseline: "trivial JSON handler, same server, client (decoding each bind answer) and signed headers, interleaved rounds", atLeast: true, aim: 0.9, unit: "×"},
	{what: "receiver: signed event pushes", num: ref{"BenchmarkPushesVsTrivial", "signed-ratio"},
		baseline: "handler that reads the body and answers 200, same stack, CPU per push, interleaved rounds", atLeast: true, aim: 0.9, unit: "×"},
	{what: "receiver: signed pushes with schema checks", num: ref{"BenchmarkPushesVsTrivial", "validated-ratio"},
		baseline: "the same trivial handler, same rounds", atLeast: true, aim: 0.9, unit: "×"},
	{what: "generator CPU/request at 2k/s", num: ref{"BenchmarkGeneratorVsVegeta", "cpu-ratio-2k"},
		baseline: "plain vegeta, separate process, same endpoint, interleaved runs", aim: 1.05, unit: "×"},
	{what: "generator CPU/request at 5k/s", num: ref{"BenchmarkGeneratorVsVegeta", "cpu-ratio-5k"},
		baseline: "plain vegeta (as above)", aim: 1.05, unit: "×"},
	{what: "generator CPU/request at 10k/s", num: ref{"BenchmarkGeneratorVsVegeta", "cpu-ratio-10k"},
		baseline: "plain vegeta (as above)", aim: 1.05, unit: "×"},
	{what: "generator CPU/request at 5k/s, every answer distinct", num: ref{"BenchmarkDistinctAnswersVsVegeta", "cpu-ratio-5k-distinct"},
		baseline: "plain vegeta, endpoint with a new subscriptionId per answer", aim: 1.05, unit: "×"},
	{what: "generator CPU/request at 10k/s, every answer distinct", num: ref{"BenchmarkDistinctAnswersVsVegeta", "cpu-ratio-10k-distinct"},
		baseline: "plain vegeta (as above)", aim: 1.05, unit: "×"},
	{what: "generator heap bytes/request at 5k/s, answers distinct", num: ref{"BenchmarkDistinctAnswersVsVegeta", "alloc-ratio-5k-distinct"},
		baseline: "plain vegeta, same runs (allocations: what a busy machine does not blur)", unit: "×"},
	{what: "generator heap bytes/request at 10k/s, distinct", num: ref{"BenchmarkDistinctAnswersVsVegeta", "alloc-ratio-10k-distinct"},
		baseline: "plain vegeta, same runs", unit: "×"},
	{what: "generator p99 at 5k/s", num: ref{"BenchmarkGeneratorVsVegeta", "p99-ratio-5k"},
		baseline: "plain vegeta's p99, same runs", aim: 1.5, unit: "×"},
	{what: "generator p99 at 5k/s, every answer distinct", num: ref{"BenchmarkDistinctAnswersVsVegeta", "p99-ratio-5k-distinct"},
		baseline: "plain vegeta's p99, same runs", aim: 1.5, unit: "×"},
	{what: "generator p99 at 10k/s, every answer distinct", num: ref{"BenchmarkDistinctAnswersVsVegeta", "p99-ratio-10k-distinct"},
		baseline: "plain vegeta's p99, same runs", aim: 1.5, unit: "×"},
	{what: "generator highest rate with <1% shortfall", num: ref{"BenchmarkGeneratorVsVegeta", "max-rate-ratio"},
		baseline: "plain vegeta on the same ladder", atLeast: true, aim: 1, unit: "×"},
	{what: "emulator bind+unbind rate, same generator", num: ref{"BenchmarkEmulatorVsTrivial", "ratio"},
		baseline: "trivial PNS endpoint, same generator, alternating runs", unit: "×"},
	{what: "callbacks end to end, validated", num: ref{"BenchmarkCallbacksEndToEnd/validated", "callbacks/s"},
		den: ref{"BenchmarkTrivialPushes", "callbacks/s"}, baseline: "dispatcher pushing fixed bodies to a trivial handler, run just after (not interleaved)", unit: "×"},
	{what: "conformance suite, embedded", num: ref{"BenchmarkSuite", "scenarios"}, den: ref{"BenchmarkSuite", "s/suite"},
		baseline: "none (absolute, scenarios/s)", atLeast: true, aim: 300, unit: " scenarios/s"},
}

// render prints the table.
func render(res results) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n== summary: side-by-side figures of this run (ratios: this project / the baseline named)\n")
	fmt.Fprintf(&b, "%-54s %-16s %-10s %-13s %s\n", "figure", "measured", "aim", "verdict", "baseline")
	for _, r := range rows {
		v, ok := r.value(res)
		got, verdict := "not measured", "not measured"
		if ok {
			got = fmt.Sprintf("%.3g%s", v, r.unit)
			if r.unit == "×" {
				got = fmt.Sprintf("%.2f×", v)
			} else if v >= 10 {
				got = fmt.Sprintf("%.0f%s", v, r.unit)
			}
		}
		aim := "-"
		if r.aim > 0 {
			op := "≤"
			if r.atLeast {
				op = "≥"
			}
			aim = fmt.Sprintf("%s %g", op, r.aim)
			if ok {
				verdict = "not met"
				if (r.atLeast && v >= r.aim) || (!r.atLeast && v <= r.aim) {
					verdict = "met"
				}
			}
		} else if ok {
			verdict = "no aim"
		}
		fmt.Fprintf(&b, "%-54s %-16s %-10s %-13s %s\n", r.what, got, aim, verdict, r.baseline)
	}
	return b.String()
}

// value is the row's figure, and false when a figure it needs was not reported (or a divisor
// is zero).
func (r row) value(res results) (float64, bool) {
	n, ok := res[r.num.bench][r.num.unit]
	if !ok {
		return 0, false
	}
	if r.den.bench == "" {
		return n, true
	}
	d, ok := res[r.den.bench][r.den.unit]
	if !ok || d == 0 {
		return 0, false
	}
	return n / d, true
}
