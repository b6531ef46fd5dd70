package reports

// CallbackReproduction is the replay of one push judged wrong.
type CallbackReproduction struct {
	// Check is the callback check the push or call failed: "badSignature",
	// "schemaInvalid", "missing", "duplicate", "orphanFee" or "afterDisconnect" (the names
	// of the callback test cases of JUnit and CTRF), "" for none of them.
	Check string `json:"check"`
	// Problem is the judgement, as in Problems.
	Problem string `json:"problem"`
	// Curl is the command that sends the push again (or makes the call again); its body
	// file is named relative to the report directory unless the command says otherwise.
	// Empty when NotReproducible says why there is none.
	Curl string `json:"curl,omitempty"`
	// NotReproducible says why there is no command (a call the harness did not make).
	NotReproducible string `json:"notReproducible,omitempty"`
}

// Line is the reproduction as a failure text shows it after "reproduce: ".
func (r CallbackReproduction) Line() string {
	if r.Curl == "" {
		return r.NotReproducible
	}
	return r.Curl
}
