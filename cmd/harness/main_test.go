package main

import (
	"bytes"
	"runtime/debug"
	"strings"
	"testing"
)

func TestParseFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		positional bool
		wantCode   int
		wantOK     bool
		wantOut    string // substring of stdout; "" means stdout must be empty
		wantErr    string // exact stderr
		wantArgs   []string
	}{
		{"no arguments", nil, false, 0, true, "", "", nil},
		{"flag only", []string{"--n", "3"}, false, 0, true, "", "", nil},
		{"help", []string{"-h"}, false, exitOK, false, "usage: harness demo [flags]", "", nil},
		{"long help", []string{"--help"}, true, exitOK, false, "130  interrupted", "", nil},
		{"bad flag", []string{"--bogus"}, false, exitUsage, false, "", "harness demo: unknown flag --bogus\nRun 'harness demo --help' for usage.\n", nil},
		{"typo", []string{"--nn", "3"}, false, exitUsage, false, "", "harness demo: unknown flag --nn; did you mean --n?\nRun 'harness demo --help' for usage.\n", nil},
		{"bad value", []string{"--n", "x"}, true, exitUsage, false, "", "harness demo: --n \"x\": not a valid value\nRun 'harness demo --help' for usage.\n", nil},
		{"bare duration", []string{"--wait", "5"}, false, exitUsage, false, "", "harness demo: --wait \"5\": want a duration such as 500ms, 5s or 2m; did you mean 5s?\nRun 'harness demo --help' for usage.\n", nil},
		{"missing value", []string{"--n"}, false, exitUsage, false, "", "harness demo: --n needs a value\nRun 'harness demo --help' for usage.\n", nil},
		{"stray argument", []string{"--n", "3", "a", "b"}, false, exitUsage, false, "", "harness demo: unexpected argument \"a\" (this command takes only flags)\nRun 'harness demo --help' for usage.\n", nil},
		{"positional allowed", []string{"--n", "3", "a", "b"}, true, 0, true, "", "", []string{"a", "b"}},
		{"flags after positionals", []string{"a", "--n", "3", "b", "--wait", "1s"}, true, 0, true, "", "", []string{"a", "b"}},
		{"double dash", []string{"a", "--", "--n", "b"}, true, 0, true, "", "", []string{"a", "--n", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			fs := newFlagSet("demo", &stdout, &stderr)
			n := fs.Int("n", 0, "a number")
			fs.Duration("wait", 0, "a duration")
			code, ok := parseFlags(fs, tt.args, tt.positional)
			if code != tt.wantCode || ok != tt.wantOK {
				t.Fatalf("parseFlags = %d, %v; want %d, %v (stderr %q)", code, ok, tt.wantCode, tt.wantOK, stderr.String())
			}
			if got := stderr.String(); got != tt.wantErr {
				t.Errorf("stderr = %q, want %q", got, tt.wantErr)
			}
			if got := stdout.String(); tt.wantOut == "" && got != "" || !strings.Contains(got, tt.wantOut) {
				t.Errorf("stdout = %q, want it to contain %q", got, tt.wantOut)
			}
			if ok && strings.Join(fs.Args(), " ") != strings.Join(tt.wantArgs, " ") {
				t.Errorf("Args = %q, want %q", fs.Args(), tt.wantArgs)
			}
			if ok && len(tt.args) > 1 && tt.args[0] != "a" && *n != 3 && tt.name != "no arguments" {
				t.Errorf("--n = %d, want 3", *n)
			}
		})
	}
}

func TestClosest(t *testing.T) {
	t.Parallel()
	names := []string{"target", "duration", "rate", "ramp", "out"}
	for in, want := range map[string]string{"targte": "target", "dur": "duration", "rat": "rate", "xyz": "", "ot": "out", "o": "", "zzzzzz": ""} {
		if got := closest(in, names); got != want {
			t.Errorf("closest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestVersionFromBuildInfo(t *testing.T) {
	t.Parallel()
	bi := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}}
	if got := versionFromBuildInfo(bi); got != "(devel) 0123456789ab+dirty" {
		t.Errorf("devel build: %q", got)
	}
	bi = &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}
	if got := versionFromBuildInfo(bi); got != "v1.2.3" {
		t.Errorf("tagged build: %q", got)
	}
}

func FuzzParseFlags(f *testing.F) {
	for _, s := range []string{"--n 3 a", "a -- --n", "--wait 5", "--bogus", "-h", "--n", "a b --wait=1s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		var stdout, stderr bytes.Buffer
		fs := newFlagSet("demo", &stdout, &stderr)
		fs.Int("n", 0, "a number")
		fs.Duration("wait", 0, "a duration")
		code, ok := parseFlags(fs, strings.Fields(line), true)
		if !ok && code != exitOK && code != exitUsage {
			t.Fatalf("code %d", code)
		}
		if !ok && code == exitUsage && strings.Count(stderr.String(), "\n") != 2 {
			t.Fatalf("a flag error is one line plus the pointer to --help: %q", stderr.String())
		}
	})
}
