package loadtest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ResultVersion is the version of the load result format (ResultFile).
const ResultVersion = 1

// ResultFile is the name of a load's result in its output directory. It has a name of its
// own, so that it is never mistaken for a report's summary.json (reports.JSONFile), a
// different format.
const ResultFile = "load.json"

// LegacyResultFile is the name versions before load.json gave a load's result: summary.json,
// the name of the report's summary too. It is read (ResultIn), never written.
const LegacyResultFile = "summary.json"

// Result is the outcome of a load run, or of several shards merged. It is JSON-serialisable
// and carries its histograms encoded (HdrHistogram V2, base64), so that shards merge exactly.
type Result struct {
	Version  int    `json:"version"`
	Scenario string `json:"scenario"`
	Mode     string `json:"mode"`
	// Shards lists the shards the result covers, e.g. ["0/2", "1/2"].
	Shards []string `json:"shards"`
	// Run identifies the distributed run the shards belong to (see RunInfo).
	Run RunInfo `json:"run"`
	// Attacks are the vegeta attack names, one per result file.
	Attacks []string  `json:"attacks"`
	Started time.Time `json:"started"`
	Ended   time.Time `json:"ended"`
	// Plan is the per-shard rate plan of the primary operation (bind, query or call).
	Plan Plan `json:"plan"`
	// Primary is the interface the plan drives, e.g. axb.bind.
	Primary string `json:"primary"`
	// TargetHits is how many primary requests the plan scheduled over the time the run lasted;
	// SentHits how many were sent. Rates are per second over ElapsedSeconds.
	TargetHits     float64 `json:"targetHits"`
	SentHits       int64   `json:"sentHits"`
	ElapsedSeconds float64 `json:"elapsedSeconds"`
	TargetRate     float64 `json:"targetRate"`
	AchievedRate   float64 `json:"achievedRate"`
	// ShortfallPct is 100 × (1 − SentHits/TargetHits), never below 0.
	ShortfallPct float64 `json:"shortfallPct"`
	// HoldSeconds is the time each binding was kept before its unbind (bind-unbind).
	HoldSeconds float64 `json:"holdSeconds,omitempty"`

	// Flows are the workload's flows: their plans, sessions and per-step counts.
	Flows []FlowStats `json:"flows,omitempty"`
	// Generator is how late the generator sent its requests: when it is Bound, the latency
	// figures are the generator's, not the target's.
	Generator Generator `json:"generator"`
	// Rejections are the non-success answers by result code: throttling (flow control)
	// and other refusals, with the moment and rate at which each began.
	Rejections []Rejection `json:"rejections,omitempty"`

	Interfaces  []InterfaceStats   `json:"interfaces"`
	Callbacks   []CallbackStats    `json:"callbacks,omitempty"`
	Series      []Second           `json:"series"`
	Conformance Conformance        `json:"conformance"`
	Cleanup     Cleanup            `json:"cleanup"`
	Thresholds  []ThresholdOutcome `json:"thresholds,omitempty"`
	// Windows are the windowed thresholds' checks made while the load ran (a windowed
	// threshold is evaluated from them, as it cannot be from the run-wide histograms).
	Windows []WindowOutcome `json:"windows,omitempty"`
	// Aborted is why the run stopped early ("" when it ran its plan), in a sentence: interrupted, or
	// a broken threshold with --abort-on-fail.
	Aborted string `json:"aborted,omitempty"`
	// CouldNotCheck says why the run could not measure the platform (its credentials were
	// refused, it became unreachable): the figures do not judge it. "" when it could.
	CouldNotCheck string `json:"couldNotCheck,omitempty"`
	// Warnings are non-fatal remarks (e.g. a generator that could not keep up).
	Warnings []string `json:"warnings,omitempty"`
	// Files are the result files written, relative to the output directory.
	Files []string `json:"files,omitempty"`
	// ShardSeries is the rate over time of each merged shard (empty for a single shard,
	// whose Series is its own).
	ShardSeries []ShardSeries `json:"shardSeries,omitempty"`
	// Missing lists the shards "i/N" a partial merge lacks (MergeOptions.AllowPartial).
	Missing []string `json:"missing,omitempty"`
	// MergeDropped lists the histograms that lost values when results were merged (values
	// outside the receiving histogram's trackable range): such a merge is not exact, and its
	// percentiles leave those values out. Empty when every value was kept.
	MergeDropped []DroppedValues `json:"mergeDropped,omitempty"`

	agg *aggregate // decoded histograms, when available
}

