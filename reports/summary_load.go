// Split from summary.go (issue 23): the load section of the summary.

package reports

import (
	"time"
)

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

// PercentilesFunc builds Percentiles from a quantile function taking a percentile in 0..100,
// so that any latency recorder converts in one line, for example an HdrHistogram recording
// nanoseconds: PercentilesFunc(func(p float64) time.Duration { return time.Duration(h.ValueAtQuantile(p)) }).
// The max is the value at 100.
func PercentilesFunc(at func(percentile float64) time.Duration) Percentiles {
	return Percentiles{P50: at(50), P90: at(90), P99: at(99), P999: at(99.9), Max: at(100)}
}
