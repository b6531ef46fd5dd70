package conformance

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

func TestMatchTags(t *testing.T) {
	tags := []string{"@axb.bind", "@emulator", "@code:1010002"}
	tests := []struct {
		expr string
		want bool
	}{
		{"", true},
		{"@axb.bind", true},
		{"@axb", false},
		{"~@emulator", false},
		{"@axb.bind && ~@emulator", false},
		{"@axb.bind && @code:1010002", true},
		{"@ax.bind, @code:1010002", true},
		{"@ax.bind && @emulator, @axb.bind && ~@global-state", true},
		{"@ax.bind, ~@axb.bind", false},
		{" @axb.bind ", true},
	}
	for _, tt := range tests {
		if got := MatchTags(tt.expr, tags); got != tt.want {
			t.Errorf("MatchTags(%q) = %v, want %v", tt.expr, got, tt.want)
		}
	}
}

func TestSelect(t *testing.T) {
	fsys := fstest.MapFS{"a.feature": {Data: []byte(`@one
Feature: A
  Scenario: first
    Given the AXB app

  @two @rule:x:y
  Scenario: second
    Given the AXB app
`)}}
	ps, err := Select(fsys, "@two")
	if err != nil || len(ps) != 1 || ps[0].Name != "second" {
		t.Fatalf("Select(@two) = %v, %v", ps, err)
	}
	_, err = Select(fsys, "@three")
	if !errors.Is(err, ErrNoScenarios) {
		t.Fatalf("Select(@three) error %v, want ErrNoScenarios", err)
	}
	want := `tags "@three": the tag expression selects no scenario; known tags: @one @two, and 1 @rule:… and 0 @code:… tags (harness conform --list shows every tag with its scenario count)`
	if err.Error() != want {
		t.Errorf("error\n%s\nwant\n%s", err, want)
	}
	if _, err := Select(fsys, "@a,,@b"); err == nil || errors.Is(err, ErrNoScenarios) {
		t.Errorf("invalid expression: %v", err)
	}
	all, _ := Select(fsys, "")
	var b bytes.Buffer
	if err := WriteTagList(&b, all); err != nil {
		t.Fatal(err)
	}
	wantList := "TAG             SCENARIOS\n@one            2\n@rule:x:y       1\n@two            1\n(all selected)  2\n"
	if b.String() != wantList {
		t.Errorf("WriteTagList:\n%s\nwant\n%s", b.String(), wantList)
	}
}

// TestRunRefusesEmptySelection: a run that would check nothing is an error, not a pass.
func TestRunRefusesEmptySelection(t *testing.T) {
	_, err := Run(t.Context(), Options{Target: "http://127.0.0.1:1", Profile: DefaultProfile(), Tags: "@no-such-tag"})
	if !errors.Is(err, ErrNoScenarios) || !strings.Contains(err.Error(), "@axb.bind") {
		t.Fatalf("Run error %v, want ErrNoScenarios listing the known tags", err)
	}
}

// TestSlowScenariosOptIn: @slow scenarios advance the emulator clock against the emulator and
// pass; against another target they are skipped with the reason unless Options.Slow is set
// (not exercised here: it waits 70 s of real time).
func TestSlowScenariosOptIn(t *testing.T) {
	res, err := Run(t.Context(), Options{Tags: TagSlow})
	if err != nil {
		t.Fatal(err)
	}
	if res.Passed == 0 || res.Failed != 0 || res.Skipped != 0 {
		t.Fatalf("against the emulator: %d passed, %d failed (%v), %d skipped", res.Passed, res.Failed, res.FailedKeys(), res.Skipped)
	}
	url, stop, err := StartEmulator()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	p := EmulatorProfile()
	p.Emulator = false
	res, err = Run(t.Context(), Options{Target: url, Profile: p, Tags: TagSlow})
	if err != nil {
		t.Fatal(err)
	}
	if res.Skipped != len(res.Scenarios) || res.Skipped == 0 {
		t.Fatalf("against another target without Slow: %+v", res.Scenarios)
	}
	for _, s := range res.Scenarios {
		if !strings.Contains(s.Error, "opt in with --slow") {
			t.Errorf("%s: skip reason %q", s.Key, s.Error)
		}
	}
}
