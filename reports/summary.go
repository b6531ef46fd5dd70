// Package reports defines the run summary of pns-harness (summary.json) and renders it as a
// self-contained HTML page, JUnit XML and JSON.
//
// The Summary type is the single data model every report is rendered from: the conformance
// suite, the load tester and the callback receiver each fill their own section and the
// renderers never look at anything else. summary.json is a stable, documented format
// (schemaVersion 1): fields are only ever added, never renamed or re-typed, without bumping
// SchemaVersion.
//
// JSON conventions of summary.json:
//   - durations and latencies (Go time.Duration) are integer nanoseconds;
//   - times are RFC 3339 with nanoseconds, UTC;
//   - rates are requests per second (float), ratios are 0..1 (float), percentages are 0..100;
//   - absent sections (for example no load run) are omitted, never null-filled.
package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"time"
)

// SchemaVersion is the version of the summary.json format written by this package. It is
// bumped only when an existing field changes meaning or type.
const SchemaVersion = 1

// Summary is the complete, renderer-independent result of one harness run.
type Summary struct {
	// SchemaVersion is always SchemaVersion when written by WriteJSON.
	SchemaVersion int `json:"schemaVersion"`
	// Verdict is computed by WriteJSON from the other sections (see ComputeVerdict); any value
	// set by the caller is overwritten so the file can never disagree with its content.
	Verdict *Verdict `json:"verdict,omitempty"`
	// Manifest identifies what was run, against what, where and when.
	Manifest Manifest `json:"manifest"`
	// Conformance is nil when the conformance suite did not run.
	Conformance *Conformance `json:"conformance,omitempty"`
	// Load is nil when no load scenario ran.
	Load *Load `json:"load,omitempty"`
	// Callbacks is nil when no callback receiver ran.
	Callbacks *Callbacks `json:"callbacks,omitempty"`
	// Thresholds are the evaluated pass/fail expressions of the run's profile.
	Thresholds []Threshold `json:"thresholds,omitempty"`
	// Baseline holds the comparison with an earlier run, when one was given.
	Baseline *Baseline `json:"baseline,omitempty"`
	// Errors are run-level problems that prevented part of the run (a suite failing to start,
	// an unreachable target). Any error makes the verdict FAIL.
	Errors []string `json:"errors,omitempty"`
}

// Manifest describes the run. It must never contain secrets: WriteJSON, WriteHTML and
// WriteJUnit pass it through Redact first, but producers should not put secrets in it at all.
type Manifest struct {
	// HarnessVersion is the pns-harness version (module version or git describe).
	HarnessVersion string `json:"harnessVersion"`
	// TargetURL is the base URL under test; userinfo and secret-looking query parameters are
	// redacted on output.
	TargetURL string `json:"targetURL"`
	// Profile is the name of the run profile (not its content).
	Profile string `json:"profile"`
	// Settings are selected, non-secret profile settings shown for reproducibility. Entries
	// whose key looks secret are redacted on output (see Redact).
	Settings []Setting `json:"settings,omitempty"`
	// SchemaHash identifies the JSON schemas used (for example sha256 of the schema tree).
	SchemaHash string `json:"schemaHash,omitempty"`
	// FeatureHash identifies the feature files used.
	FeatureHash string `json:"featureHash,omitempty"`
	// Start and End bound the whole run.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Seed is the random seed of the run (godog order, generated numbers, load bodies).
	Seed int64 `json:"seed"`
	// Machine is where the harness ran.
	Machine Machine `json:"machine"`
}

// Setting is one key/value of the run profile shown in the manifest.
type Setting struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Machine describes the host the harness ran on, because latency figures are meaningless
// without it.
type Machine struct {
	Hostname  string `json:"hostname"`
	GOOS      string `json:"goos"`
	GOARCH    string `json:"goarch"`
	CPUs      int    `json:"cpus"`
	GoVersion string `json:"goVersion"`
}

// CurrentMachine describes the running process's host.
func CurrentMachine() Machine {
	h, err := os.Hostname()
	if err != nil {
		h = "unknown"
	}
	return Machine{
		Hostname:  h,
		GOOS:      runtime.GOOS,
		GOARCH:    runtime.GOARCH,
		CPUs:      runtime.NumCPU(),
		GoVersion: runtime.Version(),
	}
}

// Status is the outcome of a conformance scenario or step.
type Status string

// Scenario outcomes. godog's pending and ambiguous step results are mapped by
// ParseCucumberJSON: pending to undefined, ambiguous to failed (both fail a strict run).
const (
	StatusPassed    Status = "passed"
	StatusFailed    Status = "failed"
	StatusSkipped   Status = "skipped"
	StatusUndefined Status = "undefined"
)

// Conformance is the result of the godog conformance suite.
type Conformance struct {
	// Interfaces holds pass/fail/skip counts per interface id; see CountByInterface.
	Interfaces []InterfaceCounts `json:"interfaces"`
	// Scenarios holds every executed scenario (outline rows separately).
	Scenarios []Scenario `json:"scenarios"`
	// Coverage is the rule/result-code coverage matrix.
	Coverage []CoverageRow `json:"coverage,omitempty"`
	// Stale lists the known-differences entries that excused nothing, each with why.
	Stale []string `json:"stale,omitempty"`
	// Duration is the wall time of the suite.
	Duration time.Duration `json:"duration"`
}

// InterfaceCounts are the scenario outcomes of one interface.
type InterfaceCounts struct {
	// Interface is an id such as "axb.bind", "ax.query", "record.download", "auth",
	// "callbacks".
	Interface string `json:"interface"`
	Passed    int    `json:"passed"`
	Failed    int    `json:"failed"`
	Skipped   int    `json:"skipped"`
	Undefined int    `json:"undefined"`
	// Differences counts the known differences and differences from emulator decisions,
	// which Skipped (not checked, not applicable) leaves out.
	Differences int `json:"differences,omitempty"`
}

