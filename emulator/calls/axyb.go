package calls

import (
	"strconv"

	"github.com/pns-harness/pns-harness/emulator/store"
	"github.com/pns-harness/pns-harness/pns"
)

// AXYB hang-up causes of reference §6.5 and §7.7; their stateDesc is pns's cause table.
const (
	CauseAXYBNoBinding = 8030
	CauseAXYBNoY       = 8031
	CauseAXYBOwnNumber = 8032
)

// AXYBRoute is a Backend's routing of a call to a number of an AXYB app (§6.5, D86).
type AXYBRoute struct {
	// Binding is the relation (nil when none matched).
	Binding *Binding
	// Target is the real number the call is put through to; empty when it fails with Cause.
	Target string
	// Display is the privacy number the called party sees: Y when B reaches A, X when A
	// reaches B.
	Display string
	// ToB is set when A dialled Y to reach B (fee direction 1; else 0).
	ToB   bool
	Cause int
	// Reason says why, for the call log.
	Reason string
}

// AXYBBackend is the part of a Backend that routes AXYB calls. Routing may assign a Y to a
// caller with none (§6.1), so it changes the state. A Backend without it fails every call to
// an AXYB number with 8020.
type AXYBBackend interface {
	AXYB(caller, dialled string) (AXYBRoute, bool)
}

// init registers the AXYB routing rule with the simulator's route (modeRoutes), and what a
// forced cause does to an AXYB call; AXYB fee records carry no serviceType (D86), and AXYB
// numbers carry no simulated SMS.
func init() {
	modeRoutes[pns.ModeAXYB] = modeCalls{route: (*Simulator).routeAXYB, forced: forcedAXYBDirection}
}

// routeAXYB applies the routing table of §6.5 (D86): failures 8030-8032 are fee direction 2, a
// direction the relation forbids is 8016 with the direction that was tried.
func (s *Simulator) routeAXYB(req CallRequest) decision {
	ab, ok := s.be.(AXYBBackend)
	if !ok {
		return fail(nil, 2, CauseServiceError, "the backend does not route AXYB calls")
	}
	r, ok := ab.AXYB(req.Caller, req.Called)
	if !ok {
		return fail(nil, 2, CauseServiceError, "dialled number is not a number of an AXYB app")
	}
	dir := 0
	if r.ToB {
		dir = 1
	}
	if r.Cause != 0 {
		if r.Cause != CauseDirection {
			dir = 2
		}
		return fail(r.Binding, dir, r.Cause, r.Reason)
	}
	return decision{binding: r.Binding, direction: dir, target: r.Target, display: r.Display, reason: r.Reason}
}

// forcedAXYBDirection gives an AXYB call released before forwarding by a forced or injected
// cause (D91) the fee direction of a failed AXYB call, 2 (D86), as the routing's own failures
// have; a forced 8016 keeps the direction that was tried, as the routing's does (§6.5).
func forcedAXYBDirection(d decision) decision {
	if d.forced != nil && d.target == "" && d.cause != CauseDirection {
		d.direction = 2
	}
	return d
}

// AXYB implements AXYBBackend over the store: its routing table, with the automatic Y.
func (b *StoreBackend) AXYB(caller, dialled string) (AXYBRoute, bool) {
	r, ok := b.st.RouteAXYB(caller, dialled)
	if !ok {
		return AXYBRoute{}, false
	}
	out := AXYBRoute{Target: r.Called, Display: r.Display, ToB: r.ToB}
	if r.Relation.SubscriptionID != "" {
		bd := fromAXYB(r.Relation)
		out.Binding = &bd
	}
	switch {
	case r.Cause != "":
		out.Cause, _ = strconv.Atoi(r.Cause)
		out.Reason = map[string]string{
			store.CauseAXYBNoRelation: "no AXYB relation for this caller and number",
			store.CauseAXYBNoY:        "no Y could be assigned to the caller",
			store.CauseAXYBOwnNumber:  "a bound number dialled its own privacy number",
			store.CauseDirection:      "callDirection forbids this direction",
		}[r.Cause]
	case r.ToB:
		out.Reason = "A dials Y: forwarded to B, shown X"
	case r.AssignedY:
		out.Reason = "a caller without YB dials X: a Y is assigned, forwarded to A, shown the new Y"
	default:
		out.Reason = "B dials X: forwarded to A, shown Y"
	}
	return out, true
}

func fromAXYB(r store.AXYBRelation) Binding {
	return Binding{Mode: pns.ModeAXYB, SubscriptionID: r.SubscriptionID, X: r.X, A: r.A,
		CallDirection: r.CallDirection, RecordFlag: r.RecordFlag, UserData: r.UserData, SMSOff: true}
}
