package receiver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/pns-harness/pns-harness/pns"
)

// Counters are the receiver's cumulative counts. Message-level counts are per delivery
// (Requests, BadSignature, InjectedFailures, Redeliveries, Duplicates) or per distinct body
// (everything about content).
type Counters struct {
	// Requests counts every POST received.
	Requests int64 `json:"requests"`
	// ReadErrors counts bodies that could not be read (or exceeded MaxBody).
	ReadErrors int64 `json:"readErrors"`
	// BadSignature counts deliveries whose signature did not verify (missing or malformed
	// headers, unknown app, wrong digest, Created outside Skew).
	BadSignature int64 `json:"badSignature"`
	// Unverified counts deliveries accepted without verification (Options.Apps nil).
	Unverified int64 `json:"unverified"`
	// InjectedFailures counts first deliveries answered FailStatus by FailFirst.
	InjectedFailures int64 `json:"injectedFailures"`
	// Redeliveries counts deliveries of a body previously answered non-200: expected
	// re-pushes.
	Redeliveries int64 `json:"redeliveries"`
	// Duplicates counts deliveries of a body previously answered 200: true duplicates (or a
	// 200 the platform did not receive in time).
	Duplicates int64 `json:"duplicates"`
	// Unrecovered counts bodies answered non-200 and never re-pushed so far.
	Unrecovered int64 `json:"unrecovered"`
	// Invalid counts distinct signed bodies that are not a valid notification, each once
	// whatever its defects: Malformed (not JSON, or a field of the wrong type), UnknownShape
	// (no known kind), UnknownEventTypes, EventsWithoutSession or SchemaInvalid. They are
	// never a delay row.
	Invalid int64 `json:"invalid"`
	// Malformed counts bodies that are not JSON (or have fields of the wrong JSON type);
	// UnknownShape bodies of no known kind.
	Malformed    int64 `json:"malformed"`
	UnknownShape int64 `json:"unknownShape"`
	// DuplicatesUntyped counts Duplicates of bodies of no known type (the others are
	// counted in their type's row).
	DuplicatesUntyped int64 `json:"duplicatesUntyped"`
	// NonceReplays counts pushes refused because their nonce was already accepted for the
	// same app within the skew window (also counted in BadSignature).
	NonceReplays int64 `json:"nonceReplays"`
	// RefusedNotRecorded counts refused bodies not remembered because the fixed-size record
	// of refused bodies was full (their re-push then counts as a new refused body).
	RefusedNotRecorded int64 `json:"refusedNotRecorded"`
	// SchemaInvalid counts distinct bodies with schema violations.
	SchemaInvalid int64 `json:"schemaInvalid"`
	// Events counts distinct call-event bodies; EventsWithoutSession those lacking a
	// sessionId; UnknownEventTypes those with an eventType outside §7.2.
	Events               int64 `json:"events"`
	EventsWithoutSession int64 `json:"eventsWithoutSession"`
	UnknownEventTypes    int64 `json:"unknownEventTypes"`
	// DuplicateEvents counts events of a type already seen in the same session, in a
	// different body.
	DuplicateEvents int64 `json:"duplicateEvents"`
	// OutOfOrder counts events that arrived after a later-stage event (§7.4 order) of their
	// session.
	OutOfOrder int64 `json:"outOfOrder"`
	// FeeMessages counts distinct fee bodies, FeeRecords distinct records (by icid),
	// DuplicateFeeRecords records whose icid arrived before in another body, FeeWithoutIcid
	// records lacking an icid (counted as distinct), MaxFeeBatch the largest feeLst seen.
	FeeMessages         int64 `json:"feeMessages"`
	FeeRecords          int64 `json:"feeRecords"`
	DuplicateFeeRecords int64 `json:"duplicateFeeRecords"`
	FeeWithoutIcid      int64 `json:"feeWithoutIcid"`
	MaxFeeBatch         int   `json:"maxFeeBatch"`
	// NumStatusMessages and NumStatusChanges count X-number status bodies and entries.
	NumStatusMessages int64 `json:"numStatusMessages"`
	NumStatusChanges  int64 `json:"numStatusChanges"`
	// SMSNotify and SMSBlock count distinct SMS bodies.
	SMSNotify int64 `json:"smsNotify"`
	SMSBlock  int64 `json:"smsBlock"`
	// DuplicateSMS counts SMS bodies whose smsIdentifier (per mode) arrived before in another
	// body.
	DuplicateSMS int64 `json:"duplicateSms"`
	// Late counts events and records whose platform-timestamp latency exceeded LateAfter.
	Late int64 `json:"late"`
	// BadTimestamps counts platform timestamps that do not parse, BadEmitted emulator
	// emission headers that do not parse or list fewer instants than records; ClockSkew
	// delays below zero (the sender's clock ahead of the receiver's: impossible, so counted
	// and never recorded as a delay); LatencyClamped delays beyond the histogram range (1 h).
	BadTimestamps  int64 `json:"badTimestamps"`
	BadEmitted     int64 `json:"badEmitted"`
	ClockSkew      int64 `json:"clockSkew"`
	LatencyClamped int64 `json:"latencyClamped"`
	// Expected counts expectations registered.
	Expected int64 `json:"expected"`
}

