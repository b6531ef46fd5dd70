package assemble

import (
	"testing"

	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/reports"
)

// TestContractRows: each contract rule becomes a row of contract/<class>; one checked both
// ways is covered, one with a single direction or none is missing with its gap, and after a
// run a failed or unchecked rule says so.
func TestContractRows(t *testing.T) {
	cov := &conformance.Coverage{Contract: &conformance.ContractCoverage{Entries: []conformance.ContractRule{
		{ID: "3.2/duration", Class: "validation", Scenarios: []string{"a", "b"}, Held: true, Broken: true, State: conformance.RuleCovered},
		{ID: "3.2/calleeNum", Class: "validation", Scenarios: []string{"c"}, Broken: true, Gap: "only the broken direction is checked"},
		{ID: "8.3/icid", Class: "notification", Gap: "no scenario checks it"},
		{ID: "D8", Class: "lockout", Scenarios: []string{"d"}, Held: true, Broken: true, State: conformance.StateFailed},
		{ID: "2.5/14", Class: "auth", Scenarios: []string{"e"}, Held: true, Broken: true, State: conformance.StateNotChecked, NotChecked: "no covering scenario was selected"},
	}}}
	want := map[string][2]string{
		"3.2/duration":  {reports.CoverageCovered, ""},
		"3.2/calleeNum": {reports.CoverageMissing, "only the broken direction is checked"},
		"8.3/icid":      {reports.CoverageMissing, "no scenario checks it"},
		"D8":            {reports.CoverageFailed, "a checking scenario failed on this target"},
		"2.5/14":        {reports.CoverageNotChecked, "not checked on this target: no covering scenario was selected"},
	}
	rows := CoverageRows(cov)
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for _, r := range rows {
		w := want[r.Item]
		if r.Status != w[0] || r.Reason != w[1] || r.Kind != reports.KindRule {
			t.Errorf("%s: %s %q, want %s %q", r.Item, r.Status, r.Reason, w[0], w[1])
		}
	}
	if rows[2].Interface != "contract/notification" {
		t.Errorf("interface %q, want contract/notification", rows[2].Interface)
	}
}
