package conformance

import (
	"bufio"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/features"
)

// mutantlessFile lists the rules checked in both directions that no mutant breaks, one per
// line: "<rule ID>\t<reason>". Issue 22 asks for a mutant of every rule ID, so that the
// mutation score measures the whole contract and not the part someone thought of; a rule that
// has none says why here. The reasons start with one of mutantlessKinds. It is empty today: a
// new rule checked both ways (a new scenario, a new schema note) comes with its mutant.
const mutantlessFile = "testdata/mutantless.tsv"

// mutantlessKinds are the accepted reasons for a checked rule without a mutant of its own.
var mutantlessKinds = []string{
	"equivalent:", // every plausible break of it is the break of the named rule's mutant
}

// TestEveryCheckedRuleHasAMutant: every rule the suite checks in both directions (on any
// target, by scenarios or by the schema its rule note names, as coverage.json counts them) is broken by at least one mutant of the catalogue or is listed in mutantlessFile
// with its reason; the file names no rule that has a mutant or is not checked both ways.
func TestEveryCheckedRuleHasAMutant(t *testing.T) {
	inv, err := LoadInventory()
	if err != nil {
		t.Fatal(err)
	}
	pickles, err := ParseFeatures(features.FS)
	if err != nil {
		t.Fatal(err)
	}
	withMutant := map[string]bool{}
	for _, m := range mutants {
		if r, err := mutantRule(inv, m); err == nil {
			withMutant[r.ID] = true
		}
	}
	notes, err := loadRuleNotes(inv)
	if err != nil {
		t.Fatal(err)
	}
	listed, err := readMutantless()
	if err != nil {
		t.Fatal(err)
	}
	both := map[string]bool{}
	for _, e := range buildContract(inv, notes, pickles, nil).Entries {
		if !e.Held || !e.Broken {
			continue
		}
		both[e.ID] = true
		_, isListed := listed[e.ID]
		switch {
		case withMutant[e.ID] && isListed:
			t.Errorf("%s: %s has a mutant: drop its line", mutantlessFile, e.ID)
		case !withMutant[e.ID] && !isListed:
			t.Errorf("%s (%s) is checked both ways and no mutant breaks it: write one (conformance/mutants_*_test.go) or list it in %s with the reason", e.ID, e.Class, mutantlessFile)
		}
	}
	var ids []string
	for id := range listed {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if !both[id] {
			t.Errorf("%s: %s is not checked in both directions: drop its line", mutantlessFile, id)
		}
		ok := false
		for _, k := range mutantlessKinds {
			ok = ok || strings.HasPrefix(listed[id], k)
		}
		if !ok {
			t.Errorf("%s: the reason of %s does not start with one of %q", mutantlessFile, id, mutantlessKinds)
		}
	}
	covered := 0
	for id := range both {
		if withMutant[id] {
			covered++
		}
	}
	t.Logf("%d rules checked both ways: %d broken by a mutant, %d listed without one", len(both), covered, len(listed))
}

// readMutantless reads mutantlessFile into rule ID → reason.
func readMutantless() (map[string]string, error) {
	f, err := os.Open(mutantlessFile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, reason, _ := strings.Cut(line, "\t")
		out[id] = reason
	}
	return out, sc.Err()
}
