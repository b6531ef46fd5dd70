package schemas

import "fmt"

// Decoded is a JSON document decoded by DecodeDocument. Its shape (only the types Decode
// produces) is known from how it was made, so ValidateDecoded need not check it as
// ValidateCompiled must for a document from anywhere: that walk over every value was 40% of
// ValidateCompiled's cost on a query answer in the load generator's profile (issue 25). The
// zero Decoded is the document null.
type Decoded struct {
	v   any
	dup bool
}

// Value returns the document: map[string]any, []any, string, bool, nil or json.Number.
func (d Decoded) Value() any { return d.v }

// DecodeDocument is Decode, returning the document as a Decoded.
func DecodeDocument(body []byte) (Decoded, error) {
	v, dup, err := decode(body)
	if err != nil {
		return Decoded{}, err
	}
	return Decoded{v: v, dup: dup}, nil
}

// DuplicateKeys reports whether an object of the document held a key more than once. The
// document keeps the last value, as encoding/json does into a map; decoding into a struct
// differs (a repeated object is merged, a first value of the wrong type is an error), so a
// caller reading fields as a struct decoder would falls back to one for such a document.
func (d Decoded) DuplicateKeys() bool { return d.dup }

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
