package conformance

import (
	"bufio"
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/schemas"
)

// Rule notes say how an inventory rule that no scenario checks in both directions is checked
// after all, or why it cannot be. They are written by hand next to the rule's class
// (rulenotes/<class>.tsv, one file per class so that each class can be worked on alone), one
// line per rule:
//
//	<rule ID> TAB schema TAB <schema>#<JSON pointer>
//	<rule ID> TAB unchecked TAB <why no black-box test can check it>
//
// A schema note names the subschema of an answer or a notification that constrains the rule's
// field: every answer and push of every target is validated against it, so the rule is
// checked both ways wherever the suite runs (a conforming payload passes, one that breaks the
// field is refused by the validator). An unchecked note keeps the rule a gap and says why:
// the reason is what users read in the coverage report, so it names the obstacle (a console
// setting no interface exposes, a real telephone network, a duration no run can wait). Lines
// starting with # are comments.
//
// Why a file and not tags on scenarios: these rules have no scenario to carry a tag, and why
// a rule cannot be checked is a statement about the rule, not about a test.

//go:embed rulenotes/*.tsv
var ruleNotesFS embed.FS

// RuleNote kinds.
const (
	// NoteSchema: the rule is a field of an answer or notification constrained by a schema.
	NoteSchema = "schema"
	// NoteUnchecked: no black-box test can check the rule; the detail says why.
	NoteUnchecked = "unchecked"
)

// RuleNote is one line of rulenotes/<class>.tsv.
type RuleNote struct {
	// ID is the inventory rule's ID; File and Line locate the note for error messages.
	ID   string
	File string
	Line int
	// Kind is NoteSchema or NoteUnchecked; Detail is the schema pointer or the reason.
	Kind   string
	Detail string
}

// loadRuleNotes reads every note and checks it against the inventory: the rule exists, its
// class is the file's, each rule has one note, a schema pointer resolves to a constraining
// subschema of an answer or notification schema, and a reason is a sentence.
func loadRuleNotes(inv *Inventory) (map[string]RuleNote, error) {
	return parseRuleNotes(ruleNotesFS, "rulenotes", inv)
}

func parseRuleNotes(fsys fs.FS, dir string, inv *Inventory) (map[string]RuleNote, error) {
	names, err := fs.Glob(fsys, dir+"/*.tsv")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	notes := map[string]RuleNote{}
	docs := schemaDocs{} // each schema decoded once for all the notes' pointers
	for _, name := range names {
		class := pns.RuleClass(strings.TrimSuffix(path.Base(name), ".tsv"))
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(bytes.NewReader(raw))
		for ln := 1; sc.Scan(); ln++ {
			line := sc.Text()
			if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
				continue
			}
			n, err := parseRuleNote(line, class, inv, docs)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", name, ln, err)
			}
			if prev, dup := notes[n.ID]; dup {
				return nil, fmt.Errorf("%s:%d: rule %s already has a note at %s:%d", name, ln, n.ID, prev.File, prev.Line)
			}
			n.File, n.Line = name, ln
			notes[n.ID] = n
		}
	}
	return notes, nil
}

func parseRuleNote(line string, class pns.RuleClass, inv *Inventory, docs schemaDocs) (RuleNote, error) {
	f := strings.Split(line, "\t")
	if len(f) != 3 {
		return RuleNote{}, fmt.Errorf("want 3 tab-separated fields (rule ID, kind, detail), got %d", len(f))
	}
	n := RuleNote{ID: f[0], Kind: f[1], Detail: strings.TrimSpace(f[2])}
	r, ok := inv.ByID(n.ID)
	switch {
	case !ok:
		return n, fmt.Errorf("rule %q is not in the inventory", n.ID)
	case r.Class != class:
		return n, fmt.Errorf("rule %s is of class %s, not %s", n.ID, r.Class, class)
	}
	switch n.Kind {
	case NoteSchema:
		return n, docs.checkPointer(n.Detail)
	case NoteUnchecked:
		if len(n.Detail) < 20 || !strings.Contains(n.Detail, " ") {
			return n, fmt.Errorf("rule %s: say why it cannot be checked in a sentence, not %q", n.ID, n.Detail)
		}
		return n, nil
	}
	return n, fmt.Errorf("rule %s: kind %q, want %s or %s", n.ID, n.Kind, NoteSchema, NoteUnchecked)
}

