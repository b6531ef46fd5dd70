// This file is split from axyb.go (issue 23): how a call to a number of an AXYB app is
// routed (§6.5, D86), which may give the caller a Y and so changes the state.

package store

import (
	"github.com/pns-harness/pns-harness/pns"
)

// AXYBRoute is the outcome of a call to an AXYB number (§6.5, D86).
type AXYBRoute struct {
	// Relation is the matched relation (zero when Cause is CauseAXYBNoRelation).
	Relation AXYBRelation
	// Called is the real number the call is put through to; Display is the privacy number
	// the called party sees (Y when B reaches A, X when A reaches B).
	Called  string
	Display string
	// ToB is set when A dialled Y to reach B (fee direction 1); otherwise B reached A through
	// X (direction 0).
	ToB bool
	// AssignedY is set when the call assigned a Y to the caller (§6.1 automatic Y).
	AssignedY bool
	// Cause is the hang-up cause of a call that cannot be put through, "" otherwise.
	Cause string
}

// AXYB hang-up causes of reference §6.5 and §7.7.
const (
	CauseAXYBNoRelation = "8030"
	CauseAXYBNoY        = "8031"
	CauseAXYBOwnNumber  = "8032"
	// CauseDirection is the "call direction not allowed" cause (8016).
	CauseDirection = "8016"
)

// RouteAXYB routes a call from caller to dialled, a number of an AXYB app, by the routing
// table of §6.5 (D86). A caller with no YB on an X's AX is given one (automatic Y), so routing
// changes the state; dialled must be a number of the pool.
func (s *Store) RouteAXYB(caller, dialled string) (AXYBRoute, bool) {
	n := s.xs[dialled]
	if n == nil || n.app.cfg.Mode != pns.ModeAXYB {
		return AXYBRoute{}, false
	}
	a := n.app
	now := s.lock(a)
	defer a.mu.Unlock()
	if r := n.axyb; r != nil { // dialled an X
		switch {
		case caller == r.A:
			return AXYBRoute{Relation: r.clone(), Cause: CauseAXYBOwnNumber}, true
		case r.CallDirection == 1:
			return AXYBRoute{Relation: r.clone(), Cause: CauseDirection}, true
		}
		var part *AXYBPart
		for _, p := range r.parts {
			if p.B == caller {
				part = p
			}
		}
		route := AXYBRoute{Called: r.A}
		if part == nil {
			p, e := s.addYB(a, r, caller, n.city, true, r.YBDuration, true, now)
			if e != nil {
				return AXYBRoute{Relation: r.clone(), Cause: CauseAXYBNoY}, true
			}
			part, route.AssignedY = p, true
		}
		route.Relation, route.Display = r.clone(), part.Y
		return route, true
	}
	// dialled a Y: find the YB part of the caller's AX on it.
	for _, p := range n.yOf {
		if p.B == caller {
			return AXYBRoute{Cause: CauseAXYBOwnNumber}, true
		}
	}
	for _, r := range a.axybByA[caller] {
		if p := n.yOf[r.SubscriptionID]; p != nil {
			if r.CallDirection == 2 {
				return AXYBRoute{Relation: r.clone(), Cause: CauseDirection}, true
			}
			return AXYBRoute{Relation: r.clone(), Called: p.B, Display: r.X, ToB: true}, true
		}
	}
	return AXYBRoute{Cause: CauseAXYBNoRelation}, true
}
