package receiver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/pns-harness/pns-harness/pns"
)

// Latency references.
const (
	// RefPlatform measures arrival minus the platform's own timestamp in the body (1 s
	// resolution): meaningful against a real platform or an unscaled emulator.
	RefPlatform = "platform"
	// RefTrigger measures arrival minus the harness-side trigger time registered with Expect
	// or MarkTriggered (it includes the simulated call's own duration).
	RefTrigger = "trigger"
	// RefEmulator measures arrival minus the emission instant the emulator states in
	// EmittedHeader: exact to the microsecond, whatever the emulator's virtual clock does.
	RefEmulator = "emulator"
)

// seenEntry tracks one body (by content hash).
type seenEntry struct {
	last       time.Duration // last delivery (arrival scale), for the forgetting window
	deliveries uint32
	accounted  bool          // content counted (first delivery with an acceptable signature)
	accepted   bool          // answered 200 at least once
	rejected   bool          // answered non-200 before any 200
	first      time.Duration // first delivery (arrival scale)
	second     time.Duration // second delivery, the platform's first re-push (0: none yet)
	badSig     bool          // first delivery refused for its signature (counted in refused)
}

type eventArrival struct {
	typ       string
	timestamp string
	arrived   time.Duration
}

type session struct {
	id         string
	sub        string
	events     []eventArrival
	mask       uint8 // bit per event rank seen
	maxRank    int8
	fees       []time.Duration // arrival of each fee record of the session
	outOfOrder int
	dupEvents  int
	dupFees    int
	late       int
	trigger    time.Time
	exp        *expectation
	last       time.Duration // last arrival about this session (arrival scale)
	// feeAnswered is set when a fee record of the session has a fwdAnswerTime: the call was
	// answered, so an answer event is due (§8).
	feeAnswered bool
}

type expectation struct {
	e       Expectation
	s       *session
	retired bool // judged and removed by the forgetting window
}

func (x *expectation) satisfied() bool {
	return len(x.missingTypes()) == 0
}

// missingTypes lists what the expectation still lacks: its expected event types (or the
// disconnect when none were listed) and "fee".
func (x *expectation) missingTypes() []string {
	s := x.s
	var out []string
	if !x.e.NoEvents {
		want := x.e.Events
		if len(want) == 0 {
			want = []string{EventDisconnect}
		}
		for _, t := range want {
			rank, ok := eventRank[t]
			if s == nil || !ok || s.mask&(1<<rank) == 0 {
				out = append(out, t)
			}
		}
	}
	if !x.e.NoFee && (s == nil || len(s.fees) == 0) {
		out = append(out, "fee")
	}
	return out
}

type state struct {
	c           Counters
	byKind      map[string]int64
	byEventType map[string]int64
	byScheme    map[string]int64
	seen        map[bodyHash]seenEntry
	icids       map[string]time.Duration // icid → last arrival
	smsIDs      map[string]time.Duration
	sessions    map[string]*session
	subFree     map[string][]*session     // sessions with a subscriptionId not claimed by an expectation
	subExp      map[string][]*expectation // unclaimed expectations by subscriptionId
	sessExp     map[string]*expectation   // unclaimed expectations by sessionId
	exps        []*expectation
	triggers    map[string]time.Time // MarkTriggered for sessions not seen yet
	lat         map[string]map[string]*hdrhistogram.Histogram
	series      map[string]map[string]*series
	types       map[string]*TypeCounts // per event type: expected, received, duplicates
	causes      map[string]int64       // hang-up causes of the distinct disconnects (Report.Causes)
	replies     map[string]int64       // replies given to Block requests (Report.BlockReplies)
	platform    clockEstimate
	violations  []ViolationSample
	badSigs     []BadSignatureSample
	dups        []DuplicateSample
	// retired holds what the forgetting window removed, already judged.
	retired     SessionCounts
	retiredMiss map[string]int64
	retiredFail []SessionDetail
	lastSweep   time.Duration
	// refused counts the refused (badly signed) bodies remembered in seen, bounded by
	// Options.MaxRefused.
	refused int
	// nonces maps app key + nonce of accepted pushes to the wall-clock instant after which
	// its Created can no longer pass the skew window (replay protection).
	nonces     map[string]time.Time
	nonceSwept time.Time
	// attemptsHist counts accepted bodies by the deliveries they took; repush the interval
	// from a refused first delivery to its first re-push.
	attemptsHist map[int]int64
	repush       durStats
	firstAttempt durStats
}

