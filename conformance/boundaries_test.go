package conformance

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
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
