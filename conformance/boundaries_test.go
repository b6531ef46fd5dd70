package conformance

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/features"
)

var update = flag.Bool("update", false, "rewrite generated files (features/boundaries.feature)")

// TestBoundariesFeatureFresh: the committed boundary feature is what the generator makes from
// the current schemas; -update rewrites it.
func TestBoundariesFeatureFresh(t *testing.T) {
	got, err := GenerateBoundaries()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "features", BoundariesFeature)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	have, err := features.FS.ReadFile(BoundariesFeature)
	if err != nil && !*update {
		t.Fatalf("%v (run go test ./conformance -run TestBoundariesFeatureFresh -update)", err)
	}
	if !*update && !bytes.Equal(have, got) {
		t.Fatalf("features/%s is stale: run go test ./conformance -run TestBoundariesFeatureFresh -update", BoundariesFeature)
	}
}

// TestBoundaryDecisionsFromSchemas: the generated scenarios take their provenance from the
// schemas' x-decision annotations and the two all-field rules, never from @emulator: the
// D53 value, the D62 maxima (both sides), tone names (D25) and the recording flag (D42) carry
// their decision; documented bounds carry none.
func TestBoundaryDecisionsFromSchemas(t *testing.T) {
	src, err := GenerateBoundaries()
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	if strings.Contains(text, TagEmulator) {
		t.Error("a generated boundary scenario is tagged @emulator: its provenance must be a decision")
	}
	tagsOf := func(name string) string {
		i := strings.Index(text, "Scenario: "+name+"\n")
		if i < 0 {
			t.Fatalf("no generated scenario %q", name)
		}
		start := strings.LastIndex(text[:i], "\n  @")
		return text[start:i]
	}
	for name, want := range map[string]string{
		`ax.bind calleeNumDisplay "1" is accepted`:                                 "@decision:D53",
		`axe.bind displayNumMode "0" is accepted`:                                  "",
		`axe.bind bindExpiredTime 2160 (largest allowed) is accepted`:              "@decision:D62",
		`axe.bind bindExpiredTime 2161 (above the maximum) is refused`:             "@decision:D62",
		`axe.bind bindExpiredTime 0 (smallest allowed) is accepted`:                "",
		`axb.bind recordHintTone of 128 characters (longest allowed) is accepted`:  "@decision:D25",
		`axb.bind recordHintTone of 129 characters (above the maximum) is refused`: "",
		`axb.bind recordFlag "true" is accepted`:                                   "@decision:D42",
		`axb.bind privateSms JSON true is accepted`:                                "@decision:D23",
		`axb.bind duration 7776000 (largest allowed) is accepted`:                  "",
	} {
		got := tagsOf(name)
		if want == "" && strings.Contains(got, TagDecisionPrefix) || want != "" && !strings.Contains(got, want) {
			t.Errorf("%s: tags %q, want %q", name, strings.TrimSpace(got), want)
		}
	}
}