// Total is the number of scenarios counted.
func (c InterfaceCounts) Total() int {
	return c.Passed + c.Failed + c.Skipped + c.Undefined + c.Differences
}

// Scenario is one executed conformance scenario.
type Scenario struct {
	// Feature is the feature name; FeatureURI its file.
	Feature    string `json:"feature"`
	FeatureURI string `json:"featureUri,omitempty"`
	// ID is godog's element id (feature;scenario[;examples;row]), unique within a run.
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
	Line int    `json:"line,omitempty"`
	// Interface is derived from the tags (see InterfaceFromTags).
	Interface string   `json:"interface"`
	Tags      []string `json:"tags,omitempty"`
	Status    Status   `json:"status"`
	// State is the conformance runner's judgement when known (passed, failed, not checked,
	// not applicable, known difference, differs): to godog a known difference and a
	// difference from an emulator decision are skipped steps. Reason explains it.
	State  string `json:"state,omitempty"`
	Reason string `json:"reason,omitempty"`
	// Duration is the sum of the step durations.
	Duration time.Duration `json:"duration"`
	// FailingStep is the keyword and text of the first failed or undefined step.
	FailingStep string `json:"failingStep,omitempty"`
	// Error is the error message of the failing step.
	Error string `json:"error,omitempty"`
	// Request and Response are the HTTP exchange most relevant to the outcome: the last ones
	// attached at or before the failing step (or the last ones of a passed scenario).
	Request  string `json:"request,omitempty"`
	Response string `json:"response,omitempty"`
	// SchemaViolations are the JSON-schema violations of the response, sorted.
	SchemaViolations []SchemaViolation `json:"schemaViolations,omitempty"`
	// Steps are the scenario steps in order.
	Steps []Step `json:"steps,omitempty"`
	// Attachments are the remaining godog.Attach payloads.
	Attachments []Attachment `json:"attachments,omitempty"`
}

// Step is one executed step.
type Step struct {
	Keyword  string        `json:"keyword"`
	Text     string        `json:"text"`
	Line     int           `json:"line,omitempty"`
	Status   string        `json:"status"`
	Duration time.Duration `json:"duration"`
	Error    string        `json:"error,omitempty"`
	// Location is the step definition (file:line) that matched.
	Location string `json:"location,omitempty"`
}

// SchemaViolation is one leaf of a JSON-schema validation error.
type SchemaViolation struct {
	InstancePath string `json:"instancePath"`
	KeywordPath  string `json:"keywordPath"`
	Message      string `json:"message"`
}

// Attachment is a godog.Attach payload. Text is set for textual media types, Base64 for the
// others (binary attachments are kept in JSON but not rendered in HTML).
type Attachment struct {
	Name      string `json:"name,omitempty"`
	MediaType string `json:"mediaType"`
	// Step is the text of the step the attachment was made in.
	Step   string `json:"step,omitempty"`
	Text   string `json:"text,omitempty"`
	Base64 string `json:"base64,omitempty"`
}

// The conformance runner's scenario states (Scenario.State); package conformance documents
// each. All but passed and failed are skipped steps to godog.
const (
	StatePassed          = "passed"
	StateFailed          = "failed"
	StateNotChecked      = "not checked"
	StateNotApplicable   = "not applicable"
	StateKnownDifference = "known difference"
	StateDiffers         = "differs"
)

// Counts is the verdict's one line of scenario counts by state.
func (v Verdict) Counts() string {
	return fmt.Sprintf("%d passed, %d failed, %d not checked, %d not applicable, %d known differences, %d differ from emulator decisions",
		v.ScenariosPassed, v.ScenariosFailed+v.ScenariosUndefined, v.ScenariosNotChecked, v.ScenariosNotApplicable, v.KnownDifferences, v.Differs)
}

// Coverage kinds and statuses.
const (
	KindRule = "rule"
	KindCode = "code"

	CoverageCovered      = "covered"
	CoverageNotReachable = "not-reachable"
	// CoverageMissing marks a rule or code no scenario exercises although it is reachable: a
	// gap in the suite.
	CoverageMissing = "missing"
	// CoverageNotChecked marks a rule scenarios cover but that was not checked on this target
	// (its scenarios did not pass there: not checked, not applicable, a difference, failed);
	// the reason says which.
	CoverageNotChecked = "not-checked"
	// CoverageFailed marks a rule a covering scenario failed on this target.
	CoverageFailed = "failed"
)

// CoverageRow is one row of the coverage matrix: which scenarios exercise a rule or a result
// code of an interface.
type CoverageRow struct {
	Interface string `json:"interface"`
	// Item is the rule id (for example "13.1-x-reuse") or the result code ("1010002").
	Item string `json:"item"`
	// Kind is KindRule or KindCode.
	Kind string `json:"kind"`
	// Description is a short human text for the item.
	Description string   `json:"description,omitempty"`
	Scenarios   []string `json:"scenarios,omitempty"`
	// Status is CoverageCovered, CoverageNotReachable, CoverageMissing, CoverageNotChecked or
	// CoverageFailed.
	Status string `json:"status"`
	// Reason explains a not-reachable or missing row.
	Reason string `json:"reason,omitempty"`
}

// Load is the result of the load tester.
type Load struct {
	Scenarios []LoadScenario `json:"scenarios"`
}

