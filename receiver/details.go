// Split from report.go (issue 23): the details a report keeps of what went wrong: the calls
// with a problem, sampled bodies, and the requests that reproduce them.

package receiver

import "time"

// EventDetail is one event of a session in a failure detail.
type EventDetail struct {
	Type      string        `json:"type"`
	Timestamp string        `json:"timestamp"`
	Arrived   time.Duration `json:"arrivedNs"`
}

// SessionDetail describes a session with a problem.
type SessionDetail struct {
	SessionID      string        `json:"sessionId,omitempty"`
	SubscriptionID string        `json:"subscriptionId,omitempty"`
	Events         []EventDetail `json:"events,omitempty"`
	FeeRecords     int           `json:"feeRecords"`
	// Problems are short tags: "missing", "missing callin" (… per notification type),
	// "orphan-fee", "event-after-disconnect", "out-of-order", "duplicate-event",
	// "duplicate-fee", "late", "broken-sequence".
	Problems []string `json:"problems"`
	// Trigger is the request that made the call, when the harness made it (Expectation.Trigger).
	Trigger *CallTrigger `json:"trigger,omitempty"`
}

// CallTrigger is the request that made a simulated call: POST to the emulator's calls API.
type CallTrigger struct {
	URL  string `json:"url"`
	Body string `json:"body"`
	// Bind re-creates the binding the call went through, nil when the call needs none.
	Bind *SignedRequest `json:"bind,omitempty"`
}

// SignedRequest is a request of the PNS interface to send again: it must be signed afresh for
// AppKey (the signature sent is never kept).
type SignedRequest struct {
	Method string `json:"method"`
	URL    string `json:"url"`
	Body   string `json:"body"`
	AppKey string `json:"appKey"`
	// WSSE says the app signs with X-WSSE instead of X-AKSK.
	WSSE bool `json:"wsse,omitempty"`
}

// ViolationSample is a schema-invalid body's violations.
type ViolationSample struct {
	Kind       string        `json:"kind"`
	EventType  string        `json:"eventType,omitempty"`
	Arrived    time.Duration `json:"arrivedNs"`
	Violations []string      `json:"violations"`
	// Replay sends the push again (its body is in Replay.BodyFile once saved); nil when the
	// request was not kept.
	Replay *Replay `json:"replay,omitempty"`
}

// BadSignatureSample records a delivery whose signature failed (never the secret).
type BadSignatureSample struct {
	AppKey  string        `json:"appKey,omitempty"`
	Scheme  string        `json:"scheme,omitempty"`
	Arrived time.Duration `json:"arrivedNs"`
	// Reason says why: headers missing or malformed, unknown app key, wrong digest, Created
	// outside the skew window, nonce replayed.
	Reason string `json:"reason,omitempty"`
	// Replay re-sends the push with the signature header as received, the thing judged.
	Replay *Replay `json:"replay,omitempty"`
}

// DuplicateSample records a body delivered again after it was accepted (Counters.Duplicates).
type DuplicateSample struct {
	Kind      string        `json:"kind"`
	EventType string        `json:"eventType,omitempty"`
	Arrived   time.Duration `json:"arrivedNs"`
	// Replay sends the body twice (Replay.Repeat), which a receiver judges the same way.
	Replay *Replay `json:"replay,omitempty"`
}
