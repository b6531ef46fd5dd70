package loadtest

// opQuery reads the session's binding back by subscriptionId.
var opQuery = &operation{
	Ifaces: everyMode("query"),
	Request: func(m *modeRun, s *session, q *request) {
		m.provisioning(m.iface(OpQuery), q, s.b.sub, nil)
	},
}
