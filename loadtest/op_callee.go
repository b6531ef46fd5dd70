package loadtest

import "github.com/pns-harness/pns-harness/pns"

// opCallee sets the temporary callee of an AX binding (SetAXTemporaryCallee) to the session's
// B number.
var opCallee = &operation{
	Ifaces: map[pns.Mode]string{pns.ModeAX: pns.IfaceAXCallee},
	Request: func(m *modeRun, s *session, q *request) {
		b := make([]byte, 0, 96)
		b = append(b, '{')
		b = appendField(b, "subscriptionId", s.b.sub, false)
		b = appendField(b, "calleeNum", s.b.b, false)
		b = append(b, '}')
		m.provisioning(m.iface(OpCallee), q, "", b)
	},
}
