// This file is split from sim.go (issue 23): the routing rules of AXB calls and texts,
// registered in modeRoutes from here like every mode's.

package calls

import (
	"context"

	"github.com/pns-harness/pns-harness/pns"
)

// init registers the AXB routing rule in modeRoutes; AXB fee records carry serviceType 004.
func init() {
	modeRoutes[pns.ModeAXB] = modeCalls{route: (*Simulator).routeAXB, serviceType: "004", sms: (*Simulator).smsAXB}
}

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

// smsAXB applies the AXB SMS rule of §10: A texts X and reaches B, B texts X and reaches A;
// a sender without a binding on X is refused.
func (s *Simulator) smsAXB(_ context.Context, req SMSRequest, _ AppConfig, res *SMSResult, _ pns.SMSEvent) (b Binding, found bool) {
	if b, found = s.be.AXB(req.To, req.From); !found {
		res.SendResult, res.Reason = sendNoBinding, "sender has no AXB binding on X"
	} else if req.From == b.A {
		s.forward(res, b.B, req.Content, "A texts X: forwarded to B")
	} else {
		s.forward(res, b.A, req.Content, "B texts X: forwarded to A")
	}
	return b, found
}
