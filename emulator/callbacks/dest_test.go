package callbacks

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// TestHangingDestinationIsolated is issue 11's isolation check, structural rather than timed:
// while every worker of one app's URL hangs, with more of its pushes queued behind them, all
// pushes of a healthy app are delivered; the hanging destination's queue stays exactly where
// it was, and its pushes are delivered once it answers.
func TestHangingDestinationIsolated(t *testing.T) {
	clk := frozen()
	hanging := newSink(t, clk, nil)
	hanging.block = make(chan struct{})
	unblock := sync.OnceFunc(func() { close(hanging.block) })
	t.Cleanup(unblock)
	healthy := newSink(t, clk, nil)
	const workers, stuck, fine = 2, 10, 200
	d := newDispatcher(t, Options{Clock: clk, Workers: workers})
	other := AppRef{Key: "appKeyHealthy", Secret: "secretHealthy"}
	ctx := context.Background()
	for i := 0; i < stuck; i++ {
		if err := d.Enqueue(ctx, Push{App: testApp, URL: hanging.srv.URL, Kind: pns.NotifyEvent, Body: eventBody(fmt.Sprint("h", i), "callin")}); err != nil {
			t.Fatal(err)
		}
	}
	hanging.waitHits(workers) // every worker of the hanging destination is now held
	for i := 0; i < fine; i++ {
		if err := d.Enqueue(ctx, Push{App: other, URL: healthy.srv.URL, Kind: pns.NotifyEvent, Body: eventBody(fmt.Sprint("ok", i%20), callEvents[i/20%len(callEvents)])}); err != nil {
			t.Fatal(err)
		}
	}
	healthy.waitHits(fine)
	// The sink counts a hit before answering it: wait for the answers to be accounted.
	deadline := time.Now().Add(testBound)
	for d.Stats().ByKind[pns.NotifyEvent].Delivered < fine && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	st := d.Stats()
	if st.InFlight != workers || st.QueueDepth != stuck-workers {
		t.Errorf("while hanging: stats %+v, want %d in flight and %d queued (the hanging destination only)", st, workers, stuck-workers)
	}
	if got := hanging.count(); got != workers {
		t.Errorf("hanging destination saw %d hits, want %d", got, workers)
	}
	if ks := st.ByKind[pns.NotifyEvent]; ks.Delivered != fine {
		t.Errorf("delivered %d, want the healthy app's %d", ks.Delivered, fine)
	}
	unblock()
	drain(t, d)
	if got := hanging.count(); got != stuck {
		t.Errorf("hanging destination saw %d hits after answering, want %d", got, stuck)
	}
}

// TestEmittedHeader checks the emulator-only emission instants: one per call event, one per
// record of a fee batch in body order, identical on every re-push.
func TestEmittedHeader(t *testing.T) {
	clk := frozen()
	s := newSink(t, clk, func(n int) int {
		if n == 0 {
			return 503
		}
		return 200
	})
	var mu sync.Mutex
	wall := time.Date(2026, 3, 1, 8, 0, 0, 123456789, time.UTC)
	next := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		wall = wall.Add(time.Millisecond)
		return wall
	}
	d := newDispatcher(t, Options{Clock: clk, Wall: next, Schedule: []time.Duration{time.Minute}})
	ctx := context.Background()
	if err := d.Enqueue(ctx, Push{App: testApp, URL: s.srv.URL, Kind: pns.NotifyEvent, Body: eventBody("s", "callin")}); err != nil {
		t.Fatal(err)
	}
	idle(t, d)
	clk.Advance(time.Minute)
	idle(t, d)
	for i := 0; i < 3; i++ {
		if err := d.Enqueue(ctx, Push{App: testApp, URL: s.srv.URL, Kind: pns.NotifyFee, Body: []byte(fmt.Sprintf(`{"icid":"%d"}`, i))}); err != nil {
			t.Fatal(err)
		}
	}
	drain(t, d)
	hits := s.all()
	if len(hits) != 3 {
		t.Fatalf("hits = %d, want 3", len(hits))
	}
	want := []string{
		"2026-03-01T08:00:00.124456789Z",
		"2026-03-01T08:00:00.124456789Z",
		"2026-03-01T08:00:00.125456789Z,2026-03-01T08:00:00.126456789Z,2026-03-01T08:00:00.127456789Z",
	}
	for i, h := range hits {
		if got := h.header.Get(EmittedHeader); got != want[i] {
			t.Errorf("hit %d %s: %s = %q, want %q", i, h.body, EmittedHeader, got, want[i])
		}
	}
}

// TestDelay checks the injected delivery delay: no first attempt leaves before its emission
// plus Delay (a lower bound only: a busy machine may send later, never earlier).
func TestDelay(t *testing.T) {
	clk := frozen()
	s := newSink(t, clk, nil)
	var mu sync.Mutex
	var arrived []time.Time
	const delay = 50 * time.Millisecond
	d := newDispatcher(t, Options{Clock: clk, Delay: delay, Observe: func(Attempt) {
		mu.Lock()
		arrived = append(arrived, time.Now())
		mu.Unlock()
	}})
	start := time.Now()
	for i := 0; i < 5; i++ {
		if err := d.Enqueue(context.Background(), Push{App: testApp, URL: s.srv.URL, Kind: pns.NotifyEvent, Body: eventBody("s", callEvents[i])}); err != nil {
			t.Fatal(err)
		}
	}
	drain(t, d)
	for _, h := range s.all() {
		em, err := time.Parse(time.RFC3339Nano, h.header.Get(EmittedHeader))
		if err != nil {
			t.Fatal(err)
		}
		if em.Before(start.Add(-time.Second)) || strings.Contains(h.header.Get(EmittedHeader), ",") {
			t.Errorf("emitted %v for a push enqueued after %v", em, start)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(arrived) != 5 {
		t.Fatalf("%d attempts", len(arrived))
	}
	for i, a := range arrived {
		if a.Sub(start) < delay {
			t.Errorf("attempt %d after %v, before the injected %v", i, a.Sub(start), delay)
		}
	}
}
