package conformance

import (
	"bytes"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/features"
	"github.com/pns-harness/pns-harness/pns"
)

// TestScenarioNamesUnique: results are keyed by feature file and scenario name, so outline
// names must carry their row's values.
func TestScenarioNamesUnique(t *testing.T) {
	ps, err := ParseFeatures(features.FS)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) < 100 {
		t.Fatalf("only %d scenarios", len(ps))
	}
	seen := map[string]bool{}
	for _, p := range ps {
		if seen[p.Key] {
			t.Errorf("duplicate scenario key %q", p.Key)
		}
		seen[p.Key] = true
	}
}

// TestEveryFeaturePerInterface checks the deliverable list: one feature per interface.
func TestEveryFeaturePerInterface(t *testing.T) {
	want := []string{"axb_bind", "axb_unbind", "axb_modify", "axb_query", "ax_bind", "ax_unbind",
		"ax_modify", "ax_query", "ax_set_callee", "axe_bind", "axe_unbind", "axe_modify", "axe_query",
		"recording_download", "authentication"}
	have := map[string]bool{}
	for _, f := range features.Files() {
		have[strings.TrimSuffix(f, ".feature")] = true
	}
	for _, w := range want {
		if !have[w] {
			t.Errorf("missing %s.feature", w)
		}
	}
}

// TestCoverageComplete: every applicable result code and every catalogued rule is covered by
// a scenario or listed as unreachable with a reason, and no tag is misspelled.
func TestCoverageComplete(t *testing.T) {
	cov, err := BuildCoverage(features.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range cov.Uncovered {
		t.Errorf("uncovered: %s", u)
	}
	for _, u := range cov.UnknownTags {
		t.Errorf("unknown tag: %s", u)
	}
	for _, cc := range cov.Codes {
		if len(cc.Scenarios) == 0 && cc.Reason == "" {
			t.Errorf("code %s neither covered nor explained", cc.Code)
		}
	}
	var buf bytes.Buffer
	if err := cov.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "1012010") {
		t.Errorf("table lacks 1012010:\n%s", buf.String())
	}
}

// TestCoverageDetectsGaps proves the completeness test can fail: a feature set without the
// 1020167 scenario leaves axe.bind's 1020167 uncovered.
func TestCoverageDetectsGaps(t *testing.T) {
	fsys := filteredFS(t, func(name string) bool { return name != "axe_bind.feature" })
	cov, err := BuildCoverage(fsys, nil)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, u := range cov.Uncovered {
		if u == pns.IfaceAXEBind+" code "+string(pns.CodeNoIdleExtension) {
			found = true
		}
	}
	if !found {
		t.Errorf("removing axe_bind.feature should leave 1020167 uncovered; uncovered = %v", cov.Uncovered)
	}
}

// TestCoverageCheckedOnTarget: after a run every rule states whether it was checked on the
// target, and why not: @emulator scenarios skipped against another target, or not selected.
func TestCoverageCheckedOnTarget(t *testing.T) {
	res := &Result{Scenarios: []ScenarioResult{
		{Key: "axb_bind.feature:Bind A and B to an explicit X", Status: "passed", State: StatePassed},
		{Key: "axb_bind.feature:A full X is refused", Status: "skipped", State: StateNotChecked, Reason: "@emulator scenario against a non-emulator target"},
	}}
	cov, err := BuildCoverage(features.FS, res)
	if err != nil {
		t.Fatal(err)
	}
	rule := func(iface, r string) RuleCoverage {
		for _, ic := range cov.Interfaces {
			if ic.Interface == iface {
				for _, rc := range ic.Rules {
					if rc.Rule == r {
						return rc
					}
				}
			}
		}
		t.Fatalf("no rule %s %s", iface, r)
		return RuleCoverage{}
	}
	if rc := rule(pns.IfaceAXBBind, "business:x-full"); rc.Checked == nil || *rc.Checked || rc.State != StateNotChecked || rc.NotChecked != "@emulator scenario against a non-emulator target" {
		t.Errorf("x-full: %s, checked %v, %q", rc.State, rc.Checked, rc.NotChecked)
	}
	for _, cc := range cov.Codes {
		if cc.Code == "1012008" && (cc.State != StateNotChecked || cc.NotChecked == "") {
			t.Errorf("code 1012008 (x full) after a run that did not check it: %q %q", cc.State, cc.NotChecked)
		}
	}
	if rc := rule(pns.IfaceAXBQuery, "business:pagination"); rc.Checked == nil || *rc.Checked || rc.NotChecked != "no covering scenario was selected" {
		t.Errorf("pagination: checked %v, %q", rc.Checked, rc.NotChecked)
	}
	var b bytes.Buffer
	if err := cov.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "business:x-full") || !strings.Contains(b.String(), "not checked on this target: @emulator scenario against a non-emulator target") {
		t.Errorf("table lacks the not-checked note:\n%s", b.String())
	}
	if cov, _ := BuildCoverage(features.FS, nil); cov.Interfaces[0].Rules[0].Checked != nil {
		t.Error("without a run nothing is said about the target")
	}
}

// TestRuleStates: a rule is covered only when a covering scenario passed and none failed; a
// difference from an emulator decision, a known difference or a skip leaves it not covered,
// with the reason of the worst covering state.
func TestRuleStates(t *testing.T) {
	ran := func(states ...string) map[string]ScenarioResult {
		m := map[string]ScenarioResult{}
		for i, s := range states {
			k := string(rune('a' + i))
			m[k] = ScenarioResult{Key: k, State: s, Reason: "why " + s}
		}
		return m
	}
	keys := []string{"a", "b", "c"}
	for _, c := range []struct {
		states  []string
		want    string
		checked bool
		reason  string
	}{
		{[]string{StatePassed, StateNotChecked}, RuleCovered, true, ""},
		{[]string{StatePassed, StateFailed}, StateFailed, true, ""},
		{[]string{StateDiffers, StateNotChecked}, StateDiffers, false, "why differs"},
		{[]string{StateKnownDifference, StateNotApplicable}, StateKnownDifference, false, "why known difference"},
		{[]string{StateNotChecked, StateNotApplicable}, StateNotChecked, false, "why not checked"},
		{[]string{StateNotApplicable}, StateNotApplicable, false, "why not applicable"},
		{nil, StateNotChecked, false, "no covering scenario was selected"},
	} {
		st, checked, reason := checkedOn(keys, ran(c.states...))
		if st != c.want || *checked != c.checked || reason != c.reason {
			t.Errorf("%v: got %s %v %q, want %s %v %q", c.states, st, *checked, reason, c.want, c.checked, c.reason)
		}
	}
}
