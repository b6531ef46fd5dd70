// Split from state.go (issue 23): the forgetting window that bounds the state of a long run.

package receiver

import (
	"time"
)

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
	st.forgetIdentifiers(r, cut)
	wall := r.start.Add(now)
	due := func(x *expectation) bool { return !wall.Before(x.e.Triggered.Add(x.e.Deadline)) }
	st.retireSessions(r, now, cut, due)
	st.retireExpectations(r, cut, due)
}

// forgetIdentifiers forgets the bodies, icids, SMS identifiers and triggers last seen before
// cut.
func (st *state) forgetIdentifiers(r *Receiver, cut time.Duration) {
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
}

// retire counts expectation x into the retired counts, satisfied or missing (with the types
// it lacked).
func (st *state) retire(x *expectation) {
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

// retireSessions judges and drops the sessions idle since before cut whose expectation (if
// any) is due, and drops them from the queues of sessions waiting for a subscription.
func (st *state) retireSessions(r *Receiver, now, cut time.Duration, due func(*expectation) bool) {
	for id, s := range st.sessions {
		if s.last >= cut || (s.exp != nil && !due(s.exp)) {
			continue
		}
		missing := false
		if s.exp != nil {
			missing = !s.exp.satisfied()
			st.retire(s.exp)
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
}

// retireExpectations retires the expectations that never met a session once due and older
// than the window (cut), and drops every retired one from the list.
func (st *state) retireExpectations(r *Receiver, cut time.Duration, due func(*expectation) bool) {
	for id, x := range st.sessExp {
		if due(x) && r.Since(x.e.Triggered) < cut {
			st.retire(x)
			delete(st.sessExp, id)
		}
	}
	for sub, q := range st.subExp {
		kept := q[:0]
		for _, x := range q {
			if due(x) && r.Since(x.e.Triggered) < cut {
				st.retire(x)
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
