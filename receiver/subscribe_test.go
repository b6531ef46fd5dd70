package receiver

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestSubscribe: every subscriber sees every push it was subscribed for, in the order they
// subscribed, with the receiver's account of it (kind, status, duplicate); a cancelled
// subscriber sees nothing more, and cancel may be called twice.
func TestSubscribe(t *testing.T) {
	r := New(Options{Apps: apps})
	var mu sync.Mutex
	var seen []string
	sub := func(name string) func(Arrival) {
		return func(a Arrival) {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, fmt.Sprintf("%s:%s/%s %d duplicate=%v", name, a.Kind, a.EventType, a.Status, a.Duplicate))
		}
	}
	post(t, r.Handler(), &appAKSK, event("s0", "", "callin", time.Now())) // nobody subscribed yet
	cancelA := r.Subscribe(sub("a"))
	r.Subscribe(sub("b"))
	body := event("s1", "", "callin", time.Now())
	post(t, r.Handler(), &appAKSK, body)
	cancelA()
	cancelA()
	post(t, r.Handler(), &appAKSK, body) // the same body again: a duplicate, to b only
	want := []string{
		"a:event/callin 200 duplicate=false",
		"b:event/callin 200 duplicate=false",
		"b:event/callin 200 duplicate=true",
	}
	if !slices.Equal(seen, want) {
		t.Errorf("subscribers saw\n%q\nwant\n%q", seen, want)
	}
}

// TestSubscribeConcurrent: subscribing and cancelling while pushes are handled is safe (run
// with -race), and a subscriber that stays subscribed throughout sees every push.
func TestSubscribeConcurrent(t *testing.T) {
	r := New(Options{Apps: apps})
	var mu sync.Mutex
	count := 0
	r.Subscribe(func(Arrival) { mu.Lock(); count++; mu.Unlock() })
	const pushes = 50
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := range pushes {
			if got := post(t, r.Handler(), &appAKSK, event(fmt.Sprintf("c%d", i), "", "callin", time.Now())); got != http.StatusOK {
				t.Errorf("push %d: status %d", i, got)
			}
		}
	}()
	go func() {
		defer wg.Done()
		for range pushes {
			cancel := r.Subscribe(func(Arrival) {})
			cancel()
		}
	}()
	wg.Wait()
	if count != pushes {
		t.Errorf("the steady subscriber saw %d pushes, want %d", count, pushes)
	}
}