// LoadScenario is one load scenario (a constant rate, a ramp, a step sequence).
type LoadScenario struct {
	Name string `json:"name"`
	// Workload identifies the load across runs, whatever the output directory or label: the
	// modes and the workload's name (axb-bind-unbind). A baseline comparison matches
	// scenarios by it.
	Workload string `json:"workload,omitempty"`
	// Description says what the scenario does, for readers.
	Description string `json:"description,omitempty"`
	// Primary is the interface whose rate the scenario drives (axb.bind for bind-unbind): the
	// rates and the rate chart count its requests; the other interfaces follow from it.
	Primary string `json:"primary,omitempty"`
	// TargetRate is the mean requested rate of Primary (req/s) and AchievedRate the mean
	// delivered one, over the plan's duration.
	TargetRate   float64 `json:"targetRate"`
	AchievedRate float64 `json:"achievedRate"`
	// ShortfallPct is how far below target the delivered rate was, in percent (0 when the
	// target was met); see ShortfallPct.
	ShortfallPct float64       `json:"shortfallPct"`
	Duration     time.Duration `json:"duration"`
	// Requests counts every request of every interface, cleanup after the plan included;
	// PrimaryRequests those of Primary; AfterPlanRequests those sent after the plan's end
	// (unbinds of the last holds). The steps' requests add up to Requests-AfterPlanRequests.
	Requests          int64 `json:"requests"`
	PrimaryRequests   int64 `json:"primaryRequests,omitempty"`
	AfterPlanRequests int64 `json:"afterPlanRequests,omitempty"`
	// SuccessRatio is the share (0..1) of requests with HTTP 2xx and resultcode "0".
	SuccessRatio float64 `json:"successRatio"`
	// Interfaces are the per-interface statistics.
	Interfaces []InterfaceLoad `json:"interfaces,omitempty"`
	// ResultCodes is the result code breakdown of all requests, sorted by count.
	ResultCodes []CodeCount `json:"resultCodes,omitempty"`
	// Series is the time series (per second or per step).
	Series []SeriesPoint `json:"series,omitempty"`
	// Histogram is the latency histogram of all requests.
	Histogram *Histogram `json:"histogram,omitempty"`
	// Steps are the load steps with their conformance (schema) errors.
	Steps []LoadStep `json:"steps,omitempty"`
	// Generator is the load generator's own timing; when it is Bound, the latency figures
	// measure the generator's queueing, not the target.
	Generator *GeneratorTiming `json:"generator,omitempty"`
	// Rejections are the non-success answers by result code, throttling (flow control) first.
	Rejections []Rejection `json:"rejections,omitempty"`
	// Flows are the workload's flows with their sessions and per-step requests.
	Flows []FlowLoad `json:"flows,omitempty"`
	// ShardRates are the primary operation's rates over time of each shard of a merged
	// scenario (empty for one shard); at every T they add up to Series' rates.
	ShardRates []ShardRate `json:"shardRates,omitempty"`
	// Warnings are the load run's own remarks (a generator that fell behind, a shard that
	// started late, shards missing from a merge, a merge that was not exact).
	Warnings []string `json:"warnings,omitempty"`
	// MergeDropped are the histograms of a merged scenario that lost values in the merge
	// (outside the range of the histogram they were added to): the merge was not exact and
	// the run fails. Empty when every value was kept.
	MergeDropped []MergeDropped `json:"mergeDropped,omitempty"`
	// Cleanup is the account of the bindings the scenario made; nil when its result does not
	// record one. Bindings left behind are also a run error (LoadCleanupError), which is what
	// fails the verdict.
	Cleanup *LoadCleanup `json:"cleanup,omitempty"`
}

// LoadCleanup is a load scenario's binding account: Bound and Unbound by the load itself,
// Removed by the cleanup after it, Leaked (could not be removed) and Unknown (binds whose
// answer was lost and that cleanup could not look up). Problem names what was left behind,
// empty when nothing was.
type LoadCleanup struct {
	Bound   int64  `json:"bound"`
	Unbound int64  `json:"unbound"`
	Removed int64  `json:"removed"`
	Leaked  int64  `json:"leaked"`
	Unknown int64  `json:"unknown,omitempty"`
	Problem string `json:"problem,omitempty"`
}

// LoadCleanupError is the run error of a load scenario that left bindings behind: the one
// text the console, the page, junit.xml and ctrf.json show, and by which the CI formats pair
// the error with the scenario's cleanup check.
func LoadCleanupError(scenario, problem string) string {
	return "load " + scenario + " " + problem
}

// MergeDropped is one histogram whose merge dropped Values recorded values.
type MergeDropped struct {
	Histogram string `json:"histogram"`
	Values    int64  `json:"values"`
}

// GeneratorTiming is how late the generator sent its requests against their intended instants
// (Lag), and how much of that it waited for a free worker or connection (Blocked).
type GeneratorTiming struct {
	LagP50     time.Duration `json:"lagP50"`
	LagP99     time.Duration `json:"lagP99"`
	LagMax     time.Duration `json:"lagMax"`
	BlockedP99 time.Duration `json:"blockedP99"`
	// Limit is the p99 lag above which the run is generator-bound.
	Limit time.Duration `json:"limit"`
	Bound bool          `json:"bound"`
}

// Rejection counts the answers with one non-success result code. Throttling marks the
// platform's flow control (told by the answers' resultdesc, not by the code: 1010010 is also
// "Invalid digest."); Description is the same text as the result-code table's row of these
// answers. Began is when the first arrived (from the start) and BeganAtRate the requests per
// second answered then.
type Rejection struct {
	Code        string        `json:"code"`
	Description string        `json:"description,omitempty"`
	Throttling  bool          `json:"throttling"`
	Count       int64         `json:"count"`
	Began       time.Duration `json:"began"`
	BeganAtRate float64       `json:"beganAtRate"`
}

// FlowLoad is one flow of a workload: sessions planned and started, completed (every step
// sent) and ended early, and the requests of each step.
type FlowLoad struct {
	Name      string     `json:"name"`
	Mode      string     `json:"mode"`
	Planned   float64    `json:"planned"`
	Sessions  int64      `json:"sessions"`
	Completed int64      `json:"completed"`
	Ended     int64      `json:"ended"`
	Steps     []FlowStep `json:"steps"`
}

