package loadtest

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// shardResult is a result of shard i/n of one run with `per` binds in each of two seconds.
func shardResult(t *testing.T, i, n, per int, edit func(a *aggregate)) *Result {
	t.Helper()
	a := newAggregate()
	a.scenario, a.mode, a.primary = ScenarioBindUnbind, "axb", "axb.bind"
	a.shards = []string{shardName(i, n)}
	a.started = time.Unix(1000, 0)
	a.plan = Plan{{Duration: 2 * time.Second, Rate: 30 / float64(n)}}
	a.hold = 1
	a.run = RunInfo{ID: "run-7", HarnessVersion: "v1.2.3", ProfileDigest: ProfileDigest(nil), StartAt: time.Unix(1000, 0)}
	for sec := int64(1000); sec < 1002; sec++ {
		s := a.sec(sec)
		s.target = float64(per)
		for k := 0; k < per; k++ {
			a.observe(&observation{iface: "axb.bind", code: "0", status: 200, ts: time.Unix(sec, 0),
				service: time.Duration(i*10+k+1) * time.Millisecond, corrected: time.Duration(i*10+k+2) * time.Millisecond, primary: true, success: true})
		}
	}
	if edit != nil {
		edit(a)
	}
	r, err := a.result(true)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func shardName(i, n int) string { return strconv.Itoa(i) + "/" + strconv.Itoa(n) }

func TestMergeRefusesShardsOfDifferentRuns(t *testing.T) {
	cases := []struct {
		name string
		edit func(a *aggregate)
		want string
	}{
		{"run id", func(a *aggregate) { a.run.ID = "run-8" }, `merge: shards of different runs: result 2 has run ID "run-8" but result 1 has "run-7": refusing to merge them`},
		{"version", func(a *aggregate) { a.run.HarnessVersion = "v1.2.4" }, `result 2 has harness version "v1.2.4" but result 1 has "v1.2.3"`},
		{"profile", func(a *aggregate) { a.run.ProfileDigest = "sha256:00" }, `result 2 has profile digest "sha256:00" but result 1 has "sha256:`},
		{"start", func(a *aggregate) { a.run.StartAt = time.Unix(1001, 0) }, `result 2 has start instant 1970-01-01T00:16:41Z but result 1 has 1970-01-01T00:16:40Z`},
		{"plan", func(a *aggregate) { a.plan = Plan{{Duration: 2 * time.Second, Rate: 20}} }, `result 2 has plan 2s@20 (per shard, hold 1s) but result 1 has 2s@15 (per shard, hold 1s)`},
		{"hold", func(a *aggregate) { a.hold = 2 }, `result 2 has plan 2s@15 (per shard, hold 2s)`},
		{"scenario", func(a *aggregate) { a.mode = "axe" }, `result 2 has scenario axe bind-unbind but result 1 has axb bind-unbind`},
		{"shard count", func(a *aggregate) { a.shards = []string{"1/3"} }, `result 2 has shard count 3 but result 1 has 2`},
		{"duplicate", func(a *aggregate) { a.shards = []string{"0/2"} }, `merge: shard 0/2 appears twice (result 1 and result 2)`},
		{"bad shard", func(a *aggregate) { a.shards = []string{"2/2"} }, `merge: result 2: shard "2/2": want i/N with 0 <= i < N`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := MergeResults(shardResult(t, 0, 2, 3, nil), shardResult(t, 1, 2, 3, c.edit))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v\nwant %s", err, c.want)
			}
		})
	}
	// The same shards merge when nothing differs.
	if _, err := MergeResults(shardResult(t, 0, 2, 3, nil), shardResult(t, 1, 2, 3, nil)); err != nil {
		t.Fatal(err)
	}
}

func TestMergeReportsMissingShards(t *testing.T) {
	dir := t.TempDir()
	for _, i := range []int{0, 2} {
		d := filepath.Join(dir, "shard-"+strconv.Itoa(i))
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := shardResult(t, i, 4, 2, nil).WriteResult(d); err != nil {
			t.Fatal(err)
		}
	}
	_, err := Merge(dir)
	if !errors.Is(err, ErrShardsMissing) || !strings.Contains(err.Error(), `shard 1/4, 3/4 of run "run-7" not found (found 2 of 4)`) {
		t.Fatalf("missing shards: %v", err)
	}
	// An expected count above what the shards record is a mismatch, below it too.
	if _, err := (MergeOptions{Shards: 5}).Merge(dir); !errors.Is(err, ErrShardMismatch) {
		t.Fatalf("expected 5 shards: %v", err)
	}
	r, err := MergeOptions{AllowPartial: true}.Merge(dir)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(r.Missing, ",") != "1/4,3/4" || len(r.Warnings) != 1 || r.Warnings[0] != "merged 2 of 4 shards (missing 1/4, 3/4): the totals cover part of the load" {
		t.Fatalf("missing %v warnings %v", r.Missing, r.Warnings)
	}
	if r.SentHits != 8 {
		t.Fatalf("partial merge sent %d, want 8", r.SentHits)
	}
}

