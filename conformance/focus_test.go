package conformance

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

const focusFeatureText = `Feature: focus

  Rule: first rule

    @a
    Scenario: one
      Given a step

    @b
    Scenario Outline: two <n>
      Given a step <n>

      Examples:
        | n |
        | 1 |
        | 2 |

  Rule: second rule

    Scenario: three
      Given a step
      """
      Scenario: not a scenario
      """
`

// TestFocusKeepsLinesAndSelection: narrowing to one Examples row leaves only that pickle, on the
// same lines as in the original file, and drops a file left without scenarios.
func TestFocusKeepsLinesAndSelection(t *testing.T) {
	fsys := fstest.MapFS{
		"f.feature": {Data: []byte(focusFeatureText)},
		"g.feature": {Data: []byte("Feature: other\n\n  Scenario: four\n    Given a step\n")},
	}
	all, err := ParseFeatures(fsys)
	if err != nil {
		t.Fatal(err)
	}
	loc, err := ParseLocation("features/f.feature:16")
	if err != nil {
		t.Fatal(err)
	}
	keep, err := Focus(all, all, []Location{loc}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(keep) != 1 || keep[0].Name != "two 2" {
		t.Fatalf("f.feature:16 kept %+v, want the row n=2", keep)
	}
	focused, paths, err := focusFS(fsys, keep)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(paths, ",") != "f.feature" {
		t.Errorf("paths %v, want only f.feature", paths)
	}
	got, err := ParseFeatures(focused)
	if err != nil {
		t.Fatalf("focused feature does not parse: %v", err)
	}
	if len(got) != 1 || got[0].Key != keep[0].Key || fmt.Sprint(got[0].Lines) != fmt.Sprint(keep[0].Lines) {
		t.Errorf("focused file yields %+v, want %+v on the same lines", got, keep)
	}
	text, err := fs.ReadFile(focused, "f.feature")
	if err != nil {
		t.Fatal(err)
	}
	if a, b := strings.Count(string(text), "\n"), strings.Count(focusFeatureText, "\n"); a != b {
		t.Errorf("focused file has %d lines, the original %d", a, b)
	}
	for _, want := range []string{"  Rule: first rule\n", "  Rule: second rule\n", "#        | 1 |\n", "#    Scenario: three\n", "#    @a\n"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("focused file lacks %q:\n%s", want, text)
		}
	}
}

// TestFocusErrors: what selects nothing is refused with the nearest lines, and names and tags
// combine with locations.
func TestFocusErrors(t *testing.T) {
	fsys := fstest.MapFS{"f.feature": {Data: []byte(focusFeatureText)}}
	all, err := ParseFeatures(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Focus(all, all, []Location{{File: "f.feature", Line: 7}}, nil); err == nil ||
		!strings.Contains(err.Error(), "f.feature:7 selects no scenario") || !strings.Contains(err.Error(), "nearest: f.feature:6, f.feature:10") {
		t.Errorf("line 7: %v", err)
	}
	if _, err := Focus(all, all, []Location{{File: "h.feature"}}, nil); err == nil || !strings.Contains(err.Error(), "the embedded features are f.feature") {
		t.Errorf("h.feature: %v", err)
	}
	_, err = Focus(all, all, []Location{{File: "f.feature", Line: 6}}, regexp.MustCompile("two"))
	if !errors.Is(err, ErrNoScenarios) {
		t.Errorf("line 6 with --name two: %v, want ErrNoScenarios", err)
	}
	got, err := Focus(all, all, []Location{{File: "f.feature"}}, regexp.MustCompile(`^two`))
	if err != nil || len(got) != 2 {
		t.Errorf("whole file, name ^two: %d scenarios, %v", len(got), err)
	}
	for _, bad := range []string{"f.feature:0", "f.feature:-1", "f", "spec/f.feature:3", "f.feature:x"} {
		if _, err := ParseLocation(bad); err == nil {
			t.Errorf("ParseLocation(%q) accepted", bad)
		}
	}
	for in, want := range map[string]Location{"f.feature": {File: "f.feature"}, "/home/u/pns/features/f.feature:12": {File: "f.feature", Line: 12}, `features\f.feature:3`: {File: "f.feature", Line: 3}} {
		if got, err := ParseLocation(in); err != nil || got != want {
			t.Errorf("ParseLocation(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}
