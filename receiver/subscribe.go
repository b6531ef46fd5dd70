package receiver

import (
	"slices"
	"sync"
	"sync/atomic"
)

// Subscribers: every consumer of the pushes a receiver takes (the load's call tracker, the
// conformance scenarios that check deliveries, a test's log) subscribes with Subscribe; the
// receiver's own accounting, which the report is built from (Report), needs none.
//
// A subscriber is called on the handler goroutine, after the push is accounted and before
// the answer is written, so that it sees a push before its sender has the answer (the
// conformance suite pairs each push with the request it came in; the platform sends a call's
// next event only after the answer to the previous one, so subscribers see a call's events in
// order). It must therefore be quick and must not block: a subscriber that lags delays the
// answer to the platform, which may time out and push again (counted as a redelivery). A
// consumer that may take long hands the Arrival to a goroutine or buffer of its own.

// subscribers is the fan-out list, replaced whole on every change so that the handler reads
// it with one atomic load and no lock.
type subscribers struct {
	mu   sync.Mutex // serialises Subscribe and cancel
	next uint64
	list atomic.Pointer[[]subscriber]
}

type subscriber struct {
	id uint64
	fn func(Arrival)
}

// Subscribe calls fn for every push the receiver takes from now on, until cancel is called
// (cancel may be called more than once). fn runs on the handler goroutine before the answer
// is written (see above): it must be quick, safe for concurrent use, and must not modify
// Arrival.Body. Subscribers are called in the order they subscribed.
func (r *Receiver) Subscribe(fn func(Arrival)) (cancel func()) {
	s := &r.subs
	s.mu.Lock()
	id := s.next
	s.next++
	var cur []subscriber
	if l := s.list.Load(); l != nil {
		cur = *l
	}
	next := append(slices.Clip(cur), subscriber{id: id, fn: fn})
	s.list.Store(&next)
	s.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			next := slices.DeleteFunc(slices.Clone(*s.list.Load()), func(x subscriber) bool { return x.id == id })
			s.list.Store(&next)
		})
	}
}

// publish hands a to every current subscriber.
func (s *subscribers) publish(a Arrival) {
	l := s.list.Load()
	if l == nil {
		return
	}
	for _, sub := range *l {
		sub.fn(a)
	}
}
