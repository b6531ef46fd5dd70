package conformance

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/cucumber/godog"

	"github.com/pns-harness/pns-harness/conformance/results"
	"github.com/pns-harness/pns-harness/reports"
)

// Outcomes are what godog reports of a run, kept as values (results.Outcomes).
type Outcomes = results.Outcomes

// The runner's godog formatter. godog finds a formatter by a name registered once for the
// process, and makes one per run through its factory, which it gives only the suite's name
// and an output. So the runner names each suite SuiteName + "#" + a number of its own, and
// the factory finds that run's collector under the number: runs may overlap (tests run
// several suites at once), each with its own formatter and collector.
const (
	// SuiteName is the suite's name in junit.xml (<testsuites name=…>).
	SuiteName = "pns-conformance"
	// OutcomeFormat is the name the runner's formatter is registered under in godog.
	OutcomeFormat = "pns-outcomes"
)

func init() {
	godog.Format(OutcomeFormat, "Keeps the outcomes of a conformance run in memory for the runner (cucumber and JUnit models).", newOutcomeFmt)
}

// outcomeRuns are the collectors of the runs under way, by their number.
var outcomeRuns = struct {
	mu   sync.Mutex
	next uint64
	runs map[string]*outcomeSink
}{runs: map[string]*outcomeSink{}}

// outcomeSink receives one run's outcomes from its formatter's Summary.
type outcomeSink struct {
	mu  sync.Mutex
	out *Outcomes
	err error
}

// newOutcomeRun registers a collector and returns the suite name that leads godog's factory
// to it, and the function that unregisters it.
func newOutcomeRun() (suite string, sink *outcomeSink, done func()) {
	outcomeRuns.mu.Lock()
	defer outcomeRuns.mu.Unlock()
	outcomeRuns.next++
	key := strconv.FormatUint(outcomeRuns.next, 10)
	sink = &outcomeSink{}
	outcomeRuns.runs[key] = sink
	return SuiteName + "#" + key, sink, func() {
		outcomeRuns.mu.Lock()
		defer outcomeRuns.mu.Unlock()
		delete(outcomeRuns.runs, key)
	}
}

// lookupOutcomeRun is the collector of a suite named by newOutcomeRun, nil for any other.
func lookupOutcomeRun(suite string) *outcomeSink {
	_, key, ok := strings.Cut(suite, "#")
	if !ok {
		return nil
	}
	outcomeRuns.mu.Lock()
	defer outcomeRuns.mu.Unlock()
	return outcomeRuns.runs[key]
}

// outcomeFmt is the formatter. Its only work is at Summary, which godog calls once, after
// every scenario of every goroutine has ended: with Concurrency > 1 godog hands each
// scenario's events to a per-scenario wrapper, but every wrapper feeds the one results store
// that Summary reads, so the outcomes are those of the whole run whatever the concurrency.
type outcomeFmt struct {
	*godog.BaseFmt
	sink *outcomeSink
}

// newOutcomeFmt is the factory godog calls once per run.
func newOutcomeFmt(suite string, out io.Writer) godog.Formatter {
	return &outcomeFmt{BaseFmt: godog.NewBaseFmt(suite, out), sink: lookupOutcomeRun(suite)}
}

// Summary keeps the run's outcomes. godog builds its cucumber and JUnit documents with
// unexported types and gives them out only encoded, so its own two formatters write them
// into memory from this run's store and they are decoded, once, into the project's models.
// It prints nothing (BaseFmt's summary is the console formatter's job).
func (f *outcomeFmt) Summary() {
	if f.sink == nil {
		return
	}
	var cuke, junit bytes.Buffer
	c := godog.NewCukeFmt(SuiteName, &cuke)
	c.SetStorage(f.Storage)
	c.Summary()
	j := godog.NewJUnitFmt(SuiteName, &junit)
	j.SetStorage(f.Storage)
	j.Summary()
	out := &Outcomes{}
	features, err := reports.ReadCucumber(&cuke)
	if err == nil {
		out.Cucumber = features
		out.JUnit, err = reports.ReadJUnit(junit.Bytes())
	}
	f.sink.mu.Lock()
	defer f.sink.mu.Unlock()
	f.sink.out, f.sink.err = out, err
}

// take is the run's outcomes; an error when godog ended before its summary (bad options).
func (s *outcomeSink) take() (*Outcomes, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return nil, s.err
	}
	if s.out == nil {
		return nil, errors.New("godog ended before it reported the scenarios")
	}
	return s.out, nil
}

// writeOutcomes mends the JUnit document's skipped cases with the reasons of res and writes
// cucumber.json and junit.xml into dir.
func writeOutcomes(dir string, out *Outcomes, res *Result, titles map[string]string) error {
	mendJUnitSkips(out.JUnit, skipReasons(res, titles))
	var cuke, junit bytes.Buffer
	if err := reports.WriteCucumber(&cuke, out.Cucumber); err != nil {
		return fmt.Errorf("cucumber.json: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, CucumberFile), cuke.Bytes(), 0o644); err != nil {
		return err
	}
	if err := out.JUnit.Write(&junit); err != nil {
		return fmt.Errorf("junit.xml: %w", err)
	}
	return os.WriteFile(filepath.Join(dir, JUnitFile), junit.Bytes(), 0o644)
}
