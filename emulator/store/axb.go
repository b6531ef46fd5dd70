package store

import (
	"sort"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

func (b *AXBBinding) clone() AXBBinding {
	c := *b
	c.PreVoice = clonePreVoice(b.PreVoice)
	return c
}

// expiryAfter returns now + d, or the zero time (never) when d is zero.
func expiryAfter(now time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return time.Time{}
	}
	return now.Add(d)
}

// AXBBind creates an AXB binding (§3.2, §13.1, §13.5).
func (s *Store) AXBBind(app string, in AXBBindInput) (AXBBinding, *pns.Error) {
	a, e := s.app(app, pns.ModeAXB)
	if e != nil {
		return AXBBinding{}, e
	}
	if in.CallerNum == in.CalleeNum {
		return AXBBinding{}, pns.InvalidRequest("calleeNum")
	}
	if in.Duration < 0 || in.Duration > MaxAXBDuration {
		return AXBBinding{}, pns.InvalidRequest("duration")
	}
	if in.RecordFlag && !a.cfg.Recording {
		return AXBBinding{}, pns.NewError(pns.CodeRecordingNotOpen)
	}
	now := s.lock(a)
	defer a.mu.Unlock()

	var x *xState
	if in.RelationNum != "" {
		x = a.owned(in.RelationNum)
		switch {
		case x == nil:
			return AXBBinding{}, pns.NewError(pns.CodeNumberNotApplied)
		case x.status != StatusNormal:
			return AXBBinding{}, pns.NewError(pns.CodeNoResource)
		case x.nums[in.CallerNum] != nil || x.nums[in.CalleeNum] != nil:
			return AXBBinding{}, pns.NewError(pns.CodeRelationBound)
		case x.count >= a.capacity:
			return AXBBinding{}, pns.NewError(pns.CodeNoResource)
		}
	} else {
		city := in.AreaCode
		if city == "" {
			city = s.areaOf(in.CallerNum)
		}
		x = s.selectX(a, city, in.LooseArea, func(x *xState) bool {
			return x.nums[in.CallerNum] == nil && x.nums[in.CalleeNum] == nil
		})
		if x == nil {
			return AXBBinding{}, pns.NewError(pns.CodeNoResource)
		}
	}
	b := &AXBBinding{
		App:            a.cfg.Key,
		SubscriptionID: newID(),
		RelationNum:    x.number,
		CallerNum:      in.CallerNum,
		CalleeNum:      in.CalleeNum,
		CallDirection:  in.CallDirection,
		Duration:       in.Duration,
		MaxDuration:    in.MaxDuration,
		RecordFlag:     in.RecordFlag,
		LastMinVoice:   in.LastMinVoice,
		PrivateSMS:     boolOr(in.PrivateSMS, a.cfg.SMS),
		PreVoice:       normPreVoice(in.PreVoice),
		UserData:       in.UserData,
		CreatedAt:      now,
		SubscribeTime:  now,
		ExpiresAt:      expiryAfter(now, time.Duration(in.Duration)*time.Second),
	}
	if in.RecordFlag {
		b.RecordHintTone = in.RecordHintTone
	}
	a.axb[b.SubscriptionID] = b
	x.nums[b.CallerNum] = b
	x.nums[b.CalleeNum] = b
	a.setCount(x, +1)
	if !b.ExpiresAt.IsZero() {
		a.schedule(b.SubscriptionID, b.ExpiresAt)
	}
	return b.clone(), nil
}

// removeAXB deletes a binding and its index entries. The caller holds the write lock.
func (a *appState) removeAXB(b *AXBBinding) {
	delete(a.axb, b.SubscriptionID)
	x := a.byNum[b.RelationNum]
	if x.nums[b.CallerNum] == b {
		delete(x.nums, b.CallerNum)
	}
	if x.nums[b.CalleeNum] == b {
		delete(x.nums, b.CalleeNum)
	}
	a.setCount(x, -1)
}

