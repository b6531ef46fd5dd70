package assemble

import (
	"context"
	"encoding/json"
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
	res, err := conformance.Run(context.Background(), conformance.Options{FS: fsys, OutDir: dir, KnownDifferences: known})
	if err != nil {
		t.Fatal(err)
	}
	c, err := Conformance(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	// harness run builds the section from the run's values, harness report from its files:
	// the two must be the same section (the wall time aside, which only the run knows).
	mem, err := ConformanceOf(res)
	if err != nil {
		t.Fatal(err)
	}
	fromFiles, err := Conformance(dir, res.Duration)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := mustJSON(t, mem), mustJSON(t, fromFiles); a != b {
		t.Errorf("section from memory:\n%s\nfrom the directory:\n%s", a, b)
	}
	if len(c.Scenarios) != 1 || c.Scenarios[0].State != reports.StateKnownDifference || c.Interfaces[0].Differences != 1 || len(c.Stale) != 1 {
		t.Fatalf("section %+v", c)
	}
	s := &reports.Summary{Conformance: c}
	if v := s.ComputeVerdict(); v.Status != reports.VerdictPass || v.KnownDifferences != 1 {
		t.Errorf("verdict %+v", v)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestConformanceOfNeedsOutcomes: a run without an output directory kept nothing to build
// the section from, which is an error rather than an empty section.
func TestConformanceOfNeedsOutcomes(t *testing.T) {
	if _, err := ConformanceOf(&conformance.Result{}); err == nil {
		t.Fatal("no error for a result without outcomes")
	}
}