func (c *Counters) add(o Counters) {
	c.Requests += o.Requests
	c.ReadErrors += o.ReadErrors
	c.BadSignature += o.BadSignature
	c.Unverified += o.Unverified
	c.InjectedFailures += o.InjectedFailures
	c.Redeliveries += o.Redeliveries
	c.Duplicates += o.Duplicates
	c.Unrecovered += o.Unrecovered
	c.Invalid += o.Invalid
	c.DuplicatesUntyped += o.DuplicatesUntyped
	c.NonceReplays += o.NonceReplays
	c.RefusedNotRecorded += o.RefusedNotRecorded
	c.Malformed += o.Malformed
	c.UnknownShape += o.UnknownShape
	c.SchemaInvalid += o.SchemaInvalid
	c.Events += o.Events
	c.EventsWithoutSession += o.EventsWithoutSession
	c.UnknownEventTypes += o.UnknownEventTypes
	c.DuplicateEvents += o.DuplicateEvents
	c.OutOfOrder += o.OutOfOrder
	c.FeeMessages += o.FeeMessages
	c.FeeRecords += o.FeeRecords
	c.DuplicateFeeRecords += o.DuplicateFeeRecords
	c.FeeWithoutIcid += o.FeeWithoutIcid
	c.MaxFeeBatch = max(c.MaxFeeBatch, o.MaxFeeBatch)
	c.NumStatusMessages += o.NumStatusMessages
	c.NumStatusChanges += o.NumStatusChanges
	c.SMSNotify += o.SMSNotify
	c.SMSBlock += o.SMSBlock
	c.DuplicateSMS += o.DuplicateSMS
	c.Late += o.Late
	c.BadTimestamps += o.BadTimestamps
	c.BadEmitted += o.BadEmitted
	c.ClockSkew += o.ClockSkew
	c.LatencyClamped += o.LatencyClamped
	c.Expected += o.Expected
}

// SessionCounts summarise the calls (sessions) seen, at the time of the snapshot.
type SessionCounts struct {
	// Total is the number of distinct sessionIds.
	Total int64 `json:"total"`
	// Complete sessions have a complete event sequence (callin … disconnect, §7.4) and at
	// least one fee record.
	Complete int64 `json:"complete"`
	// EventsComplete sessions have a complete event sequence, with or without a fee.
	EventsComplete int64 `json:"eventsComplete"`
	// BrokenSequence sessions have a disconnect but an impossible set of events (no callin,
	// answer without alerting/callout, alerting without callout).
	BrokenSequence int64 `json:"brokenSequence"`
	// WithoutDisconnect and WithoutFee are sessions still lacking them (in progress, or lost).
	WithoutDisconnect int64 `json:"withoutDisconnect"`
	WithoutFee        int64 `json:"withoutFee"`
	// OutOfOrder, Duplicated and Late count sessions with at least one such event.
	OutOfOrder int64 `json:"outOfOrder"`
	Duplicated int64 `json:"duplicated"`
	Late       int64 `json:"late"`
	// Missing counts expectations past their deadline without their disconnect and fee;
	// Pending those not yet due; Satisfied those fulfilled.
	Missing   int64 `json:"missing"`
	Pending   int64 `json:"pending"`
	Satisfied int64 `json:"satisfied"`
	// Judged counts calls judged from their own pushes (Options.Settle); Incomplete those
	// lacking a notification §7.4 requires; Unsettled calls not judged yet because a push
	// about them arrived less than the settle time ago.
	Judged     int64 `json:"judged"`
	Incomplete int64 `json:"incomplete"`
	Unsettled  int64 `json:"unsettled"`
	// Orphan counts calls with a fee record but no call event at all; AfterDisconnect calls
	// with an event stamped later than their disconnect.
	Orphan          int64 `json:"orphan"`
	AfterDisconnect int64 `json:"afterDisconnect"`
}

func (s *SessionCounts) add(o SessionCounts) {
	s.Total += o.Total
	s.Complete += o.Complete
	s.EventsComplete += o.EventsComplete
	s.BrokenSequence += o.BrokenSequence
	s.WithoutDisconnect += o.WithoutDisconnect
	s.WithoutFee += o.WithoutFee
	s.OutOfOrder += o.OutOfOrder
	s.Duplicated += o.Duplicated
	s.Late += o.Late
	s.Missing += o.Missing
	s.Pending += o.Pending
	s.Satisfied += o.Satisfied
	s.Judged += o.Judged
	s.Incomplete += o.Incomplete
	s.Unsettled += o.Unsettled
	s.Orphan += o.Orphan
	s.AfterDisconnect += o.AfterDisconnect
}

