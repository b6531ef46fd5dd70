package rundir

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/assemble"
	"github.com/pns-harness/pns-harness/loadtest"
)

// TestWriteJSONReplacesWhole: WriteJSON creates the directory, replaces an earlier file
// whole, and leaves no temporary file beside it.
func TestWriteJSONReplacesWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "x.json")
	if err := WriteJSON(path, map[string]any{"long": strings.Repeat("x", 1000)}); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(path, map[string]int{"n": 1}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]int
	if err := json.Unmarshal(b, &got); err != nil || got["n"] != 1 {
		t.Fatalf("read back %q: %v", b, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %d files, want only x.json: %v", len(entries), entries)
	}
	if err := WriteJSON(path, func() {}); err == nil {
		t.Error("a value JSON cannot encode was written")
	}
}

// TestScanRunDirectory: Scan finds the parts of a `harness run` directory (conformance/,
// load/NAME/, receiver.json), finds a load's result by its name (load.json) and, in a
// directory an older version wrote, its summary.json, never a report's summary.json (report/
// is not a result), and refuses a directory with no result.
func TestScanRunDirectory(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, content string) {
		t.Helper()
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(assemble.ConformanceDir, assemble.CucumberFile), "[]")
	write(filepath.Join(assemble.LoadDir, "axb-bind-unbind", loadtest.ResultFile), `{"scenario":"bind-unbind"}`)
	write(filepath.Join(assemble.LoadDir, "older-version", loadtest.LegacyResultFile), `{"scenario":"bind-unbind"}`)
	write(filepath.Join("report", "summary.json"), `{"schemaVersion":1}`)
	write(assemble.ReceiverFile, "{}")
	var r Results
	if err := Scan(dir, &r); err != nil {
		t.Fatal(err)
	}
	want := Results{
		Conformance: []string{filepath.Join(dir, assemble.ConformanceDir)},
		Load:        []string{filepath.Join(dir, assemble.LoadDir, "axb-bind-unbind"), filepath.Join(dir, assemble.LoadDir, "older-version")},
		Receiver:    []string{filepath.Join(dir, assemble.ReceiverFile)},
	}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("Scan = %+v\nwant %+v", r, want)
	}
	empty := t.TempDir()
	if err := Scan(empty, &r); err == nil || !strings.Contains(err.Error(), "holds no conformance, load or receiver results") {
		t.Errorf("empty directory: err = %v", err)
	}
}
