package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestYAMLErrorsThroughCLI: a mistyped key or a wrong indentation in a workload or profile
// file is one line at FILE:LINE, in the file's words (the key as written, the nearest known
// key), never a Go type name; exit 2. The indentation error is at the line yaml.v3 names:
// where the block it could not close begins.
func TestYAMLErrorsThroughCLI(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	typo := write("typo.yaml", "name: w\nrate: 5\nflows:\n  - name: f\n    mode: axb\n    stpes: [{op: bind}, {op: unbind}]\n")
	indent := write("indent.yaml", "name: w\nrate: 5\nflows:\n  - name: f\n    mode: axb\n   steps: [{op: bind}, {op: unbind}]\n")
	prof := write("profile.yaml", "apps: {AXB: {appKey: k, appSecret: s}}\nmaxRte: 3\n")
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"workload typo", []string{"load", "--workload", typo, "--duration", "1s"},
			"harness load: " + typo + ":6: workload: flows[0]: unknown key stpes, did you mean steps?\n"},
		{"workload indentation", []string{"load", "--workload", indent, "--duration", "1s"},
			"harness load: " + indent + ":3: workload: did not find expected '-' indicator (check the indentation: spaces, not tabs, and the same indentation for the keys of one mapping)\n"},
		{"profile typo", []string{"load", "--profile", prof, "--rate", "1", "--duration", "1s"},
			"harness load: " + prof + ":2: profile: unknown key maxRte, did you mean maxRate?\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runHarness(t, nil, tt.args...)
			// The error, then the usage hint every usage error ends with.
			if code != exitUsage || stderr != tt.want+"Run 'harness load --help' for usage.\n" {
				t.Errorf("exit %d\nstdout: %s\nstderr: %q\nwant:   %q", code, stdout, stderr, tt.want)
			}
		})
	}
}
