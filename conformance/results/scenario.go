package results

// This file is one scenario's outcome and the requests it made.

// Observation is one request of a scenario: the interface it reached (empty when the URI is
// not an interface) and the answer's HTTP status and resultcode. Aux marks verification
// requests made by assertion steps (e.g. "the AXB binding … does not exist").
type Observation struct {
	Interface  string `json:"interface,omitempty"`
	Status     int    `json:"status"`
	ResultCode string `json:"resultcode,omitempty"`
	Aux        bool   `json:"aux,omitempty"`
}

// ScenarioResult is the outcome of one scenario (one Examples row of an outline).
type ScenarioResult struct {
	// Key is "<feature file>:<scenario name>", unique in the suite.
	Key     string   `json:"key"`
	Feature string   `json:"feature"`
	Name    string   `json:"name"`
	Tags    []string `json:"tags"`
	// Status is godog's view: passed, failed, skipped, undefined or pending (a known
	// difference and a difference from an emulator decision are skipped steps to godog).
	Status string `json:"status"`
	// State is the judgement: StatePassed, StateFailed, StateNotChecked,
	// StateNotApplicable, StateKnownDifference or StateDiffers.
	State string `json:"state"`
	// Reason explains every state but passed: the failure, why it was not checked or not
	// applicable, the known-differences entry's reason, or the decision with the platform's
	// answer.
	Reason string `json:"reason,omitempty"`
	// Decisions are the emulator decisions the scenario asserts (@decision:Dn).
	Decisions []string `json:"decisions,omitempty"`
	// Error is godog's error text of the worst step (the skip reason for skipped ones).
	Error        string        `json:"error,omitempty"`
	Observations []Observation `json:"observations,omitempty"`
}
