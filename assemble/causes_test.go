package assemble

import (
	"testing"

	"github.com/pns-harness/pns-harness/receiver"
)

// The cause table gives every code the contract lists its group and meaning, marks the others
// unlisted, and orders codes numerically before the disconnects without an integer code.
func TestCallbacksCauseTable(t *testing.T) {
	rep := receiver.Report{Causes: map[string]int64{"8102": 3, "0": 5, "522": 1, "9999": 2,
		receiver.CauseAbsent: 4, receiver.CauseNotInteger: 1}}
	cb := Callbacks(rep, nil)
	var codes []string
	for _, c := range cb.Causes {
		codes = append(codes, c.Code)
	}
	want := []string{"0", "522", "8102", "9999", "absent", "not-integer"}
	if len(codes) != len(want) {
		t.Fatalf("codes %v, want %v", codes, want)
	}
	for i := range want {
		if codes[i] != want[i] {
			t.Fatalf("codes %v, want %v", codes, want)
		}
	}
	busy := cb.Causes[2]
	if !busy.Listed || busy.Count != 3 || busy.Group != "callee" || busy.Meaning != "callee busy" {
		t.Errorf("8102 row %+v", busy)
	}
	if normal := cb.Causes[0]; !normal.Listed || normal.Meaning != "normal hang-up after connection" || normal.Count != 5 {
		t.Errorf("0 row %+v", normal)
	}
	for _, c := range cb.Causes[3:] {
		if c.Listed || c.Meaning != "" || c.Group != "" {
			t.Errorf("row %+v is no cause of the contract but is marked listed", c)
		}
	}
	if Callbacks(receiver.Report{}, nil).Causes != nil {
		t.Error("a report without disconnects has a cause table")
	}
}