// TypeCounts are the accounting of one notification type (callin … disconnect,
// collectInfo, "fee" per record, "numStatus" per entry, the SMS kinds).
type TypeCounts struct {
	// Expected counts what registered expectations require; Missing what they lacked when
	// due (or at a final snapshot).
	Expected int64 `json:"expected"`
	Received int64 `json:"received"`
	// OfExpected counts the Received records that are about a call an expectation named:
	// the scope of Expected. The rest came from calls nobody announced to this receiver (a
	// conformance scenario's, a real platform's) or are not about a call at all (X-number
	// status, SMS), and a report must not count them against Expected.
	OfExpected int64 `json:"ofExpected,omitempty"`
	Missing    int64 `json:"missing"`
	// TypeAnomalies are the duplicates, out-of-order, late and clock-skewed records of the
	// type (Duplicate: beyond the platform's re-pushes, which count as Redeliveries); the
	// report's CallbackType holds the same value.
	pns.TypeAnomalies
}

// ClockOffset summarises arrival − platform timestamp over all records measured against
// the platform's timestamps (1 s resolution, truncated). MinMs is an upper bound of the
// receiver's clock minus the platform's plus the fastest delivery: a negative MinMs means
// the platform's clock is ahead of the receiver's by at least −MinMs.
type ClockOffset struct {
	Samples int64   `json:"samples"`
	MinMs   float64 `json:"minMs"`
	MaxMs   float64 `json:"maxMs"`
}

// EventDetail is one event of a session in a failure detail.
type EventDetail struct {
	Type      string        `json:"type"`
	Timestamp string        `json:"timestamp"`
	Arrived   time.Duration `json:"arrivedNs"`
}

// SessionDetail describes a session with a problem.
type SessionDetail struct {
	SessionID      string        `json:"sessionId,omitempty"`
	SubscriptionID string        `json:"subscriptionId,omitempty"`
	Events         []EventDetail `json:"events,omitempty"`
	FeeRecords     int           `json:"feeRecords"`
	// Problems are short tags: "missing", "missing callin" (… per notification type),
	// "orphan-fee", "event-after-disconnect", "out-of-order", "duplicate-event",
	// "duplicate-fee", "late", "broken-sequence".
	Problems []string `json:"problems"`
	// Trigger is the request that made the call, when the harness made it (Expectation.Trigger).
	Trigger *CallTrigger `json:"trigger,omitempty"`
}

// CallTrigger is the request that made a simulated call: POST to the emulator's calls API.
type CallTrigger struct {
	URL  string `json:"url"`
	Body string `json:"body"`
	// Bind re-creates the binding the call went through, nil when the call needs none.
	Bind *SignedRequest `json:"bind,omitempty"`
}

// SignedRequest is a request of the PNS interface to send again: it must be signed afresh for
// AppKey (the signature sent is never kept).
type SignedRequest struct {
	Method string `json:"method"`
	URL    string `json:"url"`
	Body   string `json:"body"`
	AppKey string `json:"appKey"`
	// WSSE says the app signs with X-WSSE instead of X-AKSK.
	WSSE bool `json:"wsse,omitempty"`
}

// ViolationSample is a schema-invalid body's violations.
type ViolationSample struct {
	Kind       string        `json:"kind"`
	EventType  string        `json:"eventType,omitempty"`
	Arrived    time.Duration `json:"arrivedNs"`
	Violations []string      `json:"violations"`
	// Replay sends the push again (its body is in Replay.BodyFile once saved); nil when the
	// request was not kept.
	Replay *Replay `json:"replay,omitempty"`
}

// BadSignatureSample records a delivery whose signature failed (never the secret).
type BadSignatureSample struct {
	AppKey  string        `json:"appKey,omitempty"`
	Scheme  string        `json:"scheme,omitempty"`
	Arrived time.Duration `json:"arrivedNs"`
	// Reason says why: headers missing or malformed, unknown app key, wrong digest, Created
	// outside the skew window, nonce replayed.
	Reason string `json:"reason,omitempty"`
	// Replay re-sends the push with the signature header as received, the thing judged.
	Replay *Replay `json:"replay,omitempty"`
}

// DuplicateSample records a body delivered again after it was accepted (Counters.Duplicates).
type DuplicateSample struct {
	Kind      string        `json:"kind"`
	EventType string        `json:"eventType,omitempty"`
	Arrived   time.Duration `json:"arrivedNs"`
	// Replay sends the body twice (Replay.Repeat), which a receiver judges the same way.
	Replay *Replay `json:"replay,omitempty"`
}

