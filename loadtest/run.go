// Package loadtest is the load generator of the harness: open-model load on the PNS
// provisioning interfaces, described as a workload of weighted flows (workload.go) over one or
// several modes, each flow a sequence of operations (op_*.go) on one binding. Latency is
// recorded twice (service time, and response time from the intended send time, i.e.
// corrected for coordinated omission) into HdrHistograms; the generator measures its own lag
// and says when it, not the target, was the bottleneck (generator.go); every response is
// checked for its result code and against the JSON schemas; refusals such as flow control are
// counted per code; results go to vegeta gob files and HdrHistogram interval logs, and to a
// mergeable JSON summary per shard.
//
// A load never leaves bindings behind: every flow that binds ends with an unbind, and
// whatever is still bound when the run ends (cancelled, aborted, failed unbinds, bind answers
// lost) is removed by a cleanup pass with retries; what it could not remove is named.
package loadtest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/pns-harness/pns-harness/pns"
)

// Limits of a run.
const (
	// MaxDuration bounds every run: load is always time-boxed.
	MaxDuration = time.Hour
	// MaxHold bounds how long a binding is kept before its unbind (and any think time).
	MaxHold = 10 * time.Minute
	// DefaultTimeout is the per-request timeout.
	DefaultTimeout = 10 * time.Second
	// DefaultMaxWorkers caps the workers (each with at most one request, so one connection,
	// in flight) so that a stalled target or a CPU-starved generator cannot make it spawn
	// goroutines and sockets without bound. 1000 workers sustain 100 000 requests/s at 10 ms;
	// a cap below the rate's need shows as generator lag, never silently.
	DefaultMaxWorkers = 1000
	// DefaultUnreachableAfter is how long a run goes on without any HTTP answer while its
	// requests fail at the transport level: longer than a platform's restart or a load
	// balancer's failover, far shorter than a soak.
	DefaultUnreachableAfter = 10 * time.Second
	// DefaultWorkers is the number of workers started before the first request.
	DefaultWorkers = 10
	// DefaultCleanupTimeout bounds the cleanup after the load: long enough to back off
	// through a platform's flow control, short enough that a dead platform does not hold the
	// run (the journal keeps what is left for `harness cleanup`).
	DefaultCleanupTimeout = 2 * time.Minute
	// DefaultCleanupAttempts bounds the tries per binding within the cleanup's time.
	DefaultCleanupAttempts = 10
	// BindingMargin is added to a run's length for its bindings' default lifetime: the
	// slack for clock differences and for a cleanup run by hand right after a failure.
	BindingMargin = 5 * time.Minute
)

// ConfigError is a load that cannot run as configured (unknown operation or metric, a plan
// the profile's numbers cannot carry, …): refused before the first request. The CLI exits 2.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

func configErr(err error) error {
	var ce *ConfigError
	if err == nil || errors.As(err, &ce) {
		return err
	}
	return &ConfigError{Err: err}
}

type runner struct {
	cfg         Config
	base        string
	wl          *Workload
	modes       map[pns.Mode]*modeRun
	flows       []*flowRun
	plan        Plan // every flow's arrivals, this shard's
	primary     string
	agg         *aggregate
	gen         *generator
	queue       *stepQueue
	aNums       numRange
	bNums       numRange
	validate    SchemaValidator
	validateDoc docValidator // the embedded schemas, fed the body decoded once
	sample      float64
	memo        *checkMemo // nil when sampling: a sampled check is not a function of the body
	lagLimit    time.Duration
	start       time.Time
	nextID      atomic.Uint64
	live        atomic.Int64
	fired       atomic.Int64
	callbacks   atomic.Int64
	// lastAnswer is when a request last got an HTTP answer (UnixNano; the run's start before
	// the first), downErrs how many transport failures came since, lastDownErr the latest:
	// the monitor's evidence that the target is unreachable.
	lastAnswer  atomic.Int64
	downErrs    atomic.Int64
	lastDownErr atomic.Pointer[string]
	active      atomic.Int64
	stopping    atomic.Bool
	usesCalls   bool
	// creds watches the answers until each mode's credentials are proven (credentials.go);
	// couldNotCheck is why the run could not measure (credentials refused, target
	// unreachable), stopLoad the run's stop, for the checkers.
	creds         pns.CredentialWatch
	couldNotCheck atomic.Pointer[string]
	stopLoad      atomic.Pointer[func(string)]

	arrivalsDone atomic.Bool
	idle         chan struct{}
	idleOnce     sync.Once
	stopArrivals chan struct{}

	pacerOnce sync.Once
	pacer     *pacer   // setup and cleanup requests
	journal   *journal // nil without an output directory

	mu        sync.Mutex
	leftovers []*bindState // bound, unbind failed or never sent
	orphans   []*bindState // bind outcome unknown
	fileErr   error
	warned    map[string]bool

	ivMu sync.Mutex
	iv   map[string]*hdr.Histogram // interval histograms for the HdrHistogram log

	win *windows // the windowed thresholds (nil without any)
}

var errNumberSpace = errors.New("loadtest: number range exhausted")

// Run executes a load run and returns its result. The returned error is for runs that could
// not be carried out: a *ConfigError before the first request (bad configuration, target
// refused, a plan that cannot run), or files that could not be written; failed requests and
// broken thresholds are data in the Result. Cancelling ctx stops the load, unbinds everything
// still bound and returns the partial result with Aborted set.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	r, err := newRunner(ctx, cfg)
	if err != nil {
		return nil, configErr(err)
	}
	return r.run(ctx)
}

// ParseScenario splits a scenario name that may carry its mode ("axb-bind-unbind") into
// scenario and mode; mode is empty when the name has none.
func ParseScenario(name string) (scenario string, mode pns.Mode) {
	for _, m := range pns.Modes {
		if rest, ok := strings.CutPrefix(name, m.Lower()+"-"); ok {
			return rest, m
		}
	}
	return name, ""
}
