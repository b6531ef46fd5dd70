package receiver

import (
	"net/http"
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
	// or MarkTriggered: meaningful for emulator runs.
	RefTrigger = "trigger"
)

// seenEntry tracks one body (by content hash).
type seenEntry struct {
	deliveries uint32
	accounted  bool // content counted (first delivery with an acceptable signature)
	accepted   bool // answered 200 at least once
	rejected   bool // answered non-200 before any 200
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
}

type expectation struct {
	e Expectation
	s *session
}

func (x *expectation) satisfied() bool {
	s := x.s
	evOK := x.e.NoEvents || (s != nil && s.mask&(1<<eventRank[EventDisconnect]) != 0)
	feeOK := x.e.NoFee || (s != nil && len(s.fees) > 0)
	return evOK && feeOK
}

type state struct {
	c           Counters
	byKind      map[string]int64
	byEventType map[string]int64
	byScheme    map[string]int64
	seen        map[bodyHash]seenEntry
	icids       map[string]uint32
	smsIDs      map[string]struct{}
	sessions    map[string]*session
	subFree     map[string][]*session     // sessions with a subscriptionId not claimed by an expectation
	subExp      map[string][]*expectation // unclaimed expectations by subscriptionId
	sessExp     map[string]*expectation   // unclaimed expectations by sessionId
	exps        []*expectation
	triggers    map[string]time.Time // MarkTriggered for sessions not seen yet
	lat         map[string]map[string]*hdrhistogram.Histogram
	violations  []ViolationSample
	badSigs     []BadSignatureSample
}

func (st *state) init() {
	st.byKind = map[string]int64{}
	st.byEventType = map[string]int64{}
	st.byScheme = map[string]int64{}
	st.seen = map[bodyHash]seenEntry{}
	st.icids = map[string]uint32{}
	st.smsIDs = map[string]struct{}{}
	st.sessions = map[string]*session{}
	st.subFree = map[string][]*session{}
	st.subExp = map[string][]*expectation{}
	st.sessExp = map[string]*expectation{}
	st.triggers = map[string]time.Time{}
	st.lat = map[string]map[string]*hdrhistogram.Histogram{RefPlatform: {}, RefTrigger: {}}
}

func (st *state) record(ref, typ string, d time.Duration) {
	m := st.lat[ref]
	h := m[typ]
	if h == nil {
		h = newHist()
		m[typ] = h
	}
	v := int64(d / time.Microsecond)
	if v < histMin {
		v = histMin
	}
	if v > histMax {
		v = histMax
		st.c.LatencyClamped++
	}
	_ = h.RecordValue(v) // cannot fail within [histMin, histMax]
}

