package conformance

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/pns-harness/pns-harness/features"
)

// filteredFS copies the embedded features whose names pass keep into a MapFS.
func filteredFS(t *testing.T, keep func(string) bool) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	for _, f := range features.Files() {
		if !keep(f) {
			continue
		}
		data, err := features.FS.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m[f] = &fstest.MapFile{Data: data}
	}
	return m
}
