// Split from summary.go (issue 23): the callbacks section of the summary.

package reports

import (
	"fmt"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

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
	// TypeAnomalies is the receiver's own value (receiver.TypeCounts), not a copy by field.
	pns.TypeAnomalies
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