// FlowStep counts the requests of one step of a flow.
type FlowStep struct {
	Op        string `json:"op"`
	Interface string `json:"interface"`
	Requests  int64  `json:"requests"`
	Success   int64  `json:"success"`
}

// ShardRate is one shard's rate over time in a merged load scenario.
type ShardRate struct {
	// Shard is "i/N".
	Shard string `json:"shard"`
	// Points use the time base of LoadScenario.Series.
	Points []ShardRatePoint `json:"points"`
}

// ShardRatePoint is one interval of one shard: scheduled and sent requests per second.
type ShardRatePoint struct {
	T            time.Duration `json:"t"`
	TargetRate   float64       `json:"targetRate"`
	AchievedRate float64       `json:"achievedRate"`
}

// ShortfallPct returns how far achieved is below target in percent, 0 when target is met or
// unset.
func ShortfallPct(target, achieved float64) float64 {
	if target <= 0 || achieved >= target {
		return 0
	}
	return (target - achieved) / target * 100
}

// Percentiles are latency percentiles. Service time is measured from sending a request to
// its response; corrected response time is measured from when the request was due by the
// schedule, which includes queueing the load generator hid (coordinated omission).
type Percentiles struct {
	P50  time.Duration `json:"p50"`
	P90  time.Duration `json:"p90"`
	P99  time.Duration `json:"p99"`
	P999 time.Duration `json:"p999"`
	Max  time.Duration `json:"max"`
}

// IsZero reports whether no percentile was recorded.
func (p Percentiles) IsZero() bool { return p == Percentiles{} }

// InterfaceLoad holds the statistics of one interface within a load scenario.
type InterfaceLoad struct {
	Interface    string      `json:"interface"`
	Requests     int64       `json:"requests"`
	TargetRate   float64     `json:"targetRate,omitempty"`
	AchievedRate float64     `json:"achievedRate"`
	SuccessRatio float64     `json:"successRatio"`
	Service      Percentiles `json:"service"`
	Corrected    Percentiles `json:"corrected"`
	// ResultCodes are the per-code statistics of this interface.
	ResultCodes []CodeStats `json:"resultCodes,omitempty"`
}

// CodeStats are the statistics of one result code of one interface.
type CodeStats struct {
	// Code is the PNS resultcode, or "http-<status>" / "transport" when there was none.
	Code      string      `json:"code"`
	Count     int64       `json:"count"`
	Service   Percentiles `json:"service"`
	Corrected Percentiles `json:"corrected"`
}

// CodeCount is one line of a result code breakdown.
type CodeCount struct {
	Code        string `json:"code"`
	Description string `json:"description,omitempty"`
	Count       int64  `json:"count"`
}

// SeriesPoint is one time-series sample: one second of the plan, aligned on the run's start.
type SeriesPoint struct {
	// T is the offset from the scenario start at the end of the sample interval (1 s for
	// the first second; the last point is at the plan's end).
	T time.Duration `json:"t"`
	// TargetRate and AchievedRate are the scheduled and sent requests of the scenario's
	// Primary interface in the interval (per second).
	TargetRate   float64 `json:"targetRate"`
	AchievedRate float64 `json:"achievedRate"`
	// Requests counts the requests of every interface sent in the interval.
	Requests int64 `json:"requests,omitempty"`
	// SuccessPct is 0..100.
	SuccessPct float64 `json:"successPct"`
	// P50 and P99 are corrected response times over the interval.
	P50               time.Duration `json:"p50"`
	P99               time.Duration `json:"p99"`
	ConformanceErrors int64         `json:"conformanceErrors"`
	// InFlight is the mean number of requests in flight over the interval (their service
	// time within it divided by its length), what an active-sessions gauge would average.
	InFlight float64 `json:"inFlight,omitempty"`
	// ActiveSessions is the mean number of sessions in progress over the interval: arrivals of
	// the scenario's flows between their first request's dispatch and their last answer,
	// think times included (Gatling's active users, averaged rather than sampled).
	ActiveSessions float64 `json:"activeSessions,omitempty"`
	// Interfaces are the interval's requests by interface, in ID order; an interface
	// without a request in the interval has no entry.
	Interfaces []InterfacePoint `json:"interfaces,omitempty"`
}

// InterfacePoint is one interface's requests started in one interval of a time series.
type InterfacePoint struct {
	Interface string `json:"interface"`
	// Requests counts the requests started in the interval (its rate per second).
	Requests int64 `json:"requests"`
	// P50, P95 and P99 are their corrected response times (0 when none was timed).
	P50 time.Duration `json:"p50"`
	P95 time.Duration `json:"p95"`
	P99 time.Duration `json:"p99"`
}

// Histogram is a latency histogram.
type Histogram struct {
	// Metric is "corrected" or "service".
	Metric  string            `json:"metric"`
	Buckets []HistogramBucket `json:"buckets"`
	// DroppedOnMerge counts the values lost when the histograms the chart is cut from were
	// merged (outside the receiving one's range): the buckets leave them out. 0 when exact.
	DroppedOnMerge int64 `json:"droppedOnMerge,omitempty"`
}

// HistogramBucket counts latencies in [From, To).
type HistogramBucket struct {
	From  time.Duration `json:"from"`
	To    time.Duration `json:"to"`
	Count int64         `json:"count"`
}

