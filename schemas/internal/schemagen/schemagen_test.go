package schemagen

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

func schema(file, body string) fstest.MapFS {
	return fstest.MapFS{file: {Data: []byte(`{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"` + BaseURL + file + `",` + body + `}`)}}
}

// TestRefusesWhatItCannotCompile: a keyword, format, $ref or bound the generator does not
// compile fails the generation with the keyword and its location, instead of being skipped.
func TestRefusesWhatItCannotCompile(t *testing.T) {
	cases := []struct{ body, want string }{
		{`"additionalProperties": false`, `a.json#: unsupported keyword "additionalProperties"`},
		{`"properties": {"x": {"oneOf": [true]}}`, `a.json#/properties/x: unsupported keyword "oneOf"`},
		{`"$defs": {"unused": {"uniqueItems": true}}`, `a.json#/$defs/unused: unsupported keyword "uniqueItems"`},
		{`"format": "email"`, `unknown format email`},
		{`"$ref": "other.json#/x"`, `no schema file other.json`},
		{`"$defs": {}, "$ref": "#/$defs/missing"`, `"missing" not found`},
		{`"maximum": 1.5`, `not an int64 literal`},
		{`"enum": [{"a": 1}]`, `unsupported value`},
		{`"type": "decimal"`, `unknown type "decimal"`},
	}
	for _, c := range cases {
		for name, generate := range map[string]func(fs.FS) ([]byte, error){"Generate": Generate, "GenerateTape": GenerateTape} {
			_, err := generate(schema("a.json", c.body))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s %s: err %v, want it to mention %q", name, c.body, err, c.want)
			}
		}
	}
}

// TestGeneratesSupported: a schema with only supported keywords generates parseable code that
// names the schema in the table.
func TestGeneratesSupported(t *testing.T) {
	src, err := Generate(schema("a.json", `"type":"object","required":["x"],"properties":{"x":{"type":["string","null"],"maxLength":3,"pattern":"^a"}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"a": v0,`, `a.json#/properties/x/maxLength`, `regexp.MustCompile("^a")`} {
		if !strings.Contains(string(src), want) {
			t.Errorf("generated code lacks %s:\n%s", want, src)
		}
	}
}

// TestGeneratesTape: the tape validators of the same schema are named t…, read tape nodes, find
// the object's members in one walk, and keep their regular expressions apart from those of the
// decoded-value validators (both files are in one package).
func TestGeneratesTape(t *testing.T) {
	src, err := GenerateTape(schema("a.json", `"type":"object","required":["x","y"],"properties":{"x":{"type":["string","null"],"maxLength":3,"pattern":"^a"}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"a": t0,`, `func t0(s *vstate, x int32)`, `var tapeSchemas`, `tre0 = regexp.MustCompile("^a")`,
		`case "y":`, `if at[0] == 0 || at[1] == 0 {`, `a.json#/properties/x/maxLength`} {
		if !strings.Contains(string(src), want) {
			t.Errorf("generated code lacks %s:\n%s", want, src)
		}
	}
	if strings.Contains(string(src), "compiledSchemas") || strings.Contains(string(src), "x any") {
		t.Errorf("tape code with the decoded-value validators' names:\n%s", src)
	}
}
