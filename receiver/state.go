package receiver

import (
	"github.com/pns-harness/pns-harness/pns"

	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

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
	// nonces maps app key + nonce of accepted pushes (nonceKey) to the wall-clock instant, in
	// Unix nanoseconds, after which its Created can no longer pass the skew window (replay
	// protection).
	nonces     map[nonceKey]int64
	nonceSwept time.Time
	// attemptsHist counts accepted bodies by the deliveries they took; repush the interval
	// from a refused first delivery to its first re-push.
	attemptsHist map[int]int64
	repush       durStats
	firstAttempt durStats
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
	st.nonces = map[nonceKey]int64{}
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
	case a.Kind == pns.NotifyEvent && !knownEvent:
		st.c.UnknownEventTypes++
		defect = []string{fmt.Sprintf("unknown eventType %q", env.EventType)}
	case a.Kind == pns.NotifyEvent && (env.StatusInfo == nil || env.StatusInfo.SessionID == ""):
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
	case pns.NotifyEvent:
		st.event(r, a, env, now)
	case pns.NotifyFee:
		st.fee(r, a, env, now)
	default:
		st.notification(r, a, env, now)
	}
}

// notification accounts a body of a kind that is not about a call (X-number status, SMS,
// and a kind added to pns.Notifications): in its row (the kind's Types), one count per
// record, one delay per record against the emulator's instants or the body's timestamp.
func (st *state) notification(r *Receiver, a *Arrival, env *envelope, now time.Time) {
	n, ok := pns.NotificationOf(a.Kind)
	if !ok {
		return
	}
	row, records := n.Types[0], env.records(n)
	switch a.Kind {
	case pns.NotifyNumStatus:
		st.c.NumStatusMessages++
		st.c.NumStatusChanges += int64(records)
	case pns.NotifySMSNotify:
		st.c.SMSNotify++
	case pns.NotifySMSBlock:
		st.c.SMSBlock++
	}
	st.byEventType[row]++
	tc := st.typ(row)
	tc.Received += int64(records)
	// numInfo carries no timestamp of its own: only the emulator's instants measure it.
	ts := ""
	if a.Kind == pns.NotifySMSNotify || a.Kind == pns.NotifySMSBlock {
		ts = env.SMS.TimeStamp
		a.SubscriptionID = env.SMS.SubscriptionID
		st.smsIdentifier(a, env.SMS.SMSIdentifier, tc)
	}
	for i := 0; i < records; i++ {
		_, _ = st.delay(r, row, ts, a.Emitted, i, now, a.Arrived)
	}
}

// smsIdentifier counts an SMS whose identifier arrived before in another body as a duplicate.
func (st *state) smsIdentifier(a *Arrival, id string, tc *TypeCounts) {
	if id == "" {
		return
	}
	// Block and Notify of one X-mode SMS share the identifier (§10), so they are kept apart.
	key := a.Kind + "/" + id
	if _, dup := st.smsIDs[key]; dup {
		st.c.DuplicateSMS++
		tc.Duplicate++
	}
	st.smsIDs[key] = a.Arrived
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
	if typ == pns.EventDisconnect {
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
	st.byEventType[pns.EventTypeFee]++
	if len(env.FeeLst) > st.c.MaxFeeBatch {
		st.c.MaxFeeBatch = len(env.FeeLst)
	}
	tc := st.typ(pns.EventTypeFee)
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
		d, late := st.delay(r, pns.EventTypeFee, f.CallEndTime, a.Emitted, i, now, a.Arrived)
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
			st.record(RefTrigger, pns.EventTypeFee, now.Sub(s.trigger), a.Arrived)
		}
	}
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