// constraining are the keywords that make a subschema check its value.
var constraining = []string{"type", "enum", "const", "pattern", "format", "minimum", "maximum",
	"minLength", "maxLength", "anyOf", "oneOf", "allOf", "minItems", "maxItems"}

// checkPointer resolves "<schema>#/<pointer>" through the embedded schemas, following
// $ref on the way, and requires a platform-side schema (an answer, or a notification the
// platform pushes) and a subschema that constrains its value.
func (docs schemaDocs) checkPointer(ref string) error {
	name, ptr, ok := strings.Cut(ref, "#")
	if !ok || !strings.HasPrefix(ptr, "/") {
		return fmt.Errorf("schema note %q: want <schema>#/<JSON pointer>", ref)
	}
	if !strings.HasSuffix(name, ".response") && !(strings.HasPrefix(name, "callback-") && strings.HasSuffix(name, ".request")) {
		return fmt.Errorf("schema note %q: %s is not what the platform sends (an answer or a push)", ref, name)
	}
	node, err := docs.node(name, "")
	if err != nil {
		return fmt.Errorf("schema note %q: %w", ref, err)
	}
	toks := strings.Split(ptr[1:], "/")
	for i, tok := range toks {
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
	}
	if node, err = docs.resolve(node, name, toks, 0); err != nil {
		return fmt.Errorf("schema note %q: %w", ref, err)
	}
	m, _ := node.(map[string]any)
	for _, k := range append(constraining, "$ref") {
		if _, found := m[k]; found {
			return nil
		}
	}
	return fmt.Errorf("schema note %q: the subschema constrains nothing (no %s)", ref, strings.Join(constraining, ", "))
}

// schemaDocs holds the embedded schemas decoded so far, by name.
type schemaDocs map[string]any

// node returns the decoded schema name, or the node at the local pointer ptr in it.
func (docs schemaDocs) node(name, ptr string) (any, error) {
	doc, ok := docs[name]
	if !ok {
		raw, err := schemas.Source(name)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			return nil, err
		}
		docs[name] = doc
	}
	if ptr == "" || ptr == "/" {
		return doc, nil
	}
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		m, _ := doc.(map[string]any)
		next, ok := m[tok]
		if !ok {
			return nil, fmt.Errorf("$ref %s#%s does not resolve", name, ptr)
		}
		doc = next
	}
	return doc, nil
}

// resolve walks toks from node (in schema cur). A node may carry a key itself or
// through its $ref (2020-12 allows siblings: an answer's own properties beside the envelope's
// $ref), so both ways are tried, the node's own key first. depth bounds $ref chains.
func (docs schemaDocs) resolve(node any, cur string, toks []string, depth int) (any, error) {
	if len(toks) == 0 {
		return node, nil
	}
	m, _ := node.(map[string]any)
	var ownErr error
	if next, found := m[toks[0]]; found {
		got, err := docs.resolve(next, cur, toks[1:], depth)
		if err == nil {
			return got, nil
		}
		ownErr = err
	}
	if ref, isRef := m["$ref"].(string); isRef && depth < 8 {
		file, ptr, _ := strings.Cut(ref, "#")
		target := cur
		if file != "" {
			target = strings.TrimSuffix(file, ".json")
		}
		next, err := docs.node(target, ptr)
		if err != nil {
			return nil, err
		}
		if got, err := docs.resolve(next, target, toks, depth+1); err == nil {
			return got, nil
		} else if ownErr == nil {
			ownErr = err
		}
	}
	if ownErr != nil {
		return nil, ownErr
	}
	return nil, fmt.Errorf("no %q in %s", toks[0], cur)
}
