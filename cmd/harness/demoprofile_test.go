package main

import (
	"slices"
	"testing"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/profile"
)

// TestDemoLoadProfiles: the load profiles of `harness load` (from the default configuration)
// and `harness run` (from the running emulator's store) give every mode's demo app exactly
// its pool, in the same order, with the non-strict area match.
func TestDemoLoadProfiles(t *testing.T) {
	cfg, err := emulator.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	em, err := emulator.New(*cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer em.Close()
	load, run := defaultLoadProfile(), runLoadProfile(em)
	for _, m := range pns.Modes {
		key := profile.DemoAppKey(m)
		var want []string
		for _, e := range cfg.Entries() {
			if e.App == key {
				want = append(want, e.Number)
			}
		}
		if len(want) == 0 {
			t.Fatalf("%s: the default configuration has no pool for %s", m, key)
		}
		for name, p := range map[string]*profile.Profile{"load": load, "run": run} {
			_, a := p.AppFor(m)
			if a == nil || a.AppKey != key || a.AreaMatchMode != "1" {
				t.Fatalf("%s profile, %s: app %+v", name, m, a)
			}
			if !slices.Equal(a.XNumbers, want) {
				t.Errorf("%s profile, %s: %d X numbers, want the %d of the pool in order", name, m, len(a.XNumbers), len(want))
			}
		}
	}
}
