package schemas

import (
	"fmt"
	"testing"

	"github.com/pns-harness/pns-harness/pns"
)

// The stateCode enum of the call-event schema is the hang-up cause table of package pns
// (reference §7.7): every listed code passes, a code next to each listed one that the table
// does not list fails with "enum". The schema and the table cannot drift apart unnoticed.
func TestStateCodeEnumIsTheCauseTable(t *testing.T) {
	v := Default()
	body := func(code int) []byte {
		return []byte(fmt.Sprintf(`{"eventType":"disconnect","statusInfo":{"sessionId":"s","timestamp":"2026-03-01 08:15:00",`+
			`"caller":"+8613800000021","called":"+8617000000001","stateCode":%d,"stateDesc":"d"}}`, code))
	}
	causes := pns.HangupCauses()
	if len(causes) < 80 {
		t.Fatalf("pns.HangupCauses has %d rows; the §7.7 table and its older codes have 81", len(causes))
	}
	for _, c := range causes {
		vs, err := v.Validate("callback-event.request", body(c.Code))
		if err != nil || len(vs) != 0 {
			t.Errorf("stateCode %d (%s): violations %v, err %v", c.Code, c.Meaning, vs, err)
		}
		for _, near := range []int{c.Code + 1, c.Code - 1} {
			if _, listed := pns.LookupHangupCause(near); listed || near < 0 {
				continue
			}
			vs, err := v.Validate("callback-event.request", body(near))
			if err != nil || len(vs) != 1 || vs[0].Keyword != "enum" {
				t.Errorf("stateCode %d is no cause of §7.7 but got violations %v, err %v", near, vs, err)
			}
		}
	}
}