// LoadStep is one step of a stepped load scenario (a constant-rate scenario has one).
type LoadStep struct {
	Index        int           `json:"index"`
	TargetRate   float64       `json:"targetRate"`
	AchievedRate float64       `json:"achievedRate"`
	Duration     time.Duration `json:"duration"`
	Requests     int64         `json:"requests"`
	SuccessRatio float64       `json:"successRatio"`
	// P99 and ServiceP99 are the corrected and the service p99 over every request of the
	// step (all interfaces), from the step's merged histograms.
	P99        time.Duration `json:"p99"`
	ServiceP99 time.Duration `json:"serviceP99,omitempty"`
	// ConformanceErrors counts responses that violated their schema during the step.
	ConformanceErrors int64 `json:"conformanceErrors"`
	// Violations are the most frequent distinct violations of the step.
	Violations []ViolationCount `json:"violations,omitempty"`
	// DroppedOnMerge counts the values lost when the step's seconds' histograms were merged
	// (outside the receiving one's range): P99 and ServiceP99 leave them out. 0 when exact.
	DroppedOnMerge int64 `json:"droppedOnMerge,omitempty"`
}

// ViolationCount counts one distinct schema violation.
type ViolationCount struct {
	Interface string `json:"interface"`
	SchemaViolation
	Count int64 `json:"count"`
}

// Callbacks is the result of the callback (notification) receiver.
type Callbacks struct {
	// Expected and Received count notification records over all types: Expected what the
	// calls the harness made and announced to the receiver (the load's calls) must produce,
	// Received every distinct record that arrived (pushes of other origin, such as the
	// conformance scenarios' calls, X-number status and SMS, included).
	Expected int64 `json:"expected"`
	Received int64 `json:"received"`
	// ExpectedReceived is the part of Received about the calls behind Expected (the same
	// scope as Expected), OtherReceived the rest. Both are nil when the receiver's results
	// predate the split (an older harness): the scopes are then unknown, not zero.
	ExpectedReceived *int64 `json:"expectedReceived,omitempty"`
	OtherReceived    *int64 `json:"otherReceived,omitempty"`
	// Reference is what delays are measured from: "emulator" (the emission instant the
	// emulator states in its X-Emulator-Emitted-At header, exact), "platform" (the body's
	// timestamps, 1 s resolution) or "trigger" (the harness's request that started the call).
	Reference string `json:"reference,omitempty"`
	// Resolution is the resolution of the reference instants (1 µs or 1 s).
	Resolution time.Duration    `json:"resolution,omitempty"`
	Events     []CallbackType   `json:"events"`
	Counters   CallbackCounters `json:"counters"`
	// PlatformClock is the spread of arrival − platform timestamp, when delays were measured
	// against the platform's timestamps: a negative Min means the platform's clock is ahead.
	PlatformClock *ClockSpread `json:"platformClock,omitempty"`
	// EmulatorLoss counts pushes the embedded emulator itself lost (nil when the platform was
	// not the embedded emulator).
	EmulatorLoss *EmulatorLoss `json:"emulatorLoss,omitempty"`
	// Problems lists individual anomalies (missing or duplicated notifications of a call,
	// bad signatures, schema violations), at most MaxCallbackProblems.
	Problems []string `json:"problems,omitempty"`
	// Reproductions replay pushes judged wrong (bad signatures, schema violations) and make
	// the calls judged wrong again, at most MaxCallbackProblems: each is a curl command a
	// user runs against their receiver or `harness receive` (or the emulator, for a call) to
	// get the same judgement again.
	Reproductions []CallbackReproduction `json:"reproductions,omitempty"`
	// MissingBasis says how missing notifications were known: MissingExpected,
	// MissingFromPushes or MissingUnknown (then Counters.Missing measures nothing).
	MissingBasis string `json:"missingBasis,omitempty"`
	// Unsettled counts calls not judged yet: a push about them arrived less than the
	// settle time before the end.
	Unsettled int64 `json:"unsettled,omitempty"`
	// Attempts counts accepted notifications by the deliveries they took ("1", "2", …);
	// FirstRepush is the measured interval from a refused first delivery to its re-push.
	Attempts    map[string]int64 `json:"attempts,omitempty"`
	FirstRepush *RepushInterval  `json:"firstRepush,omitempty"`
	// Causes counts the calls' disconnects by hang-up cause (stateCode), ordered by code,
	// with the contract's meaning (reference §7.7); empty when no disconnect arrived.
	Causes []CallbackCause `json:"causes,omitempty"`
}

// CallbackCause is one row of the hang-up cause table: the disconnects that carried Code.
// Code is the decimal stateCode, or "absent" (no stateCode) or "not-integer"; Listed is false
// for a code the contract's table does not list (Group and Meaning are then empty).
type CallbackCause struct {
	Code    string `json:"code"`
	Count   int64  `json:"count"`
	Listed  bool   `json:"listed"`
	Group   string `json:"group,omitempty"`
	Meaning string `json:"meaning,omitempty"`
}

// How missing notifications were known (Callbacks.MissingBasis).
const (
	// MissingExpected: the harness triggered the calls and knew what each must push.
	MissingExpected = "expected"
	// MissingFromPushes: each call was judged from its own pushes against the contract's
	// sequences; a call that pushed nothing at all cannot be seen.
	MissingFromPushes = "pushes"
	// MissingUnknown: nothing told the receiver which calls happened.
	MissingUnknown = "unknown"
)

// RepushInterval is the measured interval between a refused first delivery and the
// platform's first re-push, against the contract's (reference §7.6: 1 minute).
type RepushInterval struct {
	Count    int64         `json:"count"`
	Min      time.Duration `json:"min"`
	Mean     time.Duration `json:"mean"`
	Max      time.Duration `json:"max"`
	Contract time.Duration `json:"contract"`
}

// MaxCallbackProblems caps Callbacks.Problems.
const MaxCallbackProblems = 50

