package conformance

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pns-harness/pns-harness/features"
)

// TestRuleNotesParse checks every way a note line can be wrong, with the exact message.
func TestRuleNotesParse(t *testing.T) {
	inv, err := LoadInventory()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, file, body, want string }{
		{"fields", "answer.tsv", "3.5/maxDuration\tschema", "want 3 tab-separated fields (rule ID, kind, detail), got 2"},
		{"unknown rule", "answer.tsv", "9.9/nope\tunchecked\tno interface exposes this at all", `rule "9.9/nope" is not in the inventory`},
		{"class", "state.tsv", "3.5/maxDuration\tunchecked\tno interface exposes this at all", "rule 3.5/maxDuration is of class answer, not state"},
		{"kind", "answer.tsv", "3.5/maxDuration\tskip\tno interface exposes this at all", `rule 3.5/maxDuration: kind "skip", want schema or unchecked`},
		{"reason", "answer.tsv", "3.5/maxDuration\tunchecked\tconsole", `rule 3.5/maxDuration: say why it cannot be checked in a sentence, not "console"`},
		{"request schema", "answer.tsv", "3.5/maxDuration\tschema\taxb-query.request#/properties/pageSize", `schema note "axb-query.request#/properties/pageSize": axb-query.request is not what the platform sends (an answer or a push)`},
		{"no pointer", "answer.tsv", "3.5/maxDuration\tschema\taxb-query.response", `schema note "axb-query.response": want <schema>#/<JSON pointer>`},
		{"unresolved", "answer.tsv", "3.5/maxDuration\tschema\taxb-query.response#/properties/nope", `schema note "axb-query.response#/properties/nope": no "nope" in axb-query.response`},
		{"unknown schema", "answer.tsv", "3.5/maxDuration\tschema\tnope.response#/properties", `schema note "nope.response#/properties": schemas: unknown schema "nope.response"`},
		{"duplicate", "answer.tsv", "3.5/maxDuration\tunchecked\tno interface exposes this at all\n3.5/maxDuration\tunchecked\tno interface exposes this at all", "rule 3.5/maxDuration already has a note at notes/answer.tsv:2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{"notes/" + c.file: {Data: []byte("# comment\n" + c.body + "\n")}}
			_, err := parseRuleNotes(fsys, "notes", inv)
			if err == nil || !strings.HasSuffix(err.Error(), c.want) {
				t.Errorf("error %v, want one ending %q", err, c.want)
			}
		})
	}
	ok := fstest.MapFS{
		"notes/notification.tsv": {Data: []byte("8.3/calleeNum\tschema\tcallback-fee.request#/properties/feeLst/items/properties/calleeNum\n")},
		// resultcode is not among the answer's own properties but the envelope's, which the
		// answer names by a $ref beside them.
		"notes/answer.tsv": {Data: []byte("3.5/maxDuration\tschema\taxb-query.response#/properties/resultcode\n")},
	}
	notes, err := parseRuleNotes(ok, "notes", inv)
	if err != nil || notes["8.3/calleeNum"].Kind != NoteSchema || notes["3.5/maxDuration"].Kind != NoteSchema {
		t.Errorf("pointers through $ref: %v %+v", err, notes)
	}
}

// TestRuleNotesCurrent loads the checked-in notes and refuses a stale one: an unchecked note
// on a rule that scenarios now check both ways on every target, or a schema note on a rule
// that scenarios already check both ways (the note would hide nothing and mislead).
func TestRuleNotesCurrent(t *testing.T) {
	inv, err := LoadInventory()
	if err != nil {
		t.Fatal(err)
	}
	notes, err := loadRuleNotes(inv)
	if err != nil {
		t.Fatal(err)
	}
	pickles, err := ParseFeatures(features.FS)
	if err != nil {
		t.Fatal(err)
	}
	bare := buildContract(inv, nil, pickles, nil)
	for _, e := range bare.Entries {
		n, ok := notes[e.ID]
		if !ok {
			continue
		}
		if e.Held && e.Broken && !e.EmulatorOnly && e.EmulatorOnlyDirection == "" {
			t.Errorf("%s:%d: %s is checked both ways on every target by %v: drop its %s note", n.File, n.Line, e.ID, e.Scenarios, n.Kind)
		}
	}
	cov := buildContract(inv, notes, pickles, nil)
	t.Log(cov.Summary("coverage.json"))
	// Issue 22's bar: every rule is checked both ways on every target, or its gap says why
	// it cannot be. A new rule, or a scenario tag removed, must come with a scenario or a note.
	for _, e := range cov.Entries {
		if e.Gap != "" && e.Unchecked == "" {
			t.Errorf("%s (%s): %s, and no note in rulenotes/%s.tsv says why it cannot be checked", e.ID, e.Class, e.Gap, e.Class)
		}
	}
}
