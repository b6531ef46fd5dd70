package assemble

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/reports"
)

// TestConformanceStates: the section rebuilt from a conformance directory (as harness report
// does) carries each scenario's state and reason from conformance.json, so that a known
// difference counts as one and not as a skip, and the stale entries.
func TestConformanceStates(t *testing.T) {
	fsys := fstest.MapFS{"q.feature": {Data: []byte(`@axb.query
Feature: q
  Scenario: Accepted
    Given the AXB app
    When I query AXB with "subscriptionId=00000000-0000-4000-8000-000000000000"
    Then the result code is "1012999"
`)}}
	known, err := conformance.ParseKnownDifferences([]byte("differences:\n  - scenario: Accepted\n    reason: ticket REL-9\n  - scenario: Gone\n    reason: fixed\n"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := conformance.Run(context.Background(), conformance.Options{FS: fsys, OutDir: dir, KnownDifferences: known}); err != nil {
		t.Fatal(err)
	}
	c, err := Conformance(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Scenarios) != 1 || c.Scenarios[0].State != reports.StateKnownDifference || c.Interfaces[0].Differences != 1 || len(c.Stale) != 1 {
		t.Fatalf("section %+v", c)
	}
	s := &reports.Summary{Conformance: c}
	if v := s.ComputeVerdict(); v.Status != reports.VerdictPass || v.KnownDifferences != 1 {
		t.Errorf("verdict %+v", v)
	}
}
