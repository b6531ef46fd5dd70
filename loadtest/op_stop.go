package loadtest

import (
	"time"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/receiver"
)

// LiveCallTalkSeconds is the talk time of the calls of a flow with a stop step: the stop must
// come within about a minute of emulator time after its call, or the call has ended and the
// stop is answered 1012007 (D80).
const LiveCallTalkSeconds = 60

// opStop ends the session's call with the stop call (reference §11.2): the step right after a
// call, so that a workload with a flow bind, call, stop, unbind next to one without the stop
// stops a share of its calls. The calls of such a flow are placed live (pushed at their
// emulator instants, not all at once), so that they are still going on when the stop comes.
// The stop call belongs to no mode (D79): every mode has it under the one interface ID.
var opStop = &operation{
	Ifaces: map[pns.Mode]string{pns.ModeAXB: pns.IfaceStopCall, pns.ModeAX: pns.IfaceStopCall, pns.ModeAXE: pns.IfaceStopCall,
		pns.ModeAXYB: pns.IfaceStopCall},
	After:    OpCall,
	Releases: true,
	Request: func(m *modeRun, s *session, q *request) {
		b := make([]byte, 0, 64+len(s.call))
		b = append(b, '{')
		b = appendField(b, "sessionid", s.call, false)
		b = appendField(b, "signal", pns.StopCallSignal, false)
		b = append(b, '}')
		m.provisioning(m.iface(OpStop), q, "", b)
		// The stop call takes no app_key, even from an AXYB app (§11.2): the URL is the path alone.
		q.url = m.base + m.iface(OpStop).Path
	},
	Answer: func(r *runner, s *session, a *answer, o *observation) bool {
		if a.ok && a.code == string(pns.CodeSuccess) {
			s.call = ""
		}
		return true
	},
}

// stopsCalls reports whether a flow stops its calls, so that the call operation places them
// live.
func (f *flowRun) stopsCalls() bool {
	for _, st := range f.steps {
		if st.name == OpStop {
			return true
		}
	}
	return false
}

// Ends of a call of unknown events the tracker waits for (CallbackTracker.ends); endOpen
// marks the entry, so that a call waiting for both has a non-zero value.
const (
	endDisconnect = 1 << iota
	endFee
	endOpen
)

// expectOpen registers a call whose events are not known in advance (a call the flow stops:
// which events precede the stop depends on when it lands) with the receiver, which then
// requires its disconnect and fee record; the tracker waits for those two (only the fee
// record when the app has no call-status URL).
func (t *CallbackTracker) expectOpen(id string, sent time.Time, noEvents bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ends := endOpen
	if noEvents {
		ends |= endDisconnect
	}
	t.ends[id] = ends
	t.expectLocked(receiver.Expectation{SessionID: id, Triggered: sent, NoEvents: noEvents}, sent)
}
