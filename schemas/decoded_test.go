package schemas

import (
	"errors"
	"reflect"
	"testing"
)

// TestValidateDecodedMatchesCompiled: ValidateDecoded gives ValidateCompiled's violations (and
// so the reference's verdicts and locations, FuzzCompiledVsReference) on every example of
// every schema, valid and invalid, each validated against every schema; an unknown name is an
// error.
func TestValidateDecodedMatchesCompiled(t *testing.T) {
	var bodies []string
	for _, ex := range validExamples {
		bodies = append(bodies, ex.body)
	}
	for _, ex := range invalidExamples {
		bodies = append(bodies, ex.body)
	}
	bodies = append(bodies, decodeSeeds...)
	names, invalid := CompiledNames(), 0
	for _, b := range bodies {
		d, err := DecodeDocument([]byte(b))
		if err != nil {
			if d.Value() != nil {
				t.Fatalf("%q: a failed decode returned %#v", b, d.Value())
			}
			continue
		}
		want, _ := Decode([]byte(b))
		if !reflect.DeepEqual(d.Value(), want) {
			t.Fatalf("%q: DecodeDocument %#v, Decode %#v", b, d.Value(), want)
		}
		for _, name := range names {
			got, gerr := ValidateDecoded(name, d)
			ref, rerr := ValidateCompiled(name, d.Value())
			if gerr != nil || rerr != nil || !reflect.DeepEqual(got, ref) {
				t.Fatalf("%s %q: ValidateDecoded %v, %v; ValidateCompiled %v, %v", name, b, got, gerr, ref, rerr)
			}
			if len(got) > 0 {
				invalid++
			}
		}
	}
	if invalid == 0 {
		t.Fatal("no example is invalid against any schema: the comparison proves nothing")
	}
	if _, err := ValidateDecoded("no.such.schema", Decoded{}); !errors.Is(err, ErrUnknownSchema) {
		t.Fatalf("unknown schema: %v", err)
	}
}