// durStats is a count, sum and extremes of durations.
type durStats struct {
	n             int64
	sum, min, max time.Duration
}

func (d *durStats) stats() *IntervalStats {
	return &IntervalStats{Count: d.n, Min: d.min, Max: d.max, Mean: d.sum / time.Duration(d.n)}
}

func (d *durStats) add(v time.Duration) {
	if d.n == 0 || v < d.min {
		d.min = v
	}
	if d.n == 0 || v > d.max {
		d.max = v
	}
	d.n++
	d.sum += v
}

// clockEstimate tracks the signed spread of arrival − platform timestamp.
type clockEstimate struct {
	n        int64
	min, max time.Duration
}

func (c *clockEstimate) add(d time.Duration) {
	if c.n == 0 || d < c.min {
		c.min = d
	}
	if c.n == 0 || d > c.max {
		c.max = d
	}
	c.n++
}

func (st *state) init() {
	st.byKind = map[string]int64{}
	st.byEventType = map[string]int64{}
	st.byScheme = map[string]int64{}
	st.seen = map[bodyHash]seenEntry{}
	st.icids = map[string]time.Duration{}
	st.smsIDs = map[string]time.Duration{}
	st.sessions = map[string]*session{}
	st.subFree = map[string][]*session{}
	st.subExp = map[string][]*expectation{}
	st.sessExp = map[string]*expectation{}
	st.triggers = map[string]time.Time{}
	st.lat = map[string]map[string]*hdrhistogram.Histogram{RefPlatform: {}, RefTrigger: {}, RefEmulator: {}}
	st.series = map[string]map[string]*series{RefPlatform: {}, RefTrigger: {}, RefEmulator: {}}
	st.types = map[string]*TypeCounts{}
	st.causes = map[string]int64{}
	st.replies = map[string]int64{}
	st.retiredMiss = map[string]int64{}
	st.nonces = map[string]time.Time{}
}

// typ returns the counts of an event type.
func (st *state) typ(t string) *TypeCounts {
	c := st.types[t]
	if c == nil {
		c = &TypeCounts{}
		st.types[t] = c
	}
	return c
}

// record adds one delay. A negative delay is impossible (the sender's clock is ahead of the
// receiver's): it is counted as clock skew and never recorded, so that it cannot pass for a
// fast delivery.
func (st *state) record(ref, typ string, d time.Duration, arrived time.Duration) bool {
	if d < 0 {
		st.c.ClockSkew++
		st.typ(typ).ClockSkew++
		return false
	}
	m := st.lat[ref]
	h := m[typ]
	if h == nil {
		h = newHist()
		m[typ] = h
	}
	v := int64(d / time.Microsecond)
	if v > histMax {
		v = histMax
		st.c.LatencyClamped++
	}
	_ = h.RecordValue(v) // cannot fail within [0, histMax]
	sm := st.series[ref]
	se := sm[typ]
	if se == nil {
		se = &series{width: time.Second}
		sm[typ] = se
	}
	se.add(arrived, v)
	return true
}

// delay records the delay of one record: against the emulator's stated emission instant when
// the push carries one, else against the platform timestamp ts (1 s resolution). It returns
// the delay (DelayUnknown when none was measured or it was negative) and whether the record is
// late (Options.LateAfter).
func (st *state) delay(r *Receiver, typ, ts string, emitted []time.Time, i int, now time.Time, arrived time.Duration) (time.Duration, bool) {
	var d time.Duration
	ok := false
	switch {
	case emitted != nil:
		if i >= len(emitted) {
			st.c.BadEmitted++
			return DelayUnknown, false
		}
		d = now.Sub(emitted[i])
		ok = st.record(RefEmulator, typ, d, arrived)
	case ts == "":
		return DelayUnknown, false
	default:
		t, err := pns.ParseUTC(ts)
		if err != nil {
			// SMS notifications stamp ISO 8601 UTC with milliseconds (§10.2 examples).
			if t, err = time.Parse(time.RFC3339Nano, ts); err != nil {
				st.c.BadTimestamps++
				return DelayUnknown, false
			}
		}
		d = now.Sub(t)
		st.platform.add(d)
		ok = st.record(RefPlatform, typ, d, arrived)
	}
	if !ok {
		return DelayUnknown, false
	}
	if r.opts.LateAfter > 0 && d > r.opts.LateAfter {
		st.c.Late++
		st.typ(typ).Late++
		return d, true
	}
	return d, false
}

