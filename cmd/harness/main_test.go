package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		positional bool
		wantCode   int
		wantOK     bool
		wantErr    string // substring of stderr; "" means stderr must be empty
		wantArgs   int
	}{
		{"no arguments", nil, false, 0, true, "", 0},
		{"flag only", []string{"--n", "3"}, false, 0, true, "", 0},
		{"help", []string{"-h"}, false, exitOK, false, "usage: harness demo", 0},
		{"bad flag", []string{"--bogus"}, false, exitUsage, false, "flag provided but not defined: -bogus", 0},
		{"bad value", []string{"--n", "x"}, true, exitUsage, false, `invalid value "x" for flag -n`, 0},
		{"stray argument", []string{"--n", "3", "a", "b"}, false, exitUsage, false, "harness demo: unexpected argument \"a\"\n", 0},
		{"positional allowed", []string{"--n", "3", "a", "b"}, true, 0, true, "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			fs := newFlagSet("demo", &stderr)
			fs.Int("n", 0, "a number")
			fs.Usage = func() { stderr.WriteString("usage: harness demo\n") }
			code, ok := parseFlags(fs, tt.args, tt.positional)
			if code != tt.wantCode || ok != tt.wantOK {
				t.Fatalf("parseFlags = %d, %v; want %d, %v", code, ok, tt.wantCode, tt.wantOK)
			}
			if got := stderr.String(); tt.wantErr == "" && got != "" || !strings.Contains(got, tt.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", got, tt.wantErr)
			}
			if ok && fs.NArg() != tt.wantArgs {
				t.Errorf("NArg = %d, want %d", fs.NArg(), tt.wantArgs)
			}
		})
	}
}
