package loadtest

import (
	"errors"
	"sync"

	"github.com/pns-harness/pns-harness/schemas"
)

// SchemaValidator checks a response body of an interface (e.g. "axb.bind") and returns its
// violations, nil when it conforms.
type SchemaValidator func(iface string, body []byte) []string

// EmbeddedSchemas returns a SchemaValidator backed by the harness's embedded JSON schemas. A
// body is checked by the validators generated from the schemas (schemas.ValidateCompiled), which
// give the reference validator's verdict at a fraction of its cost; only a body they find
// invalid goes through the reference too, whose messages are the ones reported.
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
		if vs, err := schemas.ValidateCompiledBody(name, body); err != nil || len(vs) == 0 {
			return violations(vs, err)
		}
		vs, err := v.Validate(name, body)
		return violations(vs, err)
	}, nil
}

// docValidator checks a response body of an interface already decoded into a tape, so that
// a response is decoded once for both the result-code check and the schemas.
type docValidator func(iface string, tp *schemas.Tape, body []byte) []string

// embeddedDocValidator is EmbeddedSchemas for bodies decoded into a tape: the validators
// generated for tapes decide, and the violations of an invalid body are reported in the
// reference validator's wording (longer than the generated validators', and rare).
func embeddedDocValidator() (docValidator, error) {
	v, names, err := embeddedSchemas()
	if err != nil {
		return nil, err
	}
	return func(iface string, tp *schemas.Tape, body []byte) []string {
		name := names.of(iface)
		if name == "" {
			return nil
		}
		if vs, err := tp.Validate(name); err != nil || len(vs) == 0 {
			return violations(vs, err)
		}
		vs, err := v.Validate(name, body)
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