// account updates the counters for one delivery and returns the HTTP status to answer.
// Called with r.mu held.
func (st *state) account(r *Receiver, a *Arrival, h bodyHash, env *envelope, parsed bool, now time.Time) int {
	st.c.Requests++
	st.byKind[a.Kind]++
	if a.Scheme != "" {
		st.byScheme[string(a.Scheme)]++
	}
	st.sweep(r, a.Arrived)
	ent := st.seen[h]
	first := ent.deliveries == 0
	ent.deliveries++
	ent.last = a.Arrived
	if first {
		ent.first = a.Arrived
	} else if ent.deliveries == 2 {
		ent.second = a.Arrived
	}
	if !a.SignatureOK {
		st.c.BadSignature++
		if len(st.badSigs) < r.opts.MaxDetails {
			st.badSigs = append(st.badSigs, BadSignatureSample{AppKey: a.AppKey, Scheme: string(a.Scheme), Arrived: a.Arrived, Reason: a.refusal,
				Replay: a.replay(true)})
		}
		if !r.opts.AcceptBadSignature {
			if !first && !ent.accepted {
				st.c.Redeliveries++
				a.Redelivery = true
			}
			// A refused body is remembered (to recognise the platform's re-push of it) only
			// while the fixed-size record of refused bodies has room: forged traffic cannot
			// grow memory.
			if first && st.refused >= r.opts.MaxRefused {
				st.c.RefusedNotRecorded++
				return http.StatusUnauthorized
			}
			if first {
				st.refused++
				ent.badSig = true
			}
			st.answer(&ent, http.StatusUnauthorized)
			st.seen[h] = ent
			return http.StatusUnauthorized
		}
	} else if r.opts.Apps == nil {
		st.c.Unverified++
	}
	if !first {
		if ent.accepted {
			st.c.Duplicates++
			a.Duplicate = true
			if len(st.dups) < r.opts.MaxDetails {
				d := DuplicateSample{Kind: a.Kind, EventType: a.EventType, Arrived: a.Arrived, Replay: a.replay(false)}
				if d.Replay != nil {
					d.Replay.Repeat = 2
				}
				st.dups = append(st.dups, d)
			}
			st.duplicateBody(a, env, parsed)
		} else {
			st.c.Redeliveries++
			a.Redelivery = true
		}
	}
	status := http.StatusOK
	if first && !a.block && r.failSelected(h) {
		st.c.InjectedFailures++
		status = r.opts.FailStatus
	}
	// A body's content is accounted at its accepted delivery (the first answered 200): the
	// customer experiences that one, so the platform's re-push delay enters the delays.
	if !ent.accounted && status == http.StatusOK {
		ent.accounted = true
		a.Attempts = int(ent.deliveries)
		st.content(r, a, env, parsed, now)
		st.attempts(ent, a)
	}
	st.answer(&ent, status)
	st.seen[h] = ent
	return status
}

// attempts records, at a body's accepted delivery, how many deliveries it took and the
// interval from its first delivery to the platform's first re-push (§7.6: 1 minute).
func (st *state) attempts(ent seenEntry, a *Arrival) {
	if a.Kind == KindUnknown {
		return
	}
	if st.attemptsHist == nil {
		st.attemptsHist = map[int]int64{}
	}
	n := min(int(ent.deliveries), maxAttemptsRow)
	st.attemptsHist[n]++
	if ent.deliveries >= 2 && ent.rejected {
		st.repush.add(ent.second - ent.first)
		// The delay of the refused first attempt: the accepted delay less the time from the
		// first attempt to the accepted one.
		for _, d := range a.Delays {
			if d != DelayUnknown {
				st.firstAttempt.add(d - (a.Arrived - ent.first))
			}
		}
	}
}

// maxAttemptsRow caps the attempts histogram: the platform pushes at most 7 times (§7.6).
const maxAttemptsRow = 8

