package pns

import "testing"

// TestNotificationsTable checks the rows against each other: kinds and report rows are
// unique, a batched kind has its eventType word and a cap, and the call event types are the
// event kind's rows.
func TestNotificationsTable(t *testing.T) {
	kinds, rows := map[string]bool{}, map[string]bool{}
	for _, n := range Notifications {
		if kinds[n.Kind] {
			t.Errorf("kind %q twice", n.Kind)
		}
		kinds[n.Kind] = true
		if len(n.Types) == 0 || n.URLKey == "" || n.Interface == "" {
			t.Errorf("%s: Types, URLKey and Interface are required: %+v", n.Kind, n)
		}
		for _, r := range n.Types {
			if rows[r] {
				t.Errorf("report row %q twice", r)
			}
			rows[r] = true
		}
		if n.Batched() != (n.BatchCap > 0) || n.Batched() != (n.EventType != "") {
			t.Errorf("%s: a batched kind needs List, BatchCap and EventType, others none: %+v", n.Kind, n)
		}
		if got, ok := NotificationOf(n.Kind); !ok || got.Kind != n.Kind {
			t.Errorf("NotificationOf(%q) = %+v, %v", n.Kind, got, ok)
		}
	}
	if ev, _ := NotificationOf(NotifyEvent); len(ev.Types) != len(CallEventTypes) {
		t.Errorf("event rows %v, want the call event types %v", ev.Types, CallEventTypes)
	}
	for i, typ := range CallEventTypes {
		if r, ok := CallEventRanks()[typ]; !ok || r != i {
			t.Errorf("rank of %s = %d, %v; want %d", typ, r, ok, i)
		}
	}
	if _, ok := NotificationOf("ringing"); ok {
		t.Error("NotificationOf(ringing) found a row")
	}
}