// FlowStats are the figures of one flow of the workload.
type FlowStats struct {
	Name string `json:"name"`
	Mode string `json:"mode"`
	Pool int    `json:"pool,omitempty"`
	// Plan is the flow's arrival plan (this shard's; summed over merged shards).
	Plan Plan `json:"plan"`
	// TargetArrivals is the sessions the plan scheduled over the time the run lasted;
	// Arrivals those started, Completed those that ran every step, Ended those that stopped
	// early (a refused bind, the run stopping).
	TargetArrivals float64     `json:"targetArrivals"`
	Arrivals       int64       `json:"arrivals"`
	Completed      int64       `json:"completed"`
	Ended          int64       `json:"ended"`
	Steps          []StepStats `json:"steps"`
}

// StepStats count the requests of one step of a flow.
type StepStats struct {
	Op           string  `json:"op"`
	Interface    string  `json:"interface"`
	ThinkSeconds float64 `json:"thinkSeconds,omitempty"`
	Count        int64   `json:"count"`
	Success      int64   `json:"success"`
}

// Generator is the generator's own timing. Lag is, per request, how late it was sent against
// the instant the plan (or the previous answer plus the think time) intended; Blocked the part
// of it spent waiting for a free worker (each worker has at most one connection in flight).
type Generator struct {
	Lag     Latency `json:"lag"`
	Blocked Latency `json:"blocked"`
	// LimitMs is the generator.lag limit (p99); Bound is true when the lag's p99 is above it.
	LimitMs     float64 `json:"limitMs"`
	Bound       bool    `json:"bound"`
	LagHist     string  `json:"lagHist,omitempty"`
	BlockedHist string  `json:"blockedHist,omitempty"`
}

// Rejection counts the answers with one non-success result code. Throttling is true for the
// platform's flow control (1010010 with its flow-control description, reference §12): the
// platform refusing load, not a fault of the requests.
type Rejection struct {
	Code       string           `json:"code"`
	Throttling bool             `json:"throttling"`
	Count      int64            `json:"count"`
	Interfaces map[string]int64 `json:"interfaces"`
	// BeganOffsetSeconds is when the first one arrived (from the start); BeganAtRate the
	// requests per second answered in that second and BeganAtTargetRate the plan's arrival
	// rate then.
	BeganOffsetSeconds float64 `json:"beganOffsetSeconds"`
	BeganAtRate        int64   `json:"beganAtRate"`
	BeganAtTargetRate  float64 `json:"beganAtTargetRate"`
}

// InterfaceStats are the figures of one interface over every result code.
type InterfaceStats struct {
	ID         string  `json:"id"`
	Count      int64   `json:"count"`
	Success    int64   `json:"success"`
	SuccessPct float64 `json:"successPct"`
	// Service is vegeta's latency (from the moment the request was sent); Corrected is
	// measured from the intended send time (coordinated-omission corrected).
	Service   Latency     `json:"service"`
	Corrected Latency     `json:"corrected"`
	Buckets   []Bucket    `json:"buckets"`
	Codes     []CodeStats `json:"codes"`
}

// CodeStats are the figures of one (interface, result code) pair. Code is the resultcode, or
// "transport" for requests without an answer, or "http-NNN" for answers without a readable
// resultcode.
type CodeStats struct {
	Code      string           `json:"code"`
	Count     int64            `json:"count"`
	Statuses  map[string]int64 `json:"statuses"`
	Service   Latency          `json:"service"`
	Corrected Latency          `json:"corrected"`
	// ServiceHist and CorrectedHist are the encoded HdrHistograms (nanoseconds).
	ServiceHist   string `json:"serviceHist"`
	CorrectedHist string `json:"correctedHist"`
}

// CallbackStats are the latencies of one callback event type, from the simulated call's
// start to the receiver getting the notification.
type CallbackStats struct {
	Event   string  `json:"event"`
	Count   int64   `json:"count"`
	Latency Latency `json:"latency"`
	Hist    string  `json:"hist"`
}

