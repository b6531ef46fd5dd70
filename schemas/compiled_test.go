package schemas

import (
	"bytes"
	"os"
	"slices"
	"testing"

	"github.com/pns-harness/pns-harness/schemas/internal/schemagen"
)

// TestCompiledUpToDate regenerates the compiled validators from json/ and fails when
// compiled_gen.go differs: run `go generate ./schemas` after changing a schema.
func TestCompiledUpToDate(t *testing.T) {
	want, err := schemagen.Generate(os.DirFS("json"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("compiled_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("compiled_gen.go is stale: run `go generate ./schemas` and commit the result")
	}
}

// TestCompiledNames: every payload schema has a compiled validator, and nothing else does.
func TestCompiledNames(t *testing.T) {
	if got, want := CompiledNames(), mustNew(t).Names(); !slices.Equal(got, want) {
		t.Fatalf("compiled %v\nreference %v", got, want)
	}
	if _, err := ValidateCompiled("nope", nil); err == nil {
		t.Fatal("unknown name accepted")
	}
}