// Deliveries describes how the platform delivered the bodies the receiver accepted.
type Deliveries struct {
	// Attempts counts accepted bodies by the number of deliveries they took ("1" = first
	// attempt; "8" = eight or more).
	Attempts map[string]int64 `json:"attempts,omitempty"`
	// FirstRepush is the interval from a refused first delivery to its first re-push, over
	// the bodies re-pushed (reference §7.6: 1 minute).
	FirstRepush *IntervalStats `json:"firstRepush,omitempty"`
	// FirstAttemptDelay is the delay of the refused first attempt of the re-pushed call
	// events and fee records (their Latency is that of the accepted delivery).
	FirstAttemptDelay *IntervalStats `json:"firstAttemptDelay,omitempty"`
}

// IntervalStats summarise measured intervals.
type IntervalStats struct {
	Count int64         `json:"count"`
	Min   time.Duration `json:"minNs"`
	Mean  time.Duration `json:"meanNs"`
	Max   time.Duration `json:"maxNs"`
}

// Latency summarises one latency histogram. Values are in milliseconds; Histogram holds the
// full HdrHistogram (V2 compressed, base64, unit microseconds) for merging and re-analysis.
type Latency struct {
	// Reference is RefPlatform or RefTrigger.
	Reference string `json:"reference"`
	// Type is the event type ("callin" … "disconnect", "collectInfo"), "fee", or the SMS kind.
	Type      string  `json:"type"`
	Count     int64   `json:"count"`
	MinMs     float64 `json:"minMs"`
	MeanMs    float64 `json:"meanMs"`
	P50Ms     float64 `json:"p50Ms"`
	P90Ms     float64 `json:"p90Ms"`
	P99Ms     float64 `json:"p99Ms"`
	P999Ms    float64 `json:"p999Ms"`
	MaxMs     float64 `json:"maxMs"`
	Histogram string  `json:"histogram"`
	// Series is the delay over time (omitted by Merge, whose inputs have separate clocks).
	Series []DelayPoint `json:"series,omitempty"`
}

// DelayPoint is one bucket of a delay-over-time series: arrivals in [AtS−WidthS, AtS) seconds
// after the receiver started.
type DelayPoint struct {
	AtS    float64 `json:"atS"`
	WidthS float64 `json:"widthS"`
	Count  int64   `json:"count"`
	MeanMs float64 `json:"meanMs"`
	MaxMs  float64 `json:"maxMs"`
}

// Hist decodes the histogram.
func (l Latency) Hist() (*hdrhistogram.Histogram, error) {
	return hdrhistogram.Decode([]byte(l.Histogram))
}

func summarise(ref, typ string, h *hdrhistogram.Histogram) (Latency, error) {
	enc, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		return Latency{}, fmt.Errorf("receiver: encode histogram %s/%s: %w", ref, typ, err)
	}
	ms := func(us int64) float64 { return float64(us) / 1000 }
	return Latency{Reference: ref, Type: typ, Count: h.TotalCount(),
		MinMs: ms(h.Min()), MeanMs: h.Mean() / 1000, P50Ms: ms(h.ValueAtQuantile(50)),
		P90Ms: ms(h.ValueAtQuantile(90)), P99Ms: ms(h.ValueAtQuantile(99)),
		P999Ms: ms(h.ValueAtQuantile(99.9)), MaxMs: ms(h.Max()), Histogram: string(enc)}, nil
}

// ReportFormat is the Report.Format of this receiver: 2 counts every duplicate once, in its
// type's row (ByType[t].Duplicate, Counters.DuplicatesUntyped), and every invalid body once
// (Counters.Invalid); 3 also counts, per type, the received records about expected calls
// (ByType[t].OfExpected), so that a report can keep the two scopes apart.
const ReportFormat = 3

