// This file is split from sim.go (issue 23): how a call is routed, before any timing: the
// decision, the forced causes, and the table of the modes' routing rules, each of which
// lives in its mode's file (axb.go, ax.go, axe.go, axyb.go).

package calls

import (
	"context"
	"fmt"

	"github.com/pns-harness/pns-harness/pns"
)

// force applies a forced hang-up cause (D91) to a routing decision. A cause of the inbound
// leg releases the call before forwarding, whatever the bindings say; a cause of a later
// stage needs a forwarded call, so on a call the bindings do not forward it is an error
// rather than a sequence the platform could not produce.
func force(d decision, code int) (decision, error) {
	c, _ := pns.LookupHangupCause(code)
	d.forced = &c
	d.reason += fmt.Sprintf("; hang-up cause %d forced", code)
	if c.Stage == pns.StageInbound {
		d.target, d.callbackA, d.cause = "", "", code
		return d, nil
	}
	if d.target == "" {
		return d, invalid("cause %d ends a forwarded call, but this call is not forwarded (%s)", code, d.reason)
	}
	return d, nil
}

// decision is the routing outcome of a call, before timing.
type decision struct {
	binding   *Binding
	direction int
	target    string // forward destination; empty = the call fails with cause
	cause     int
	collect   bool // AXE prompt and digit collection first
	reason    string
	// callbackA is set when the forwarded leg goes to an AXE A: the callback record of A gets
	// the caller at callout.
	callbackA string
	// forced is the hang-up cause forced by CallRequest.Cause (D91), nil when none.
	forced *pns.HangupCause
	// display is the privacy number the forwarded leg shows when it is not the dialled X
	// (AXYB: B reaches A through X and A sees Y, §6.5).
	display string
}

func fail(b *Binding, dir, cause int, reason string) decision {
	return decision{binding: b, direction: dir, cause: cause, reason: reason}
}

// route applies the binding rules of reference §7.4 with the state at the start of the call.
func (s *Simulator) route(xi XInfo, req CallRequest) decision {
	if xi.Status == StatusPaused || xi.Status == StatusUnavailable {
		return fail(nil, 2, CauseServiceError, "X number status "+xi.Status+" (paused or unavailable)")
	}
	if r, ok := modeRoutes[xi.Mode]; ok {
		return r.route(s, req)
	}
	return fail(nil, 2, CauseServiceError, "X number belongs to an app of unsupported mode "+string(xi.Mode))
}

// modeCalls is what the simulator needs of a binding mode: its routing rule of calls, the
// serviceType its fee records carry ("" omits it), its routing rule of texts and what a
// forced cause changes.
type modeCalls struct {
	route       func(*Simulator, CallRequest) decision
	serviceType string
	// sms routes a text to a number of the mode (§10), filling res; found tells whether a
	// binding b routed it. nil: the mode's numbers carry no simulated SMS, and a text to one
	// is refused as a request for an unsupported mode.
	sms func(s *Simulator, ctx context.Context, req SMSRequest, app AppConfig, res *SMSResult, ev pns.SMSEvent) (b Binding, found bool)
	// forced, when set, adjusts the decision of a call once a forced or injected hang-up
	// cause (D91) is applied, for a mode whose failures have rules of their own (AXYB's fee
	// direction, D86).
	forced func(d decision) decision
}

// modeRoutes holds the modeCalls of each binding mode. Each mode's file registers its own from
// an init function (axb.go, ax.go, axe.go, axyb.go), so that a new mode's calls are one new
// file: a table here would be the only reason for a new mode to touch a second file of this
// package. Nothing reads it before the package's init functions have run, and
// TestEveryModeRoutes fails for a mode of pns.Modes that has no rule.
var modeRoutes = map[pns.Mode]modeCalls{}

// serviceType is the fee record's serviceType of a mode's calls: "" (omitted) in X mode (D88)
// and for a mode that names none (AXYB, D86).
func serviceType(m pns.Mode) string {
	return modeRoutes[m].serviceType
}
