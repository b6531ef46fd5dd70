package conformance

import (
	"net/http"
	"testing"

	"github.com/pns-harness/pns-harness/features"
	"github.com/pns-harness/pns-harness/pns"
)

// TestAuthFailuresRunLate keeps deliberate authentication failures that run on any target at the
// end of the run: a platform that locks the client IP out (§2.6) must not take the other
// scenarios with it. Only authentication scenarios may follow the first of them, so a new
// feature file with such failures must sort after the others (xaksk_encoding.feature does;
// authentication.feature always runs last). Scenarios that run only against the emulator may
// follow them.
func TestAuthFailuresRunLate(t *testing.T) {
	ps, err := ParseFeatures(features.FS)
	if err != nil {
		t.Fatal(err)
	}
	first := ""
	for _, p := range ps {
		if first == "" && contains(p.Tags, TagAuthNegative) && !contains(p.Tags, TagEmulator) {
			first = p.Key
		}
		// An @emulator scenario may follow: it is not checked on any other target, and against
		// the emulator the runner switches the lockout off (xmode.feature sorts after
		// xaksk_encoding.feature).
		if first != "" && !contains(p.Tags, "@"+IfaceAuthentication) && !contains(p.Tags, TagEmulator) {
			t.Errorf("%s runs after the authentication failure %s: a lockout on a real platform would fail it", p.Key, first)
		}
	}
	if first == "" {
		t.Fatal("no authentication failure that runs on any target: the check means nothing")
	}
}

// TestEditedHeadersAreDeliberate: a request whose signed headers a scenario edited (insidesteps.go)
// is a deliberate failure, never a refusal of the profile's own credentials.
func TestEditedHeadersAreDeliberate(t *testing.T) {
	rs := &runState{creds: pns.CredentialWatch{Limit: 1}}
	rs.watchCredentials("AXB", requestMods{edit: func(http.Header) {}}, &pns.Response{Envelope: pns.Envelope{ResultCode: "1023034"}})
	if r := rs.creds.Refused(); r != nil {
		t.Fatalf("an edited header tripped the credential watch: %v", r)
	}
	if !rs.deliberate.Load() {
		t.Error("an edited header did not mark the run's deliberate failures")
	}
}
