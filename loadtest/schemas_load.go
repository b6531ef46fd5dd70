package loadtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"sync"

	"github.com/pns-harness/pns-harness/schemas"
)

// SchemaValidator checks a response body of an interface (e.g. "axb.bind") and returns its
// violations, nil when it conforms.
type SchemaValidator func(iface string, body []byte) []string

// EmbeddedSchemas returns a SchemaValidator backed by the harness's embedded JSON schemas.
func EmbeddedSchemas() (SchemaValidator, error) {
	v, names, err := embeddedSchemas()
	if err != nil {
		return nil, err
	}
	return func(iface string, body []byte) []string {
		name := names.of(iface)
		if name == "" {
			return nil // no response schema for this interface
		}
		vs, err := v.Validate(name, body)
		return violations(vs, err)
	}, nil
}

// docValidator checks an already decoded response body (decodeDoc's shape) of an interface,
// so that a response is decoded once for both the result-code check and the schemas.
type docValidator func(iface string, doc any) []string

// embeddedDocValidator is EmbeddedSchemas for decoded bodies.
func embeddedDocValidator() (docValidator, error) {
	v, names, err := embeddedSchemas()
	if err != nil {
		return nil, err
	}
	return func(iface string, doc any) []string {
		name := names.of(iface)
		if name == "" {
			return nil
		}
		vs, err := v.ValidateValue(name, doc)
		return violations(vs, err)
	}, nil
}

// embeddedSchemas returns the embedded schemas, compiled once per process (schemas.Default)
// rather than once per run, and a cache of the response schema name of each interface.
func embeddedSchemas() (*schemas.Validator, *schemaNames, error) {
	v := schemas.Default()
	if v == nil {
		_, err := schemas.New() // Default failed: say why
		if err == nil {
			err = errors.New("schemas: no validator")
		}
		return nil, nil, err
	}
	return v, &schemaNames{}, nil
}

// schemaNames caches schemas.SchemaFor(iface, Response), "" for an interface without one.
type schemaNames struct{ m sync.Map }

func (c *schemaNames) of(iface string) string {
	if n, ok := c.m.Load(iface); ok {
		return n.(string)
	}
	name, err := schemas.SchemaFor(iface, schemas.Response)
	if err != nil {
		name = ""
	}
	c.m.Store(iface, name)
	return name
}

func violations(vs []schemas.Violation, err error) []string {
	if err != nil {
		return []string{err.Error()}
	}
	if len(vs) == 0 {
		return nil
	}
	out := make([]string, len(vs))
	for i, x := range vs {
		out[i] = x.String()
	}
	return out
}

// decodeDoc decodes a body exactly as the schema validator does (jsonschema.UnmarshalJSON:
// numbers kept as json.Number, nothing but white space after the value). json.Unmarshal, which
// costs less than a Decoder, decodes it first; only a body with numbers, which it turns into
// float64, is decoded again with UseNumber.
func decodeDoc(body []byte) (any, error) {
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, err
	}
	if !hasFloat(doc) {
		return doc, nil
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	doc = nil
	if err := d.Decode(&doc); err != nil {
		return nil, err
	}
	return doc, nil // json.Unmarshal has already refused trailing data
}

// hasFloat reports whether a decoded JSON value holds a number.
func hasFloat(v any) bool {
	switch v := v.(type) {
	case float64:
		return true
	case map[string]any:
		for _, e := range v {
			if hasFloat(e) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if hasFloat(e) {
				return true
			}
		}
	}
	return false
}
