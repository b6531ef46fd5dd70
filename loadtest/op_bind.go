package loadtest

import "github.com/pns-harness/pns-harness/pns"

// opBind creates the session's binding with a fresh A (and B) number and the next X of the
// profile (or the platform's choice).
var opBind = &operation{
	Ifaces: everyMode("bind"),
	Binds:  true,
	Request: func(m *modeRun, s *session, q *request) {
		b := s.b
		m.provisioning(m.iface(OpBind), q, "", bindBody(m, b))
		m.journal.bind(b) // before the request leaves: a crash from here on may leave it bound
	},
	Answer: func(r *runner, s *session, a *answer, o *observation) bool {
		b := s.b
		switch {
		case o.success && a.SubscriptionID != "":
			// The answer's strings are copies of their own (answerFromTape), not views of its
			// body, so a binding keeps them without keeping the body.
			b.sub = a.SubscriptionID
			// The platform's choice, when the profile lists no X.
			if x := a.x(); b.x == "" && x != "" {
				b.x = x
			}
			if b.ext == "" {
				b.ext = a.ExtendNum
			}
			r.bound(b)
			return true
		case o.success:
			o.confErrs = append(o.confErrs, o.iface+": success without subscriptionId")
			r.orphan(b) // bound, but the answer does not say under which ID
		case a.ok, o.unsent:
			r.refused(b) // refused, or never reached the platform: nothing was bound
		default:
			r.orphan(b) // the request may have reached the platform: reconcile in cleanup
		}
		return false
	},
}

// bindBody is the body of the binding's bind request (with its X once the platform chose it).
func bindBody(m *modeRun, b *bindState) []byte {
	mm := m.app.AreaMatchMode
	if mm == "" && m.app.AreaCode == "" {
		// Selection by the A number's area: the generated A numbers have none the
		// platform knows, so only a non-strict match finds an X.
		mm = "1"
	}
	return appendBindBody(make([]byte, 0, 160), m.mode, b.a, b.b, b.x, b.ext, m.app.AreaCode, mm, m.lifetime)
}

// bindState is a binding a session works on: what its bind sent and what the platform
// answered.
type bindState struct {
	m    *modeRun
	id   uint64
	a, b string
	xi   int
	x    string
	ext  string
	sub  string
}

// iface returns the interface of an operation in the mode.
func (m *modeRun) iface(op string) pns.Interface { return m.ifaces[op] }
