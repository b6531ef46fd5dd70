package reports

import (
	"encoding/json"
	"fmt"
	"io"
)

// The cucumber JSON model: the shape godog's "cucumber" formatter writes (godog v0.16.0,
// internal/formatters/fmt_cucumber.go), field for field and in its order, so that
// WriteCucumber of what ReadCucumber read gives back godog's bytes. Ruby cucumber's format
// is the same shape, with background elements and without feature tags copied into
// elements; ReadCucumber accepts both. godog keeps its own types unexported, so the
// conformance runner fills these from godog's output once, in memory, and writes
// cucumber.json from them.

// CucumberFeature is one feature file's results.
type CucumberFeature struct {
	URI         string            `json:"uri"`
	ID          string            `json:"id"`
	Keyword     string            `json:"keyword"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Line        int               `json:"line"`
	Comments    []CucumberComment `json:"comments,omitempty"`
	Tags        []CucumberTag     `json:"tags,omitempty"`
	Elements    []CucumberElement `json:"elements,omitempty"`
}

// CucumberComment is a comment line of a feature file.
type CucumberComment struct {
	Value string `json:"value"`
	Line  int    `json:"line"`
}

// CucumberTag is a tag with the line it is written on.
type CucumberTag struct {
	Name string `json:"name"`
	Line int    `json:"line"`
}

// CucumberElement is a scenario (an outline's row is one each) or, in Ruby's format, a
// background.
type CucumberElement struct {
	ID          string         `json:"id"`
	Keyword     string         `json:"keyword"`
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Line        int            `json:"line"`
	Type        string         `json:"type"`
	Tags        []CucumberTag  `json:"tags,omitempty"`
	Steps       []CucumberStep `json:"steps,omitempty"`
}

// CucumberStep is one step with its outcome and what it attached.
type CucumberStep struct {
	Keyword    string              `json:"keyword"`
	Name       string              `json:"name"`
	Line       int                 `json:"line"`
	DocString  *CucumberDocString  `json:"doc_string,omitempty"`
	Match      CucumberMatch       `json:"match"`
	Result     CucumberResult      `json:"result"`
	Rows       []*CucumberRow      `json:"rows,omitempty"`
	Embeddings []CucumberEmbedding `json:"embeddings,omitempty"`
}

// CucumberDocString is a step's doc string argument.
type CucumberDocString struct {
	Value       string `json:"value"`
	ContentType string `json:"content_type"`
	Line        int    `json:"line"`
}

// CucumberMatch is where a step's definition is (file:line of the Go source).
type CucumberMatch struct {
	Location string `json:"location"`
}

// CucumberResult is a step's status, its error and its duration in nanoseconds (none for a
// step that did not run).
type CucumberResult struct {
	Status   string `json:"status"`
	Error    string `json:"error_message,omitempty"`
	Duration *int64 `json:"duration,omitempty"`
}

// CucumberRow is a row of a step's data table.
type CucumberRow struct {
	Cells []string `json:"cells"`
}

// CucumberEmbedding is an attachment (godog.Attach), its data in base64.
type CucumberEmbedding struct {
	Name     string `json:"name"`
	MimeType string `json:"mime_type"`
	Data     string `json:"data"`
}

// ReadCucumber decodes cucumber JSON; empty input is no features.
func ReadCucumber(r io.Reader) ([]CucumberFeature, error) {
	var features []CucumberFeature
	if err := json.NewDecoder(r).Decode(&features); err != nil {
		if err == io.EOF {
			return nil, nil
		}
		return nil, fmt.Errorf("reports: decode cucumber JSON: %w", err)
	}
	return features, nil
}

// WriteCucumber writes features as godog's cucumber formatter does: indented by four
// spaces, a newline at the end, and `[]` for no features.
func WriteCucumber(w io.Writer, features []CucumberFeature) error {
	if features == nil {
		features = []CucumberFeature{}
	}
	b, err := json.MarshalIndent(features, "", "    ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
