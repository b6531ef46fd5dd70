package conformance

import (
	"testing"

	"github.com/pns-harness/pns-harness/pns"
)

// TestWatchCredentials: only requests signed with the profile's own credentials count toward
// "the platform refuses our signature"; the negative authentication scenarios' deliberate
// ones never do, a lock after them is theirs, and against the emulator nothing is watched.
func TestWatchCredentials(t *testing.T) {
	answer := func(code, desc string) *pns.Response {
		return &pns.Response{Envelope: pns.Envelope{ResultCode: code, ResultDesc: desc}}
	}
	digest := answer("1010010", "Invalid digest.")
	locked := answer(string(pns.CodeLockedOut), "Authentication failed, try again later")

	rs := &runState{creds: pns.CredentialWatch{Limit: 1}}
	rs.watchCredentials("AXB", requestMods{secret: "wrong"}, digest)
	rs.watchCredentials("AXB", requestMods{del: []string{pns.HeaderXAKSK}}, answer("1023033", ""))
	rs.watchCredentials("AXB", requestMods{}, locked) // after deliberate failures: their lock
	if r := rs.creds.Refused(); r != nil {
		t.Fatalf("deliberate refusals tripped the watch: %v", r)
	}
	rs.watchCredentials("AXB", requestMods{}, digest)
	if r := rs.creds.Refused(); r == nil || r.App != "AXB" {
		t.Fatalf("a refusal of our own signature did not trip the watch: %v", r)
	}

	em := &runState{emulator: true, creds: pns.CredentialWatch{Limit: 1}}
	em.watchCredentials("AXB", requestMods{}, digest)
	if r := em.creds.Refused(); r != nil {
		t.Errorf("the emulator's answers were watched: %v", r)
	}

	fresh := &runState{creds: pns.CredentialWatch{Limit: 1}}
	fresh.watchCredentials("AX", requestMods{}, locked) // a lock before any deliberate failure: not ours
	if r := fresh.creds.Refused(); r == nil || r.Code != string(pns.CodeLockedOut) {
		t.Errorf("a lock at the first request did not trip the watch: %v", r)
	}
}