// Second is one second of the run (Unix second T, Offset seconds after the start).
type Second struct {
	T      int64 `json:"t"`
	Offset int64 `json:"offset"`
	// TargetRate and AchievedRate are the primary operation's scheduled and sent requests in
	// that second.
	TargetRate   float64 `json:"targetRate"`
	AchievedRate int64   `json:"achievedRate"`
	// Requests, Success and SuccessPct count every interface.
	Requests          int64   `json:"requests"`
	Success           int64   `json:"success"`
	SuccessPct        float64 `json:"successPct"`
	P50               float64 `json:"p50Ms"`
	P99               float64 `json:"p99Ms"`
	CorrectedP99      float64 `json:"correctedP99Ms"`
	ConformanceErrors int64   `json:"conformanceErrors"`
	Callbacks         int64   `json:"callbacks,omitempty"`
	ServiceHist       string  `json:"serviceHist"`
	CorrectedHist     string  `json:"correctedHist"`
	// InFlight is the mean number of requests in flight over the second: the time every
	// request spent between its send and its answer (service time) within the second,
	// divided by the second. By Little's law it is what an active-sessions gauge sampled
	// continuously would average, without missing the short requests a sampler misses.
	InFlight float64 `json:"inFlight,omitempty"`
	// ActiveSessions is the mean number of sessions (arrivals of a flow, from their first
	// request's dispatch to their last answer, think times included) in progress over the
	// second, measured the same way: Gatling's active users, averaged rather than sampled.
	ActiveSessions float64 `json:"activeSessions,omitempty"`
	// Interfaces break the second down by interface (requests started in it), in ID order.
	Interfaces []SecondInterface `json:"interfaces,omitempty"`
}

// SecondInterface is one interface's requests in one second of the run.
type SecondInterface struct {
	ID       string `json:"id"`
	Requests int64  `json:"requests"`
	// P50, P95 and P99 are the corrected response times of the requests started in the
	// second (0 when all were drained, see Second), from CorrectedHist.
	P50           float64 `json:"p50Ms"`
	P95           float64 `json:"p95Ms"`
	P99           float64 `json:"p99Ms"`
	CorrectedHist string  `json:"correctedHist,omitempty"`
}

// Conformance counts the checks made on every response under load.
type Conformance struct {
	Checked       int64    `json:"checked"`
	SchemaChecked int64    `json:"schemaChecked"`
	Errors        int64    `json:"errors"`
	Examples      []string `json:"examples,omitempty"`
}

// Cleanup says what the run did to leave no binding behind.
type Cleanup struct {
	// Bound and Unbound count bindings made and removed by the load itself.
	Bound   int64 `json:"bound"`
	Unbound int64 `json:"unbound"`
	// Retried bindings were removed after the load (failed unbinds, unknown bind outcomes,
	// bindings still held when the run was cancelled); Leaked could not be removed.
	Retried int64 `json:"retried"`
	Leaked  int64 `json:"leaked"`
	// LeakedIDs are the subscription IDs of the leaked bindings (at most 1000).
	LeakedIDs []string `json:"leakedIds,omitempty"`
	// Unknown are binds whose answer was lost and that cleanup could not look up: they may
	// or may not have been made (not counted as bound).
	Unknown int64    `json:"unknown,omitempty"`
	Errors  []string `json:"errors,omitempty"`
	// LifetimeSeconds is the lifetime the binds carried (AXB duration, AXE bindExpiredTime):
	// a binding left behind expires by itself after it; 0 when the binds carried none.
	LifetimeSeconds int64 `json:"lifetimeSeconds,omitempty"`
}

// LeftBehind counts the bindings the run may have left on the platform: the leaked ones and
// the binds whose outcome cleanup could not learn. Any of them fails the run, wherever its
// verdict is computed (load, run, report).
func (c Cleanup) LeftBehind() int64 { return c.Leaked + c.Unknown }

// Problem says in one line what the run left on the platform, with the leaked subscription
// IDs, or "" when it left nothing.
func (c Cleanup) Problem() string {
	if c.LeftBehind() == 0 {
		return ""
	}
	var parts []string
	if c.Leaked > 0 {
		p := fmt.Sprintf("left %d binding(s) behind", c.Leaked)
		if len(c.LeakedIDs) > 0 {
			p += ": subscriptionId " + strings.Join(c.LeakedIDs, " ")
			if n := c.Leaked - int64(len(c.LeakedIDs)); n > 0 {
				p += fmt.Sprintf(" and %d more", n)
			}
		}
		parts = append(parts, p)
	}
	if c.Unknown > 0 {
		parts = append(parts, fmt.Sprintf("%d bind(s) may be on the platform (their answer was lost and cleanup could not look them up)", c.Unknown))
	}
	return strings.Join(parts, "; ")
}

// Interface returns the stats of an interface ID.
func (r *Result) Interface(id string) (InterfaceStats, bool) {
	for _, s := range r.Interfaces {
		if s.ID == id {
			return s, true
		}
	}
	return InterfaceStats{}, false
}

