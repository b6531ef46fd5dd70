package receiver

import (
	"fmt"
	"maps"
	"testing"
	"time"
)

// The report counts each call's disconnect once by its stateCode: a re-push of the same body
// and a second disconnect of the call in another body are not counted again; a disconnect
// without a stateCode or with a string one gets its own key.
func TestReportCountsHangupCauses(t *testing.T) {
	r := New(Options{Apps: apps})
	h := r.Handler()
	now := time.Now()
	disc := func(session, code string) []byte {
		field := ""
		if code != "" {
			field = `,"stateCode":` + code
		}
		return []byte(fmt.Sprintf(`{"eventType":"disconnect","statusInfo":{"timestamp":%q,"sessionId":%q,"caller":"+8613800000001","called":"+8617000000001"%s}}`,
			now.UTC().Format("2006-01-02 15:04:05"), session, field))
	}
	for _, b := range [][]byte{
		disc("s1", "0"), disc("s2", "8102"), disc("s3", "8102"), disc("s4", "9999"),
		disc("s5", ""), disc("s6", `"8014"`),
		disc("s2", "8102"),             // the platform's re-push: same body
		disc("s3", "8104"),             // a second disconnect of s3: a duplicate event
		event("s7", "", "callin", now), // not a disconnect
		disc("s8", "null"),             // null: absent
	} {
		if st := post(t, h, &appAKSK, b); st != 200 {
			t.Fatalf("status %d for %s", st, b)
		}
	}
	want := map[string]int64{"0": 1, "8102": 2, "9999": 1, CauseAbsent: 2, CauseNotInteger: 1}
	if got := r.Snapshot().Causes; !maps.Equal(got, want) {
		t.Errorf("causes %v, want %v", got, want)
	}
	if got := New(Options{}).Snapshot().Causes; got != nil {
		t.Errorf("a receiver without disconnects reports causes %v", got)
	}
}
