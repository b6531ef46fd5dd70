package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// event is one line of `go test -json` (cmd/test2json's TestEvent, plus the build events of
// go 1.24+).
type event struct {
	Action     string
	Package    string
	ImportPath string
	Test       string
	Elapsed    float64
	Output     string
}

// pkgState is a package whose tests are under way.
type pkgState struct {
	started time.Time
	running map[string]time.Time // top-level tests running (started or resumed, not finished)
	paused  map[string]bool      // top-level parallel tests waiting for their turn
	output  map[string][]string  // output of tests not finished, printed only if they fail
	own     []string             // output outside any test: FAIL lines, panics, timeouts
}

// testTime is the wall time of one finished top-level test.
type testTime struct {
	pkg, test string
	elapsed   time.Duration
}

// printer turns test2json events into progress lines. Its methods take the current time as
// an argument, so that what it prints depends only on its input.
type printer struct {
	w        io.Writer
	start    time.Time
	pkgs     map[string]*pkgState
	passed   int
	failed   []string
	noTests  int
	finished []testTime
}

func newPrinter(w io.Writer, start time.Time) *printer {
	return &printer{w: w, start: start, pkgs: map[string]*pkgState{}}
}

func (p *printer) pkg(name string, now time.Time) *pkgState {
	s := p.pkgs[name]
	if s == nil {
		s = &pkgState{started: now, running: map[string]time.Time{}, paused: map[string]bool{}, output: map[string][]string{}}
		p.pkgs[name] = s
	}
	return s
}

// line handles one line of the command's standard output.
func (p *printer) line(l string, now time.Time) {
	var e event
	if err := json.Unmarshal([]byte(l), &e); err != nil || e.Action == "" {
		fmt.Fprintln(p.w, l) // not an event: a line go test printed itself
		return
	}
	switch e.Action {
	case "build-output":
		fmt.Fprint(p.w, e.Output)
		return
	case "build-fail":
		return
	}
	s := p.pkg(e.Package, now)
	topLevel := e.Test != "" && !strings.Contains(e.Test, "/")
	switch e.Action {
	case "run", "cont":
		if topLevel {
			// A parallel test's time counts from when it resumes (cont), not from its
			// pause at t.Parallel.
			s.running[e.Test] = now
			delete(s.paused, e.Test)
		}
	case "pause":
		if topLevel {
			delete(s.running, e.Test)
			s.paused[e.Test] = true
		}
	case "output":
		if e.Test == "" {
			s.own = append(s.own, e.Output)
		} else {
			s.output[e.Test] = append(s.output[e.Test], e.Output)
		}
	case "pass", "skip", "fail":
		if e.Test == "" {
			p.packageDone(e, s)
			return
		}
		if e.Action == "fail" {
			p.printFailure(e.Package, e.Test, s.output[e.Test])
		}
		delete(s.output, e.Test)
		if topLevel {
			delete(s.running, e.Test)
			delete(s.paused, e.Test)
			p.finished = append(p.finished, testTime{e.Package, e.Test, seconds(e.Elapsed)})
		}
	}
}

// printFailure prints the whole output of a failed test, framed so that it can be found in
// a long CI log.
func (p *printer) printFailure(pkg, test string, out []string) {
	fmt.Fprintf(p.w, "=== FAILED %s %s\n", pkg, test)
	for _, o := range out {
		fmt.Fprint(p.w, o)
	}
}

// packageDone prints a package's result line; a failed package's own output (a panic, a
// timeout, a TestMain failure) and the output of tests that never finished come first.
func (p *printer) packageDone(e event, s *pkgState) {
	delete(p.pkgs, e.Package)
	d := seconds(e.Elapsed).Round(100 * time.Millisecond)
	switch {
	case e.Action == "fail":
		p.failed = append(p.failed, e.Package)
		for _, t := range sortedKeys(s.output) {
			p.printFailure(e.Package, t+" (did not finish)", s.output[t])
		}
		for _, o := range s.own {
			fmt.Fprint(p.w, o)
		}
		fmt.Fprintf(p.w, "FAIL %s %s\n", e.Package, d)
	case e.Action == "skip":
		p.noTests++
		fmt.Fprintf(p.w, "?    %s [no test files]\n", e.Package)
	default:
		p.passed++
		fmt.Fprintf(p.w, "ok   %s %s\n", e.Package, d)
	}
}

// status prints which tests are running and for how long, or that none is (go test is
// building or between packages).
func (p *printer) status(now time.Time) {
	var parts []string
	for _, name := range sortedKeys(p.pkgs) {
		s := p.pkgs[name]
		tests := sortedKeys(s.running)
		sort.SliceStable(tests, func(i, j int) bool { return s.running[tests[i]].Before(s.running[tests[j]]) })
		var ts []string
		for _, t := range tests {
			ts = append(ts, fmt.Sprintf("%s (%s)", t, short(now.Sub(s.running[t]))))
		}
		if len(ts) == 0 {
			ts = []string{"between tests"}
		}
		if n := len(s.paused); n > 0 {
			ts = append(ts, fmt.Sprintf("%d parallel tests waiting", n))
		}
		parts = append(parts, name+": "+strings.Join(ts, ", "))
	}
	running := "no test running (building or starting packages)"
	if len(parts) > 0 {
		running = "running " + strings.Join(parts, "; ")
	}
	fmt.Fprintf(p.w, "... %s: %s; %s\n", short(now.Sub(p.start)), running, p.counts())
}

func (p *printer) counts() string {
	c := fmt.Sprintf("%d packages passed", p.passed)
	if len(p.failed) > 0 {
		c += fmt.Sprintf(", %d failed", len(p.failed))
	}
	return c
}

// finish prints the slowest tests and the totals.
func (p *printer) finish(now time.Time, slowest int) {
	sort.SliceStable(p.finished, func(i, j int) bool { return p.finished[i].elapsed > p.finished[j].elapsed })
	if n := min(slowest, len(p.finished)); n > 0 {
		fmt.Fprintf(p.w, "slowest %d tests (wall time; tests of different packages overlap):\n", n)
		for _, t := range p.finished[:n] {
			fmt.Fprintf(p.w, "  %7s  %s %s\n", t.elapsed.Round(100*time.Millisecond), t.pkg, t.test)
		}
	}
	fmt.Fprintf(p.w, "done in %s: %s", short(now.Sub(p.start)), p.counts())
	if len(p.failed) > 0 {
		fmt.Fprintf(p.w, " (%s)", strings.Join(p.failed, ", "))
	}
	fmt.Fprintln(p.w)
}

func seconds(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }

// short prints a duration to the second (1m5s, 40s).
func short(d time.Duration) string { return d.Round(time.Second).String() }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
