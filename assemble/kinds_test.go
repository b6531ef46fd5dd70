package assemble

import (
	"testing"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/reports"
)

// TestCallbackRowsInTableOrder: the report lists the rows of every notification type in the
// order of pns.NotificationTypes, and a type the table does not know after them.
func TestCallbackRowsInTableOrder(t *testing.T) {
	want := append(pns.NotificationTypes(), "zz-unknown")
	types := callbackTypes{}
	for _, typ := range want {
		types[typ] = &reports.CallbackType{Event: typ}
	}
	got := types.sorted()
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Event != want[i] {
			t.Errorf("row %d is %q, want %q", i, got[i].Event, want[i])
		}
	}
}
