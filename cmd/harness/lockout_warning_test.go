package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestConformCleanRunNoLockoutWarning: `harness conform` against its own emulator passes
// without warning of a lockout: the one 1020176 of the run is the answer the lockout scenario
// provokes and expects, not a lockout of the authentication scenarios.
func TestConformCleanRunNoLockoutWarning(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runHarness(t, nil, "conform", "--tags", "@authentication", "--out", filepath.Join(t.TempDir(), "conf"))
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "business:lockout") {
		t.Fatalf("the lockout scenario did not run: the check would mean nothing\n%s", stdout)
	}
	if strings.Contains(stderr, "warning") || strings.Contains(stderr, "1020176") {
		t.Errorf("a clean run warns:\n%s", stderr)
	}
}
