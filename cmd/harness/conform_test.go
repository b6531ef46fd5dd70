package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConformExitCodes(t *testing.T) {
	dir := t.TempDir()
	badSecret := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(badSecret, []byte(`
emulator: true
numberBlocks: ["+86138001"]
apps:
  AXB: {appKey: demo-axb, appSecret: wrong, xRanges: [{from: "+8617001100000", count: 200, cityCode: "010"}]}
  AX: {appKey: demo-ax, appSecret: demo-ax-secret, xRanges: [{from: "+8617002100000", count: 200}]}
  AXE: {appKey: demo-axe, appSecret: demo-axe-secret, xRanges: [{from: "+8617003100000", count: 200}]}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want int
		out  string
	}{
		{"unknown flag", []string{"--bogus"}, exitUsage, ""},
		{"stray argument", []string{"x"}, exitUsage, ""},
		{"missing profile", []string{"--profile", filepath.Join(dir, "none.yaml")}, exitUsage, ""},
		{"bad format", []string{"--format", "html"}, exitUsage, ""},
		{"bad tags", []string{"--tags", "@a,,@b"}, exitUsage, ""},
		{"passing subset", []string{"--tags", "@axe.query", "--out", filepath.Join(dir, "ok")}, exitOK, "uncovered entries"},
		{"failing subset", []string{"--tags", "@axb.query", "--profile", badSecret, "--out", filepath.Join(dir, "bad")}, exitFailed, "FAILED axb_query.feature:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if got := runConform(context.Background(), tt.args, &out, &errb); got != tt.want {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", got, tt.want, out.String(), errb.String())
			}
			if !strings.Contains(out.String(), tt.out) {
				t.Errorf("stdout lacks %q:\n%s", tt.out, out.String())
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "ok", "coverage.json")); err != nil {
		t.Errorf("coverage.json: %v", err)
	}
}

// TestConformTagSelection: a tag expression that selects nothing is a usage error naming the
// known tags, and --list counts scenarios per tag without running any.
func TestConformTagSelection(t *testing.T) {
	var out, errb bytes.Buffer
	if got := runConform(context.Background(), []string{"--tags", "@axb"}, &out, &errb); got != exitUsage {
		t.Fatalf("--tags @axb: exit %d, want %d\n%s%s", got, exitUsage, out.String(), errb.String())
	}
	for _, want := range []string{`tags "@axb": the tag expression selects no scenario`, "known tags: ", "@axb.bind", "@emulator"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb.String())
		}
	}
	out.Reset()
	errb.Reset()
	if got := runConform(context.Background(), []string{"--list", "--tags", "@axe.query && ~@emulator"}, &out, &errb); got != exitOK {
		t.Fatalf("--list: exit %d\n%s%s", got, out.String(), errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "TAG") {
		t.Fatalf("--list output:\n%s", out.String())
	}
	counts := map[string]string{}
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		counts[strings.Join(f[:len(f)-1], " ")] = f[len(f)-1]
	}
	if counts["@axe.query"] == "" || counts["@axe.query"] != counts["(all selected)"] {
		t.Errorf("every selected scenario carries @axe.query: %v", counts)
	}
	if _, ok := counts["@emulator"]; ok {
		t.Errorf("~@emulator selected an @emulator scenario: %v", counts)
	}
	if strings.Contains(out.String(), "passed") {
		t.Errorf("--list ran the suite:\n%s", out.String())
	}
}
