package loadtest

// opModify changes the session's binding in place: it sets recordFlag to "false", a field
// every mode's modify accepts and that leaves the binding as the load made it.
var opModify = &operation{
	Ifaces: everyMode("modify"),
	Request: func(m *modeRun, s *session, q *request) {
		b := make([]byte, 0, 96)
		b = append(b, '{')
		b = appendField(b, "subscriptionId", s.b.sub, false)
		b = appendField(b, "recordFlag", "false", false)
		b = append(b, '}')
		m.provisioning(m.iface(OpModify), q, "", b)
	},
}