// The per-shard rate over time adds up to the merged series, second by second.
func TestMergeShardSeriesSumToTotal(t *testing.T) {
	rs := []*Result{shardResult(t, 2, 3, 4, nil), shardResult(t, 0, 3, 2, nil), shardResult(t, 1, 3, 3, nil)}
	m, err := MergeResults(rs...)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.ShardSeries) != 3 || m.ShardSeries[0].Shard != "0/3" || m.ShardSeries[2].Shard != "2/3" {
		t.Fatalf("shard series %+v", m.ShardSeries)
	}
	for _, sec := range m.Series {
		var sent int64
		var target float64
		for _, ss := range m.ShardSeries {
			for _, p := range ss.Points {
				if p.T == sec.T {
					sent += p.AchievedRate
					target += p.TargetRate
				}
			}
		}
		if sent != sec.AchievedRate || sent != 9 || target != sec.TargetRate {
			t.Fatalf("second %d: shards sent %d target %v, merged %d %v", sec.T, sent, target, sec.AchievedRate, sec.TargetRate)
		}
	}
	// Merging a merge keeps the shards' own series.
	again, err := MergeResults(m)
	if err != nil || len(again.ShardSeries) != 3 {
		t.Fatalf("re-merge: %v %+v", err, again)
	}
}

func TestProfileDigestOmitsSecrets(t *testing.T) {
	p := DefaultProfile()
	d1 := ProfileDigest(p)
	p.Apps["AXB"].AppSecret = "another-secret"
	if d2 := ProfileDigest(p); d2 != d1 {
		t.Fatal("the digest depends on a secret: it would disclose it, and shards with differently delivered secrets would not merge")
	}
	p.Apps["AXB"].XNumbers = []string{"+8617000000001"}
	if ProfileDigest(p) == d1 {
		t.Fatal("a different X number list gives the same digest")
	}
}

// StartAt delays the schedule's origin; a shard that arrives late says so.
func TestStartAt(t *testing.T) {
	_, srv := newFake(t)
	at := time.Now().Add(300 * time.Millisecond)
	res, err := Run(t.Context(), Config{Target: srv.URL, Profile: fakeProfile(), Rate: 20, Duration: 200 * time.Millisecond, Hold: 10 * time.Millisecond,
		StartAt: at, Run: RunInfo{ID: "r1"}, SchemaSample: -1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Started.Before(at) || !res.Run.StartAt.Equal(at) || res.Run.ID != "r1" || res.Run.ProfileDigest != ProfileDigest(fakeProfile()) {
		t.Fatalf("started %s, start instant %s, run %+v", res.Started, at, res.Run)
	}
	late := time.Now().Add(-time.Hour)
	res, err = Run(t.Context(), Config{Target: srv.URL, Profile: fakeProfile(), Rate: 20, Duration: 200 * time.Millisecond, Hold: 10 * time.Millisecond,
		StartAt: late, Shard: 1, Shards: 2, SchemaSample: -1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) == 0 || !strings.HasPrefix(res.Warnings[0], "shard 1/2 started 3600.") {
		t.Fatalf("warnings %v", res.Warnings)
	}
}

// parseShard never panics and accepts exactly "i/N" with 0 <= i < N.
func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"0/1", "2/3", "3/3", "-1/2", "1/0", "a/b", "1/", "/1", "", "1/2/3", " 1/2", "99999999999999999999/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		i, n, err := parseShard(s)
		if err != nil {
			return
		}
		if n < 1 || i < 0 || i >= n {
			t.Fatalf("%q parsed as %d/%d", s, i, n)
		}
		if i2, n2, err := parseShard(strconv.Itoa(i) + "/" + strconv.Itoa(n)); err != nil || i2 != i || n2 != n {
			t.Fatalf("%q: canonical form %d/%d does not parse back: %v", s, i, n, err)
		}
	})
}
