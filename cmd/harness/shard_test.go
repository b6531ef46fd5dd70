package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/reports"
)

func TestLoadStartAtFlag(t *testing.T) {
	now := time.Date(2026, 12, 1, 22, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		err  string
	}{
		{"", time.Time{}, ""},
		{"2026-12-01T22:00:30Z", now.Add(30 * time.Second), ""},
		{"2026-12-01T23:00:30+01:00", now.Add(30 * time.Second), ""},
		{"2026-12-01T21:00:00Z", now.Add(-time.Hour), ""}, // late: starts at once, with a warning
		{"2026-12-01T20:59:59Z", time.Time{}, "--start-at 2026-12-01T20:59:59Z is more than 1h0m0s in the past: give this run's start instant"},
		{"2026-12-01T22:00:30.5Z", now.Add(30*time.Second + 500*time.Millisecond), ""},
		{"22:00:30", time.Time{}, `--start-at "22:00:30": want an RFC3339 instant such as 2026-12-01T22:30:00Z`},
		{"2026-12-01T23:00:01Z", time.Time{}, "--start-at 2026-12-01T23:00:01Z is more than 1h0m0s ahead"},
	}
	for _, tt := range tests {
		got, err := loadParseStartAt(tt.in, now)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("%q: error %v, want %s", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("%q: %s %v, want %s", tt.in, got, err, tt.want)
		}
	}
	var out, errb bytes.Buffer
	if code := runLoad(context.Background(), []string{"--rate", "1", "--duration", "1s", "--start-at", "tomorrow"}, &out, &errb); code != exitUsage ||
		!strings.Contains(errb.String(), `harness load: --start-at "tomorrow": want an RFC3339 instant`) {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
}

// report --merge refuses shards of different runs (exit 2) and incomplete sets (exit 3, could
// not check) with
// a message naming the problem; --allow-partial merges, says what is missing and fails the
// run all the same.
func TestReportMergeChecksShards(t *testing.T) {
	_, srv := serveEmulator(t, nil)
	root := t.TempDir()
	shard := func(dir, runID, shard string) {
		t.Helper()
		var out, errb bytes.Buffer
		args := []string{"--target", srv.URL, "--rate", "20", "--duration", "300ms", "--hold", "0s", "--progress", "-1s",
			"--shard", shard, "--run-id", runID, "--out", filepath.Join(root, dir), "--generator-lag", "0"}
		if code := runLoad(context.Background(), args, &out, &errb); code != exitOK {
			t.Fatalf("shard %s: exit %d: %s", shard, code, errb.String())
		}
	}
	shard("a/shard-0", "run-a", "0/2")
	shard("a/shard-1", "run-a", "1/2")
	shard("b/shard-1", "run-b", "1/2")

	report := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := runReport(append([]string{"--out", filepath.Join(root, "report")}, args...), &out, &errb)
		return code, out.String(), errb.String()
	}
	tests := []struct {
		name   string
		args   []string
		want   int
		stderr string
	}{
		{"one run", []string{"--merge", filepath.Join(root, "a")}, exitOK, ""},
		{"two runs", []string{"--merge", filepath.Join(root, "a", "shard-0"), filepath.Join(root, "b", "shard-1")}, exitUsage,
			`has run ID "run-b" but ` + filepath.Join(root, "a", "shard-0") + ` has "run-a": refusing to merge them`},
		{"missing", []string{"--merge", filepath.Join(root, "b")}, exitCouldNotCheck, `shard 0/2 of run "run-b" not found (found 1 of 2)`},
		{"expected more", []string{"--merge", "--shards", "3", filepath.Join(root, "a")}, exitUsage, "has shard count 2 but"},
		{"partial", []string{"--merge", "--allow-partial", filepath.Join(root, "b")}, exitFailed, ""},
		{"no shard at all", []string{"--merge", "--shards", "2", "--wait", "1ms", filepath.Join(root, "nothing")}, exitCouldNotCheck, "none of the 2 shards wrote a result"},
		{"wait without merge", []string{"--wait", "1s", filepath.Join(root, "a")}, exitUsage, "--shards, --allow-partial and --wait need --merge"},
		{"wait for what is there", []string{"--merge", "--wait", "1m", filepath.Join(root, "a")}, exitOK, "2 shard(s) found after waiting"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errb := report(tt.args...)
			if code != tt.want || !strings.Contains(errb, tt.stderr) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, tt.want, out, errb)
			}
		})
	}
	// The partial merge's report names the run and the shards it lacks.
	if code, _, errb := report("--merge", "--allow-partial", filepath.Join(root, "b")); code != exitFailed {
		t.Fatal(errb)
	}
	s, err := reports.LoadSummary(filepath.Join(root, "report", "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if name := s.Load.Scenarios[0].Name; name != "run-b axb-bind-unbind merged (1 of 2 shards)" {
		t.Fatalf("scenario name %q", name)
	}
	settings := map[string]string{}
	for _, st := range s.Manifest.Settings {
		settings[st.Key] = st.Value
	}
	if settings["load.runId"] != "run-b" || settings["load.shards"] != "1/2" || !strings.HasPrefix(settings["load.profileDigest"], "sha256:") || settings["load.harnessVersion"] != buildVersion() {
		t.Fatalf("manifest settings %v", settings)
	}
	page, err := os.ReadFile(filepath.Join(root, "report", "index.html"))
	if len(s.Errors) != 1 || s.Errors[0] != "load run-b axb-bind-unbind merged (1 of 2 shards): shard 0/2 missing: the merged figures and thresholds cover part of the load" {
		t.Fatalf("run errors %q", s.Errors)
	}
	if err != nil || !bytes.Contains(page, []byte("merged 1 of 2 shards (missing 0/2)")) {
		t.Fatalf("the report does not say which shard is missing (%v)", err)
	}
}

// --start-at never panics; what it accepts is an instant at most maxStartWait away.
func FuzzLoadParseStartAt(f *testing.F) {
	for _, s := range []string{"", "2026-12-01T22:00:30Z", "2026-12-01T23:00:30+01:00", "2026-12-01T22:00:30.123456789Z", "22:00", "2026-13-01T00:00:00Z", "9999-12-31T23:59:59Z", "0000-01-01T00:00:00Z"} {
		f.Add(s)
	}
	now := time.Date(2026, 12, 1, 22, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		at, err := loadParseStartAt(s, now)
		if err == nil && s != "" && (at.Sub(now) > maxStartWait || now.Sub(at) > maxStartWait) {
			t.Fatalf("%q accepted %s ahead", s, at.Sub(now))
		}
		if err == nil && s != "" && at.IsZero() {
			t.Fatalf("%q accepted as no instant", s)
		}
	})
}
