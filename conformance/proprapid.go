package conformance

import (
	"flag"
	"fmt"
	"hash/fnv"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// Running rapid outside `go test`: per-field seeds and the testing.TB rapid needs. Split from
// properties.go (issue 23) so that the fields, the requests, the checks and rapid's harness
// each have a file.

// fieldSeed derives one field's seed from the run's, so that fields draw different values
// (one seed for all repeated the same sequence field after field) and the run's seed still
// repeats the whole run.
func fieldSeed(seed uint64, iface, field string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(iface + "/" + field))
	if s := seed ^ h.Sum64(); s != 0 {
		return s
	}
	return seed
}

// rapidMu serialises runRapid: rapid reads its settings (checks, seed, fail files) from the
// process's flags, so two runs must not change them at the same time.
var rapidMu sync.Mutex

// runRapid runs prop with rapid for the given number of checks and returns rapid's failure
// message ("" when every check passed). rapid's settings are process flags; they are set for
// the call and restored after it, fail files are never written (a platform's answer is not
// reproducible from a file), and outside `go test` the testing flags rapid consults are
// initialised first.
func runRapid(checks int, seed uint64, name string, prop func(*rapid.T)) string {
	rapidMu.Lock()
	defer rapidMu.Unlock()
	if flag.Lookup("test.short") == nil {
		testing.Init()
	}
	if !flag.Parsed() {
		_ = flag.CommandLine.Parse(nil)
	}
	// rapid runs a fifth of its checks when the process runs under `go test -short`
	// (rapid's checkTB divides by 5); a run asked for N checks makes N, so the short mode
	// of whoever embeds the library must not cut them silently.
	if testing.Short() {
		checks *= 5
	}
	set := map[string]string{
		"rapid.checks":     strconv.Itoa(checks),
		"rapid.seed":       strconv.FormatUint(seed, 10),
		"rapid.nofailfile": "true",
		"rapid.shrinktime": (60 * time.Second).String(),
	}
	for k, v := range set {
		if fl := flag.Lookup(k); fl != nil {
			old := fl.Value.String()
			_ = fl.Value.Set(v)
			defer func() { _ = fl.Value.Set(old) }()
		}
	}
	tb := &rapidTB{name: name}
	done := make(chan struct{})
	go func() {
		defer close(done)
		rapid.Check(tb, prop)
	}()
	<-done
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if !tb.failed {
		return ""
	}
	return strings.Join(tb.errs, "\n")
}

// rapidTB is the rapid.TB of a run outside `go test`: it records rapid's verdict instead of
// failing a test; FailNow and Skip end the goroutine rapid runs in, as testing.T's do.
type rapidTB struct {
	name   string
	mu     sync.Mutex
	failed bool
	errs   []string
}

func (t *rapidTB) Helper()                   {}
func (t *rapidTB) Name() string              { return t.name }
func (t *rapidTB) Logf(string, ...any)       {}
func (t *rapidTB) Log(...any)                {}
func (t *rapidTB) Skipf(string, ...any)      { runtime.Goexit() }
func (t *rapidTB) Skip(...any)               { runtime.Goexit() }
func (t *rapidTB) SkipNow()                  { runtime.Goexit() }
func (t *rapidTB) Error(args ...any)         { t.fail(fmt.Sprint(args...)) }
func (t *rapidTB) Errorf(f string, a ...any) { t.fail(fmt.Sprintf(f, a...)) }
func (t *rapidTB) Fatalf(f string, a ...any) { t.fail(fmt.Sprintf(f, a...)); runtime.Goexit() }
func (t *rapidTB) Fatal(args ...any)         { t.fail(fmt.Sprint(args...)); runtime.Goexit() }
func (t *rapidTB) FailNow()                  { t.fail(""); runtime.Goexit() }
func (t *rapidTB) Fail()                     { t.fail("") }

func (t *rapidTB) Failed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failed
}

func (t *rapidTB) fail(msg string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failed = true
	if msg != "" {
		t.errs = append(t.errs, msg)
	}
}