// duplicateBody counts a body delivered again after a 200 once, in the row of its type (per
// record for fee and X-number status batches); a body of no known type is counted apart.
func (st *state) duplicateBody(a *Arrival, env *envelope, parsed bool) {
	if !parsed {
		st.c.DuplicatesUntyped++
		return
	}
	switch a.Kind {
	case KindEvent:
		if _, ok := eventRank[env.EventType]; ok {
			st.typ(env.EventType).Duplicate++
			return
		}
	case KindFee:
		if len(env.FeeLst) > 0 {
			st.typ("fee").Duplicate += int64(len(env.FeeLst))
			return
		}
	case KindNumStatus:
		if len(env.NumInfo) > 0 {
			st.typ("numStatus").Duplicate += int64(len(env.NumInfo))
			return
		}
	case KindSMSNotify, KindSMSBlock:
		st.typ(a.Kind).Duplicate++
		return
	}
	st.c.DuplicatesUntyped++
}

// answer updates a body's answer history and the Unrecovered counter (bodies answered
// non-200 and not re-pushed yet).
func (st *state) answer(ent *seenEntry, status int) {
	if ent.accepted {
		return
	}
	if status == http.StatusOK {
		ent.accepted = true
		if ent.rejected {
			st.c.Unrecovered--
		}
		return
	}
	if !ent.rejected {
		ent.rejected = true
		st.c.Unrecovered++
	}
}

// content accounts a body's content once.
func (st *state) content(r *Receiver, a *Arrival, env *envelope, parsed bool, now time.Time) {
	// Every signed body that is not a valid notification counts once as Invalid, whatever
	// its defect, and never as a delay.
	var defect []string
	_, knownEvent := eventRank[env.EventType]
	switch {
	case !parsed:
		st.c.Malformed++
		defect = []string{"not JSON, or a field of the wrong type"}
	case a.Kind == KindUnknown:
		st.c.UnknownShape++
		defect = []string{"matches no notification shape"}
	case a.Kind == KindEvent && !knownEvent:
		st.c.UnknownEventTypes++
		defect = []string{fmt.Sprintf("unknown eventType %q", env.EventType)}
	case a.Kind == KindEvent && (env.StatusInfo == nil || env.StatusInfo.SessionID == ""):
		st.c.EventsWithoutSession++
		defect = []string{"call event without statusInfo.sessionId"}
	}
	if len(a.Violations) > 0 {
		st.c.SchemaInvalid++
		defect = append(a.Violations, defect...)
	}
	if len(defect) > 0 {
		st.c.Invalid++
		if len(st.violations) < r.opts.MaxDetails {
			st.violations = append(st.violations, ViolationSample{Kind: a.Kind, EventType: a.EventType,
				Arrived: a.Arrived, Violations: defect, Replay: a.replay(false)})
		}
	}
	if !parsed {
		return
	}
	switch a.Kind {
	case KindEvent:
		st.event(r, a, env, now)
	case KindFee:
		st.fee(r, a, env, now)
	case KindNumStatus:
		st.c.NumStatusMessages++
		st.c.NumStatusChanges += int64(len(env.NumInfo))
		st.byEventType["numStatus"]++
		st.typ("numStatus").Received += int64(len(env.NumInfo))
		if a.Emitted != nil {
			// numInfo carries no timestamp of its own: only the emulator's instants measure it.
			for i := range env.NumInfo {
				_, _ = st.delay(r, "numStatus", "", a.Emitted, i, now, a.Arrived)
			}
		}
	case KindSMSNotify, KindSMSBlock:
		if a.Kind == KindSMSNotify {
			st.c.SMSNotify++
		} else {
			st.c.SMSBlock++
		}
		st.byEventType[a.Kind]++
		tc := st.typ(a.Kind)
		tc.Received++
		a.SubscriptionID = env.SMS.SubscriptionID
		if id := env.SMS.SMSIdentifier; id != "" {
			// Block and Notify of one X-mode SMS share the identifier (§10), so they are
			// kept apart.
			key := a.Kind + "/" + id
			if _, dup := st.smsIDs[key]; dup {
				st.c.DuplicateSMS++
				tc.Duplicate++
			}
			st.smsIDs[key] = a.Arrived
		}
		_, _ = st.delay(r, a.Kind, env.SMS.TimeStamp, a.Emitted, 0, now, a.Arrived)
	}
}

