package conformance

import (
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/features"
	"github.com/pns-harness/pns-harness/pns"
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

// TestRefusedStep: "the request is refused" passes on any 4xx refusal, whatever the code, and
// fails on a success, a 5xx answer or an answer without a resultcode.
func TestRefusedStep(t *testing.T) {
	for _, tt := range []struct {
		status int
		code   string
		ok     bool
	}{
		{403, "1011003", true},
		{400, "1011005", true},
		{404, "1012007", true},
		{200, "0", false},
		{403, "0", false},
		{500, "1010001", false},
		{403, "", false},
	} {
		w := &world{tags: map[string]bool{TagRefused: true}, last: &exchange{resp: &pns.Response{Status: tt.status, Envelope: pns.Envelope{ResultCode: tt.code}}}}
		if err := w.refused(); (err == nil) != tt.ok {
			t.Errorf("HTTP %d %q: %v, want ok=%v", tt.status, tt.code, err, tt.ok)
		}
	}
	if err := (&world{tags: map[string]bool{TagRefused: true}}).refused(); err == nil {
		t.Error("no request sent: want an error")
	}
	untagged := &world{tags: map[string]bool{}, last: &exchange{resp: &pns.Response{Status: 403, Envelope: pns.Envelope{ResultCode: "1011003"}}}}
	if err := untagged.refused(); err == nil || !strings.Contains(err.Error(), TagRefused) {
		t.Errorf("a scenario without %s: %v", TagRefused, err)
	}
}
