package rundir

import (
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/pns-harness/pns-harness/reports"
)

// WriteJSON writes v as indented JSON to path, creating its directory, atomically: the file
// is written beside path and renamed over it, so a reader (harness report, a merge waiting
// for shards) never sees half a file and an interrupted write leaves the old one.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return reports.WriteFileAtomic(path, append(b, '\n'))
}
