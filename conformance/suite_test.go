package conformance

import (
	"context"
	"testing"
)

// TestFeatures runs the whole suite against an in-process emulator (every scenario is a
// subtest), then checks that the tags are honest: each scenario observed exactly the result
// codes its @code tags announce (verification queries excluded), so the coverage matrix built
// from tags is backed by real answers.
func TestFeatures(t *testing.T) {
	res := RunTest(t, Options{OutDir: t.TempDir()})
	if res.Passed == 0 {
		t.Fatal("no scenario passed")
	}
	assertCodeTags(t, res)
}

// TestFeaturesConcurrent runs the suite with four scenarios in parallel: scenario state is
// per scenario, numbers are unique per run and @global-state scenarios run exclusively, so the
// result must be the same as the sequential run.
func TestFeaturesConcurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole suite")
	}
	res, err := Run(context.Background(), Options{Concurrency: 4, Randomize: 7})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != 0 || res.Failed != 0 {
		for _, s := range res.Scenarios {
			if s.Status != "passed" {
				t.Errorf("%s: %s %s", s.Key, s.Status, s.Error)
			}
		}
	}
	if res.Passed < 250 {
		t.Errorf("only %d scenarios passed", res.Passed)
	}
}

// TestFeaturesAsRealPlatform runs the suite the way it runs against Huawei's platform (profile
// emulator: false) but against the emulator: every scenario not tagged @emulator must pass with
// the relaxed real-platform assertions (status class for [I] pairs, no resultdesc), and every
// @emulator scenario, and every @slow one without Options.Slow, must be reported as not checked;
// a @decision: scenario runs and passes (the emulator agrees with its own decisions).
func TestFeaturesAsRealPlatform(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole suite")
	}
	url, stop, err := StartEmulator()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	p := EmulatorProfile()
	p.Emulator = false
	res, err := Run(context.Background(), Options{Target: url, Profile: p})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range res.Scenarios {
		emu := false
		for _, tg := range s.Tags {
			emu = emu || tg == TagEmulator || tg == TagSlow
		}
		switch {
		case emu && s.Status != "skipped":
			t.Errorf("%s: @emulator scenario %s against a non-emulator target", s.Key, s.Status)
		case !emu && s.Status != "passed":
			t.Errorf("%s: %s %s", s.Key, s.Status, s.Error)
		}
	}
	if res.Skipped < 50 || res.Passed < 100 {
		t.Errorf("passed %d, skipped %d", res.Passed, res.Skipped)
	}
	t.Logf("real-platform mode: %d passed, %d skipped", res.Passed, res.Skipped)
}

// TestFeaturesSeedIndependent runs the embedded suite under five shuffles: the counts must be
// identical and nothing skipped. The lockout scenario locks the client IP out on purpose; where
// the shuffle puts it must not decide how many authentication scenarios run after it.
func TestFeaturesSeedIndependent(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole suite five times")
	}
	var first *Result
	for _, seed := range []int64{1, 2, 3, 11, 4242} {
		res, err := Run(context.Background(), Options{Concurrency: 2, Randomize: seed})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		for _, s := range res.Scenarios {
			if s.Status != "passed" {
				t.Errorf("seed %d: %s: %s %s", seed, s.Key, s.Status, s.Error)
			}
		}
		if res.Skipped != 0 || res.Failed != 0 || res.LockedOut {
			t.Errorf("seed %d: %d passed, %d failed, %d skipped, locked out %v", seed, res.Passed, res.Failed, res.Skipped, res.LockedOut)
		}
		if first == nil {
			first = res
			continue
		}
		if res.Passed != first.Passed || len(res.Scenarios) != len(first.Scenarios) {
			t.Errorf("seed %d: %d of %d passed, the first seed %d of %d", seed, res.Passed, len(res.Scenarios), first.Passed, len(first.Scenarios))
		}
	}
}
