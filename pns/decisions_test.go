package pns

import (
	"strconv"
	"testing"
)

// TestDecisionsTable: the IDs run D1, D2, … without gaps or duplicates (the reference numbers
// them so), every entry has a topic and a platform answer, and DecisionByID finds each.
func TestDecisionsTable(t *testing.T) {
	if len(Decisions) < 91 {
		t.Fatalf("%d decisions, want at least D1-D91", len(Decisions))
	}
	for i, d := range Decisions {
		if want := "D" + strconv.Itoa(i+1); d.ID != want {
			t.Errorf("entry %d is %s, want %s", i, d.ID, want)
		}
		switch d.Platform {
		case PlatformAssert, PlatformCodeOnly, PlatformEmulator, PlatformPartly:
		default:
			t.Errorf("%s: platform %q", d.ID, d.Platform)
		}
		if d.Topic == "" || d.Detail == "" {
			t.Errorf("%s: empty topic or detail", d.ID)
		}
		if got, ok := DecisionByID(d.ID); !ok || got.ID != d.ID {
			t.Errorf("DecisionByID(%s) = %v %v", d.ID, got, ok)
		}
	}
	if _, ok := DecisionByID("D999"); ok {
		t.Error("DecisionByID found D999")
	}
}