// AXBUnbind removes one binding by subscriptionId, or every binding of an X by relationNum
// (§3.3, D38, D39).
func (s *Store) AXBUnbind(app string, in AXBUnbindInput) (int, *pns.Error) {
	a, e := s.app(app, pns.ModeAXB)
	if e != nil {
		return 0, e
	}
	if in.SubscriptionID == "" && in.RelationNum == "" {
		return 0, pns.InvalidRequest("subscriptionId")
	}
	s.lock(a)
	defer a.mu.Unlock()
	if in.SubscriptionID != "" {
		b := a.axb[in.SubscriptionID]
		if b == nil {
			return 0, pns.NewError(pns.CodeRecordNotExist)
		}
		a.removeAXB(b)
		return 1, nil
	}
	x := a.owned(in.RelationNum)
	if x == nil {
		return 0, pns.NewError(pns.CodeNumberNotApplied)
	}
	if x.count == 0 {
		if s.alt {
			return 0, nil // D39 alternative: unbinding an empty X is idempotent
		}
		return 0, pns.NewError(pns.CodeRecordNotExist)
	}
	n := x.count
	for num, b := range x.nums {
		if num == b.CallerNum {
			delete(a.axb, b.SubscriptionID)
		}
	}
	x.nums = make(map[string]*AXBBinding)
	a.setCount(x, -n)
	return n, nil
}

// AXBModify changes an AXB binding (§3.4, D40).
func (s *Store) AXBModify(app string, in AXBModifyInput) (AXBBinding, *pns.Error) {
	a, e := s.app(app, pns.ModeAXB)
	if e != nil {
		return AXBBinding{}, e
	}
	if in.SubscriptionID == "" {
		return AXBBinding{}, pns.InvalidRequest("subscriptionId")
	}
	if in.CallerNum != "" && in.CallerNum == in.CalleeNum {
		return AXBBinding{}, pns.InvalidRequest("calleeNum")
	}
	if in.Duration != nil && (*in.Duration < 0 || *in.Duration > MaxAXBDuration) {
		return AXBBinding{}, pns.InvalidRequest("duration")
	}
	if in.RecordFlag != nil && *in.RecordFlag && !a.cfg.Recording {
		return AXBBinding{}, pns.NewError(pns.CodeRecordingNotOpen)
	}
	now := s.lock(a)
	defer a.mu.Unlock()
	b := a.axb[in.SubscriptionID]
	if b == nil {
		return AXBBinding{}, pns.NewError(pns.CodeRecordNotExist)
	}
	newA, newB := b.CallerNum, b.CalleeNum
	if in.CallerNum != "" {
		newA = in.CallerNum
	}
	if in.CalleeNum != "" {
		newB = in.CalleeNum
	}
	if newA == newB {
		if in.CalleeNum != "" {
			return AXBBinding{}, pns.InvalidRequest("calleeNum")
		}
		return AXBBinding{}, pns.InvalidRequest("callerNum")
	}
	x := a.byNum[b.RelationNum]
	if o := x.nums[newA]; o != nil && o != b {
		return AXBBinding{}, pns.NewError(pns.CodeRelationBound)
	}
	if o := x.nums[newB]; o != nil && o != b {
		return AXBBinding{}, pns.NewError(pns.CodeRelationBound)
	}

	changed := false
	if newA != b.CallerNum || newB != b.CalleeNum {
		delete(x.nums, b.CallerNum)
		delete(x.nums, b.CalleeNum)
		b.CallerNum, b.CalleeNum = newA, newB
		x.nums[newA] = b
		x.nums[newB] = b
	}
	if in.CallerNum != "" || in.CalleeNum != "" {
		changed = true
	}
	setVal(&b.CallDirection, in.CallDirection, &changed)
	if in.Duration != nil {
		b.Duration = *in.Duration
		b.ExpiresAt = expiryAfter(now, time.Duration(*in.Duration)*time.Second)
		if !b.ExpiresAt.IsZero() {
			a.schedule(b.SubscriptionID, b.ExpiresAt)
		}
		changed = true
	}
	setVal(&b.MaxDuration, in.MaxDuration, &changed)
	setStr(&b.LastMinVoice, in.LastMinVoice, &changed)
	setVal(&b.PrivateSMS, in.PrivateSMS, &changed)
	setRecording(&b.RecordFlag, &b.RecordHintTone, in.RecordFlag, in.RecordHintTone, &changed)
	if in.PreVoice != nil {
		b.PreVoice = mergePreVoice(b.PreVoice, in.PreVoice)
		changed = true
	}
	setStr(&b.UserData, in.UserData, &changed)
	if changed {
		b.SubscribeTime = now
	}
	return b.clone(), nil
}