// Report is a JSON-serialisable snapshot of the receiver.
type Report struct {
	// Format is ReportFormat (absent from the reports of older harnesses).
	Format   int           `json:"format,omitempty"`
	Started  time.Time     `json:"started"`
	Elapsed  time.Duration `json:"elapsedNs"`
	Counters Counters      `json:"counters"`
	// ByKind counts deliveries per detected kind; ByEventType distinct bodies per eventType
	// (fee, numStatus and SMS kinds included); ByScheme deliveries per signature scheme.
	ByKind      map[string]int64 `json:"byKind"`
	ByEventType map[string]int64 `json:"byEventType"`
	ByScheme    map[string]int64 `json:"byScheme"`
	Sessions    SessionCounts    `json:"sessions"`
	// ByType holds expected, received and anomaly counts per notification type.
	ByType map[string]TypeCounts `json:"byType,omitempty"`
	// Causes counts the distinct disconnect events by hang-up cause (stateCode, reference
	// §7.7): the decimal code, or CauseAbsent, or CauseNotInteger. pns.LookupHangupCause
	// gives a code's meaning; a code it does not know is no cause of the contract.
	Causes map[string]int64 `json:"causes,omitempty"`
	// BlockReplies counts the replies given to Block requests, every delivery included, by
	// "callin " or "sms " and the operation ("callin connect", "sms DiscardMessage"), or
	// "callin invalid" / "sms invalid" for a reply the contract does not allow.
	BlockReplies map[string]int64 `json:"blockReplies,omitempty"`
	// PlatformClock summarises delays measured against the platform's timestamps.
	PlatformClock *ClockOffset `json:"platformClock,omitempty"`
	// Final is true for a snapshot taken with Final: expectations not yet due count missing.
	Final bool `json:"final,omitempty"`
	// Settle is Options.Settle: when non-zero, calls were judged from their own pushes.
	Settle time.Duration `json:"settleNs,omitempty"`
	// Deliveries are the attempts per accepted body and the measured re-push interval.
	Deliveries *Deliveries `json:"deliveries,omitempty"`
	// Latency is sorted by Reference, then Type.
	Latency []Latency `json:"latency"`
	// Failures holds at most MaxDetails sessions with problems.
	Failures      []SessionDetail      `json:"failures,omitempty"`
	Violations    []ViolationSample    `json:"violations,omitempty"`
	BadSignatures []BadSignatureSample `json:"badSignatures,omitempty"`
	// Duplicates holds at most MaxDetails bodies accepted once and delivered again.
	Duplicates []DuplicateSample `json:"duplicates,omitempty"`
	// MergeDropped counts, by delay histogram ("reference/type"), the values Merge could not
	// add (outside the range of the histogram they were added to): such a merge is not exact
	// and its delay percentiles leave them out. Empty when every value was kept.
	MergeDropped map[string]int64 `json:"mergeDropped,omitempty"`
}

// LatencyFor returns the summary of one reference and type.
func (rep Report) LatencyFor(ref, typ string) (Latency, bool) {
	for _, l := range rep.Latency {
		if l.Reference == ref && l.Type == typ {
			return l, true
		}
	}
	return Latency{}, false
}

// Snapshot returns the current report. Expectations past their deadline are reported missing.
func (r *Receiver) Snapshot() Report { return r.snapshot(false) }

// Final returns the report at the end of a run: expectations not yet past their deadline are
// reported missing too, since nothing more will arrive.
func (r *Receiver) Final() Report { return r.snapshot(true) }

func (r *Receiver) snapshot(final bool) Report {
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	st := &r.st
	rep := Report{Format: ReportFormat, Started: r.start, Elapsed: now.Sub(r.start), Counters: st.c, Final: final,
		ByKind: cloneCounts(st.byKind), ByEventType: cloneCounts(st.byEventType), ByScheme: cloneCounts(st.byScheme),
		ByType:        map[string]TypeCounts{},
		Causes:        nilIfEmpty(cloneCounts(st.causes)),
		BlockReplies:  nilIfEmpty(cloneCounts(st.replies)),
		Violations:    append([]ViolationSample(nil), st.violations...),
		BadSignatures: append([]BadSignatureSample(nil), st.badSigs...),
		Duplicates:    append([]DuplicateSample(nil), st.dups...)}
	for t, c := range st.types {
		tc := *c
		tc.Missing = st.retiredMiss[t]
		rep.ByType[t] = tc
	}
	if p := st.platform; p.n > 0 {
		rep.PlatformClock = &ClockOffset{Samples: p.n, MinMs: float64(p.min) / float64(time.Millisecond), MaxMs: float64(p.max) / float64(time.Millisecond)}
	}
	rep.Latency = st.latencies()
	rep.Deliveries = st.deliveries()
	rep.Settle = r.opts.Settle
	r.judgeSessions(&rep, final, now)
	return rep
}

// judgeSessions counts the expectations (satisfied, pending or missing) and judges every
// session still held into rep, adding the retired ones' counts and failures. final reports
// expectations not yet due missing too.
func (r *Receiver) judgeSessions(rep *Report, final bool, now time.Time) {
	st := &r.st
	sc := &rep.Sessions
	*sc = st.retired
	rep.Failures = append(rep.Failures, st.retiredFail...)
	missing := map[*session]bool{}
	triggers := map[*session]*CallTrigger{}
	for _, x := range st.exps {
		if x.s != nil && x.e.Trigger != nil {
			triggers[x.s] = x.e.Trigger
		}
		switch {
		case x.satisfied():
			sc.Satisfied++
		case !final && now.Before(x.e.Triggered.Add(x.e.Deadline)):
			sc.Pending++
		default:
			sc.Missing++
			for _, t := range x.missingTypes() {
				tc := rep.ByType[t]
				tc.Missing++
				rep.ByType[t] = tc
			}
			if x.s != nil {
				missing[x.s] = true
			} else if len(rep.Failures) < r.opts.MaxDetails {
				rep.Failures = append(rep.Failures, SessionDetail{SessionID: x.e.SessionID,
					SubscriptionID: x.e.SubscriptionID, Problems: []string{"missing"}, Trigger: x.e.Trigger})
			}
		}
	}
	ids := make([]string, 0, len(st.sessions))
	for id := range st.sessions {
		ids = append(ids, id)
	}
	sort.Strings(ids) // stable details
	for _, id := range ids {
		s := st.sessions[id]
		d, bad := judge(r, s, missing[s], sc, now.Sub(r.start), func(t string) {
			tc := rep.ByType[t]
			tc.Missing++
			rep.ByType[t] = tc
		})
		if bad && len(rep.Failures) < r.opts.MaxDetails {
			d.Trigger = triggers[s]
			rep.Failures = append(rep.Failures, d)
		}
	}
}