func (st *state) event(r *Receiver, a *Arrival, env *envelope, now time.Time) {
	st.c.Events++
	typ := env.EventType
	si := env.StatusInfo
	rank, known := eventRank[typ]
	if !known || si == nil || si.SessionID == "" {
		return // counted Invalid by content: no type row, no delay
	}
	st.byEventType[typ]++
	a.SessionIDs = []string{si.SessionID}
	a.SubscriptionID = si.SubscriptionID
	s := st.session(si.SessionID)
	s.last = a.Arrived
	st.setSub(r, s, si.SubscriptionID)
	tc := st.typ(typ)
	bit := uint8(1) << rank
	if s.mask&bit != 0 {
		// A second event of the type in another body: a duplicate, counted once in its row
		// and nowhere else (not a delay, not out of order, not late).
		s.dupEvents++
		st.c.DuplicateEvents++
		tc.Duplicate++
		return
	}
	s.events = append(s.events, eventArrival{typ: typ, timestamp: si.Timestamp, arrived: a.Arrived})
	if typ == EventDisconnect {
		st.causes[causeKey(si.StateCode)]++
	}
	tc.Received++
	if s.exp != nil {
		tc.OfExpected++
	}
	s.mask |= bit
	if int8(rank) < s.maxRank {
		s.outOfOrder++
		st.c.OutOfOrder++
		tc.OutOfOrder++
	} else {
		s.maxRank = int8(rank)
	}
	d, late := st.delay(r, typ, si.Timestamp, a.Emitted, 0, now, a.Arrived)
	a.Delays = []time.Duration{d}
	if late {
		s.late++
	}
	if !s.trigger.IsZero() {
		st.record(RefTrigger, typ, now.Sub(s.trigger), a.Arrived)
	}
}

func (st *state) fee(r *Receiver, a *Arrival, env *envelope, now time.Time) {
	st.c.FeeMessages++
	st.byEventType["fee"]++
	if len(env.FeeLst) > st.c.MaxFeeBatch {
		st.c.MaxFeeBatch = len(env.FeeLst)
	}
	tc := st.typ("fee")
	for i, f := range env.FeeLst {
		if f.Icid != "" {
			_, dup := st.icids[f.Icid]
			st.icids[f.Icid] = a.Arrived
			if dup {
				// Counted once in the fee row, never as a delay.
				st.c.DuplicateFeeRecords++
				tc.Duplicate++
				if s := st.sessions[f.SessionID]; f.SessionID != "" && s != nil {
					s.dupFees++
					s.last = a.Arrived
				}
				continue
			}
			st.c.FeeRecords++
			tc.Received++
		} else {
			st.c.FeeRecords++
			st.c.FeeWithoutIcid++
			tc.Received++
		}
		// Each record of a batch has its own delay: its emission (or call end) to the
		// batch's arrival.
		d, late := st.delay(r, "fee", f.CallEndTime, a.Emitted, i, now, a.Arrived)
		if f.SessionID == "" {
			continue
		}
		a.SessionIDs = append(a.SessionIDs, f.SessionID)
		a.Delays = append(a.Delays, d)
		s := st.session(f.SessionID)
		s.last = a.Arrived
		st.setSub(r, s, f.SubscriptionID)
		if f.FwdAnswerTime != "" {
			s.feeAnswered = true
		}
		if len(s.fees) > 0 {
			s.dupFees++
		}
		s.fees = append(s.fees, a.Arrived)
		if s.exp != nil {
			tc.OfExpected++
		}
		if late {
			s.late++
		}
		if !s.trigger.IsZero() {
			st.record(RefTrigger, "fee", now.Sub(s.trigger), a.Arrived)
		}
	}
}

// session returns the session with an ID, creating it (and applying a pending trigger or
// expectation) on first sight.
func (st *state) session(id string) *session {
	s := st.sessions[id]
	if s != nil {
		return s
	}
	s = &session{id: id, maxRank: -1}
	st.sessions[id] = s
	if t, ok := st.triggers[id]; ok {
		s.trigger = t
		delete(st.triggers, id)
	}
	if x, ok := st.sessExp[id]; ok {
		delete(st.sessExp, id)
		st.claim(nil, s, x)
	}
	return s
}

