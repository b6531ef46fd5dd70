package conformance

import (
	"testing"

	"github.com/pns-harness/pns-harness/pns"
)

// TestPushRulesCoverKinds is the guard of the one-file registration of a notification kind:
// every kind of pns.Notifications has a delivery rule in pushRules that needs it (so a
// platform that does not push the kind gets its scenarios "not applicable", and a new kind
// cannot land with no rule checking its push), and every rule needs a real kind, recordings
// or nothing.
func TestPushRulesCoverKinds(t *testing.T) {
	has := map[string]bool{}
	for _, r := range pushRules {
		has[r.needs] = true
		if _, ok := pns.NotificationOf(r.needs); !ok && r.needs != "" && r.needs != "recording" {
			t.Errorf("push rule %s needs %q, which is neither a pns notification kind nor \"recording\"", r.tag, r.needs)
		}
	}
	for _, k := range pns.NotificationKinds() {
		if !has[k] {
			t.Errorf("notification kind %q has no delivery rule in pushRules (pushsteps.go): register the rule that checks its push", k)
		}
	}
}

// TestPushRulesRegistered checks that each push rule reached the three tables it is spliced
// into, in the registration's order in the catalog.
func TestPushRulesRegistered(t *testing.T) {
	cat := Rules[IfaceCallbacks]
	last := -1
	for _, r := range pushRules {
		i := -1
		for j, tag := range cat {
			if tag == r.tag {
				i = j
			}
		}
		if i < 0 {
			t.Errorf("push rule %s is not in Rules[%s]", r.tag, IfaceCallbacks)
			continue
		}
		if i <= last {
			t.Errorf("push rule %s is at %d in Rules[%s], before its predecessor in pushRules", r.tag, i, IfaceCallbacks)
		}
		last = i
		if len(tagRuleIDs[IfaceCallbacks+" "+r.tag]) == 0 {
			t.Errorf("push rule %s has no references in tagRuleIDs", r.tag)
		}
		if got := capabilityRules["@rule:"+r.tag]; got != r.needs {
			t.Errorf("capabilityRules[@rule:%s] = %q, want %q", r.tag, got, r.needs)
		}
	}
}
