package loadtest

import (
	"encoding/json"

	"github.com/pns-harness/pns-harness/pns"
)

// OpYB is the AXYB YB bind step (reference §6.2): the session's B gets a Y on the session's AX
// relation, named by its subscriptionId.
const OpYB = "yb"

// ybBindBody is the body of a YB bind: the AX's subscriptionId and B. The YB lives as long as
// the AX (no ybDuration: the AX bind's value, 0 unless set, so it goes with the AX, §6.2).
type ybBindBody struct {
	SubscriptionID string `json:"subscriptionId"`
	OrigNum        string `json:"origNum"`
}

// opYB attaches a YB relation to the AX the flow's bind step made, so that the session's B has
// its own Y: B then reaches A through X shown that Y, and A reaches B through it (§6.1). It
// must come right after the bind: a pool's relation is shared by many sessions, and a second
// YB of the same B on one AX is refused (1012010, D84). Its answer is checked as the AXYB bind
// (it is one: the same URI and schemas) and reported under axyb.bind. Nothing is journaled: a
// YB relation goes with its AX, which is (§6.3).
var opYB = &operation{
	Ifaces: map[pns.Mode]string{pns.ModeAXYB: pns.IfaceAXYBBind},
	After:  OpBind,
	Request: func(m *modeRun, s *session, q *request) {
		body, _ := json.Marshal(ybBindBody{SubscriptionID: s.b.sub, OrigNum: s.b.b}) // two strings always marshal
		m.provisioning(m.iface(OpYB), q, "", body)
	},
	Answer: func(r *runner, s *session, a *answer, o *observation) bool {
		if o.success && a.SubscriptionID != "" && a.SubscriptionID != s.b.sub {
			o.confErrs = append(o.confErrs, o.iface+": a YB bind answered another subscriptionId than its AX's")
		}
		// Refused or not, the AX is the session's: it goes on to its unbind, which also
		// removes a YB whose answer was lost.
		return true
	},
}