// latencies summarises the delay histograms of every reference and type, with their series,
// in a stable order.
func (st *state) latencies() []Latency {
	var out []Latency
	for ref, m := range st.lat {
		for typ, h := range m {
			l, err := summarise(ref, typ, h)
			if err == nil {
				l.Series = st.series[ref][typ].points()
				out = append(out, l)
			}
		}
	}
	sortLatency(out)
	return out
}

// deliveries reports the delivery attempts per push and the measured re-push intervals, nil
// when no attempt was counted.
func (st *state) deliveries() *Deliveries {
	if len(st.attemptsHist) == 0 {
		return nil
	}
	d := &Deliveries{Attempts: map[string]int64{}}
	for n, c := range st.attemptsHist {
		d.Attempts[fmt.Sprint(n)] = c
	}
	if p := st.repush; p.n > 0 {
		d.FirstRepush = p.stats()
	}
	if p := st.firstAttempt; p.n > 0 {
		d.FirstAttemptDelay = p.stats()
	}
	return d
}

// judgeFromPushes judges a settled call without an expectation from its own pushes
// (inferMissing) and returns its problems: an orphan fee record, the types missing.
func judgeFromPushes(r *Receiver, s *session, sc *SessionCounts, miss func(string)) (problems []string) {
	sc.Judged++
	types, orphan := inferMissing(&r.opts, s)
	if orphan {
		sc.Orphan++
		problems = append(problems, "orphan-fee")
	}
	if len(types) > 0 {
		sc.Incomplete++
	}
	for _, t := range types {
		miss(t)
		problems = append(problems, "missing "+t)
	}
	return problems
}

// inferMissing judges a call without an expectation from its own pushes against §7.4: every
// call starts with callin and ends with disconnect, an answer follows alerting and alerting
// follows callout in every scenario, a fee record with an answer time means the call was
// answered, and a finished call has a fee record. It returns the notification types missing
// and whether the call is an orphan (a fee record, no event at all).
func inferMissing(o *Options, s *session) (missing []string, orphan bool) {
	has := func(t string) bool { return s.mask&(1<<eventRank[t]) != 0 }
	if !o.NoEvents {
		if len(s.events) == 0 {
			return nil, len(s.fees) > 0
		}
		for _, t := range []string{EventCallin, EventCallout, EventAlerting, EventAnswer, EventDisconnect} {
			need := false
			switch t {
			case EventCallin, EventDisconnect:
				need = true
			case EventCallout:
				need = has(EventAlerting) || has(EventAnswer) || s.feeAnswered
			case EventAlerting:
				need = has(EventAnswer) || s.feeAnswered
			case EventAnswer:
				need = s.feeAnswered
			}
			if need && !has(t) {
				missing = append(missing, t)
			}
		}
	}
	if !o.NoFee && len(s.fees) == 0 && (o.NoEvents || has(EventDisconnect)) {
		missing = append(missing, pns.EventTypeFee)
	}
	return missing, false
}

// afterDisconnect counts the events of a session stamped later than its disconnect (the
// platform's own timestamps; arrival order alone is legitimate re-push reordering).
func afterDisconnect(s *session) int {
	var disc string
	for _, ev := range s.events {
		if ev.typ == EventDisconnect {
			disc = ev.timestamp
		}
	}
	if disc == "" {
		return 0
	}
	end, err := pns.ParseUTC(disc)
	if err != nil {
		return 0
	}
	n := 0
	for _, ev := range s.events {
		if ev.typ == EventDisconnect {
			continue
		}
		if t, err := pns.ParseUTC(ev.timestamp); err == nil && t.After(end) {
			n++
		}
	}
	return n
}