// platformLatency records arrival − platform timestamp and returns it (ok=false when the
// timestamp does not parse).
func (st *state) platformLatency(r *Receiver, typ, ts string, now time.Time) (time.Duration, bool) {
	if ts == "" {
		return 0, false
	}
	t, err := pns.ParseUTC(ts)
	if err != nil {
		st.c.BadTimestamps++
		return 0, false
	}
	d := now.Sub(t)
	if d < 0 {
		// The sender's clock is ahead of ours (or scaled): recorded as the minimum.
		st.c.ClockAhead++
	}
	st.record(RefPlatform, typ, d)
	if r.opts.LateAfter > 0 && d > r.opts.LateAfter {
		st.c.Late++
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
	ent := st.seen[h]
	first := ent.deliveries == 0
	ent.deliveries++
	if !first {
		if ent.accepted {
			st.c.Duplicates++
			a.Duplicate = true
		} else {
			st.c.Redeliveries++
			a.Redelivery = true
		}
	}
	if !a.SignatureOK {
		st.c.BadSignature++
		if len(st.badSigs) < r.opts.MaxDetails {
			st.badSigs = append(st.badSigs, BadSignatureSample{AppKey: a.AppKey, Scheme: string(a.Scheme), Arrived: a.Arrived})
		}
		if !r.opts.AcceptBadSignature {
			st.answer(&ent, http.StatusUnauthorized)
			st.seen[h] = ent
			return http.StatusUnauthorized
		}
	} else if r.opts.Apps == nil {
		st.c.Unverified++
	}
	status := http.StatusOK
	if first && a.Kind != KindSMSBlock && r.failSelected(h) {
		st.c.InjectedFailures++
		status = r.opts.FailStatus
	}
	if !ent.accounted {
		ent.accounted = true
		st.content(r, a, env, parsed, now)
	}
	st.answer(&ent, status)
	st.seen[h] = ent
	return status
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
	if !parsed {
		st.c.Malformed++
		return
	}
	if len(a.Violations) > 0 {
		st.c.SchemaInvalid++
		if len(st.violations) < r.opts.MaxDetails {
			st.violations = append(st.violations, ViolationSample{Kind: a.Kind, EventType: a.EventType,
				Arrived: a.Arrived, Violations: a.Violations})
		}
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
	case KindSMSNotify, KindSMSBlock:
		if a.Kind == KindSMSNotify {
			st.c.SMSNotify++
		} else {
			st.c.SMSBlock++
		}
		st.byEventType[a.Kind]++
		a.SubscriptionID = env.SMS.SubscriptionID
		if id := env.SMS.SMSIdentifier; id != "" {
			// Block and Notify of one X-mode SMS share the identifier (§10), so they are
			// kept apart.
			key := a.Kind + "/" + id
			if _, dup := st.smsIDs[key]; dup {
				st.c.DuplicateSMS++
			}
			st.smsIDs[key] = struct{}{}
		}
		st.platformLatency(r, a.Kind, env.SMS.TimeStamp, now)
	default:
		st.c.UnknownShape++
	}
}

func (st *state) event(r *Receiver, a *Arrival, env *envelope, now time.Time) {
	st.c.Events++
	typ := env.EventType
	st.byEventType[typ]++
	si := env.StatusInfo
	if si == nil || si.SessionID == "" {
		st.c.EventsWithoutSession++
		return
	}
	a.SessionIDs = []string{si.SessionID}
	a.SubscriptionID = si.SubscriptionID
	s := st.session(si.SessionID)
	st.setSub(r, s, si.SubscriptionID)
	s.events = append(s.events, eventArrival{typ: typ, timestamp: si.Timestamp, arrived: a.Arrived})
	if rank, ok := eventRank[typ]; ok {
		bit := uint8(1) << rank
		if s.mask&bit != 0 {
			s.dupEvents++
			st.c.DuplicateEvents++
		}
		s.mask |= bit
		if int8(rank) < s.maxRank {
			s.outOfOrder++
			st.c.OutOfOrder++
		} else {
			s.maxRank = int8(rank)
		}
	} else {
		st.c.UnknownEventTypes++
	}
	if _, late := st.platformLatency(r, typ, si.Timestamp, now); late {
		s.late++
	}
	if !s.trigger.IsZero() {
		st.record(RefTrigger, typ, now.Sub(s.trigger))
	}
}

func (st *state) fee(r *Receiver, a *Arrival, env *envelope, now time.Time) {
	st.c.FeeMessages++
	st.byEventType["fee"]++
	if len(env.FeeLst) > st.c.MaxFeeBatch {
		st.c.MaxFeeBatch = len(env.FeeLst)
	}
	for _, f := range env.FeeLst {
		if f.Icid != "" {
			n := st.icids[f.Icid]
			st.icids[f.Icid] = n + 1
			if n > 0 {
				st.c.DuplicateFeeRecords++
			} else {
				st.c.FeeRecords++
			}
		} else {
			st.c.FeeRecords++
			st.c.FeeWithoutIcid++
		}
		_, late := st.platformLatency(r, "fee", f.CallEndTime, now)
		if f.SessionID == "" {
			continue
		}
		a.SessionIDs = append(a.SessionIDs, f.SessionID)
		s := st.session(f.SessionID)
		st.setSub(r, s, f.SubscriptionID)
		if len(s.fees) > 0 {
			s.dupFees++
		}
		s.fees = append(s.fees, a.Arrived)
		if late {
			s.late++
		}
		if !s.trigger.IsZero() {
			st.record(RefTrigger, "fee", now.Sub(s.trigger))
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
		st.record(RefTrigger, ev.typ, r.start.Add(ev.arrived).Sub(t))
	}
	for _, f := range s.fees {
		st.record(RefTrigger, "fee", r.start.Add(f).Sub(t))
	}
}

func (st *state) expect(r *Receiver, e Expectation) {
	x := &expectation{e: e}
	st.exps = append(st.exps, x)
	st.c.Expected++
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

func (st *state) openExpectations(now time.Time) int {
	n := 0
	for _, x := range st.exps {
		if !x.satisfied() && now.Before(x.e.Triggered.Add(x.e.Deadline)) {
			n++
		}
	}
	return n
}
