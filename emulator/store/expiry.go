// This file is split from store.go (issue 23): when bindings expire. Each app keeps a heap of
// expiry instants; the modes' entries (modes.go) say what an entry names and how it is purged.

package store

import (
	"time"
)

// expEntry schedules the purge of a binding at its expiry instant.
type expEntry struct {
	at time.Time
	id string
}

// expHeap is a binary min-heap of expEntry by instant. It is written out rather than driven by
// container/heap, whose Push and Pop box every entry in an interface: an allocation on every
// bind with a lifetime (issue 25).
type expHeap []expEntry

func (h expHeap) less(i, j int) bool { return h[i].at.Before(h[j].at) }

// push adds an entry.
func (h *expHeap) push(e expEntry) {
	*h = append(*h, e)
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if !s.less(i, p) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

// pop removes and returns the earliest entry; the heap must not be empty.
func (h *expHeap) pop() expEntry {
	s := *h
	e := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s[last] = expEntry{} // drop the id for the collector
	s = s[:last]
	*h = s
	s.down(0)
	return e
}

// down moves the entry at i down to its place.
func (h expHeap) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && h.less(r, l) {
			m = r
		}
		if !h.less(m, i) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// init establishes the heap order of every entry.
func (h expHeap) init() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

// schedule records that binding id expires at at. Stale entries (the binding was unbound or
// its expiry changed) are skipped when popped; the heap is rebuilt when they dominate.
func (a *appState) schedule(id string, at time.Time) {
	if len(a.exp) > 2*a.expirable()+1024 {
		fresh := expHeap{}
		for _, e := range a.exp {
			if exp, ok := a.expiryOf(e.id); ok && exp.Equal(e.at) {
				fresh = append(fresh, e)
			}
		}
		fresh.init()
		a.exp = fresh
	}
	a.exp.push(expEntry{at: at, id: id})
}

// expirable counts the stored entries that may hold an expiry (the bound of the heap's
// stale entries).
func (a *appState) expirable() int {
	if m := a.modeOf(); m != nil {
		return m.expirable(a)
	}
	return 0
}

// expiryOf returns the expiry instant of a stored binding that can expire. An app stores
// bindings of its own mode only (checkOrphans), so its mode's entry is asked.
func (a *appState) expiryOf(id string) (time.Time, bool) {
	if m := a.modeOf(); m != nil {
		return m.expiry(a, id)
	}
	return time.Time{}, false
}

// expired reports whether an expiry instant has passed: a binding disappears at its expiry
// instant (D43).
func expired(at, now time.Time) bool { return !at.IsZero() && !now.Before(at) }

// purge removes every binding of the app that expired by now. It needs the write lock.
func (a *appState) purge(now time.Time) int {
	n := 0
	for len(a.exp) > 0 && !now.Before(a.exp[0].at) {
		e := a.exp.pop()
		if m := a.modeOf(); m != nil && m.purge(a, e) {
			n++
		}
	}
	return n
}

// lock takes the app's write lock and purges expired bindings; it returns the current time.
func (s *Store) lock(a *appState) time.Time {
	a.mu.Lock()
	now := s.clk.Now()
	a.purge(now)
	return now
}

// Sweep purges every expired binding now and returns how many were removed.
func (s *Store) Sweep() int {
	n := 0
	for _, a := range s.appOrder {
		a.mu.Lock()
		n += a.purge(s.clk.Now())
		a.mu.Unlock()
	}
	return n
}