// CallbackType holds the statistics of one event type (callin, callout, alerting, answer,
// disconnect, collectInfo, fee per record, numStatus per entry, the SMS kinds). Latency is the
// delay from the reference instant (Callbacks.Reference) to receipt.
type CallbackType struct {
	Event   string      `json:"event"`
	Count   int64       `json:"count"`
	Latency Percentiles `json:"latency"`
	// Expected, Received and Missing compare with the notifications the run's simulated calls
	// must produce; Duplicate, OutOfOrder, Late and ClockSkew count anomalies of the type
	// (ClockSkew: negative delays, counted and never recorded as delays).
	Expected int64 `json:"expected"`
	Received int64 `json:"received"`
	// ExpectedReceived is the part of Received about the calls behind Expected (nil: not
	// known, an older harness's results); the rest came from other calls.
	ExpectedReceived *int64 `json:"expectedReceived,omitempty"`
	Missing          int64  `json:"missing"`
	Duplicate        int64  `json:"duplicate"`
	OutOfOrder       int64  `json:"outOfOrder"`
	Late             int64  `json:"late"`
	ClockSkew        int64  `json:"clockSkew"`
	// DroppedOnMerge counts the delays lost when the receivers' histograms of the type were
	// merged (outside the receiving one's range): Latency and Histogram leave them out, and
	// thresholds on them are not measured. 0 when exact.
	DroppedOnMerge int64 `json:"droppedOnMerge,omitempty"`
	// Histogram is the delay distribution (metric "delay"); Series the delay over time.
	Histogram *Histogram      `json:"histogram,omitempty"`
	Series    []CallbackPoint `json:"series,omitempty"`
}

// Other is the part of Received not about the calls behind Expected, nil when the results do
// not tell the scopes apart.
func (e CallbackType) Other() *int64 {
	if e.ExpectedReceived == nil {
		return nil
	}
	o := e.Received - *e.ExpectedReceived
	return &o
}

// CallbackPoint is one bucket of a delay-over-time series: arrivals in the bucket ending T
// after the receiver started.
type CallbackPoint struct {
	T     time.Duration `json:"t"`
	Count int64         `json:"count"`
	Mean  time.Duration `json:"mean"`
	Max   time.Duration `json:"max"`
}

// ClockSpread is the smallest and largest arrival − platform timestamp seen.
type ClockSpread struct {
	Samples int64         `json:"samples"`
	Min     time.Duration `json:"min"`
	Max     time.Duration `json:"max"`
}

// clockBehindAfter is the smallest arrival − timestamp from which every delay is suspected to
// be the platform's clock running behind: twice the timestamps' 1 s resolution, which a
// prompt delivery never reaches on every record.
const clockBehindAfter = 2 * time.Second

// Offset estimates the platform's clock against the receiver's from the fastest delivery:
// negative when the platform's clock is ahead (by at least −Offset), positive when every
// record took at least Offset, which past clockBehindAfter only a platform clock running
// behind explains (Suspect).
func (c *ClockSpread) Offset() (offset time.Duration, suspect bool) {
	if c == nil {
		return 0, false
	}
	return c.Min, c.Min < 0 || c.Min >= clockBehindAfter
}

// Note says in one sentence what the spread says of the platform's clock ("" when nothing).
func (c *ClockSpread) Note() string {
	off, suspect := c.Offset()
	switch {
	case !suspect:
		return ""
	case off < 0:
		return fmt.Sprintf("the platform's clock is ahead of the receiver's by at least %s: its negative delays are counted as clockSkew, not recorded", FormatDuration(-off))
	}
	return fmt.Sprintf("every record arrived at least %s after its timestamp: the platform's clock is probably behind the receiver's by up to that much, so delays (and late counts) near it may be clock offset, not delivery", FormatDuration(off))
}

// EmulatorLoss counts pushes lost inside the emulator: refused because their destination's
// backlog was full (Overflow), undelivered after the last re-push (Dropped), or with a
// re-push still pending at shutdown (Abandoned).
type EmulatorLoss struct {
	Overflow  int64 `json:"overflow"`
	Dropped   int64 `json:"dropped"`
	Abandoned int64 `json:"abandoned"`
}

// Total is the number of pushes lost.
func (l *EmulatorLoss) Total() int64 {
	if l == nil {
		return 0
	}
	return l.Overflow + l.Dropped + l.Abandoned
}

// CallbackCounters count anomalies; every non-zero counter is a finding.
type CallbackCounters struct {
	Missing      int64 `json:"missing"`
	Duplicate    int64 `json:"duplicate"`
	OutOfOrder   int64 `json:"outOfOrder"`
	Late         int64 `json:"late"`
	BadSignature int64 `json:"badSignature"`
	// Invalid counts signed bodies that are no valid notification (not JSON, wrong types,
	// schema-invalid, unknown event type), each once.
	Invalid int64 `json:"invalid"`
	// ClockSkew counts negative delays (sender clock ahead of the receiver's).
	ClockSkew int64 `json:"clockSkew"`
	// Orphan counts fee records of calls without any event; AfterDisconnect calls with an
	// event stamped after their disconnect.
	Orphan          int64 `json:"orphan"`
	AfterDisconnect int64 `json:"afterDisconnect"`
}

// Total is the sum of all anomaly counters.
func (c CallbackCounters) Total() int64 {
	return c.Missing + c.Duplicate + c.OutOfOrder + c.Late + c.BadSignature + c.Invalid + c.ClockSkew + c.Orphan + c.AfterDisconnect
}

