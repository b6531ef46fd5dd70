package store

import (
	"sort"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

func (b *AXBinding) clone() AXBinding {
	c := *b
	c.PreVoice = clonePreVoice(b.PreVoice)
	c.CallDirection = cloneInt(b.CallDirection)
	return c
}

// AXBind creates an AX binding (§4.2, §13.2, D45-D51).
func (s *Store) AXBind(app string, in AXBindInput) (AXBinding, *pns.Error) {
	a, e := s.app(app, pns.ModeAX)
	if e != nil {
		return AXBinding{}, e
	}
	if in.RecordFlag && !a.cfg.Recording {
		return AXBinding{}, pns.NewError(pns.CodeRecordingNotOpen)
	}
	now := s.lock(a)
	defer a.mu.Unlock()
	held := len(a.axByA[in.OrigNum])
	var x *xState
	if in.PrivateNum != "" {
		x = a.owned(in.PrivateNum)
		switch {
		case x == nil:
			return AXBinding{}, s.axNotOwned()
		case x.status != StatusNormal:
			return AXBinding{}, pns.NewError(pns.CodeAXNoResource)
		case x.ax != nil && x.ax.OrigNum == in.OrigNum:
			if s.alt {
				return AXBinding{}, pns.NewError(pns.CodeAXAllocated) // D50 alternative
			}
			return AXBinding{}, pns.NewError(pns.CodeAXRecordExists)
		case x.ax != nil:
			return AXBinding{}, pns.NewError(pns.CodeAXAllocated)
		case held >= MaxXPerA:
			return AXBinding{}, s.axLimit()
		}
	} else {
		if held >= MaxXPerA {
			return AXBinding{}, s.axLimit()
		}
		city := in.AreaCode
		if city == "" {
			city = s.areaOf(in.OrigNum)
		}
		x = s.selectX(a, city, in.LooseArea, func(x *xState) bool { return x.ax == nil })
		if x == nil {
			return AXBinding{}, pns.NewError(pns.CodeAXNoResource)
		}
	}
	b := &AXBinding{
		App:              a.cfg.Key,
		SubscriptionID:   newID(),
		OrigNum:          in.OrigNum,
		PrivateNum:       x.number,
		RecordFlag:       in.RecordFlag,
		CalleeNumDisplay: in.CalleeNumDisplay,
		PrivateSMS:       boolOr(in.PrivateSMS, true),
		PreVoice:         normPreVoice(in.PreVoice),
		MaxDuration:      in.MaxDuration,
		LastMinVoice:     in.LastMinVoice,
		UserData:         in.UserData,
		TurnFlag:         in.TurnFlag,
		CallDirection:    cloneInt(in.CallDirection),
		CreatedAt:        now,
		SubscribeTime:    now,
	}
	if b.CalleeNumDisplay == "" {
		b.CalleeNumDisplay = "0"
	}
	if b.TurnFlag == "" {
		b.TurnFlag = "on"
	}
	if in.RecordFlag {
		b.RecordHintTone = in.RecordHintTone
	}
	a.ax[b.SubscriptionID] = b
	a.axByA[b.OrigNum] = append(a.axByA[b.OrigNum], b)
	x.ax = b
	a.setCount(x, +1)
	return b.clone(), nil
}

// dropFromA removes b from its A's list of bindings.
func (a *appState) dropFromA(b *AXBinding) {
	list := a.axByA[b.OrigNum]
	for i, o := range list {
		if o == b {
			list = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(a.axByA, b.OrigNum)
	} else {
		a.axByA[b.OrigNum] = list
	}
}

// removeAX deletes an AX binding, its index entries and its temporary callee.
func (a *appState) removeAX(b *AXBinding) {
	delete(a.ax, b.SubscriptionID)
	delete(a.temp, b.SubscriptionID)
	a.dropFromA(b)
	x := a.byNum[b.PrivateNum]
	if x.ax == b {
		x.ax = nil
	}
	a.setCount(x, -1)
}

// AXUnbind removes an AX binding (§4.3, D54).
func (s *Store) AXUnbind(app string, in AXUnbindInput) (int, *pns.Error) {
	a, e := s.app(app, pns.ModeAX)
	if e != nil {
		return 0, e
	}
	if in.SubscriptionID == "" && in.PrivateNum == "" {
		if in.OrigNum != "" {
			return 0, pns.InvalidRequest("privateNum")
		}
		return 0, pns.InvalidRequest("subscriptionId")
	}
	if s.alt && in.SubscriptionID == "" && in.OrigNum == "" {
		return 0, pns.InvalidRequest("origNum") // D54 alternative: the documented pair only
	}
	s.lock(a)
	defer a.mu.Unlock()
	var b *AXBinding
	if in.SubscriptionID != "" {
		b = a.ax[in.SubscriptionID]
	} else {
		x := a.owned(in.PrivateNum)
		if x == nil {
			return 0, s.axNotOwned()
		}
		b = x.ax
		if b != nil && in.OrigNum != "" && b.OrigNum != in.OrigNum {
			b = nil
		}
	}
	if b == nil {
		return 0, s.axNotFound()
	}
	a.removeAX(b)
	return 1, nil
}

// findAX resolves subscriptionId or else privateNum to a binding (modify, temporary callee).
func (s *Store) findAX(a *appState, id, privateNum string) (*AXBinding, *pns.Error) {
	if id != "" {
		if b := a.ax[id]; b != nil {
			return b, nil
		}
		return nil, s.axNotFound()
	}
	x := a.owned(privateNum)
	if x == nil {
		return nil, s.axNotOwned()
	}
	if x.ax == nil {
		return nil, s.axNotFound()
	}
	return x.ax, nil
}

// AXModify changes an AX binding (§4.4, D55).
func (s *Store) AXModify(app string, in AXModifyInput) (AXBinding, *pns.Error) {
	a, e := s.app(app, pns.ModeAX)
	if e != nil {
		return AXBinding{}, e
	}
	if in.SubscriptionID == "" && in.PrivateNum == "" {
		return AXBinding{}, pns.InvalidRequest("privateNum")
	}
	if in.RecordFlag != nil && *in.RecordFlag && !a.cfg.Recording {
		return AXBinding{}, pns.NewError(pns.CodeRecordingNotOpen)
	}
	now := s.lock(a)
	defer a.mu.Unlock()
	b, e := s.findAX(a, in.SubscriptionID, in.PrivateNum)
	if e != nil {
		return AXBinding{}, e
	}
	changed := false
	if in.OrigNum != "" {
		if in.OrigNum != b.OrigNum {
			if len(a.axByA[in.OrigNum]) >= MaxXPerA {
				return AXBinding{}, s.axLimit()
			}
			a.dropFromA(b)
			b.OrigNum = in.OrigNum
			a.axByA[b.OrigNum] = append(a.axByA[b.OrigNum], b)
		}
		changed = true
	}
	setVal(&b.PrivateSMS, in.PrivateSMS, &changed)
	setRecording(&b.RecordFlag, &b.RecordHintTone, in.RecordFlag, in.RecordHintTone, &changed)
	setVal(&b.MaxDuration, in.MaxDuration, &changed)
	setStr(&b.LastMinVoice, in.LastMinVoice, &changed)
	setStr(&b.UserData, in.UserData, &changed)
	if in.CallDirection != nil {
		b.CallDirection = cloneInt(in.CallDirection)
		changed = true
	}
	setStr(&b.TurnFlag, in.TurnFlag, &changed)
	setStr(&b.CalleeNumDisplay, in.CalleeNumDisplay, &changed)
	if in.PreVoice != nil {
		b.PreVoice = mergePreVoice(b.PreVoice, in.PreVoice)
		changed = true
	}
	if changed {
		b.SubscribeTime = now
	}
	return b.clone(), nil
}

// AXQuery returns the matching AX bindings ordered by creation (§4.5, D78).
func (s *Store) AXQuery(app string, in AXQueryInput) ([]AXBinding, *pns.Error) {
	a, e := s.app(app, pns.ModeAX)
	if e != nil {
		return nil, e
	}
	if in.SubscriptionID == "" && in.OrigNum == "" && in.PrivateNum == "" {
		return nil, pns.InvalidRequest("subscriptionId")
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	var found []*AXBinding
	switch {
	case in.SubscriptionID != "":
		if b := a.ax[in.SubscriptionID]; b != nil {
			found = append(found, b)
		}
	case in.OrigNum != "":
		found = append(found, a.axByA[in.OrigNum]...)
	default:
		if x := a.owned(in.PrivateNum); x != nil && x.ax != nil {
			found = append(found, x.ax)
		}
	}
	if len(found) == 0 {
		if s.alt && in.SubscriptionID == "" {
			return []AXBinding{}, nil // D78 alternative: a search by number that matches nothing is an empty list
		}
		return nil, s.axNotFound()
	}
	sort.Slice(found, func(i, j int) bool {
		return byCreation(found[i].CreatedAt, found[j].CreatedAt, found[i].SubscriptionID, found[j].SubscriptionID)
	})
	out := make([]AXBinding, len(found))
	for i, b := range found {
		out[i] = b.clone()
	}
	return out, nil
}

// AXSetTempCallee sets or replaces the temporary callee of an AX binding (§4.6, D56).
func (s *Store) AXSetTempCallee(app string, in AXCalleeInput) (TempCallee, *pns.Error) {
	a, e := s.app(app, pns.ModeAX)
	if e != nil {
		return TempCallee{}, e
	}
	if in.SubscriptionID == "" && in.PrivateNum == "" {
		return TempCallee{}, pns.InvalidRequest("privateNum")
	}
	d := DefaultTempCalleeSeconds
	if in.Duration != nil {
		d = *in.Duration
		if d < 1 || d > MaxTempCalleeSeconds {
			return TempCallee{}, pns.InvalidRequest("duration")
		}
	}
	now := s.lock(a)
	defer a.mu.Unlock()
	b, e := s.findAX(a, in.SubscriptionID, in.PrivateNum)
	if e != nil {
		return TempCallee{}, e
	}
	if in.CalleeNum == b.OrigNum {
		return TempCallee{}, pns.InvalidRequest("calleeNum")
	}
	t := TempCallee{Number: in.CalleeNum, UserData: in.UserData, ExpiresAt: now.Add(time.Duration(d) * time.Second)}
	a.temp[b.SubscriptionID] = t
	return t, nil
}

// axNotFound is the answer for an AX binding that does not exist: 1016001, or 1011004 in the
// alternative set (D47: an unbind FAQ names 1011004).
func (s *Store) axNotFound() *pns.Error {
	if s.alt {
		return pns.NewError(pns.CodeAXNumberNotApplied)
	}
	return pns.NewError(pns.CodeAXRecordNotExist)
}

// axNotOwned is the answer for an AX privateNum the app does not own: 1011004, or 1012001 in
// the alternative set (D48: the FAQ pairs the two).
func (s *Store) axNotOwned() *pns.Error {
	if s.alt {
		return pns.NewError(pns.CodeNumberNotApplied)
	}
	return pns.NewError(pns.CodeAXNumberNotApplied)
}

// axLimit is the answer for an A that already holds the most X: 1011003, or 1011005 in the
// alternative set (D46: one reading ties the limit to 1011005).
func (s *Store) axLimit() *pns.Error {
	if s.alt {
		return pns.NewError(pns.CodeAXAllocated)
	}
	return pns.NewError(pns.CodeAXLimitReached)
}

// axApp is an AX app's share of the state: its bindings by subscriptionId and by A (at most
// MaxXPerA each), and the temporary callees by subscriptionId.
type axApp struct {
	ax    map[string]*AXBinding
	axByA map[string][]*AXBinding
	temp  map[string]TempCallee
}

// axX is an X's AX index: the binding on this X.
type axX struct {
	ax *AXBinding
}

// axEntry is the AX entry of modeStores. AX bindings do not expire.
var axEntry = modeStore{
	capacity: func(*App) (int, error) { return 1, nil },
	initApp: func(a *appState) {
		a.ax, a.axByA, a.temp = map[string]*AXBinding{}, map[string][]*AXBinding{}, map[string]TempCallee{}
	},
	initX:      func(*xState) {},
	stored:     func(a *appState) int { return len(a.ax) },
	expirable:  func(*appState) int { return 0 },
	expiry:     func(*appState, string) (time.Time, bool) { return time.Time{}, false },
	purge:      func(*appState, expEntry) bool { return false },
	eachExpiry: func(*appState, func(string, time.Time)) {},
	dumped:     func(d Dump) int { return len(d.AX) },
	dump: func(a *appState, d *Dump) {
		d.AX = appendSorted(d.AX, a.ax, (*AXBinding).clone, func(b *AXBinding) (time.Time, string) { return b.CreatedAt, b.SubscriptionID })
	},
	check: (*checker).checkAX,
	orphans: func(c *checker, a *appState) {
		for id := range a.temp {
			if a.ax[id] == nil {
				c.add("temporary callee of unknown binding %s", id)
			}
		}
	},
}

// checkAX verifies the AX indexes (per A, per X) both ways and at most MaxXPerA X per A;
// total is the sum of the app's X counts.
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