func (st *state) setSub(r *Receiver, s *session, sub string) {
	if sub == "" || s.sub != "" {
		return
	}
	s.sub = sub
	if s.exp != nil {
		return
	}
	if q := st.subExp[sub]; len(q) > 0 {
		x := q[0]
		if len(q) == 1 {
			delete(st.subExp, sub)
		} else {
			st.subExp[sub] = q[1:]
		}
		st.claim(r, s, x)
		return
	}
	st.subFree[sub] = append(st.subFree[sub], s)
}

// claim binds an expectation to a session; r is non-nil when the session may already hold
// arrivals whose trigger latency must be back-filled.
func (st *state) claim(r *Receiver, s *session, x *expectation) {
	s.exp = x
	x.s = s
	// What arrived before the expectation was registered is of it too.
	for _, ev := range s.events {
		st.typ(ev.typ).OfExpected++
	}
	if len(s.fees) > 0 {
		st.typ("fee").OfExpected += int64(len(s.fees))
	}
	if s.trigger.IsZero() {
		st.setTrigger(r, s, x.e.Triggered)
	}
}

func (st *state) setTrigger(r *Receiver, s *session, t time.Time) {
	s.trigger = t
	if r == nil {
		return
	}
	for _, ev := range s.events {
		st.record(RefTrigger, ev.typ, r.start.Add(ev.arrived).Sub(t), ev.arrived)
	}
	for _, f := range s.fees {
		st.record(RefTrigger, "fee", r.start.Add(f).Sub(t), f)
	}
}

func (st *state) expect(r *Receiver, e Expectation) {
	x := &expectation{e: e}
	st.exps = append(st.exps, x)
	st.c.Expected++
	for _, t := range x.expectedTypes() {
		st.typ(t).Expected++
	}
	if e.SessionID != "" {
		if s := st.sessions[e.SessionID]; s != nil {
			if s.exp == nil {
				st.claim(r, s, x)
			}
			return
		}
		st.sessExp[e.SessionID] = x
		return
	}
	if e.SubscriptionID == "" {
		return // matches nothing; reported missing at its deadline
	}
	if q := st.subFree[e.SubscriptionID]; len(q) > 0 {
		s := q[0]
		if len(q) == 1 {
			delete(st.subFree, e.SubscriptionID)
		} else {
			st.subFree[e.SubscriptionID] = q[1:]
		}
		st.claim(r, s, x)
		return
	}
	st.subExp[e.SubscriptionID] = append(st.subExp[e.SubscriptionID], x)
}

func (st *state) markTriggered(r *Receiver, id string, t time.Time) {
	if s := st.sessions[id]; s != nil {
		if s.trigger.IsZero() {
			st.setTrigger(r, s, t)
		}
		return
	}
	st.triggers[id] = t
}

// unsettled counts the calls without an expectation that are incomplete (or orphans) and
// younger than the settle time.
func (st *state) unsettled(r *Receiver, now time.Duration) int {
	n := 0
	for _, s := range st.sessions {
		if s.exp != nil || now-s.last >= r.opts.Settle {
			continue
		}
		if missing, orphan := inferMissing(&r.opts, s); len(missing) > 0 || orphan {
			n++
		}
	}
	return n
}

func (st *state) openExpectations(now time.Time) int {
	n := 0
	for _, x := range st.exps {
		if !x.satisfied() && now.Before(x.e.Triggered.Add(x.e.Deadline)) {
			n++
		}
	}
	return n
}

// expectedTypes lists the notification types an expectation requires.
func (x *expectation) expectedTypes() []string {
	var out []string
	if !x.e.NoEvents {
		if len(x.e.Events) > 0 {
			out = append(out, x.e.Events...)
		} else {
			out = append(out, EventDisconnect)
		}
	}
	if !x.e.NoFee {
		out = append(out, "fee")
	}
	return out
}

// series is a delay-over-time sequence for one reference and type: buckets of width (starting
// at 1 s) over the arrival scale, coarsened by doubling the width when they would exceed
// maxSeriesPoints, so that a multi-hour soak keeps a bounded chart.
type series struct {
	width time.Duration
	pts   []seriesPoint
}

type seriesPoint struct {
	count      int64
	sumUs, max int64
}

