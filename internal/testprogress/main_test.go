package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// fakeGoTestEnv makes the test binary play `go test -json`: it prints the events of a run
// with one failing test and exits 3, so that run is exercised against a real child process.
const fakeGoTestEnv = "TESTPROGRESS_FAKE_GO_TEST"

func TestMain(m *testing.M) {
	if os.Getenv(fakeGoTestEnv) == "1" {
		fmt.Println(`{"Action":"start","Package":"ex/a"}`)
		fmt.Println(`{"Action":"run","Package":"ex/a","Test":"TestGood"}`)
		fmt.Println(`{"Action":"output","Package":"ex/a","Test":"TestGood","Output":"good noise\n"}`)
		fmt.Println(`{"Action":"pass","Package":"ex/a","Test":"TestGood","Elapsed":1.5}`)
		fmt.Println(`{"Action":"run","Package":"ex/a","Test":"TestBad"}`)
		fmt.Println(`{"Action":"output","Package":"ex/a","Test":"TestBad","Output":"    bad_test.go:9: want 1, got 2\n"}`)
		fmt.Println(`{"Action":"fail","Package":"ex/a","Test":"TestBad","Elapsed":2.5}`)
		fmt.Println(`{"Action":"output","Package":"ex/a","Output":"FAIL\n"}`)
		fmt.Println(`{"Action":"fail","Package":"ex/a","Elapsed":4}`)
		fmt.Println("# not an event")
		fmt.Fprintln(os.Stderr, "from stderr")
		os.Exit(3)
	}
	os.Exit(m.Run())
}

// TestRunKeepsExitCodeAndPrintsFailures: the printer runs the command, exits with its exit
// code, prints a failed test's output and not a passing one's, copies non-event lines and
// stderr through, and ends with the slowest tests and the totals.
func TestRunKeepsExitCodeAndPrintsFailures(t *testing.T) {
	t.Setenv(fakeGoTestEnv, "1")
	var stdout, stderr bytes.Buffer
	code := run([]string{"-every", "1h", "-slowest", "1", "--", os.Args[0]}, &stdout, &stderr)
	if code != 3 {
		t.Fatalf("exit %d, want the command's 3\nstdout:\n%s\nstderr:\n%s", code, &stdout, &stderr)
	}
	out := stdout.String()
	for _, want := range []string{
		"=== FAILED ex/a TestBad\n    bad_test.go:9: want 1, got 2\n",
		"FAIL\nFAIL ex/a 4s\n",
		"# not an event\n",
		"slowest 1 tests (wall time; tests of different packages overlap):\n     2.5s  ex/a TestBad\n",
		": 0 packages passed, 1 failed (ex/a)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "good noise") {
		t.Errorf("a passing test's output was printed:\n%s", out)
	}
	if stderr.String() != "from stderr\n" {
		t.Errorf("stderr = %q", stderr.String())
	}
}

func TestRunBadUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"-every", "0", "--", "true"}, {"-bogus"}} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
		if stderr.Len() == 0 {
			t.Errorf("%q: no error message", args)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"--", "/nonexistent/go"}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "testprogress: ") {
		t.Errorf("missing command: exit %d, stderr %q", code, stderr.String())
	}
}

// TestStatusNamesRunningTests: the status line names each package's running top-level tests,
// oldest first, with how long they have run (a parallel test from when it resumed), counts
// the parallel tests waiting for their turn, and says when no test runs; the times come from
// the caller, so the test does not depend on the clock.
func TestStatusNamesRunningTests(t *testing.T) {
	t0 := time.Date(2026, 12, 6, 23, 0, 0, 0, time.UTC)
	var w bytes.Buffer
	p := newPrinter(&w, t0)
	p.status(t0.Add(20 * time.Second))
	if got, want := w.String(), "... 20s: no test running (building or starting packages); 0 packages passed\n"; got != want {
		t.Errorf("idle status %q, want %q", got, want)
	}
	w.Reset()
	for i, l := range []string{
		`{"Action":"start","Package":"ex/b"}`,
		`{"Action":"run","Package":"ex/b","Test":"TestLong"}`,
		`{"Action":"run","Package":"ex/b","Test":"TestLong/sub"}`,
		`{"Action":"run","Package":"ex/a","Test":"TestShort"}`,
		`{"Action":"start","Package":"ex/c"}`,
		`{"Action":"run","Package":"ex/c","Test":"TestDone"}`,
		`{"Action":"pass","Package":"ex/c","Test":"TestDone","Elapsed":0.5}`,
		`{"Action":"start","Package":"ex/d"}`,
		`{"Action":"output","Package":"ex/d","Output":"?   \tex/d\t[no test files]\n"}`,
		`{"Action":"skip","Package":"ex/d","Elapsed":0}`,
		`{"Action":"start","Package":"ex/e"}`,
		`{"Action":"pass","Package":"ex/e","Elapsed":1.25}`,
		`{"Action":"run","Package":"ex/b","Test":"TestPar1"}`,
		`{"Action":"pause","Package":"ex/b","Test":"TestPar1"}`,
		`{"Action":"run","Package":"ex/b","Test":"TestPar2"}`,
		`{"Action":"pause","Package":"ex/b","Test":"TestPar2"}`,
		`{"Action":"cont","Package":"ex/b","Test":"TestPar2"}`,
	} {
		p.line(l, t0.Add(time.Duration(i)*time.Minute))
	}
	p.status(t0.Add(20 * time.Minute))
	want := "?    ex/d [no test files]\nok   ex/e 1.3s\n" +
		"... 20m0s: running ex/a: TestShort (17m0s); ex/b: TestLong (19m0s), TestPar2 (4m0s), 1 parallel tests waiting; ex/c: between tests; 1 packages passed\n"
	if w.String() != want {
		t.Errorf("got\n%s\nwant\n%s", w.String(), want)
	}
}

// TestUnfinishedTestsOfFailedPackage: when a package fails with tests still running (a
// timeout or a panic), their output is printed before the package's own.
func TestUnfinishedTestsOfFailedPackage(t *testing.T) {
	t0 := time.Date(2026, 12, 6, 23, 0, 0, 0, time.UTC)
	var w bytes.Buffer
	p := newPrinter(&w, t0)
	for _, l := range []string{
		`{"Action":"run","Package":"ex/a","Test":"TestHang"}`,
		`{"Action":"output","Package":"ex/a","Test":"TestHang","Output":"waiting\n"}`,
		`{"Action":"output","Package":"ex/a","Output":"panic: test timed out after 30m0s\n"}`,
		`{"Action":"fail","Package":"ex/a","Elapsed":1800}`,
	} {
		p.line(l, t0)
	}
	want := "=== FAILED ex/a TestHang (did not finish)\nwaiting\npanic: test timed out after 30m0s\nFAIL ex/a 30m0s\n"
	if w.String() != want {
		t.Errorf("got\n%s\nwant\n%s", w.String(), want)
	}
}
