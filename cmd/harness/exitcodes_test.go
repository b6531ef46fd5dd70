package main

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
)

// TestExitCodesFollowTheTable: through the binary, the exits the table names for
// configuration (2) and could-not-check (3) cases: `emulate` on a port in use is a
// configuration error, a merge that lacks a shard could not check the run, shards of
// different runs are refused as usage.
func TestExitCodesFollowTheTable(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	code, stdout, stderr := runHarness(t, nil, "emulate", "--listen", busy.Addr().String())
	if code != exitUsage || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "harness emulate: --listen "+busy.Addr().String()+": ") {
		t.Errorf("emulate on a port in use: exit %d, want %d\nstdout: %s\nstderr: %s", code, exitUsage, stdout, stderr)
	}

	root := t.TempDir()
	shard := func(dir, run, i string) {
		t.Helper()
		code, stdout, stderr := runHarness(t, nil, "load", "--rate", "5", "--duration", "300ms", "--hold", "0s", "--progress", "-1",
			"--generator-lag", "0", "--shard", i, "--run-id", run, "--out", filepath.Join(root, dir))
		if code != exitOK {
			t.Fatalf("shard %s: exit %d\n%s\n%s", i, code, stdout, stderr)
		}
		if strings.Contains(stderr, "harness load: ") {
			t.Errorf("a clean shard prints lines prefixed like errors:\n%s", stderr)
		}
	}
	shard("a/shard-1", "run-a", "1/2")
	shard("b/shard-0", "run-b", "0/2")
	for _, tt := range []struct {
		name string
		args []string
		want int
		says string
	}{
		{"missing shard", []string{"report", "--merge", filepath.Join(root, "a")}, exitCouldNotCheck, `shard 0/2 of run "run-a" not found`},
		{"shards of two runs", []string{"report", "--merge", filepath.Join(root, "a"), filepath.Join(root, "b")}, exitUsage, "refusing to merge them"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runHarness(t, nil, append(tt.args, "--out", filepath.Join(t.TempDir(), "rep"))...)
			if code != tt.want || !strings.Contains(stderr, tt.says) {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.want, stdout, stderr)
			}
		})
	}
}
