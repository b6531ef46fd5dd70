package conformance

import (
	"testing"

	"github.com/pns-harness/pns-harness/features"
)

// TestAuthFailuresRunLate keeps deliberate authentication failures that run on any target at the
// end of the run: a platform that locks the client IP out (§2.6) must not take the other
// scenarios with it. Only authentication scenarios may follow the first of them, so a new
// feature file with such failures must sort after the others (xaksk_encoding.feature does;
// authentication.feature always runs last).
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
		if first != "" && !contains(p.Tags, "@"+IfaceAuthentication) {
			t.Errorf("%s runs after the authentication failure %s: a lockout on a real platform would fail it", p.Key, first)
		}
	}
	if first == "" {
		t.Fatal("no authentication failure that runs on any target: the check means nothing")
	}
}
