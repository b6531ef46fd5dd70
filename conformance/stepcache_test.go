package conformance

import (
	"context"
	"regexp"
	"testing"
)

// TestStepPatternsCompiledOnce: the step definitions register through stepRegistry, so a
// second run (every scenario registers every step again) reuses the compiled patterns of the
// first instead of compiling its own (what made regexp compilation half of a suite's CPU).
func TestStepPatternsCompiledOnce(t *testing.T) {
	snapshot := func() map[string]*regexp.Regexp {
		m := map[string]*regexp.Regexp{}
		stepPatterns.Range(func(k, v any) bool {
			m[k.(string)] = v.(*regexp.Regexp)
			return true
		})
		return m
	}
	run := func() {
		res, err := Run(context.Background(), Options{Tags: "@axe.query"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != 0 || res.Passed < 2 {
			t.Fatalf("status %d, %d passed: %v", res.Status, res.Passed, res.FailedKeys())
		}
	}
	run()
	first := snapshot()
	// Every step definition, not only the ones the selection uses, is registered per scenario.
	if len(first) < 50 {
		t.Fatalf("%d step patterns cached after a run, want every step definition's", len(first))
	}
	run()
	second := snapshot()
	for src, re := range second {
		if first[src] != re {
			t.Errorf("pattern %q compiled again by the second run", src)
		}
	}
	if len(second) != len(first) {
		t.Errorf("%d patterns after the second run, %d after the first", len(second), len(first))
	}
}
