package reports

import (
	"bytes"
	"strings"
	"testing"
)

// TestVerdictStates: skipped scenarios count by the runner's state, differences fail nothing,
// and the HTML shows them on the first page with their reasons, with stale entries.
func TestVerdictStates(t *testing.T) {
	sc := func(name string, st Status, state, reason string) Scenario {
		return Scenario{Feature: "AXB query", FeatureURI: "axb_query.feature", Name: name, Interface: "axb.query", Status: st, State: state, Reason: reason}
	}
	scen := []Scenario{
		sc("passes", StatusPassed, StatePassed, ""),
		sc("needs control", StatusSkipped, StateNotChecked, "needs emulator control"),
		sc("no AXE", StatusSkipped, StateNotApplicable, "the profile has no app \"AXE\""),
		sc("accepted", StatusSkipped, StateKnownDifference, "known difference (rule @axb.query): ticket REL-7"),
		sc("decided otherwise", StatusSkipped, StateDiffers, "differs from the emulator's decision D41: the platform answered HTTP 200"),
	}
	s := &Summary{Conformance: &Conformance{Scenarios: scen, Interfaces: CountByInterface(scen), Stale: []string{"rule @x: matched no failure in this run"}}}
	v := s.ComputeVerdict()
	if v.Status != VerdictPass || v.ScenariosNotChecked != 1 || v.ScenariosNotApplicable != 1 || v.KnownDifferences != 1 || v.Differs != 1 {
		t.Fatalf("verdict %+v", v)
	}
	if got, want := v.Counts(), "1 passed, 0 failed, 1 not checked, 1 not applicable, 1 known differences, 1 differ from emulator decisions"; got != want {
		t.Errorf("Counts() = %q, want %q", got, want)
	}
	if ic := s.Conformance.Interfaces[0]; ic.Skipped != 2 || ic.Differences != 2 || ic.Total() != 5 {
		t.Errorf("per-interface counts %+v", ic)
	}
	var b bytes.Buffer
	if err := WriteHTML(&b, s); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	diff := strings.Index(page, `id="differences"`)
	if diff < 0 || diff > strings.Index(page, `<section`) {
		t.Fatalf("no differences block before the sections")
	}
	for _, w := range []string{"ticket REL-7", "differs from the emulator&#39;s decision D41", "known-differences entry rule @x: matched no failure", "<b>1</b> not applicable", "<b>1</b> differ from emulator decisions"} {
		if !strings.Contains(page, w) {
			t.Errorf("page lacks %q", w)
		}
	}
	b.Reset()
	if err := WriteJUnit(&b, s); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`<skipped message="not checked: needs emulator control">`, `<skipped message="differs: differs from the emulator&#39;s decision D41`, `<skipped message="known difference: known difference (rule @axb.query): ticket REL-7">`} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("junit lacks %q:\n%s", w, b.String())
		}
	}
}
