package calls

import "github.com/pns-harness/pns-harness/pns"

// Types of the control interface (simulated calls). The notification wire types the
// simulator emits are pns's (pns/notifications_wire.go), shared with the receiver.

// Outcomes of a simulated call once the forwarded leg starts.
const (
	OutcomeAnswered     = "answered"
	OutcomeNoAnswer     = "no-answer"
	OutcomeBusy         = "busy"
	OutcomeRejected     = "rejected"
	OutcomeCallerHangup = "caller-hangup"
)

// CallRequest describes a simulated call. Caller dials Called (an X number); Outcome says what
// happens once the forwarded leg starts. RingSeconds and TalkSeconds are emulator-clock seconds;
// zero means the defaults (DefaultRingSeconds, DefaultTalkSeconds).
type CallRequest struct {
	Caller      string `json:"caller"`
	Called      string `json:"called"`
	Outcome     string `json:"outcome,omitempty"`
	RingSeconds int    `json:"ringSeconds,omitempty"`
	TalkSeconds int    `json:"talkSeconds,omitempty"`
	// Extension is the digits an AXE caller enters at the prompt.
	Extension string `json:"extension,omitempty"`
	// Live keeps the call's pushes at their emulator-clock instants even when the simulator
	// pushes everything at once (Options.Immediate, load tests), so that a stop call (§11.2)
	// can end it while it lasts. Without Immediate every call is live until it ends.
	Live bool `json:"live,omitempty"`
	// Cause, when set, forces the call's hang-up cause (D91): any code of the table of
	// reference §7.7 (pns.HangupCauses). The code's stage says how far the call gets: a cause
	// of the inbound leg releases the call before forwarding; the others need a call the
	// bindings forward, and replace Outcome.
	Cause *int `json:"cause,omitempty"`
}

// Route says how the platform routed a call.
type Route struct {
	Mode string `json:"mode"`
	// Direction is the fee record's direction (0, 1, 2).
	Direction int `json:"direction"`
	// Target is the forward destination, empty when the call was not forwarded.
	Target string `json:"target,omitempty"`
	// Display is the number shown on the forwarded leg (X).
	Display string `json:"display,omitempty"`
	// Reason explains the routing decision in words.
	Reason string `json:"reason"`
}

// TimedEvent is an event with the emulator-clock instant it is (or was) pushed at.
type TimedEvent struct {
	pns.Event
	// URL is where the event goes; empty when the app has no URL for it (not pushed, D77).
	URL string `json:"url,omitempty"`
}

// CallResult is what a simulated call produced.
type CallResult struct {
	SessionID      string       `json:"sessionId"`
	SubscriptionID string       `json:"subscriptionId,omitempty"`
	AppKey         string       `json:"appKey"`
	Route          Route        `json:"route"`
	StateCode      int          `json:"stateCode"`
	StateDesc      string       `json:"stateDesc"`
	Events         []TimedEvent `json:"events"`
	Fee            pns.FeeInfo  `json:"fee"`
	// Recording is the recording's object name when the call was recorded.
	Recording string `json:"recording,omitempty"`
}

// CallRecord is one entry of an app's call log ("business details", kept 31 days).
type CallRecord struct {
	Request CallRequest `json:"request"`
	CallResult
}
