package store

import (
	"fmt"
	"sort"
	"strconv"
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
		d.AXB = appendSorted(d.AXB, a.axb, (*AXBBinding).clone, func(b *AXBBinding) (time.Time, string) { return b.CreatedAt, b.SubscriptionID })
		d.AX = appendSorted(d.AX, a.ax, (*AXBinding).clone, func(b *AXBinding) (time.Time, string) { return b.CreatedAt, b.SubscriptionID })
		d.AXE = appendSorted(d.AXE, a.axe, (*AXEBinding).clone, func(b *AXEBinding) (time.Time, string) { return b.CreatedAt, b.SubscriptionID })
		d.AXYB = appendSorted(d.AXYB, a.axyb, (*axybRel).clone, func(r *axybRel) (time.Time, string) { return r.CreatedAt, r.SubscriptionID })
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
		switch a.cfg.Mode {
		case pns.ModeAXB:
			c.checkAXB(a, total)
		case pns.ModeAX:
			c.checkAX(a, total)
		case pns.ModeAXE:
			c.checkAXE(a, total)
		case pns.ModeAXYB:
			c.checkAXYB(a, total)
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
	expiring := func(id string, at interface{ UnixNano() int64 }, isZero bool, exp bool) {
		if isZero {
			return
		}
		if exp {
			c.add("binding %s: expired but still stored after purge", id)
		}
		if !scheduled[id][at.UnixNano()] {
			c.add("binding %s: expiry not scheduled", id)
		}
	}
	for id, b := range a.axb {
		expiring(id, b.ExpiresAt, b.ExpiresAt.IsZero(), expired(b.ExpiresAt, now))
	}
	for id, b := range a.axe {
		expiring(id, b.ExpiresAt, b.ExpiresAt.IsZero(), expired(b.ExpiresAt, now))
	}
	for id, r := range a.axyb {
		expiring(id, r.ExpiresAt, r.ExpiresAt.IsZero(), expired(r.ExpiresAt, now))
		for _, p := range r.parts {
			expiring(ybExpID(id, p.Y), p.ExpiresAt, p.ExpiresAt.IsZero(), expired(p.ExpiresAt, now))
		}
	}
}

// checkOrphans checks that temporary callees and callback records belong to a stored
// binding, and that the app stores bindings of its own mode only.
func (c *checker) checkOrphans(a *appState) {
	for id := range a.temp {
		if a.ax[id] == nil {
			c.add("temporary callee of unknown binding %s", id)
		}
	}
	for id := range a.cb {
		if a.axe[id] == nil {
			c.add("callback record of unknown binding %s", id)
		}
	}
	if a.cfg.Mode != pns.ModeAXB && len(a.axb) > 0 || a.cfg.Mode != pns.ModeAX && len(a.ax) > 0 ||
		a.cfg.Mode != pns.ModeAXE && len(a.axe) > 0 || a.cfg.Mode != pns.ModeAXYB && len(a.axyb) > 0 {
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

func (c *checker) checkAXB(a *appState, total int) {
	if total != len(a.axb) {
		c.add("sum of X counts %d != %d bindings", total, len(a.axb))
	}
	for id, b := range a.axb {
		x := a.byNum[b.RelationNum]
		if id != b.SubscriptionID || b.App != a.cfg.Key {
			c.add("binding %s: indexed under %s / app %q", b.SubscriptionID, id, b.App)
		}
		if x == nil {
			c.add("binding %s: X %s not owned by the app", id, b.RelationNum)
			continue
		}
		if b.CallerNum == b.CalleeNum {
			c.add("binding %s: A = B", id)
		}
		if x.nums[b.CallerNum] != b || x.nums[b.CalleeNum] != b {
			c.add("binding %s: A or B not indexed on X %s", id, x.number)
		}
	}
	for _, x := range a.xs {
		if x.nums == nil {
			c.add("X %s: no number index", x.number)
			continue
		}
		if len(x.nums) != 2*x.count {
			c.add("X %s: %d numbers indexed for %d bindings", x.number, len(x.nums), x.count)
		}
		if x.count > a.cfg.MaxPairsPerX {
			c.add("X %s: %d bindings above maxPairsPerX %d", x.number, x.count, a.cfg.MaxPairsPerX)
		}
		for n, b := range x.nums {
			if a.axb[b.SubscriptionID] != b || b.RelationNum != x.number || (n != b.CallerNum && n != b.CalleeNum) {
				c.add("X %s: stale index entry %s → %s", x.number, n, b.SubscriptionID)
			}
		}
	}
}

func (c *checker) checkAX(a *appState, total int) {
	if total != len(a.ax) {
		c.add("sum of X counts %d != %d bindings", total, len(a.ax))
	}
	listed := 0
	for orig, list := range a.axByA {
		if len(list) == 0 || len(list) > MaxXPerA {
			c.add("A %s: holds %d X", orig, len(list))
		}
		seen := map[*AXBinding]bool{}
		for _, b := range list {
			if seen[b] || b.OrigNum != orig || a.ax[b.SubscriptionID] != b {
				c.add("A %s: stale or duplicate entry %s", orig, b.SubscriptionID)
			}
			seen[b] = true
		}
		listed += len(list)
	}
	if listed != len(a.ax) {
		c.add("%d bindings listed per A, %d stored", listed, len(a.ax))
	}
	for id, b := range a.ax {
		x := a.byNum[b.PrivateNum]
		if id != b.SubscriptionID || b.App != a.cfg.Key {
			c.add("binding %s: indexed under %s / app %q", b.SubscriptionID, id, b.App)
		}
		if x == nil {
			c.add("binding %s: X %s not owned by the app", id, b.PrivateNum)
		} else if x.ax != b {
			c.add("binding %s: not the binding of X %s", id, x.number)
		}
	}
	for _, x := range a.xs {
		want := 0
		if x.ax != nil {
			want = 1
			if a.ax[x.ax.SubscriptionID] != x.ax {
				c.add("X %s: stale binding %s", x.number, x.ax.SubscriptionID)
			}
		}
		if x.count != want {
			c.add("X %s: count %d, want %d", x.number, x.count, want)
		}
	}
}

func (c *checker) checkAXE(a *appState, total int) {
	if total != len(a.axe) {
		c.add("sum of X counts %d != %d bindings", total, len(a.axe))
	}
	for id, b := range a.axe {
		x := a.byNum[b.VirtualNum]
		if id != b.SubscriptionID || b.App != a.cfg.Key {
			c.add("binding %s: indexed under %s / app %q", b.SubscriptionID, id, b.App)
		}
		if !validExtension(b.ExtendNum, a.cfg.ExtensionDigits) {
			c.add("binding %s: invalid extension %q", id, b.ExtendNum)
		}
		if x == nil {
			c.add("binding %s: X %s not owned by the app", id, b.VirtualNum)
			continue
		}
		if x.exts[b.ExtendNum] != b || x.binds[b.BindNum] != b {
			c.add("binding %s: extension or bindNum not indexed on X %s", id, x.number)
		}
	}
	for _, x := range a.xs {
		if len(x.exts) != x.count || len(x.binds) != x.count {
			c.add("X %s: %d extensions, %d bindNums, count %d", x.number, len(x.exts), len(x.binds), x.count)
		}
		for e, b := range x.exts {
			if a.axe[b.SubscriptionID] != b || b.VirtualNum != x.number || b.ExtendNum != e {
				c.add("X %s: stale extension entry %s", x.number, e)
			}
		}
		for n, b := range x.binds {
			if a.axe[b.SubscriptionID] != b || b.VirtualNum != x.number || b.BindNum != n {
				c.add("X %s: stale bindNum entry %s", x.number, n)
			}
		}
		for n := 1; n < x.minFree && n <= a.capacity; n++ {
			if x.exts[formatExt(n, a.cfg.ExtensionDigits)] == nil {
				c.add("X %s: extension %s free below the allocation hint %s", x.number,
					formatExt(n, a.cfg.ExtensionDigits), strconv.Itoa(x.minFree))
				break
			}
		}
	}
}
