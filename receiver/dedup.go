// Split from state.go (issue 23): recognising a body delivered again (dedup) and its attempts.

package receiver

import (
	"net/http"
	"time"

	"github.com/pns-harness/pns-harness/pns"
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
	case pns.NotifyEvent:
		if _, ok := eventRank[env.EventType]; ok {
			st.typ(env.EventType).Duplicate++
			return
		}
	default:
		// Every other kind has one row (pns.Notification.Types): one count per record of a
		// batch, one per message otherwise.
		if n, ok := pns.NotificationOf(a.Kind); ok {
			if records := env.records(n); records > 0 {
				st.typ(n.Types[0]).Duplicate += int64(records)
				return
			}
		}
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
