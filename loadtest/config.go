package loadtest

import (
	"crypto/tls"
	"net/http"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// Progress is a live view of a run, delivered every Config.ProgressInterval.
type Progress struct {
	Elapsed time.Duration
	// TargetRate is the plan's current arrival rate (all flows); AchievedRate the arrivals
	// started per second over the last Interval.
	TargetRate   float64
	AchievedRate float64
	Interval     time.Duration
	// Requests and SuccessPct count every interface since the start.
	Requests   int64
	SuccessPct float64
	// Primary is the interface of the first flow's first step; P50 and P99 are its service
	// latencies since the start (cumulative, unlike the report's per-second chart) and
	// CorrectedP99 its corrected one, in milliseconds.
	Primary           string
	P50, P99          float64
	CorrectedP99      float64
	Live              int64
	Callbacks         int64
	ConformanceErrors int64
	// LagP99 is the generator's dispatch lag so far (ms) and GeneratorBound whether it is
	// above the generator.lag limit: the latency figures are then the generator's.
	LagP99         float64
	GeneratorBound bool
	Throttled      int64
}

// Config is a load run.
type Config struct {
	// Target is the platform's base URL; a host that is not loopback needs Gate (CheckTarget).
	Target string
	// Gate is the remote-target opt-in and the rate ceiling (CheckTarget).
	Gate Gate
	// TLSConfig, when set, is the TLS client configuration for an https target (a private CA,
	// or InsecureSkipVerify), used by the load and by setup and cleanup alike. HTTPClient,
	// when set, brings its own.
	TLSConfig *tls.Config
	// Profile gives the apps and number ranges; nil means DefaultProfile().
	Profile *Profile
	// Workload is the load to run; nil runs the built-in workload named by Scenario
	// (bind-unbind by default, optionally prefixed with its mode, e.g. ax-query) in Mode.
	Workload *Workload
	Scenario string
	Mode     pns.Mode
	// Rate is the arrivals per second for Duration, unless Plan is set: the plan shared by
	// the workload's flows that give a share (it replaces the workload's own). Both are
	// totals over all shards; a shard runs its share.
	Rate float64
	Plan Plan
	// Duration bounds the load (required, at most MaxDuration); a longer plan is cut. After
	// it, the sessions under way finish their steps; cleanup takes at most 30 s.
	Duration time.Duration
	// Hold is the built-in bind-unbind workload's time between bind and unbind.
	Hold time.Duration
	// Shard and Shards split the rate and the number space: this process is shard
	// Shard of Shards (0-based). Zero Shards means 1.
	Shard, Shards int
	// OutDir receives the result files; empty writes nothing.
	OutDir string
	// Thresholds are evaluated at the end (and periodically with AbortOnFail). Metrics are
	// checked before the first request against the workload's operations and flows.
	Thresholds  []Threshold
	AbortOnFail bool
	// GeneratorLag is the generator-lag limit: above it (p99 of dispatch lag) the run is
	// flagged generator-bound and its latency figures untrustworthy. Zero flags at
	// DefaultGeneratorLag and adds no threshold; a positive value also adds the threshold
	// generator.lag.p99<GeneratorLag (the CLI's default), so that a generator-bound run
	// fails. A threshold on generator.lag.p99 in Thresholds sets the limit itself.
	GeneratorLag time.Duration
	// UnreachableAfter stops the load when no request has had an HTTP answer for this long
	// while requests failed at the transport level (refused, reset, timed out): a target that
	// died mid-run ends the run (Aborted says why) instead of being hammered to the end of its
	// plan. Zero means DefaultUnreachableAfter; negative never stops.
	UnreachableAfter time.Duration
	// Workers and MaxWorkers are the initial and maximum workers (defaults DefaultWorkers and
	// DefaultMaxWorkers).
	Workers, MaxWorkers uint64
	// Timeout is the per-request timeout (default DefaultTimeout).
	Timeout time.Duration
	// SchemaSample is the fraction of responses validated against the schemas: 0 means the
	// default 1 (all), negative disables validation.
	SchemaSample float64
	// Validator overrides the embedded schemas.
	Validator SchemaValidator
	// Progress, when set, is called every ProgressInterval (default 1 s) from a separate
	// goroutine; it must return quickly.
	Progress         func(Progress)
	ProgressInterval time.Duration
	// OnSecond, when set, receives each second of the load per interface as the second
	// completes, then the last (partial) one when the load ends, in order and one call at a
	// time; it must return quickly. Together the seconds hold every request the Result
	// counts (the live NDJSON stream is made of them).
	OnSecond func(LiveSecond)
	// Name prefixes the result file names (default the workload's modes).
	Name string
	// HTTPClient replaces the generator's client (e.g. a TLS transport); its Timeout should
	// be set.
	HTTPClient *http.Client
	// Callbacks receives the notifications of the call operation (fed by the callback
	// receiver); CallbackWait bounds the wait for them after the last call (default
	// DefaultCallbackWait).
	Callbacks    *CallbackTracker
	CallbackWait time.Duration
	// Run identifies the distributed run this shard belongs to. It is recorded in the
	// Result, with StartAt and the profile's digest (computed when Run.ProfileDigest is
	// empty), so that Merge can refuse shards of different runs.
	Run RunInfo
	// StartAt, when set, is the shards' shared start instant: setup happens before it, the
	// load's schedule begins at it. Zero begins at once.
	StartAt time.Time
	// BindingLifetime is how long a binding the load makes lives on the platform unless
	// unbound: AXB binds carry it as `duration` (seconds), AXE binds as `bindExpiredTime`
	// (minutes, rounded up), so that a binding nobody could remove (cleanup failed, the
	// harness was killed) goes away by itself; AX binds have no such field. Zero means the
	// run's own length plus BindingMargin (BindingLifetimeFor); negative sends none: the
	// bindings never expire.
	BindingLifetime time.Duration
	// CleanupTimeout bounds the cleanup after the load (default DefaultCleanupTimeout) and
	// CleanupAttempts the tries per binding within it (default DefaultCleanupAttempts).
	CleanupTimeout  time.Duration
	CleanupAttempts int
	// CleanupRate is the request rate, over all shards, of the pools' setup and of cleanup;
	// it halves whenever the platform pushes back (flow control, HTTP 5xx). Zero means half
	// the profile's flowControl, else the ceiling Gate.MaxRate, else DefaultCleanupRate; it
	// never exceeds the ceiling.
	CleanupRate float64
	// CleanupFirst removes, before the load, the bindings an earlier run's journal in OutDir
	// says may still be on the platform (CleanupDir); without it such a directory is refused.
	CleanupFirst bool
	// EphemeralTarget says Target is an emulator started for this run only, whose state dies
	// with it (harness run): the binding journal then says nothing can be left on it.
	EphemeralTarget bool
}
