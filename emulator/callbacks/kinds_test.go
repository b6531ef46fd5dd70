package callbacks

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/pns-harness/pns-harness/pns"
)

// TestEveryPNSKindIsDispatched is the guard of the notification table: each kind of
// pns.Notifications is a dispatcher kind, counted in its statistics, and delivered as its row
// says (a batched kind in its envelope, a Block kind only through Block). A row added to the
// table without the dispatcher knowing it fails here.
func TestEveryPNSKindIsDispatched(t *testing.T) {
	if len(Kinds) != len(pns.Notifications) {
		t.Fatalf("Kinds = %v, pns.Notifications has %d rows", Kinds, len(pns.Notifications))
	}
	for i, n := range pns.Notifications {
		t.Run(n.Kind, func(t *testing.T) {
			if kindIndex(n.Kind) != i {
				t.Fatalf("kindIndex(%q) = %d, want %d", n.Kind, kindIndex(n.Kind), i)
			}
			clk := frozen()
			s := newSink(t, clk, nil)
			d := newDispatcher(t, Options{Clock: clk})
			record := []byte(`{"number":"+8617000000001","status":"5"}`)
			if n.Kind == pns.NotifyEvent {
				record = eventBody("s-kinds", pns.EventCallin)
			}
			err := d.Enqueue(context.Background(), Push{App: testApp, URL: s.srv.URL, Kind: n.Kind, Body: record})
			if n.Block {
				if !errors.Is(err, ErrUnknownKind) {
					t.Fatalf("Enqueue of a Block kind: %v, want ErrUnknownKind", err)
				}
				if _, err := d.Block(context.Background(), Push{App: testApp, URL: s.srv.URL, Kind: n.Kind, Body: record}); err != nil {
					t.Fatalf("Block: %v", err)
				}
				if got := d.Stats().ByKind[n.Kind].Attempts; got != 1 {
					t.Errorf("Stats().ByKind[%q].Attempts = %d, want 1", n.Kind, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			d.Flush()
			idle(t, d)
			hits := s.all()
			if len(hits) != 1 {
				t.Fatalf("%d messages, want 1", len(hits))
			}
			if got := d.Stats().ByKind[n.Kind].Enqueued; got != 1 {
				t.Errorf("Stats().ByKind[%q].Enqueued = %d, want 1", n.Kind, got)
			}
			if !n.Batched() {
				if string(hits[0].body) != string(record) {
					t.Errorf("body %s, want the push's %s", hits[0].body, record)
				}
				return
			}
			var env map[string]json.RawMessage
			if err := json.Unmarshal(hits[0].body, &env); err != nil {
				t.Fatalf("batched body %s: %v", hits[0].body, err)
			}
			var list []json.RawMessage
			_ = json.Unmarshal(env[n.List], &list)
			if string(env["eventType"]) != `"`+n.EventType+`"` || len(list) != 1 || string(list[0]) != string(record) {
				t.Errorf("batched body %s, want {\"eventType\":%q,%q:[%s]}", hits[0].body, n.EventType, n.List, record)
			}
		})
	}
}

// TestDefaultBatchCapsAreTheTable: the configurable caps default to the pns rows' BatchCap.
func TestDefaultBatchCapsAreTheTable(t *testing.T) {
	d := newDispatcher(t, Options{Clock: frozen()})
	for i, n := range pns.Notifications {
		if n.Batched() && d.batchMax(i) != n.BatchCap {
			t.Errorf("batch cap of %s = %d, want the table's %d", n.Kind, d.batchMax(i), n.BatchCap)
		}
	}
}
