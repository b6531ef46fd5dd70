package loadtest

// opUnbind removes the session's binding by subscriptionId; a failed unbind leaves it to the
// cleanup pass, which retries.
var opUnbind = &operation{
	Ifaces:  everyMode("unbind"),
	Unbinds: true,
	Request: func(m *modeRun, s *session, q *request) {
		m.provisioning(m.iface(OpUnbind), q, s.b.sub, nil)
	},
	Answer: func(r *runner, s *session, a *answer, o *observation) bool {
		if a.ok && gone(a.code) {
			r.unbound(s.b)
		} else {
			r.leftover(s.b)
		}
		return false
	},
}
