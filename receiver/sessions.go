// Split from state.go (issue 23): calls (sessions) and the expectations they are judged against.

package receiver

import (
	"github.com/pns-harness/pns-harness/pns"

	"time"
)

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
			want = []string{pns.EventDisconnect}
		}
		for _, t := range want {
			rank, ok := eventRank[t]
			if s == nil || !ok || s.mask&(1<<rank) == 0 {
				out = append(out, t)
			}
		}
	}
	if !x.e.NoFee && (s == nil || len(s.fees) == 0) {
		out = append(out, pns.EventTypeFee)
	}
	return out
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
		st.typ(pns.EventTypeFee).OfExpected += int64(len(s.fees))
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
		st.record(RefTrigger, pns.EventTypeFee, r.start.Add(f).Sub(t), f)
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
			out = append(out, pns.EventDisconnect)
		}
	}
	if !x.e.NoFee {
		out = append(out, pns.EventTypeFee)
	}
	return out
}
