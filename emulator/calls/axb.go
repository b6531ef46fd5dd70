// This file is split from sim.go (issue 23): the routing rule of AXB calls, registered in
// modeRoutes from here like every mode's.

package calls

import "github.com/pns-harness/pns-harness/pns"

// init registers the AXB routing rule in modeRoutes; AXB fee records carry serviceType 004.
func init() { modeRoutes[pns.ModeAXB] = modeCalls{(*Simulator).routeAXB, "004"} }

// routeAXB applies the AXB rule of §7.4: A calls X and reaches B, B calls X and reaches A,
// within callDirection.
func (s *Simulator) routeAXB(req CallRequest) decision {
	b, ok := s.be.AXB(req.Called, req.Caller)
	if !ok {
		return fail(nil, 2, CauseNoBinding, "caller has no AXB binding on X")
	}
	if req.Caller == b.A {
		if b.CallDirection == 2 {
			return fail(&b, 1, CauseDirection, "callDirection 2 forbids A calling B")
		}
		return decision{binding: &b, direction: 1, target: b.B, reason: "A calls X: forwarded to B"}
	}
	if b.CallDirection == 1 {
		return fail(&b, 0, CauseDirection, "callDirection 1 forbids B calling A")
	}
	return decision{binding: &b, direction: 0, target: b.A, reason: "B calls X: forwarded to A"}
}
