// Split from report.go (issue 23): the counts a report is made of, run-wide, per call and
// per notification type, and how two of them add up.

package receiver

import "github.com/pns-harness/pns-harness/pns"

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

func cloneCounts(m map[string]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// nilIfEmpty keeps an empty count map out of the JSON report (omitempty drops nil only).
func nilIfEmpty(m map[string]int64) map[string]int64 {
	if len(m) == 0 {
		return nil
	}
	return m
}
