package store

import (
	"testing"

	"github.com/pns-harness/pns-harness/pns"
)

// TestModeStoresCoverModes: every binding mode has its entry with every function set, and
// nothing else has one, so that a new mode of pns.Modes fails here until its file adds it.
func TestModeStoresCoverModes(t *testing.T) {
	for _, mode := range pns.Modes {
		m := modeStores[mode]
		if m == nil {
			t.Errorf("mode %s: no entry in modeStores", mode)
			continue
		}
		for name, set := range map[string]bool{
			"capacity": m.capacity != nil, "initApp": m.initApp != nil, "initX": m.initX != nil,
			"stored": m.stored != nil, "expirable": m.expirable != nil, "expiry": m.expiry != nil,
			"purge": m.purge != nil, "eachExpiry": m.eachExpiry != nil, "dump": m.dump != nil, "dumped": m.dumped != nil,
			"check": m.check != nil, "orphans": m.orphans != nil,
		} {
			if !set {
				t.Errorf("mode %s: modeStores entry without %s", mode, name)
			}
		}
	}
	if len(modeStores) != len(pns.Modes) {
		t.Errorf("modeStores has %d entries for %d modes", len(modeStores), len(pns.Modes))
	}
}

// TestDumpTotalCountsEveryMode: Total adds the list of every mode, each through its entry, so
// that a mode whose entry did not count its list would make the sum short.
func TestDumpTotalCountsEveryMode(t *testing.T) {
	d := Dump{AXB: make([]AXBBinding, 1), AX: make([]AXBinding, 2), AXE: make([]AXEBinding, 3), AXYB: make([]AXYBRelation, 4)}
	if got := d.Total(); got != 10 {
		t.Errorf("Total of 1+2+3+4 bindings = %d, want 10", got)
	}
}
