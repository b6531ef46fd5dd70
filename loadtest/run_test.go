package loadtest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/pns-harness/pns-harness/pns"
)

func TestBindUnbindLeavesNothing(t *testing.T) {
	for _, mode := range []pns.Mode{pns.ModeAXB, pns.ModeAX, pns.ModeAXE} {
		t.Run(string(mode), func(t *testing.T) {
			f, srv := newFake(t)
			dir := t.TempDir()
			res, err := Run(context.Background(), Config{
				Target: srv.URL, Profile: fakeProfile(), Mode: mode, Rate: 100, Duration: time.Second,
				Hold: 200 * time.Millisecond, OutDir: dir, SchemaSample: -1,
			})
			if err != nil {
				t.Fatal(err)
			}
			if n := f.liveCount(); n != 0 {
				t.Fatalf("%d bindings left on the fake", n)
			}
			if f.badAuth.Load() != 0 {
				t.Fatalf("%d requests failed authentication", f.badAuth.Load())
			}
			bind, _ := res.Interface(strings.ToLower(string(mode)) + ".bind")
			unbind, _ := res.Interface(strings.ToLower(string(mode)) + ".unbind")
			// A loaded machine may make the generator miss hits (reported as shortfall, checked
			// against the sent count below); everything sent must be consistent.
			if bind.Count != res.SentHits || bind.Success != bind.Count || res.SentHits == 0 {
				t.Fatalf("bind count %d success %d sent %d (%+v)", bind.Count, bind.Success, res.SentHits, bind.Codes)
			}
			if unbind.Success != bind.Success || res.Cleanup.Bound != bind.Success || res.Cleanup.Unbound != bind.Success || res.Cleanup.Leaked != 0 {
				t.Fatalf("unbind %d, cleanup %+v", unbind.Success, res.Cleanup)
			}
			if res.TargetHits != 100 || res.ShortfallPct != 100-float64(res.SentHits) {
				t.Fatalf("sent %d target %v shortfall %v", res.SentHits, res.TargetHits, res.ShortfallPct)
			}
			// Every file is there and the gob streams decode with vegeta.
			for _, name := range append([]string{ResultFile}, res.Files...) {
				if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
					t.Fatal(err)
				}
			}
			// One gob file per flow: the flow's binds and unbinds.
			n := countGob(t, filepath.Join(dir, res.Attacks[0]+".gob"))
			if int64(n) != bind.Count+unbind.Count {
				t.Fatalf("flow gob holds %d results, want %d", n, bind.Count+unbind.Count)
			}
			// The HdrHistogram interval log reads back with the library's reader.
			lf, err := os.Open(filepath.Join(dir, strings.ToLower(string(mode))+".s0.hlog"))
			if err != nil {
				t.Fatal(err)
			}
			defer lf.Close()
			lr := hdr.NewHistogramLogReader(lf)
			var logged int64
			for {
				h, err := lr.NextIntervalHistogram()
				if err != nil {
					t.Fatal(err)
				}
				if h == nil {
					break
				}
				if h.Tag() == bind.ID+".service" {
					logged += h.TotalCount()
				}
			}
			if logged != res.SentHits {
				t.Fatalf("interval log holds %d bind latencies, want %d", logged, res.SentHits)
			}
		})
	}
}

func countGob(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := vegeta.NewDecoder(f)
	n := 0
	for {
		var r vegeta.Result
		if err := dec.Decode(&r); err != nil {
			break
		}
		n++
	}
	return n
}

