package loadtest

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestResultFileNames: a load's result is written as load.json, never as summary.json (the
// report's name); a directory an older version wrote, with the result as summary.json, is
// still read and merged beside new ones; a report's summary.json is never taken for a load's.
func TestResultFileNames(t *testing.T) {
	dir := t.TempDir()
	shard := func(i int) string { return filepath.Join(dir, "shard-"+strconv.Itoa(i)) }
	var sent int64
	for i := range 2 {
		if err := os.MkdirAll(shard(i), 0o755); err != nil {
			t.Fatal(err)
		}
		r := shardResult(t, i, 2, 3, nil)
		sent += r.SentHits
		if err := r.WriteResult(shard(i)); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(shard(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != ResultFile {
		t.Fatalf("WriteResult wrote %v, want only %s", entries, ResultFile)
	}
	// Shard 1 as an older version wrote it.
	if err := os.Rename(filepath.Join(shard(1), ResultFile), filepath.Join(shard(1), LegacyResultFile)); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{ResultFile, LegacyResultFile} {
		if got := ResultIn(shard(i)); got != filepath.Join(shard(i), want) {
			t.Errorf("ResultIn(shard-%d) = %q, want its %s", i, got, want)
		}
		if r, err := ReadResult(shard(i)); err != nil || r.Shards[0] != shardName(i, 2) {
			t.Errorf("ReadResult(shard-%d): %v, %v", i, r, err)
		}
	}
	m, err := Merge(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Shards) != 2 || m.SentHits != sent {
		t.Errorf("merged shards %v sent %d, want both shards' %d", m.Shards, m.SentHits, sent)
	}
	// A report's summary.json (schemaVersion, no scenario) is not a load's result.
	report := filepath.Join(dir, "report")
	if err := os.MkdirAll(report, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(report, LegacyResultFile), []byte(`{"schemaVersion":1,"verdict":{}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := ResultIn(report); got != "" {
		t.Errorf("ResultIn(report) = %q, want none", got)
	}
	if _, err := ReadResult(report); err == nil {
		t.Error("a report's directory read as a load result")
	}
}
