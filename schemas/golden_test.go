package schemas

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// TestGoldenBadPayload renders the sorted violation list of one deliberately bad AXB bind
// body (one defect per field) and compares it with testdata/axb-bind-bad.golden. Run
// `go test ./schemas -run Golden -update` after an intended change and review the diff.
func TestGoldenBadPayload(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "axb-bind-bad.json"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := mustNew(t).Validate("axb-bind.request", body)
	if err != nil {
		t.Fatal(err)
	}
	out := []byte(render(got))
	golden := filepath.Join("testdata", "axb-bind-bad.golden")
	if *update {
		if err := os.WriteFile(golden, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(out) != string(want) {
		t.Errorf("violations differ from %s:\n--- got\n%s--- want\n%s", golden, out, want)
	}
	if len(got) != 14 {
		t.Errorf("got %d violations, want 14 (one per defective field)", len(got))
	}
}