// Unanswered counts the requests of every interface that got no answer at all (code
// "transport": the connection was refused or reset, or the request timed out): what the run
// could not measure of the platform.
func (r *Result) Unanswered() int64 {
	var n int64
	for _, s := range r.Interfaces {
		for _, c := range s.Codes {
			if c.Code == "transport" {
				n += c.Count
			}
		}
	}
	return n
}

// UnansweredProblem is the sentence that fails a run which went its full course while some of
// its requests got no answer (the platform was down, restarting or dropping connections for a
// while): "" when every request was answered, or when the run stopped early (Aborted says why,
// and an unreachable platform is CouldNotCheck's).
func (r *Result) UnansweredProblem() string {
	n := r.Unanswered()
	if n == 0 || r.Aborted != "" || r.CouldNotCheck != "" {
		return ""
	}
	return fmt.Sprintf("%d of %d requests got no answer (connection refused or reset, or timed out): the platform did not answer part of the run", n, r.requests())
}

// requests counts the requests of every interface.
func (r *Result) requests() int64 {
	var n int64
	for _, s := range r.Interfaces {
		n += s.Count
	}
	return n
}

// Passed reports whether every threshold held.
func (r *Result) Passed() bool {
	for _, t := range r.Thresholds {
		if !t.OK {
			return false
		}
	}
	return true
}

// WriteResult writes the result as dir/load.json (ResultFile).
func (r *Result) WriteResult(dir string) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	// Written to a temporary name and renamed, so that a reader polling for the file (the
	// merge step of a sharded run) never sees half of it.
	tmp, err := os.CreateTemp(dir, "."+ResultFile+".*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(append(data, '\n'))
	if err := tmp.Close(); werr == nil {
		werr = err
	}
	if werr == nil {
		werr = os.Chmod(tmp.Name(), 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), filepath.Join(dir, ResultFile))
	}
	if werr != nil {
		_ = os.Remove(tmp.Name())
	}
	return werr
}

// ReadResult reads a load result: the file path, or when path is a directory the result it
// holds (ResultIn: load.json, or the summary.json of an older version).
func ReadResult(path string) (*Result, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		p := ResultIn(path)
		if p == "" {
			return nil, fmt.Errorf("%s holds no load result (%s)", path, ResultFile)
		}
		path = p
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r := &Result{}
	if err := json.Unmarshal(data, r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if r.Version != ResultVersion {
		return nil, fmt.Errorf("%s: load result version %d, want %d", path, r.Version, ResultVersion)
	}
	return r, nil
}

// ResultIn returns the path of the load result in dir, "" when it holds none: dir/load.json,
// or in a directory an older version wrote, a dir/summary.json that is a load's.
func ResultIn(dir string) string {
	if p := filepath.Join(dir, ResultFile); isFile(p) {
		return p
	}
	if p := filepath.Join(dir, LegacyResultFile); IsLegacyResult(p) {
		return p
	}
	return ""
}

// IsLegacyResult reports whether the file p (a summary.json written by an older version, or
// one copied under another name) is a load's result rather than a report's summary. Only the
// content tells them apart: a load's has a scenario and no schemaVersion. A result named
// load.json needs no such look.
func IsLegacyResult(p string) bool {
	b, err := os.ReadFile(p)
	if err != nil {
		return false
	}
	var probe struct {
		SchemaVersion *int    `json:"schemaVersion"`
		Scenario      *string `json:"scenario"`
	}
	return json.Unmarshal(b, &probe) == nil && probe.SchemaVersion == nil && probe.Scenario != nil
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// DroppedValues is one histogram whose merge dropped values.
type DroppedValues struct {
	// Histogram names it: "axb.bind code 0 service", "callback fee", "generator lag",
	// "second 1764627000 corrected".
	Histogram string `json:"histogram"`
	// Values is how many recorded values the merge could not add.
	Values int64 `json:"values"`
}

// NotExact says, in a sentence, which histograms a merge dropped values from and how many;
// "" when the merge was exact (or r is not a merge).
func (r *Result) NotExact() string {
	if len(r.MergeDropped) == 0 {
		return ""
	}
	var total int64
	parts := make([]string, len(r.MergeDropped))
	for i, d := range r.MergeDropped {
		total += d.Values
		parts[i] = fmt.Sprintf("%s %d", d.Histogram, d.Values)
	}
	return fmt.Sprintf("merge not exact: %d recorded value(s) fell outside the range of the histogram they were merged into and were dropped (%s): the merged percentiles leave them out",
		total, strings.Join(parts, ", "))
}
