package conformance

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pns-harness/pns-harness/features"
	"github.com/pns-harness/pns-harness/pns"
)

// TestContractMapping: every rule tag of the catalogue names at least one inventory rule and
// every mapped ID exists, so a regenerated inventory that renames a rule fails here instead of
// silently dropping its scenarios.
func TestContractMapping(t *testing.T) {
	inv, err := LoadInventory()
	if err != nil {
		t.Fatal(err)
	}
	for k, ids := range tagRuleIDs {
		iface, tag, _ := strings.Cut(k, " ")
		if !contains(Rules[iface], tag) {
			t.Errorf("tagRuleIDs[%q]: %s is not a rule of %s in Rules", k, tag, iface)
		}
		for _, id := range ids {
			if _, ok := inv.ByID(id); !ok {
				t.Errorf("tagRuleIDs[%q]: %s is not in the inventory", k, id)
			}
		}
	}
	cov, err := BuildCoverage(features.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range cov.Contract.Unmapped {
		t.Errorf("unmapped: %s", u)
	}
}

// TestContractDirections: directions come from the expected outcome (code 0 held, another
// code or a refusal broken) or from a @direction: tag; a rule checked one way only, or only
// by emulator scenarios, is a gap with its reason, and a rule no scenario names is one too; a
// step about a response field checks that field's row of the answer table.
func TestContractDirections(t *testing.T) {
	fsys := fstest.MapFS{"x.feature": {Data: []byte(`Feature: x

  @axb.bind @rule:range:duration
  Scenario: largest duration accepted
    When I bind AXB with:
    Then the result code is "0"

  @axb.bind @rule:range:duration
  Scenario: duration above the range refused
    When I bind AXB with:
    Then the result code is "1010002"

  @axb.bind @rule:distinct:callerNum,calleeNum @decision:D28
  Scenario: A equals B refused
    When I bind AXB with:
    Then the request is refused

  @axb.bind @contract:3.2/userData @direction:held @direction:broken
  Scenario: userData both ways by tag
    When I bind AXB with:
    Then the response field "x" is present

  @axb.bind @contract:3.2/maxDuration
  Scenario: maxDuration kept everywhere
    When I bind AXB with:
    Then the result code is "0"

  @axb.bind @contract:3.2/maxDuration @emulator
  Scenario: maxDuration broken on the emulator only
    When I bind AXB with:
    Then the result code is "1010002"

  @axb.query
  Scenario: query answer fields
    When I query AXB with "relationNum=1"
    Then the response field "relationNumList.0.callerNum" is "+8613800000001"
    And the response field "fee.icid" is present
`)}}
	// Without the rule notes: what is asserted here is how the scenarios' tags and steps
	// alone give directions (a schema note would make a rule both ways whatever they say).
	inv, err := LoadInventory()
	if err != nil {
		t.Fatal(err)
	}
	pickles, err := ParseFeatures(fsys)
	if err != nil {
		t.Fatal(err)
	}
	cov := struct{ Contract *ContractCoverage }{buildContract(inv, nil, pickles, nil)}
	got := map[string]ContractRule{}
	for _, e := range cov.Contract.Entries {
		got[e.ID] = e
	}
	if e := got["3.2/duration"]; !e.Held || !e.Broken || e.Gap != "" || len(e.Scenarios) != 2 {
		t.Errorf("3.2/duration: %+v, want both directions and no gap", e)
	}
	if e := got["3.2/userData"]; !e.Held || !e.Broken || e.Gap != "" {
		t.Errorf("3.2/userData: %+v, want both directions from the tags", e)
	}
	for _, id := range []string{"3.2/calleeNum", "D28"} {
		e := got[id]
		if e.Held || !e.Broken || !e.EmulatorOnly || !strings.Contains(e.Gap, "only the broken direction") || !strings.Contains(e.Gap, "embedded emulator") {
			t.Errorf("%s: %+v, want a broken-only, emulator-only gap", id, e)
		}
	}
	if e := got["3.2/callerNum"]; len(e.Scenarios) != 0 || e.Gap != "no scenario checks it" {
		t.Errorf("3.2/callerNum: %+v, want no scenario", e)
	}
	for _, id := range []string{"3.5/callerNum~2", "8.3/icid"} {
		if e := got[id]; len(e.Scenarios) != 1 || !e.Held || e.Broken {
			t.Errorf("%s: %+v, want the query scenario, held only", id, e)
		}
	}
	if e := got["3.5/callerNum"]; len(e.Scenarios) != 0 {
		t.Errorf("3.5/callerNum (the request parameter): %+v, want no scenario from a response step", e)
	}
	// Held on every target, broken only on the emulator: elsewhere it is checked one way.
	if e := got["3.2/maxDuration"]; !e.Held || !e.Broken || e.EmulatorOnly || e.EmulatorOnlyDirection != DirectionBroken ||
		!strings.Contains(e.Gap, "the broken direction is checked only against the embedded emulator") {
		t.Errorf("3.2/maxDuration: %+v, want a gap: the broken direction only on the emulator", e)
	}
	if cov.Contract.Rules != len(cov.Contract.Entries) || cov.Contract.BothDirections != 3 {
		t.Errorf("counts: %d rules, %d entries, %d both ways", cov.Contract.Rules, len(cov.Contract.Entries), cov.Contract.BothDirections)
	}
}

// TestContractCoverageOfSuite logs the suite's contract coverage per class and checks that
// the mapping reaches every class of the catalogue's rules.
func TestContractCoverageOfSuite(t *testing.T) {
	cov, err := BuildCoverage(features.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := cov.Contract
	t.Log(c.Summary("coverage.json"))
	for _, cl := range c.Classes {
		t.Logf("%-13s %4d rules, %4d both directions, %4d one direction, %4d no scenario", cl.Class, cl.Rules, cl.BothDirections, cl.OneDirection, cl.NoScenario)
		if cl.Rules > 0 && cl.Rules == cl.NoScenario && cl.Class != pns.ClassCallControl && cl.Class != pns.ClassTransport {
			t.Errorf("class %s: no rule has a scenario", cl.Class)
		}
	}
}
