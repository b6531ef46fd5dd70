package features

import (
	"strings"
	"testing"
)

func TestFilesAndHash(t *testing.T) {
	files := Files()
	if len(files) < 15 {
		t.Fatalf("only %d feature files: %v", len(files), files)
	}
	for _, f := range files {
		if !strings.HasSuffix(f, ".feature") {
			t.Errorf("unexpected file %s", f)
		}
	}
	h := Hash()
	if len(h) != 64 || h != Hash() {
		t.Errorf("Hash() = %q, not a stable SHA-256", h)
	}
}
