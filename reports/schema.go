package reports

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// SummarySchema is the JSON Schema (draft 2020-12) of summary.json at SchemaVersion. It is
// strict (no unknown properties), and a test keeps it in step with the Go types: adding a
// field to Summary without documenting it here fails the build's tests.
//
//go:embed summary.schema.json
var SummarySchema []byte

const summarySchemaURL = "https://pns-harness.local/schemas/summary.schema.json"

var compiledSummarySchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(SummarySchema))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(summarySchemaURL, doc); err != nil {
		return nil, err
	}
	return c.Compile(summarySchemaURL)
})

// ValidateSummaryJSON checks a summary.json document against SummarySchema. LoadSummary does
// not call it, so that a baseline written by a newer harness (with added fields) still loads;
// use it where strictness is wanted, such as CI checks of published reports.
func ValidateSummaryJSON(data []byte) error {
	sch, err := compiledSummarySchema()
	if err != nil {
		return fmt.Errorf("reports: compile summary schema: %w", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("reports: decode summary: %w", err)
	}
	if err := sch.Validate(doc); err != nil {
		return fmt.Errorf("reports: summary does not match schema: %w", err)
	}
	return nil
}