// Failures are the anomalies that fail a run by themselves: notifications missing or
// duplicated beyond the documented re-pushes, badly signed or invalid ones, fee records
// without their call, events after a call's disconnect, and pushes the emulator lost. Out-of-order and late arrivals are legitimate under re-pushes and are
// left to thresholds.
func (cb *Callbacks) Failures() []string {
	if cb == nil {
		return nil
	}
	c := cb.Counters
	var out []string
	for _, f := range []struct {
		n         int64
		one, many string
	}{
		{c.Missing, "callback missing", "callbacks missing"},
		{c.Duplicate, "callback duplicated", "callbacks duplicated"},
		{c.BadSignature, "callback badly signed", "callbacks badly signed"},
		{c.Invalid, "callback invalid", "callbacks invalid"},
		{c.Orphan, "fee record without its call", "fee records without their call"},
		{c.AfterDisconnect, "call with an event after its disconnect", "calls with an event after their disconnect"},
		{cb.EmulatorLoss.Total(), "callback lost by the emulator", "callbacks lost by the emulator"},
	} {
		if f.n > 0 {
			out = append(out, plural(int(f.n), f.one, f.many))
		}
	}
	return out
}

// Units of Threshold.Observed.
const (
	UnitNanoseconds = "ns"
	UnitRatio       = "ratio"
	UnitPercent     = "%"
	UnitRate        = "req/s"
	UnitCount       = "count"
)

// Threshold is one evaluated threshold expression of the profile.
type Threshold struct {
	// Expression is the threshold as written, for example "load.axb.bind.p99 < 200ms".
	Expression string `json:"expression"`
	// Observed is the measured value in Unit.
	Observed float64 `json:"observed"`
	// Unit is one of the Unit constants; UnitNanoseconds values are rendered as durations.
	Unit   string `json:"unit,omitempty"`
	Passed bool   `json:"passed"`
	// NotChecked says the threshold could not be measured on this run and nobody asked for
	// it (a subcommand's default): it is neither passed nor failed, and Message says why.
	// Set it through Unmeasured only.
	NotChecked bool `json:"notChecked,omitempty"`
	// Message explains a failure, an evaluation problem or why the threshold was not checked.
	Message string `json:"message,omitempty"`
}

// Threshold states, as Threshold.State reports them.
const (
	ThresholdPassed     = "passed"
	ThresholdFailed     = "failed"
	ThresholdNotChecked = "not checked"
)

// Unmeasured records that t could not be measured, for reason. A threshold the user gave
// fails: they asked for that gate, and a gate that was not measured did not hold. A default
// one (given false) is not checked: failing it would be a false failure, passing it a false
// pass. This is the one place that rule lives.
func (t *Threshold) Unmeasured(reason string, given bool) {
	t.Passed, t.NotChecked, t.Message = false, !given, reason
}

// State is the threshold's state: ThresholdPassed, ThresholdFailed or ThresholdNotChecked.
func (t Threshold) State() string {
	switch {
	case t.NotChecked:
		return ThresholdNotChecked
	case t.Passed:
		return ThresholdPassed
	}
	return ThresholdFailed
}

// Broken says the threshold breaks the run: it failed (a not-checked one does not).
func (t Threshold) Broken() bool { return t.State() == ThresholdFailed }

// ObservedString renders Observed for humans according to Unit.
func (t Threshold) ObservedString() string {
	return formatValue(t.Observed, t.Unit)
}

// Verdict statuses.
const (
	VerdictPass = "PASS"
	VerdictFail = "FAIL"
	// VerdictEmpty is used when nothing ran at all: a run without results must not look
	// green.
	VerdictEmpty = "NO RESULTS"
)

// ThresholdCounts is the thresholds part of a console headline: "9 passed, 0 failed", plus
// ", 1 not checked" when some were not checked.
func (v Verdict) ThresholdCounts() string {
	s := fmt.Sprintf("%d passed, %d failed", v.ThresholdsPassed, v.ThresholdsFailed)
	if v.ThresholdsNotChecked > 0 {
		s += fmt.Sprintf(", %d not checked", v.ThresholdsNotChecked)
	}
	return s
}

// Verdict is the overall outcome with the counts behind it.
type Verdict struct {
	Status             string `json:"status"`
	ScenariosPassed    int    `json:"scenariosPassed"`
	ScenariosFailed    int    `json:"scenariosFailed"`
	ScenariosSkipped   int    `json:"scenariosSkipped"`
	ScenariosUndefined int    `json:"scenariosUndefined"`
	// The skipped scenarios by the runner's state: not checked (with a reason), not
	// applicable, known differences and differences from emulator decisions. None fails the
	// verdict.
	ScenariosNotChecked    int `json:"scenariosNotChecked,omitempty"`
	ScenariosNotApplicable int `json:"scenariosNotApplicable,omitempty"`
	KnownDifferences       int `json:"knownDifferences,omitempty"`
	Differs                int `json:"differs,omitempty"`
	ThresholdsPassed       int `json:"thresholdsPassed"`
	ThresholdsFailed       int `json:"thresholdsFailed"`
	// ThresholdsNotChecked counts the default thresholds that could not be measured
	// (Threshold.NotChecked); they do not fail the verdict.
	ThresholdsNotChecked int   `json:"thresholdsNotChecked,omitempty"`
	LoadScenarios        int   `json:"loadScenarios"`
	CallbackAnomalies    int64 `json:"callbackAnomalies"`
	// CallbackFailures counts the callback anomalies that fail the run (Callbacks.Failures).
	CallbackFailures int `json:"callbackFailures,omitempty"`
	// Reasons lists why the verdict is FAIL, in order of importance.
	Reasons []string `json:"reasons,omitempty"`
}