func TestCancelUnbindsEverything(t *testing.T) {
	f, srv := newFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Cancel once the platform has seen binds, not after a wall-clock delay: a slow machine
	// may spend that long in setup.
	go func() {
		for f.binds.Load() < 10 && ctx.Err() == nil {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	res, err := Run(ctx, Config{
		Target: srv.URL, Profile: fakeProfile(), Mode: pns.ModeAXB, Rate: 100, Duration: 30 * time.Second,
		Hold: time.Minute, SchemaSample: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.Aborted, "interrupted before the end of the plan") {
		t.Fatalf("Aborted = %q", res.Aborted)
	}
	if f.binds.Load() < 10 || f.binds.Load() > 1500 { // 3,000 planned: the run stopped well before its end
		t.Fatalf("%d binds: the run did not stop on cancel", f.binds.Load())
	}
	if n := f.liveCount(); n != 0 {
		t.Fatalf("%d bindings left after cancel", n)
	}
	if res.Cleanup.Leaked != 0 || res.Cleanup.Bound != res.Cleanup.Unbound+res.Cleanup.Retried {
		t.Fatalf("cleanup %+v", res.Cleanup)
	}
	if res.ShortfallPct > 50 { // against the 30 s plan it would be about 99%
		t.Fatalf("shortfall %v%% counted past the cancel", res.ShortfallPct)
	}
}

// With a 20 ms service time and 2 workers the generator can send 100/s at most: at 200/s the
// requests queue behind the workers. Service time stays at 20 ms; the corrected latency grows
// with the queue and the shortfall shows.
func TestCorrectedLatencyUnderCoordinatedOmission(t *testing.T) {
	f, srv := newFake(t)
	f.delay.Store(int64(20 * time.Millisecond))
	res, err := Run(context.Background(), Config{
		Target: srv.URL, Profile: fakeProfile(), Mode: pns.ModeAXB, Rate: 200, Duration: 1500 * time.Millisecond,
		Workers: 1, MaxWorkers: 2, SchemaSample: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	bind, _ := res.Interface("axb.bind")
	// Medians, not tails: a loaded CI machine adds tail latency to both.
	if bind.Service.P50 < 20 || bind.Corrected.P50 < 3*bind.Service.P50 || bind.Corrected.P99 < bind.Service.P99 {
		t.Fatalf("service p50 %v p99 %v, corrected p50 %v p99 %v: corrected latency does not show the queue",
			bind.Service.P50, bind.Service.P99, bind.Corrected.P50, bind.Corrected.P99)
	}
	if res.ShortfallPct < 20 {
		t.Fatalf("shortfall %v%%, want a large one", res.ShortfallPct)
	}
	if f.liveCount() != 0 {
		t.Fatal("bindings left")
	}
}

func TestMergeShardsEqualsUnion(t *testing.T) {
	f, srv := newFake(t)
	dirs := []string{t.TempDir(), t.TempDir()}
	errs := make(chan error, 2)
	for i := range dirs {
		go func() {
			_, err := Run(context.Background(), Config{
				Target: srv.URL, Profile: fakeProfile(), Mode: pns.ModeAXE, Rate: 200, Duration: time.Second,
				Shard: i, Shards: 2, OutDir: dirs[i], SchemaSample: -1,
			})
			errs <- err
		}()
	}
	for range dirs {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if f.liveCount() != 0 {
		t.Fatal("bindings left")
	}
	merged, err := Merge(dirs...)
	if err != nil {
		t.Fatal(err)
	}
	var sentSum int64
	for _, d := range dirs {
		s, err := ReadResult(d)
		if err != nil {
			t.Fatal(err)
		}
		sentSum += s.SentHits
	}
	if len(merged.Shards) != 2 || merged.SentHits != sentSum || merged.TargetHits != 200 {
		t.Fatalf("merged shards %v sent %d target %v", merged.Shards, merged.SentHits, merged.TargetHits)
	}
	// The union of the raw results, decoded from both shards' vegeta files.
	union := map[string]*hdr.Histogram{}
	counts := map[string]int64{}
	for _, d := range dirs {
		s, err := ReadResult(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range s.Attacks {
			fh, err := os.Open(filepath.Join(d, a+".gob"))
			if err != nil {
				t.Fatal(err)
			}
			dec := vegeta.NewDecoder(fh)
			for {
				var r vegeta.Result
				if err := dec.Decode(&r); err != nil {
					break
				}
				id := "axe.bind"
				if r.Method == "DELETE" {
					id = "axe.unbind"
				}
				if union[id] == nil {
					union[id] = newHist()
				}
				record(union[id], r.Latency)
				counts[id]++
			}
			fh.Close()
		}
	}
	for _, id := range []string{"axe.bind", "axe.unbind"} {
		is, ok := merged.Interface(id)
		if !ok {
			t.Fatalf("merged result has no %s", id)
		}
		want := summarize(union[id])
		if is.Count != counts[id] || is.Service != want {
			t.Fatalf("%s merged %d %+v, union %d %+v", id, is.Count, is.Service, counts[id], want)
		}
	}
	// Per-second series merge: the achieved counts add up.
	var sent int64
	for _, s := range merged.Series {
		sent += s.AchievedRate
	}
	if sent != sentSum {
		t.Fatalf("series achieved sum %d, want %d", sent, sentSum)
	}
	// A complete set merges without a shard warning (a generator that fell behind on a busy
	// machine may still warn: that depends on scheduling, not on the merge).
	for _, w := range merged.Warnings {
		if strings.Contains(w, "shard") {
			t.Fatalf("complete set of shards merged with warning %q", w)
		}
	}
	// A missing shard is refused, or reported when a partial merge is asked for.
	if _, err := Merge(dirs[1]); !errors.Is(err, ErrShardsMissing) || !strings.Contains(err.Error(), "shard 0/2 not found (found 1 of 2)") {
		t.Fatalf("partial merge without AllowPartial: %v", err)
	}
	one, err := MergeOptions{AllowPartial: true}.Merge(dirs[1])
	if err != nil || !slices.Contains(one.Warnings, "merged 1 of 2 shards (missing 0/2): the totals cover part of the load") || !slices.Equal(one.Missing, []string{"0/2"}) {
		t.Fatalf("partial merge: %v %v %v", one.Warnings, one.Missing, err)
	}
	// A shard merged twice is refused.
	if _, err := Merge(dirs[0], dirs[0]); err == nil || !strings.Contains(err.Error(), "appears twice") {
		t.Fatalf("duplicate shard: %v", err)
	}
}

func TestAbortOnFail(t *testing.T) {
	f, srv := newFake(t)
	th, err := ParseThreshold("bind.p99<1ms")
	if err != nil {
		t.Fatal(err)
	}
	f.delay.Store(int64(5 * time.Millisecond))
	res, err := Run(context.Background(), Config{
		// A long run, so that "stopped early" holds however late a busy machine evaluates the
		// threshold: the abort ends it after the first progress ticks, not after 30 s.
		Target: srv.URL, Profile: fakeProfile(), Rate: 50, Duration: 30 * time.Second, SchemaSample: -1,
		Thresholds: []Threshold{th}, AbortOnFail: true, ProgressInterval: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Aborted, "bind.p99<1ms") || res.Passed() {
		t.Fatalf("aborted %q passed %v", res.Aborted, res.Passed())
	}
	if res.SentHits >= 1500 {
		t.Fatalf("sent %d: the run was not stopped early", res.SentHits)
	}
	if f.liveCount() != 0 {
		t.Fatal("bindings left")
	}
}

func TestQueryScenario(t *testing.T) {
	f, srv := newFake(t)
	var ticks int
	res, err := Run(context.Background(), Config{
		Target: srv.URL, Profile: fakeProfile(), Scenario: "axb-query", Rate: 50, Duration: time.Second, SchemaSample: -1,
		Progress: func(Progress) { ticks++ }, ProgressInterval: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	q, _ := res.Interface("axb.query")
	if q.Count != res.SentHits || q.Success != q.Count || q.Count < 25 || res.Primary != "axb.query" {
		t.Fatalf("query %d/%d primary %s", q.Success, q.Count, res.Primary)
	}
	if f.liveCount() != 0 || res.Cleanup.Bound == 0 || res.Cleanup.Bound != res.Cleanup.Unbound {
		t.Fatalf("live %d cleanup %+v", f.liveCount(), res.Cleanup)
	}
	if ticks == 0 {
		t.Fatal("no progress callback")
	}
}

func TestConfigErrors(t *testing.T) {
	_, srv := newFake(t)
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{Target: srv.URL, Rate: 10}, "duration is required and must be positive"},
		{Config{Target: srv.URL, Rate: 10, Duration: 2 * time.Hour}, "duration 2h0m0s exceeds the maximum of 1h0m0s"},
		{Config{Target: srv.URL, Duration: time.Second}, "rate must be positive (or give a ramp plan)"},
		{Config{Target: "http://192.0.2.1:80", Rate: 10, Duration: time.Second}, `remote target refused: target "http://192.0.2.1:80": 192.0.2.1 is not a loopback address; a load against another host needs --allow-remote (profile allowRemote: true) and a ceiling --max-rate (profile maxRate)`},
		{Config{Target: "https://pns.invalid", Gate: Gate{AllowRemote: true}, Rate: 10, Duration: time.Second}, `remote target refused: target "https://pns.invalid": a remote load needs a rate ceiling: give --max-rate N (profile maxRate)`},
		{Config{Target: "https://pns.invalid", Gate: Gate{AllowRemote: true, MaxRate: 5}, Rate: 10, Duration: time.Second}, `the plan's peak of 20 requests/s exceeds the ceiling maxRate (--max-rate) of 5 requests/s: bind-unbind 10 sessions/s × 2 request(s) (bind, unbind) = 20 requests/s; lower --rate/--ramp or raise the ceiling`},
		{Config{Target: srv.URL, Rate: 10, Duration: time.Second, Scenario: "soak"}, `unknown scenario "soak" (want bind-unbind, query or calls)`},
		{Config{Target: srv.URL, Rate: 10, Duration: time.Second, Scenario: "calls"}, "the call operation needs a callback receiver (Config.Callbacks)"},
		{Config{Target: srv.URL, Rate: 10, Duration: time.Second, Scenario: "calls", Callbacks: NewCallbackTracker()}, "the call operation needs the emulator's /emulator/v1/calls API (GET answered 404)"},
		{Config{Target: srv.URL, Rate: 10, Duration: time.Second, Shard: 2, Shards: 2}, "shard 2/2: want 0 <= i < N"},
		{Config{Target: srv.URL, Rate: 10, Duration: time.Second, Scenario: "ax-bind-unbind", Mode: pns.ModeAXB}, `scenario "ax-bind-unbind" names mode AX but mode AXB was given`},
		{Config{Target: srv.URL, Profile: fakeProfile(), Rate: 1000, Duration: time.Second, Mode: pns.ModeAX, Hold: time.Second}, "ax: about 1500 live bindings per shard (rate × (hold + 0.5 s), plus pools) but the profile has 400 X numbers and AX binds one A per X"},
		{Config{Target: srv.URL, Rate: 10, Duration: time.Second, Thresholds: mustThresholds(t, "query.p99<50ms")}, `threshold "query.p99<50ms": "query" is no operation or interface of this workload (it runs axb.bind, axb.unbind; other metrics: all, rate, conformance, throttling, rejections, generator.lag, generator.blocked, callback.EVENT, flow.NAME)`},
		{Config{Target: srv.URL, Rate: 10, Duration: time.Second, Thresholds: mustThresholds(t, "flow.nope.completed>0")}, `threshold "flow.nope.completed>0": the workload has no flow "nope" (flows: bind-unbind)`},
		{Config{Target: srv.URL, Duration: time.Second, Workload: &Workload{Flows: []Flow{{Name: "f", Mode: "axb", Rate: 1, Steps: []Step{{Op: "bind"}, {Op: "frobnicate"}, {Op: "unbind"}}}}}}, `workload: flow "f": steps[1]: unknown operation "frobnicate" (want bind, call, callee, modify, query, stop, unbind, yb)`},
		{Config{Target: srv.URL, Duration: time.Second, Profile: &Profile{Numbers: NumberSpace{A: NumberRange{Start: "+8613400000000", Count: 5}, B: NumberRange{Start: "+8613500000000", Count: 5}}, Apps: DefaultProfile().Apps}, Rate: 10}, "the plan needs 10 numbers per shard but the profile's ranges give 5"},
	}
	for _, tt := range tests {
		_, err := Run(context.Background(), tt.cfg)
		if err == nil || err.Error() != tt.want {
			t.Errorf("err = %v, want %q", err, tt.want)
		}
		var ce *ConfigError
		if !errors.As(err, &ce) {
			t.Errorf("%v: not a ConfigError", err)
		}
	}
}

func TestCheckTarget(t *testing.T) {
	open := Gate{AllowRemote: true, MaxRate: 100}
	for _, tt := range []struct {
		target string
		g      Gate
		peak   float64
		ok     bool
	}{
		{"http://127.0.0.1:8080", Gate{}, 1e6, true},
		{"https://[::1]:9443/x", Gate{}, 1, true},
		{"http://localhost:1", Gate{}, 1, true},
		{"http://api.localhost:1", Gate{}, 1, true},
		{"http://127.0.0.1:8080", Gate{MaxRate: 10}, 11, false}, // a ceiling binds loopback too
		{"https://pns.invalid", Gate{}, 1, false},
		{"https://pns.invalid", Gate{AllowRemote: true}, 1, false},
		{"https://pns.invalid", Gate{MaxRate: 100}, 1, false},
		{"https://pns.invalid", open, 100, true},
		{"https://pns.invalid", open, 100.5, false},
		{"http://10.0.0.1", open, 50, true},
		{"ftp://127.0.0.1", open, 1, false},
		{"127.0.0.1:80", open, 1, false},
		{"http://", open, 1, false},
		{"https://pns.invalid", Gate{AllowRemote: true, MaxRate: -1}, 1, false},
	} {
		err := CheckTarget(tt.target, tt.g, Peak{Requests: tt.peak})
		if (err == nil) != tt.ok {
			t.Errorf("CheckTarget(%q, %+v, %g) = %v, want ok=%v", tt.target, tt.g, tt.peak, err, tt.ok)
		}
	}
}

func TestCheckLoopback(t *testing.T) {
	ctx := context.Background()
	for _, ok := range []string{"http://127.0.0.1:8080", "http://127.1.2.3", "https://[::1]:9443/x", "http://localhost:1"} {
		if err := CheckLoopback(ctx, ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"http://10.0.0.1", "http://[2001:db8::1]", "ftp://127.0.0.1", "127.0.0.1:80", "http://"} {
		if err := CheckLoopback(ctx, bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestRampPlan(t *testing.T) {
	f, srv := newFake(t)
	plan, err := ParseRamp("500ms@40,500ms@0,500ms@100")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), Config{
		Target: srv.URL, Profile: fakeProfile(), Plan: plan, Duration: 10 * time.Second, SchemaSample: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.TargetHits != 70 || res.SentHits > 70 || res.SentHits < 35 {
		t.Fatalf("target %v sent %d", res.TargetHits, res.SentHits)
	}
	var target float64
	for _, s := range res.Series {
		target += s.TargetRate
	}
	if target < 69.9 || target > 70.1 {
		t.Fatalf("series target sum %v, want 70", target)
	}
	// The plan, not Duration (10 s), sets the schedule: 70 target hits above. How soon after
	// the plan's 1.5 s the run ends is the machine's speed; that it cannot end before the last
	// scheduled request (at 1.49 s) is not.
	if res.ElapsedSeconds < 1.4 || f.liveCount() != 0 {
		t.Fatalf("elapsed %v live %d", res.ElapsedSeconds, f.liveCount())
	}
}

func TestShardsSplitXNumbers(t *testing.T) {
	app := &AppProfile{XNumbers: []string{"+8617000000001", "+8617000000002", "+8617000000003"}}
	p0 := newXPool(pns.ModeAX, app, 0, 2)
	p1 := newXPool(pns.ModeAX, app, 1, 2)
	if len(p0.xs) != 2 || len(p1.xs) != 1 || p0.xs[0] == p1.xs[0] || p0.xs[1] == p1.xs[0] {
		t.Fatalf("shard X lists %v %v overlap", p0.xs, p1.xs)
	}
	// AX: one binding per X; a full pool still answers (the platform refuses the extra bind).
	a, _, _ := p0.acquire()
	b, _, _ := p0.acquire()
	if a == b {
		t.Fatal("the same X twice while it is bound")
	}
	p0.release(a)
	if c, _, _ := p0.acquire(); c != a {
		t.Fatalf("released X %d not reused, got %d", a, c)
	}
	// AXE: extensions per X, zero-padded, never 0000.
	e := newXPool(pns.ModeAXE, &AppProfile{XNumbers: []string{"+8617000000001"}, ExtensionDigits: 2}, 0, 1)
	var exts []string
	for i := 0; i < 100; i++ {
		_, _, ext := e.acquire()
		exts = append(exts, ext)
	}
	if exts[0] != "01" || exts[98] != "99" || exts[99] != "01" {
		t.Fatalf("extensions %v", exts)
	}
}

// Lost bind answers and failed unbinds are repaired by the cleanup pass in every mode.
func TestCleanupRepairsLostAnswersAndFailedUnbinds(t *testing.T) {
	for _, mode := range []pns.Mode{pns.ModeAXB, pns.ModeAX, pns.ModeAXE} {
		t.Run(string(mode), func(t *testing.T) {
			f, srv := newFake(t)
			f.dropBindEvery, f.failUnbindEvery = 7, 5
			res, err := Run(context.Background(), Config{
				Target: srv.URL, Profile: fakeProfile(), Mode: mode, Rate: 100, Duration: 700 * time.Millisecond,
				Hold: 50 * time.Millisecond, SchemaSample: -1,
			})
			if err != nil {
				t.Fatal(err)
			}
			bind, _ := res.Interface(strings.ToLower(string(mode)) + ".bind")
			var transport int64
			for _, c := range bind.Codes {
				if c.Code == "transport" {
					transport = c.Count
				}
			}
			if transport == 0 || res.Cleanup.Retried < transport || res.Cleanup.Leaked != 0 {
				t.Fatalf("transport errors %d, cleanup %+v", transport, res.Cleanup)
			}
			if n := f.liveCount(); n != 0 {
				t.Fatalf("%d bindings left", n)
			}
		})
	}
}

func mustThresholds(t *testing.T, exprs ...string) []Threshold {
	t.Helper()
	ts, err := ParseThresholds(exprs)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}
