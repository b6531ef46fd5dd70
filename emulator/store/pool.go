package store

// xHeap is a binary min-heap of X numbers ordered by (binding count, number), the emulator's
// preference among eligible X (D33). Each X sits in three heaps (its city, its province, the
// whole app) and remembers its index in each (hidx[slot]), so a count change costs O(log n).
type xHeap struct {
	items []*xState
	slot  int
}

// xLess orders by count, then by number: rank is the X's place in its app's numbers sorted
// (buildHeaps), the same order as comparing the numbers, without a string comparison on every
// step of a heap update (a bind's and an unbind's three heap fixes, issue 25).
func xLess(a, b *xState) bool {
	if a.count != b.count {
		return a.count < b.count
	}
	return a.rank < b.rank
}

func (h *xHeap) less(i, j int) bool { return xLess(h.items[i], h.items[j]) }

func (h *xHeap) swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	h.items[i].hidx[h.slot] = i
	h.items[j].hidx[h.slot] = j
}

func (h *xHeap) push(x *xState) {
	h.items = append(h.items, x)
	i := len(h.items) - 1
	x.hidx[h.slot] = i
	h.up(i)
}

func (h *xHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(i, p) {
			return
		}
		h.swap(i, p)
		i = p
	}
}

func (h *xHeap) down(i int) bool {
	start := i
	n := len(h.items)
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && h.less(r, l) {
			m = r
		}
		if !h.less(m, i) {
			break
		}
		h.swap(i, m)
		i = m
	}
	return i > start
}

// fix restores the heap order after the key of the element at i changed.
func (h *xHeap) fix(i int) {
	if !h.down(i) {
		h.up(i)
	}
}

// init re-establishes the heap order of every element (after a reset of all counts).
func (h *xHeap) init() {
	for i, x := range h.items {
		x.hidx[h.slot] = i
	}
	for i := len(h.items)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

// first returns the smallest X (fewest bindings, then lowest number) that has fewer than
// capacity bindings and satisfies ok, or nil. It enumerates the heap lazily in key order with a
// small frontier heap, so the cost is O(k log k) for the k smallest X examined, and stops at
// the first X at capacity because every later one is at least as full.
func (h *xHeap) first(capacity int, ok func(*xState) bool) *xState {
	if h == nil || len(h.items) == 0 {
		return nil
	}
	var buf [32]int
	fr := append(buf[:0], 0)
	for len(fr) > 0 {
		// pop the frontier's minimum
		i := fr[0]
		last := len(fr) - 1
		fr[0] = fr[last]
		fr = fr[:last]
		frDown(h, fr, 0)
		x := h.items[i]
		if x.count >= capacity {
			return nil
		}
		if ok(x) {
			return x
		}
		for _, c := range [2]int{2*i + 1, 2*i + 2} {
			if c < len(h.items) {
				fr = append(fr, c)
				frUp(h, fr, len(fr)-1)
			}
		}
	}
	return nil
}

func frUp(h *xHeap, fr []int, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(fr[i], fr[p]) {
			return
		}
		fr[i], fr[p] = fr[p], fr[i]
		i = p
	}
}

func frDown(h *xHeap, fr []int, i int) {
	n := len(fr)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h.less(fr[r], fr[l]) {
			m = r
		}
		if !h.less(fr[m], fr[i]) {
			return
		}
		fr[i], fr[m] = fr[m], fr[i]
		i = m
	}
}

// selectX picks an X for a bind without an explicit X (§3.2, §13.5): among the X numbers in
// city (the requested areaCode or the A's area; "" when unknown) that are in status normal,
// below capacity and accepted by ok; when loose, then in the city's province, then anywhere in
// the app. It returns nil when nothing is eligible.
func (s *Store) selectX(a *appState, city string, loose bool, ok func(*xState) bool) *xState {
	elig := func(x *xState) bool { return x.status == StatusNormal && ok(x) }
	if s.alt {
		return s.selectHighest(a, city, loose, elig)
	}
	if city != "" {
		if x := a.cities[city].first(a.capacity, elig); x != nil {
			return x
		}
	}
	if !loose {
		return nil
	}
	if prov := s.cityProvince[city]; city != "" && prov != "" {
		if x := a.provinces[prov].first(a.capacity, elig); x != nil {
			return x
		}
	}
	return a.all.first(a.capacity, elig)
}

// selectHighest is the alternative set's choice among eligible X (D33): the highest number of
// the city, else (loose) of the province, else of the app, whatever its binding count. A
// linear scan: the alternative set proves conformance, it does not carry load.
func (s *Store) selectHighest(a *appState, city string, loose bool, elig func(*xState) bool) *xState {
	pick := func(h *xHeap) *xState {
		var best *xState
		if h == nil {
			return nil
		}
		for _, x := range h.items {
			if x.count < a.capacity && elig(x) && (best == nil || x.number > best.number) {
				best = x
			}
		}
		return best
	}
	if city != "" {
		if x := pick(a.cities[city]); x != nil {
			return x
		}
	}
	if !loose {
		return nil
	}
	if prov := s.cityProvince[city]; city != "" && prov != "" {
		if x := pick(a.provinces[prov]); x != nil {
			return x
		}
	}
	return pick(a.all)
}
