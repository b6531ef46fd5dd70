// This file is split from sim.go (issue 23): the routing rules of AX calls and texts,
// registered in modeRoutes from here like every mode's.

package calls

import (
	"context"

	"github.com/pns-harness/pns-harness/pns"
)

// init registers the AX routing rule in modeRoutes; AX fee records carry serviceType 003.
func init() {
	modeRoutes[pns.ModeAX] = modeCalls{route: (*Simulator).routeAX, serviceType: "003", sms: (*Simulator).smsAX}
}

// routeAX applies the AX rule of §7.4: another user who calls X reaches A (unless A's number
// is to be shown), A who calls X reaches the temporary callee; turnFlag and callDirection
// may forbid either.
func (s *Simulator) routeAX(req CallRequest) decision {
	b, ok := s.be.AX(req.Called)
	if !ok {
		return fail(nil, 2, CauseNoPermission, "X has no AX binding")
	}
	dir := 0
	if req.Caller == b.A {
		dir = 1
	}
	if b.TurnFlag == "off" {
		return fail(&b, dir, CauseNoPermission, "turnFlag is off")
	}
	if dir == 1 && b.CallDirection == 2 {
		return fail(&b, dir, CauseDirection, "callDirection 2 forbids A calling out")
	}
	if dir == 0 && b.CallDirection == 1 {
		return fail(&b, dir, CauseDirection, "callDirection 1 forbids calls to A")
	}
	if dir == 0 {
		if b.CalleeNumDisplay == "1" {
			return fail(&b, dir, CauseRealCallerShown, "calleeNumDisplay is \"1\"")
		}
		return decision{binding: &b, direction: 0, target: b.A, reason: "another user calls X: forwarded to A"}
	}
	t, ok := s.be.TempCallee(req.Called)
	if !ok {
		return fail(&b, dir, CauseNoTempCallee, "A calls X without a valid temporary callee")
	}
	return decision{binding: &b, direction: 1, target: t, reason: "A calls X: forwarded to the temporary callee"}
}

// smsAX applies the AX SMS rule of §10: another user's text reaches A with the [From]
// prefix; A's text goes to the number of its @suffix, or to the app's SMS control URL to be
// decided (Block mode).
func (s *Simulator) smsAX(ctx context.Context, req SMSRequest, app AppConfig, res *SMSResult, ev pns.SMSEvent) (b Binding, found bool) {
	if b, found = s.be.AX(req.To); !found {
		res.SendResult, res.Reason = sendNoBinding, "X has no AX binding"
	} else if req.From != b.A {
		s.forward(res, b.A, smsFromPrefix+req.From+smsFromPostfix+req.Content, "B texts X: forwarded to A with the [From] prefix")
	} else if to, text, ok := atSuffix(req.Content); ok {
		s.forward(res, to, text, "A texts X with an @number suffix: forwarded to that number")
	} else {
		s.block(ctx, app, res, ev, b, req.Content)
	}
	return b, found
}
