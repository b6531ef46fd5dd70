package store

import (
	"fmt"
	"sort"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// Dump returns every live binding of one app ("" = all apps), for the admin dump endpoint.
// It purges expired bindings first.
func (s *Store) Dump(app string) Dump {
	var d Dump
	for _, a := range s.appOrder {
		if app != "" && a.cfg.Key != app {
			continue
		}
		s.lock(a)
		if m := a.modeOf(); m != nil {
			m.dump(a, &d)
		}
		a.mu.Unlock()
	}
	return d
}

// appendSorted appends copies of one app's bindings, ordered by creation then subscriptionId.
func appendSorted[B any, V any](out []V, m map[string]*B, clone func(*B) V, key func(*B) (time.Time, string)) []V {
	bs := make([]*B, 0, len(m))
	for _, b := range m {
		bs = append(bs, b)
	}
	sort.Slice(bs, func(i, j int) bool {
		ti, ii := key(bs[i])
		tj, ij := key(bs[j])
		return byCreation(ti, tj, ii, ij)
	})
	for _, b := range bs {
		out = append(out, clone(b))
	}
	return out
}

// Check purges expired bindings, then walks the whole state and returns every invariant
// violation: index consistency in both directions, the per-mode uniqueness rules and limits,
// app isolation, binding counts and heap positions, expiry scheduling.
func (s *Store) Check() []Violation {
	var out []Violation
	for _, a := range s.appOrder {
		now := s.lock(a)
		c := &checker{app: a.cfg.Key}
		total := c.checkPool(s, a)
		if m := a.modeOf(); m != nil {
			m.check(c, a, total)
		}
		c.checkExpiries(a, now)
		c.checkOrphans(a)
		a.mu.Unlock()
		out = append(out, c.v...)
	}
	return out
}

// checkPool checks app isolation and the heap bookkeeping of the app's X numbers and returns
// the sum of their binding counts.
func (c *checker) checkPool(s *Store, a *appState) (total int) {
	for _, x := range a.xs {
		if x.app != a || a.byNum[x.number] != x || s.xs[x.number] != x {
			c.add("X %s: not indexed as owned by the app", x.number)
		}
		if x.count < 0 || x.count > a.capacity {
			c.add("X %s: count %d outside 0-%d", x.number, x.count, a.capacity)
		}
		total += x.count
		c.heapPos(a.cities[x.city], x, 0)
		if x.province != "" {
			c.heapPos(a.provinces[x.province], x, 1)
		} else if x.hidx[1] != -1 {
			c.add("X %s: in a province heap without a province", x.number)
		}
		c.heapPos(a.all, x, 2)
	}
	for city, h := range a.cities {
		c.heapOrder(h, "city "+city)
	}
	for p, h := range a.provinces {
		c.heapOrder(h, "province "+p)
	}
	c.heapOrder(a.all, "app")
	return total
}

// checkExpiries checks that no stored binding has expired (the purge ran) and that every
// binding with an expiry has it scheduled.
func (c *checker) checkExpiries(a *appState, now time.Time) {
	scheduled := map[string]map[int64]bool{}
	for _, e := range a.exp {
		if scheduled[e.id] == nil {
			scheduled[e.id] = map[int64]bool{}
		}
		scheduled[e.id][e.at.UnixNano()] = true
	}
	expiring := func(id string, at time.Time) {
		if at.IsZero() {
			return
		}
		if expired(at, now) {
			c.add("binding %s: expired but still stored after purge", id)
		}
		if !scheduled[id][at.UnixNano()] {
			c.add("binding %s: expiry not scheduled", id)
		}
	}
	eachMode(func(_ pns.Mode, m *modeStore) { m.eachExpiry(a, expiring) })
}

// checkOrphans checks that temporary callees and callback records belong to a stored
// binding, and that the app stores bindings of its own mode only.
func (c *checker) checkOrphans(a *appState) {
	other := false
	eachMode(func(mode pns.Mode, m *modeStore) {
		m.orphans(c, a)
		other = other || mode != a.cfg.Mode && m.stored(a) > 0
	})
	if other {
		c.add("bindings of another mode stored")
	}
}

type checker struct {
	app string
	v   []Violation
}

func (c *checker) add(format string, args ...any) {
	c.v = append(c.v, Violation{App: c.app, What: fmt.Sprintf(format, args...)})
}

func (c *checker) heapPos(h *xHeap, x *xState, slot int) {
	i := x.hidx[slot]
	if h == nil || i < 0 || i >= len(h.items) || h.items[i] != x {
		c.add("X %s: wrong position %d in heap %d", x.number, i, slot)
	}
}

func (c *checker) heapOrder(h *xHeap, name string) {
	for i := 1; i < len(h.items); i++ {
		if h.less(i, (i-1)/2) {
			c.add("%s heap: order broken at %d", name, i)
		}
	}
}
