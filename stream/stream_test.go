package stream

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// failAfter accepts n writes, then fails.
type failAfter struct {
	n   int
	buf bytes.Buffer
}

func (f *failAfter) Write(p []byte) (int, error) {
	if f.n == 0 {
		return 0, errors.New("disk full")
	}
	f.n--
	return f.buf.Write(p)
}

func TestWriterLines(t *testing.T) {
	var b bytes.Buffer
	w := New(&b)
	at := time.Date(2026, 12, 6, 21, 0, 0, 5, time.FixedZone("CET", 3600))
	w.Write(TypeThreshold, at, Threshold{Expr: "axb.bind.p99[10s]<200ms", Status: ThresholdPassed, Actual: 1.5, Unit: "ms"})
	w.Write(TypeVerdict, at, struct{}{})
	want := `{"type":"threshold","time":"2026-12-06T20:00:00.000000005Z","expr":"axb.bind.p99[10s]<200ms","status":"passed","actual":1.5,"unit":"ms"}` + "\n" +
		`{"type":"verdict","time":"2026-12-06T20:00:00.000000005Z"}` + "\n"
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
	w.Write(TypeStart, at, []int{1})
	if err := w.Err(); err == nil || !strings.Contains(err.Error(), "a start line does not encode as an object") {
		t.Errorf("err = %v", err)
	}
	if b.String() != want {
		t.Errorf("a refused line was written: %q", b.String())
	}
}

// TestWriterStopsAtError: after a failed write nothing more is written, so what is on disk
// stays whole lines, and the error is kept for the caller.
func TestWriterStopsAtError(t *testing.T) {
	f := &failAfter{n: 2}
	w := New(f)
	for i := 0; i < 5; i++ {
		w.Write(TypeScenario, time.Time{}, Scenario{Feature: "f", Name: "s", Status: "passed"})
	}
	if err := w.Close(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Close = %v", err)
	}
	if n := strings.Count(f.buf.String(), "\n"); n != 2 || !strings.HasSuffix(f.buf.String(), "\n") {
		t.Errorf("%d lines written: %q", n, f.buf.String())
	}
}

// TestWriterConcurrent: lines written from several goroutines never interleave.
func TestWriterConcurrent(t *testing.T) {
	var b bytes.Buffer
	w := New(&b)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				w.Write(TypeMetrics, time.Time{}, Metrics{Load: strings.Repeat("x", 100), Interfaces: map[string]Interface{}})
			}
		}()
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 400 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, `{"type":"metrics","time":"`) || !strings.HasSuffix(l, `"interfaces":{}}`) {
			t.Fatalf("mangled line %q", l)
		}
	}
}
