package emulator

import (
	"encoding/json"
	"testing"

	"github.com/pns-harness/pns-harness/emulator/store"
	"github.com/pns-harness/pns-harness/pns"
)

// TestModesCoverModes: every binding mode of pns.Modes has its entry in modes, with its
// endpoints and its dump, and modes has no other entry; a new mode fails here until its file
// and its entry exist.
func TestModesCoverModes(t *testing.T) {
	for _, m := range pns.Modes {
		e, ok := modes[m]
		switch {
		case !ok:
			t.Errorf("mode %s: no entry in modes", m)
		case e.endpoints == nil || e.dump == nil:
			t.Errorf("mode %s: entry without endpoints or dump", m)
		}
	}
	if len(modes) != len(pns.Modes) {
		t.Errorf("modes has %d entries for %d modes", len(modes), len(pns.Modes))
	}
}

// TestEmptyDumpListsEveryMode: the dump of an empty store names every mode's list, empty
// rather than null, in the order of BindingsDump.
func TestEmptyDumpListsEveryMode(t *testing.T) {
	b, err := json.Marshal(renderDump(store.Dump{}))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"axb":[],"ax":[],"axe":[],"axyb":[]}`; string(b) != want {
		t.Errorf("empty dump %s, want %s", b, want)
	}
}

// TestModeFidelityRowsAreTheModes: a mode's entry lists field orders of its own interfaces
// only, and has at least one row of the fidelity document, so that a row moved to the wrong
// mode's file, or a mode without a word in docs/fidelity.md, fails here.
func TestModeFidelityRowsAreTheModes(t *testing.T) {
	for _, m := range pns.Modes {
		f := modes[m].fidelity
		if len(f.responses)+len(f.own)+len(f.validation) == 0 {
			t.Errorf("mode %s: no row of the fidelity document", m)
		}
		for _, o := range f.fieldOrder {
			if i, ok := pns.InterfaceByID(o.Interface); !ok || i.Mode != m {
				t.Errorf("mode %s: field order of %s, an interface of mode %q", m, o.Interface, i.Mode)
			}
		}
	}
}
