package schemas

import "fmt"

// Decoded is a JSON document decoded by DecodeDocument. Its shape (only the types Decode
// produces) is known from how it was made, so ValidateDecoded need not check it as
// ValidateCompiled must for a document from anywhere: that walk over every value was 40% of
// ValidateCompiled's cost on a query answer in the load generator's profile (issue 25). The
// zero Decoded is the document null.
type Decoded struct{ v any }

// Value returns the document: map[string]any, []any, string, bool, nil or json.Number.
func (d Decoded) Value() any { return d.v }

// DecodeDocument is Decode, returning the document as a Decoded.
func DecodeDocument(body []byte) (Decoded, error) {
	v, err := Decode(body)
	if err != nil {
		return Decoded{}, err
	}
	return Decoded{v}, nil
}

// ValidateDecoded is ValidateCompiled for a document DecodeDocument returned: the same
// violations, without checking the document's shape again. The error is non-nil only for an
// unknown name.
func ValidateDecoded(name string, d Decoded) ([]Violation, error) {
	fn, ok := compiledSchemas[name]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownSchema, name)
	}
	return runCompiled(fn, d.v), nil
}