// ComputeVerdict derives the verdict: FAIL on any failed or undefined scenario (the suite runs
// strict), any failed threshold or any run error; NO RESULTS when no section has data;
// otherwise PASS. Missing, duplicated, badly signed or schema-invalid callbacks and pushes
// lost by the emulator fail the run (Callbacks.Failures); other callback anomalies and load
// shortfall fail it only through thresholds, so that a profile decides what it tolerates.
func (s *Summary) ComputeVerdict() Verdict {
	var v Verdict
	hasData := false
	if c := s.Conformance; c != nil {
		for _, sc := range c.Scenarios {
			hasData = true
			switch sc.Status {
			case StatusPassed:
				v.ScenariosPassed++
			case StatusFailed:
				v.ScenariosFailed++
			case StatusSkipped:
				v.ScenariosSkipped++
				switch sc.State {
				case StateNotApplicable:
					v.ScenariosNotApplicable++
				case StateKnownDifference:
					v.KnownDifferences++
				case StateDiffers:
					v.Differs++
				default:
					v.ScenariosNotChecked++
				}
			default:
				v.ScenariosUndefined++
			}
		}
	}
	if s.Load != nil && len(s.Load.Scenarios) > 0 {
		hasData = true
		v.LoadScenarios = len(s.Load.Scenarios)
	}
	if s.Callbacks != nil {
		hasData = true
		v.CallbackAnomalies = s.Callbacks.Counters.Total()
	}
	for _, t := range s.Thresholds {
		hasData = true
		switch t.State() {
		case ThresholdPassed:
			v.ThresholdsPassed++
		case ThresholdFailed:
			v.ThresholdsFailed++
		default:
			v.ThresholdsNotChecked++
		}
	}
	if len(s.Errors) > 0 {
		v.Reasons = append(v.Reasons, plural(len(s.Errors), "run error", "run errors"))
	}
	if v.ScenariosFailed > 0 {
		v.Reasons = append(v.Reasons, plural(v.ScenariosFailed, "scenario failed", "scenarios failed"))
	}
	if v.ScenariosUndefined > 0 {
		v.Reasons = append(v.Reasons, plural(v.ScenariosUndefined, "scenario undefined", "scenarios undefined"))
	}
	if cf := s.Callbacks.Failures(); len(cf) > 0 {
		v.CallbackFailures = len(cf)
		v.Reasons = append(v.Reasons, cf...)
	}
	if v.ThresholdsFailed > 0 {
		v.Reasons = append(v.Reasons, plural(v.ThresholdsFailed, "threshold failed", "thresholds failed"))
	}
	switch {
	case len(v.Reasons) > 0:
		v.Status = VerdictFail
	case !hasData:
		v.Status = VerdictEmpty
		v.Reasons = []string{"no conformance, load, callback or threshold results"}
	default:
		v.Status = VerdictPass
	}
	return v
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// prepared returns a redacted shallow copy of s with the schema version and verdict set, the
// form every writer renders. s itself is not modified.
func (s *Summary) prepared() *Summary {
	c := *s
	c.SchemaVersion = SchemaVersion
	v := s.ComputeVerdict()
	c.Verdict = &v
	c.Manifest = RedactManifest(s.Manifest)
	return &c
}

// WriteJSON writes s as indented summary.json: schemaVersion and verdict are set, the
// manifest is redacted.
func WriteJSON(w io.Writer, s *Summary) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s.prepared()); err != nil {
		return fmt.Errorf("reports: encode summary: %w", err)
	}
	return nil
}

// ReadJSON decodes a summary and checks its schema version.
func ReadJSON(r io.Reader) (*Summary, error) {
	var s Summary
	if err := json.NewDecoder(r).Decode(&s); err != nil {
		return nil, fmt.Errorf("reports: decode summary: %w", err)
	}
	if s.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("reports: summary schemaVersion %d, want %d", s.SchemaVersion, SchemaVersion)
	}
	return &s, nil
}

// LoadSummary reads a summary.json file (for example a baseline).
func LoadSummary(path string) (*Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	defer f.Close()
	s, err := ReadJSON(f)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	return s, nil
}

// CountByInterface computes per-interface outcome counts of scenarios, ordered as
// InterfaceOrder.
func CountByInterface(scenarios []Scenario) []InterfaceCounts {
	m := map[string]*InterfaceCounts{}
	for _, sc := range scenarios {
		id := sc.Interface
		if id == "" {
			id = InterfaceOther
		}
		c := m[id]
		if c == nil {
			c = &InterfaceCounts{Interface: id}
			m[id] = c
		}
		switch sc.Status {
		case StatusPassed:
			c.Passed++
		case StatusFailed:
			c.Failed++
		case StatusSkipped:
			if sc.State == StateKnownDifference || sc.State == StateDiffers {
				c.Differences++
			} else {
				c.Skipped++
			}
		default:
			c.Undefined++
		}
	}
	out := make([]InterfaceCounts, 0, len(m))
	for _, c := range m {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return interfaceLess(out[i].Interface, out[j].Interface) })
	return out
}

// NewConformance builds the conformance section from parsed scenarios and the coverage matrix:
// it fills the per-interface counts and sets Duration to the sum of the scenario durations.
// With concurrent scenarios the suite's wall time is the better figure; callers that measured
// it overwrite Duration.
func NewConformance(scenarios []Scenario, coverage []CoverageRow) *Conformance {
	var d time.Duration
	for _, sc := range scenarios {
		d += sc.Duration
	}
	return &Conformance{
		Interfaces: CountByInterface(scenarios),
		Scenarios:  scenarios,
		Coverage:   coverage,
		Duration:   d,
	}
}

// PercentilesFunc builds Percentiles from a quantile function taking a percentile in 0..100,
// so that any latency recorder converts in one line, for example an HdrHistogram recording
// nanoseconds: PercentilesFunc(func(p float64) time.Duration { return time.Duration(h.ValueAtQuantile(p)) }).
// The max is the value at 100.
func PercentilesFunc(at func(percentile float64) time.Duration) Percentiles {
	return Percentiles{P50: at(50), P90: at(90), P99: at(99), P999: at(99.9), Max: at(100)}
}