const maxSeriesPoints = 600

func (s *series) add(at time.Duration, us int64) {
	i := int(at / s.width)
	for i >= maxSeriesPoints {
		merged := make([]seriesPoint, (len(s.pts)+1)/2)
		for j, p := range s.pts {
			m := &merged[j/2]
			m.count += p.count
			m.sumUs += p.sumUs
			m.max = max(m.max, p.max)
		}
		s.pts = merged
		s.width *= 2
		i = int(at / s.width)
	}
	for len(s.pts) <= i {
		s.pts = append(s.pts, seriesPoint{})
	}
	p := &s.pts[i]
	p.count++
	p.sumUs += us
	p.max = max(p.max, us)
}

// sweep applies the forgetting window (Options.Forget) at most every quarter window: bodies,
// icids and SMS identifiers last seen before the window are forgotten, and sessions idle for
// longer (with their expectations, once due) are judged into the retired counts, exactly as a
// snapshot would judge them, and dropped.
func (st *state) sweep(r *Receiver, now time.Duration) {
	w := r.opts.Forget
	if w <= 0 || now-st.lastSweep < w/4 {
		return
	}
	st.lastSweep = now
	cut := now - w
	for h, e := range st.seen {
		if e.last < cut {
			if e.badSig {
				st.refused--
			}
			delete(st.seen, h)
		}
	}
	for k, t := range st.icids {
		if t < cut {
			delete(st.icids, k)
		}
	}
	for k, t := range st.smsIDs {
		if t < cut {
			delete(st.smsIDs, k)
		}
	}
	for id, t := range st.triggers {
		if r.Since(t) < cut {
			delete(st.triggers, id)
		}
	}
	wall := r.start.Add(now)
	due := func(x *expectation) bool { return !wall.Before(x.e.Triggered.Add(x.e.Deadline)) }
	retire := func(x *expectation) {
		x.retired = true
		if x.satisfied() {
			st.retired.Satisfied++
			return
		}
		st.retired.Missing++
		for _, t := range x.missingTypes() {
			st.retiredMiss[t]++
		}
	}
	for id, s := range st.sessions {
		if s.last >= cut || (s.exp != nil && !due(s.exp)) {
			continue
		}
		missing := false
		if s.exp != nil {
			missing = !s.exp.satisfied()
			retire(s.exp)
		}
		if d, bad := judge(r, s, missing, &st.retired, now, func(t string) { st.retiredMiss[t]++ }); bad && len(st.retiredFail) < r.opts.MaxDetails {
			st.retiredFail = append(st.retiredFail, d)
		}
		delete(st.sessions, id)
	}
	for sub, q := range st.subFree {
		kept := q[:0]
		for _, s := range q {
			if st.sessions[s.id] == s {
				kept = append(kept, s)
			}
		}
		if len(kept) == 0 {
			delete(st.subFree, sub)
		} else {
			st.subFree[sub] = kept
		}
	}
	// Expectations that never met a session are retired once due and older than the window.
	for id, x := range st.sessExp {
		if due(x) && r.Since(x.e.Triggered) < cut {
			retire(x)
			delete(st.sessExp, id)
		}
	}
	for sub, q := range st.subExp {
		kept := q[:0]
		for _, x := range q {
			if due(x) && r.Since(x.e.Triggered) < cut {
				retire(x)
			} else {
				kept = append(kept, x)
			}
		}
		if len(kept) == 0 {
			delete(st.subExp, sub)
		} else {
			st.subExp[sub] = kept
		}
	}
	kept := st.exps[:0]
	for _, x := range st.exps {
		if !x.retired {
			kept = append(kept, x)
		}
	}
	clear(st.exps[len(kept):])
	st.exps = kept
}

// CauseAbsent and CauseNotInteger are the Report.Causes keys of a disconnect without a
// stateCode and of one whose stateCode is no integer.
const (
	CauseAbsent     = "absent"
	CauseNotInteger = "not-integer"
)

// causeKey is the Report.Causes key of a disconnect's raw stateCode: the decimal code, or
// CauseAbsent, or CauseNotInteger.
func causeKey(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return CauseAbsent
	}
	n, err := strconv.Atoi(string(raw))
	if err != nil {
		return CauseNotInteger
	}
	return strconv.Itoa(n)
}
