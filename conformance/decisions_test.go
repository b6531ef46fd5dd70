package conformance

import (
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/features"
)

// TestDecisionTagsKnown: every @decision:Dn tag of the feature files names an entry of
// pns.Decisions, so a scenario cannot claim a provenance the contract data does not have.
func TestDecisionTagsKnown(t *testing.T) {
	ps, err := ParseFeatures(features.FS)
	if err != nil {
		t.Fatal(err)
	}
	tagged := 0
	for _, p := range ps {
		ds, err := ScenarioDecisions(p.Tags)
		if err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
		if len(ds) > 0 {
			tagged++
		}
	}
	if tagged == 0 {
		t.Error("no scenario carries a @decision: tag")
	}
}

func TestDecisionReason(t *testing.T) {
	for _, tt := range []struct {
		tags []string
		want string
	}{
		{[]string{"@axb.query"}, ""},
		{[]string{"@decision:D41", "@axb.query"}, "asserts the emulator's decision D41 (AXB query response and edge cases)"},
		{[]string{"@decision:D53", "@decision:D62"}, "D53 ("},
		{[]string{"@decision:D999"}, "tag @decision:D999 names no entry of pns.Decisions"},
	} {
		if got := decisionReason(tt.tags); (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("decisionReason(%v) = %q, want %q", tt.tags, got, tt.want)
		}
	}
}