// judge adds one session to the session counts and returns its failure detail, if it has a
// problem. now is the arrival-scale instant of the judgement; miss counts one missing
// notification of a type.
func judge(r *Receiver, s *session, missing bool, sc *SessionCounts, now time.Duration, miss func(string)) (SessionDetail, bool) {
	sc.Total++
	var problems []string
	// A call is judged when something says what it must push: its expectation, or (Settle)
	// its own pushes once settled. Others (e.g. the conformance suite's own calls, some
	// deliberately incomplete) are only counted.
	judged := s.exp != nil
	if s.exp == nil && r.opts.Settle > 0 {
		if now-s.last < r.opts.Settle {
			sc.Unsettled++
		} else {
			judged = true
			problems = judgeFromPushes(r, s, sc, miss)
		}
	}
	if n := afterDisconnect(s); judged && n > 0 {
		sc.AfterDisconnect++
		problems = append(problems, "event-after-disconnect")
	}
	evComplete, broken := sequenceState(s.mask)
	hasDisc := s.mask&(1<<eventRank[EventDisconnect]) != 0
	if evComplete {
		sc.EventsComplete++
		if len(s.fees) > 0 {
			sc.Complete++
		}
	}
	if broken {
		sc.BrokenSequence++
		if s.exp != nil || r.opts.Settle <= 0 {
			// Judged from the pushes, the same defect is named by what is missing.
			problems = append(problems, "broken-sequence")
		}
	}
	if !hasDisc {
		sc.WithoutDisconnect++
	}
	if len(s.fees) == 0 {
		sc.WithoutFee++
	}
	if missing {
		problems = append(problems, "missing")
	}
	if s.outOfOrder > 0 {
		sc.OutOfOrder++
		problems = append(problems, "out-of-order")
	}
	if s.dupEvents > 0 || s.dupFees > 0 {
		sc.Duplicated++
		if s.dupEvents > 0 {
			problems = append(problems, "duplicate-event")
		}
		if s.dupFees > 0 {
			problems = append(problems, "duplicate-fee")
		}
	}
	if s.late > 0 {
		sc.Late++
		problems = append(problems, "late")
	}
	if len(problems) == 0 {
		return SessionDetail{}, false
	}
	d := SessionDetail{SessionID: s.id, SubscriptionID: s.sub, FeeRecords: len(s.fees), Problems: problems}
	for _, ev := range s.events {
		d.Events = append(d.Events, EventDetail{Type: ev.typ, Timestamp: ev.timestamp, Arrived: ev.arrived})
	}
	return d, true
}

func sortLatency(ls []Latency) {
	sort.Slice(ls, func(i, j int) bool {
		if ls[i].Reference != ls[j].Reference {
			return ls[i].Reference < ls[j].Reference
		}
		return ls[i].Type < ls[j].Type
	})
}

// points renders a series (nil-safe).
func (s *series) points() []DelayPoint {
	if s == nil {
		return nil
	}
	out := make([]DelayPoint, 0, len(s.pts))
	w := s.width.Seconds()
	for i, p := range s.pts {
		if p.count == 0 {
			continue
		}
		out = append(out, DelayPoint{AtS: float64(i+1) * w, WidthS: w, Count: p.count,
			MeanMs: float64(p.sumUs) / float64(p.count) / 1000, MaxMs: float64(p.max) / 1000})
	}
	return out
}

// sequenceState judges the set of event types of a session against §7.4: complete means
// callin and disconnect with every intermediate stage implying its predecessor (answer ⇒
// alerting ⇒ callout); broken means a disconnect arrived but the set is impossible.
func sequenceState(mask uint8) (complete, broken bool) {
	has := func(t string) bool { return mask&(1<<eventRank[t]) != 0 }
	if !has(EventDisconnect) {
		return false, false
	}
	ok := has(EventCallin) &&
		(!has(EventAnswer) || has(EventAlerting)) &&
		(!has(EventAlerting) || has(EventCallout))
	return ok, !ok
}