// pageParams normalises raw paging parameters (§3.5, D41): a page size outside 10-100 is 50,
// a page index below 1 is 1.
func pageParams(index, size int) (int, int) {
	if size < MinPageSize || size > MaxPageSize {
		size = DefaultPageSize
	}
	if index < 1 {
		index = 1
	}
	return index, size
}

// AXBQuery looks AXB bindings up with the precedence of §3.5.
func (s *Store) AXBQuery(app string, in AXBQueryInput) (AXBQueryResult, *pns.Error) {
	a, e := s.app(app, pns.ModeAXB)
	if e != nil {
		return AXBQueryResult{}, e
	}
	pi, ps := pageParams(in.PageIndex, in.PageSize)
	single := func(b *AXBBinding) (AXBQueryResult, *pns.Error) {
		return AXBQueryResult{Bindings: []AXBBinding{b.clone()}, TotalCount: 1, PageIndex: 1, PageSize: ps}, nil
	}
	notFound := pns.NewError(pns.CodeRecordNotExist)
	if in.SubscriptionID == "" && in.RelationNum == "" {
		if in.CallerNum != "" || in.CalleeNum != "" {
			return AXBQueryResult{}, pns.InvalidRequest("relationNum")
		}
		return AXBQueryResult{}, pns.InvalidRequest("subscriptionId")
	}
	s.lock(a)
	defer a.mu.Unlock()
	if in.SubscriptionID != "" {
		b := a.axb[in.SubscriptionID]
		if b == nil {
			return AXBQueryResult{}, notFound
		}
		return single(b)
	}
	x := a.owned(in.RelationNum)
	if x == nil {
		return AXBQueryResult{}, notFound
	}
	if in.CallerNum != "" || in.CalleeNum != "" {
		var b *AXBBinding
		if in.CallerNum != "" {
			b = x.nums[in.CallerNum]
			if b == nil || b.CallerNum != in.CallerNum {
				return AXBQueryResult{}, notFound
			}
		}
		if in.CalleeNum != "" {
			c := x.nums[in.CalleeNum]
			if c == nil || c.CalleeNum != in.CalleeNum || (b != nil && b != c) {
				return AXBQueryResult{}, notFound
			}
			b = c
		}
		return single(b)
	}
	if x.count == 0 {
		return AXBQueryResult{}, notFound
	}
	all := make([]*AXBBinding, 0, x.count)
	for n, b := range x.nums {
		if n == b.CallerNum {
			all = append(all, b)
		}
	}
	sort.Slice(all, func(i, j int) bool {
		return byCreation(all[i].CreatedAt, all[j].CreatedAt, all[i].SubscriptionID, all[j].SubscriptionID)
	})
	res := AXBQueryResult{Bindings: []AXBBinding{}, TotalCount: len(all), PageIndex: pi, PageSize: ps}
	if s.alt && pi-1 >= (len(all)+ps-1)/ps {
		return AXBQueryResult{}, notFound // D41 alternative: no record on that page
	}
	if pi-1 < (len(all)+ps-1)/ps {
		start := (pi - 1) * ps
		end := min(start+ps, len(all))
		for _, b := range all[start:end] {
			res.Bindings = append(res.Bindings, b.clone())
		}
	}
	return res, nil
}

// axbApp is an AXB app's share of the state: its bindings by subscriptionId.
type axbApp struct {
	axb map[string]*AXBBinding
}

// axbX is an X's AXB index: real number (A or B) → binding.
type axbX struct {
	nums map[string]*AXBBinding
}

// axbEntry is the AXB entry of modeStores.
var axbEntry = withBindingsByID(modeStore{
	capacity: func(a *App) (int, error) { return a.MaxPairsPerX, nil },
	initApp:  func(a *appState) { a.axb = map[string]*AXBBinding{} },
	initX:    func(x *xState) { x.nums = map[string]*AXBBinding{} },
	dumped:   func(d Dump) int { return len(d.AXB) },
	dump: func(a *appState, d *Dump) {
		d.AXB = appendSorted(d.AXB, a.axb, (*AXBBinding).clone, func(b *AXBBinding) (time.Time, string) { return b.CreatedAt, b.SubscriptionID })
	},
	check:   (*checker).checkAXB,
	orphans: func(*checker, *appState) {},
}, func(a *appState) map[string]*AXBBinding { return a.axb }, func(b *AXBBinding) time.Time { return b.ExpiresAt }, (*appState).removeAXB)

// checkAXB verifies the AXB indexes both ways and maxPairsPerX; total is the sum of the
// app's X counts.
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
