// Split from report.go (issue 23): judging calls (sessions) at a snapshot, from their
// expectation or from their own pushes.

package receiver

import (
	"sort"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

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
		for _, t := range []string{pns.EventCallin, pns.EventCallout, pns.EventAlerting, pns.EventAnswer, pns.EventDisconnect} {
			need := false
			switch t {
			case pns.EventCallin, pns.EventDisconnect:
				need = true
			case pns.EventCallout:
				need = has(pns.EventAlerting) || has(pns.EventAnswer) || s.feeAnswered
			case pns.EventAlerting:
				need = has(pns.EventAnswer) || s.feeAnswered
			case pns.EventAnswer:
				need = s.feeAnswered
			}
			if need && !has(t) {
				missing = append(missing, t)
			}
		}
	}
	if !o.NoFee && len(s.fees) == 0 && (o.NoEvents || has(pns.EventDisconnect)) {
		missing = append(missing, pns.EventTypeFee)
	}
	return missing, false
}

// afterDisconnect counts the events of a session stamped later than its disconnect (the
// platform's own timestamps; arrival order alone is legitimate re-push reordering).
func afterDisconnect(s *session) int {
	var disc string
	for _, ev := range s.events {
		if ev.typ == pns.EventDisconnect {
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
		if ev.typ == pns.EventDisconnect {
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
	hasDisc := s.mask&(1<<eventRank[pns.EventDisconnect]) != 0
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

// sequenceState judges the set of event types of a session against §7.4: complete means
// callin and disconnect with every intermediate stage implying its predecessor (answer ⇒
// alerting ⇒ callout); broken means a disconnect arrived but the set is impossible.
func sequenceState(mask uint8) (complete, broken bool) {
	has := func(t string) bool { return mask&(1<<eventRank[t]) != 0 }
	if !has(pns.EventDisconnect) {
		return false, false
	}
	ok := has(pns.EventCallin) &&
		(!has(pns.EventAnswer) || has(pns.EventAlerting)) &&
		(!has(pns.EventAlerting) || has(pns.EventCallout))
	return ok, !ok
}