func cloneCounts(m map[string]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Merge combines reports of several receivers (e.g. one per load-generator process):
// counters add up, histograms merge, details concatenate. Started is the earliest and Elapsed
// the longest. Sessions are assumed disjoint across reports.
func Merge(reports ...Report) (Report, error) {
	out := Report{ByKind: map[string]int64{}, ByEventType: map[string]int64{}, ByScheme: map[string]int64{}}
	type key struct{ ref, typ string }
	hists := map[key]*hdrhistogram.Histogram{}
	for _, r := range reports {
		if out.Started.IsZero() || (!r.Started.IsZero() && r.Started.Before(out.Started)) {
			out.Started = r.Started
		}
		out.Elapsed = max(out.Elapsed, r.Elapsed)
		out.Counters.add(r.Counters)
		out.Sessions.add(r.Sessions)
		out.Final = out.Final || r.Final
		out.mergeByType(r.ByType)
		out.mergePlatformClock(r.PlatformClock)
		if len(r.Causes) > 0 && out.Causes == nil {
			out.Causes = map[string]int64{}
		}
		if len(r.BlockReplies) > 0 && out.BlockReplies == nil {
			out.BlockReplies = map[string]int64{}
		}
		for _, pair := range []struct{ dst, src map[string]int64 }{
			{out.ByKind, r.ByKind}, {out.ByEventType, r.ByEventType}, {out.ByScheme, r.ByScheme}, {out.Causes, r.Causes},
			{out.BlockReplies, r.BlockReplies}} {
			for k, v := range pair.src {
				pair.dst[k] += v
			}
		}
		for _, l := range r.Latency {
			h, err := l.Hist()
			if err != nil {
				return Report{}, fmt.Errorf("receiver: merge %s/%s: %w", l.Reference, l.Type, err)
			}
			k := key{l.Reference, l.Type}
			if acc := hists[k]; acc != nil {
				if n := acc.Merge(h); n > 0 {
					addDropped(&out, l.Reference+"/"+l.Type, n)
				}
			} else {
				hists[k] = h
			}
		}
		for k, n := range r.MergeDropped {
			addDropped(&out, k, n)
		}
		out.Settle = max(out.Settle, r.Settle)
		if out.Format == 0 || r.Format < out.Format {
			out.Format = r.Format
		}
		if r.Deliveries != nil {
			out.mergeDeliveries(r.Deliveries)
		}
		out.Failures = append(out.Failures, r.Failures...)
		out.Violations = append(out.Violations, r.Violations...)
		out.BadSignatures = append(out.BadSignatures, r.BadSignatures...)
		out.Duplicates = append(out.Duplicates, r.Duplicates...)
	}
	for k, h := range hists {
		l, err := summarise(k.ref, k.typ, h)
		if err != nil {
			return Report{}, err
		}
		out.Latency = append(out.Latency, l)
	}
	sortLatency(out.Latency)
	return out, nil
}

// mergeByType adds the per-type counts of byType into out's.
func (out *Report) mergeByType(byType map[string]TypeCounts) {
	for t, c := range byType {
		if out.ByType == nil {
			out.ByType = map[string]TypeCounts{}
		}
		o := out.ByType[t]
		o.Expected += c.Expected
		o.Received += c.Received
		o.OfExpected += c.OfExpected
		o.Missing += c.Missing
		o.TypeAnomalies.Add(c.TypeAnomalies)
		out.ByType[t] = o
	}
}

// mergePlatformClock widens out's spread of platform clock offsets by pc (nil: none).
func (out *Report) mergePlatformClock(pc *ClockOffset) {
	if pc == nil {
		return
	}
	if out.PlatformClock == nil {
		c := *pc
		out.PlatformClock = &c
		return
	}
	out.PlatformClock.Samples += pc.Samples
	out.PlatformClock.MinMs = min(out.PlatformClock.MinMs, pc.MinMs)
	out.PlatformClock.MaxMs = max(out.PlatformClock.MaxMs, pc.MaxMs)
}

// mergeDeliveries adds the delivery attempts and re-push intervals of d into out's.
func (out *Report) mergeDeliveries(d *Deliveries) {
	if out.Deliveries == nil {
		out.Deliveries = &Deliveries{Attempts: map[string]int64{}}
	}
	for k, v := range d.Attempts {
		out.Deliveries.Attempts[k] += v
	}
	out.Deliveries.FirstRepush = mergeIntervals(out.Deliveries.FirstRepush, d.FirstRepush)
	out.Deliveries.FirstAttemptDelay = mergeIntervals(out.Deliveries.FirstAttemptDelay, d.FirstAttemptDelay)
}

// addDropped counts n values the merge of the delay histogram name dropped.
func addDropped(r *Report, name string, n int64) {
	if r.MergeDropped == nil {
		r.MergeDropped = map[string]int64{}
	}
	r.MergeDropped[name] += n
}

// NotExact says, in a sentence, which delay histograms a Merge dropped values from and how
// many; "" when the merge was exact.
func (r Report) NotExact() string {
	if len(r.MergeDropped) == 0 {
		return ""
	}
	names := make([]string, 0, len(r.MergeDropped))
	var total int64
	for k, n := range r.MergeDropped {
		names = append(names, fmt.Sprintf("%s %d", k, n))
		total += n
	}
	sort.Strings(names)
	return fmt.Sprintf("merge not exact: %d callback delay value(s) fell outside the range of the histogram they were merged into and were dropped (%s): the merged delay percentiles leave them out",
		total, strings.Join(names, ", "))
}

// mergeIntervals combines two interval summaries (either may be nil).
func mergeIntervals(a, b *IntervalStats) *IntervalStats {
	switch {
	case b == nil:
		return a
	case a == nil:
		c := *b
		return &c
	}
	sum := a.Mean*time.Duration(a.Count) + b.Mean*time.Duration(b.Count)
	a.Count += b.Count
	a.Min, a.Max = min(a.Min, b.Min), max(a.Max, b.Max)
	a.Mean = sum / time.Duration(a.Count)
	return a
}

// ReportHandler serves Snapshot as JSON on GET (for `harness receive` and for watching a
// long run); mount it on a path separate from the push handler.
func (r *Receiver) ReportHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		b, err := json.Marshal(r.Snapshot())
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	})
}

// nilIfEmpty keeps an empty count map out of the JSON report (omitempty drops nil only).
func nilIfEmpty(m map[string]int64) map[string]int64 {
	if len(m) == 0 {
		return nil
	}
	return m
}
