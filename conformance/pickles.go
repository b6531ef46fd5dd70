package conformance

import (
	"bytes"
	"fmt"
	"io/fs"

	gherkin "github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"
)

// The scenarios as coverage reads them: parsed from the feature files with their tags and
// lines. Split from coverage.go (issue 23) so that the catalog, the parsing and the judging
// each have a file.

// Pickle is a parsed scenario: its key, feature file, name and tags.
type Pickle struct {
	Key     string
	Feature string
	Name    string
	Tags    []string
	Steps   []string
	// Lines are the lines naming the scenario in its feature file: its Scenario keyword and,
	// for an outline row, the row (what "file.feature:LINE" refers to).
	Lines []int
}

// ParseFeatures compiles every feature of fsys into scenarios (outline rows expanded).
func ParseFeatures(fsys fs.FS) ([]Pickle, error) {
	paths, err := featurePaths(fsys)
	if err != nil {
		return nil, err
	}
	var out []Pickle
	for _, p := range paths {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		ids := (&messages.Incrementing{}).NewId
		doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(data), ids)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		lines := astLines(doc)
		for _, pk := range gherkin.Pickles(*doc, p, ids) {
			sp := Pickle{Key: scenarioKey(p, pk.Name), Feature: p, Name: pk.Name}
			for _, id := range pk.AstNodeIds {
				if l, ok := lines[id]; ok {
					sp.Lines = append(sp.Lines, l)
				}
			}
			for _, t := range pk.Tags {
				sp.Tags = append(sp.Tags, t.Name)
			}
			for _, st := range pk.Steps {
				sp.Steps = append(sp.Steps, st.Text)
			}
			out = append(out, sp)
		}
	}
	return out, nil
}

// astLines maps the ids of a document's scenarios and Examples rows to their lines.
func astLines(doc *messages.GherkinDocument) map[string]int {
	out := map[string]int{}
	scen := func(sc *messages.Scenario) {
		out[sc.Id] = int(sc.Location.Line)
		for _, ex := range sc.Examples {
			for _, row := range ex.TableBody {
				out[row.Id] = int(row.Location.Line)
			}
		}
	}
	if doc.Feature == nil {
		return out
	}
	for _, c := range doc.Feature.Children {
		if c.Scenario != nil {
			scen(c.Scenario)
		}
		if c.Rule != nil {
			for _, rc := range c.Rule.Children {
				if rc.Scenario != nil {
					scen(rc.Scenario)
				}
			}
		}
	}
	return out
}
