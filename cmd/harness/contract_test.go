package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/pns-harness/pns-harness/conformance"
)

// TestConformContractCoverage: `harness conform` prints one line of contract coverage (the
// counts and the file) and coverage.json judges each inventory rule on this run: a rule of the
// selected scenarios is covered, a rule whose scenarios were not selected is not checked with
// that reason, and every rule without both directions carries its gap.
func TestConformContractCoverage(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	var out, errb bytes.Buffer
	if got := runConform(context.Background(), []string{"--tags", "@axe.query", "--coverage=false", "--out", dir}, &out, &errb); got != exitOK {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", got, out.String(), errb.String())
	}
	line := regexp.MustCompile(`(?m)^contract rules: [0-9]+, [0-9]+ checked in both directions, [0-9]+ gaps, [0-9]+ of them cannot be checked \(listed with the reasons in ` + regexp.QuoteMeta(filepath.Join(dir, "coverage.json")) + `\)$`)
	if !line.MatchString(out.String()) {
		t.Errorf("stdout lacks the contract coverage line:\n%s", out.String())
	}
	b, err := os.ReadFile(filepath.Join(dir, "coverage.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cov conformance.Coverage
	if err := json.Unmarshal(b, &cov); err != nil {
		t.Fatal(err)
	}
	if cov.Contract == nil || cov.Contract.Rules < 300 || len(cov.Contract.Entries) != cov.Contract.Rules {
		t.Fatalf("coverage.json has no full contract section: %+v", cov.Contract)
	}
	byID := map[string]conformance.ContractRule{}
	gaps := 0
	for _, e := range cov.Contract.Entries {
		byID[e.ID] = e
		// A schema note checks its field both ways on every answer, without a scenario.
		if ((len(e.Scenarios) == 0 && e.Schema == "") || !e.Held || !e.Broken) && e.Gap == "" {
			t.Errorf("%s: one direction or none, but no gap", e.ID)
		}
		if e.Gap != "" {
			gaps++
		}
	}
	if gaps != cov.Contract.Gaps {
		t.Errorf("%d entries with a gap, summary says %d", gaps, cov.Contract.Gaps)
	}
	if e := byID["5.5/subscriptionId"]; e.State != conformance.RuleCovered || len(e.Scenarios) == 0 {
		t.Errorf("5.5/subscriptionId (axe.query): %+v, want covered on this run", e)
	}
	if e := byID["3.2/duration"]; e.State != conformance.StateNotChecked || e.NotChecked != "no covering scenario was selected" {
		t.Errorf("3.2/duration (axb.bind, not selected): %+v, want not checked", e)
	}
}
