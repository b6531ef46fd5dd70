package store

import (
	"strconv"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

func (b *AXEBinding) clone() AXEBinding { return *b }

// unitOf returns the duration of one timeUnit.
func unitOf(timeUnit string) time.Duration {
	if timeUnit == TimeUnitMinutes {
		return time.Minute
	}
	return time.Hour
}

// MaxExpiry is the largest bindExpiredTime / callbackExpiredTime in a unit (D62): 90 days, or
// 180 days in the alternative set.
func MaxExpiry(timeUnit string, alternative bool) int {
	switch {
	case timeUnit == TimeUnitMinutes && alternative:
		return AltMaxAXEMinutes
	case timeUnit == TimeUnitMinutes:
		return MaxAXEMinutes
	case alternative:
		return AltMaxAXEHours
	}
	return MaxAXEHours
}

func (s *Store) maxInUnit(timeUnit string) int { return MaxExpiry(timeUnit, s.alt) }

// validExtension reports whether ext has the app's digit count, digits only and not all
// zeros (all zeros is never an extension: one X holds at most 10^digits − 1 bindings).
func validExtension(ext string, digits int) bool {
	return len(ext) == digits && pns.IsDigits(ext) && strings.Trim(ext, "0") != ""
}

func formatExt(n, digits int) string {
	s := strconv.Itoa(n)
	if len(s) < digits {
		s = strings.Repeat("0", digits-len(s)) + s
	}
	return s
}

// allocExt returns the lowest free extension of x, "" when none is free (D58); the alternative
// set takes the highest free one.
func (a *appState) allocExt(x *xState, highest bool) string {
	if highest {
		for n := a.capacity; n >= 1; n-- {
			if e := formatExt(n, a.cfg.ExtensionDigits); x.exts[e] == nil {
				return e
			}
		}
		return ""
	}
	for n := x.minFree; n <= a.capacity; n++ {
		e := formatExt(n, a.cfg.ExtensionDigits)
		if x.exts[e] == nil {
			x.minFree = n
			return e
		}
	}
	x.minFree = a.capacity + 1
	return ""
}

// AXEBind creates an AXE binding (§5.2, §13.3, D58-D64).
func (s *Store) AXEBind(app string, in AXEBindInput) (AXEBinding, *pns.Error) {
	a, e := s.app(app, pns.ModeAXE)
	if e != nil {
		return AXEBinding{}, e
	}
	unit, e := s.checkAXEBind(a, in)
	if e != nil {
		return AXEBinding{}, e
	}
	now := s.lock(a)
	defer a.mu.Unlock()
	x, ext, e := s.axeSlot(a, in)
	if e != nil {
		return AXEBinding{}, e
	}
	b := &AXEBinding{
		App:                 a.cfg.Key,
		SubscriptionID:      newID(),
		VirtualNum:          x.number,
		ExtendNum:           ext,
		BindNum:             in.BindNum,
		DisplayNumMode:      in.DisplayNumMode,
		RecordFlag:          in.RecordFlag,
		CallbackTone:        in.CallbackTone,
		CallbackNum:         in.CallbackNum,
		TimeUnit:            unit,
		BindExpiredTime:     in.BindExpiredTime,
		CallbackExpiredTime: in.CallbackExpiredTime,
		UserData:            in.UserData,
		CreatedAt:           now,
		SubscribeTime:       now,
		ExpiresAt:           expiryAfter(now, time.Duration(in.BindExpiredTime)*unitOf(unit)),
	}
	if b.DisplayNumMode == "" {
		b.DisplayNumMode = "0"
	}
	if in.RecordFlag {
		b.RecordHintTone = in.RecordHintTone
	}
	a.axe[b.SubscriptionID] = b
	x.exts[ext] = b
	x.binds[b.BindNum] = b
	a.setCount(x, +1)
	if !b.ExpiresAt.IsZero() {
		a.schedule(b.SubscriptionID, b.ExpiresAt)
	}
	return b.clone(), nil
}

// checkAXEBind refuses an AXE bind whose fields contradict each other or the app, before
// the app is locked, and returns its time unit (hours by default).
func (s *Store) checkAXEBind(a *appState, in AXEBindInput) (unit string, e *pns.Error) {
	if in.CallbackTone != "" && in.CallbackNum != "" {
		return "", pns.InvalidRequest("callbackNum")
	}
	if in.ExtendNum != "" && !validExtension(in.ExtendNum, a.cfg.ExtensionDigits) {
		return "", pns.InvalidRequest("extendNum")
	}
	unit = in.TimeUnit
	if unit == "" {
		unit = TimeUnitHours
	}
	if unit != TimeUnitHours && unit != TimeUnitMinutes {
		return "", pns.InvalidRequest("timeUnit")
	}
	if in.BindExpiredTime < 0 || in.BindExpiredTime > s.maxInUnit(unit) {
		return "", pns.InvalidRequest("bindExpiredTime")
	}
	if in.CallbackExpiredTime < 0 || in.CallbackExpiredTime > s.maxInUnit(unit) {
		return "", pns.InvalidRequest("callbackExpiredTime")
	}
	if in.RecordFlag && !a.cfg.Recording {
		return "", pns.NewError(pns.CodeRecordingNotOpen)
	}
	return unit, nil
}

// axeSlot finds the X number (the one asked for, or one selected by area) and the extension
// (the one asked for, or a free one) of a new AXE binding. The app is locked.
func (s *Store) axeSlot(a *appState, in AXEBindInput) (*xState, string, *pns.Error) {
	var x *xState
	if in.VirtualNum != "" {
		x = a.owned(in.VirtualNum)
		switch {
		case x == nil:
			return nil, "", pns.NewError(pns.CodeNumberNotApplied)
		case x.status != StatusNormal:
			return nil, "", pns.NewError(pns.CodeNoResource)
		case x.binds[in.BindNum] != nil:
			return nil, "", pns.NewError(pns.CodeRelationBound)
		}
	} else {
		city := in.AreaCode
		if city == "" {
			city = s.areaOf(in.BindNum)
		}
		x = s.selectX(a, city, in.LooseArea, func(x *xState) bool { return x.binds[in.BindNum] == nil })
		if x == nil {
			return nil, "", pns.NewError(pns.CodeNoResource)
		}
	}
	ext := in.ExtendNum
	if ext != "" {
		if x.exts[ext] != nil {
			return nil, "", pns.NewError(pns.CodeNoIdleExtension)
		}
	} else if ext = a.allocExt(x, s.alt); ext == "" {
		return nil, "", pns.NewError(pns.CodeNoIdleExtension)
	}
	return x, ext, nil
}

// removeAXE deletes an AXE binding, its index entries and its callback record.
func (a *appState) removeAXE(b *AXEBinding) {
	delete(a.axe, b.SubscriptionID)
	delete(a.cb, b.SubscriptionID)
	x := a.byNum[b.VirtualNum]
	if x.exts[b.ExtendNum] == b {
		delete(x.exts, b.ExtendNum)
		if n, err := strconv.Atoi(b.ExtendNum); err == nil && n < x.minFree {
			x.minFree = n
		}
	}
	if x.binds[b.BindNum] == b {
		delete(x.binds, b.BindNum)
	}
	a.setCount(x, -1)
}

// checkAXEKey applies the parameter rules of §5.3 / D65 without looking anything up.
func checkAXEKey(k AXEKey) *pns.Error {
	if k.SubscriptionID != "" {
		return nil
	}
	switch {
	case k.VirtualNum == "" && k.ExtendNum == "":
		return pns.InvalidRequest("subscriptionId")
	case k.ExtendNum == "":
		return pns.InvalidRequest("extendNum")
	case k.VirtualNum == "":
		return pns.InvalidRequest("virtualNum")
	}
	return nil
}

// findAXE resolves a key to a live binding; notOwned is the code for an X of another app.
func (a *appState) findAXE(k AXEKey, notOwned pns.Code) (*AXEBinding, *pns.Error) {
	if k.SubscriptionID != "" {
		if b := a.axe[k.SubscriptionID]; b != nil {
			return b, nil
		}
		return nil, pns.NewError(pns.CodeRecordNotExist)
	}
	x := a.owned(k.VirtualNum)
	if x == nil {
		return nil, pns.NewError(notOwned)
	}
	if b := x.exts[k.ExtendNum]; b != nil {
		return b, nil
	}
	return nil, pns.NewError(pns.CodeRecordNotExist)
}

// AXEUnbind removes one AXE binding (§5.3).
func (s *Store) AXEUnbind(app string, k AXEKey) (int, *pns.Error) {
	a, e := s.app(app, pns.ModeAXE)
	if e != nil {
		return 0, e
	}
	if e := checkAXEKey(k); e != nil {
		return 0, e
	}
	s.lock(a)
	defer a.mu.Unlock()
	b, e := a.findAXE(k, pns.CodeNumberNotApplied)
	if e != nil {
		return 0, e
	}
	a.removeAXE(b)
	return 1, nil
}

// AXEModify changes an AXE binding (§5.4, D62): callbackExpiredTime is applied in the
// binding's timeUnit; timeUnit and bindExpiredTime are never changed.
func (s *Store) AXEModify(app string, in AXEModifyInput) (AXEBinding, *pns.Error) {
	a, e := s.app(app, pns.ModeAXE)
	if e != nil {
		return AXEBinding{}, e
	}
	if e := checkAXEKey(in.AXEKey); e != nil {
		return AXEBinding{}, e
	}
	if in.CallbackTone != "" && in.CallbackNum != "" {
		return AXEBinding{}, pns.InvalidRequest("callbackNum")
	}
	if in.CallbackExpiredTime != nil && *in.CallbackExpiredTime < 0 {
		return AXEBinding{}, pns.InvalidRequest("callbackExpiredTime")
	}
	if in.RecordFlag != nil && *in.RecordFlag && !a.cfg.Recording {
		return AXEBinding{}, pns.NewError(pns.CodeRecordingNotOpen)
	}
	now := s.lock(a)
	defer a.mu.Unlock()
	b, e := a.findAXE(in.AXEKey, pns.CodeNumberNotApplied)
	if e != nil {
		return AXEBinding{}, e
	}
	if in.CallbackExpiredTime != nil && *in.CallbackExpiredTime > s.maxInUnit(b.TimeUnit) {
		return AXEBinding{}, pns.InvalidRequest("callbackExpiredTime")
	}
	changed := false
	setStr(&b.DisplayNumMode, in.DisplayNumMode, &changed)
	setRecording(&b.RecordFlag, &b.RecordHintTone, in.RecordFlag, in.RecordHintTone, &changed)
	if in.CallbackTone != "" {
		b.CallbackTone, b.CallbackNum = in.CallbackTone, ""
		changed = true
	}
	if in.CallbackNum != "" {
		b.CallbackNum, b.CallbackTone = in.CallbackNum, ""
		changed = true
	}
	setVal(&b.CallbackExpiredTime, in.CallbackExpiredTime, &changed)
	setStr(&b.UserData, in.UserData, &changed)
	if changed {
		b.SubscribeTime = now
	}
	return b.clone(), nil
}

// AXEQuery returns one AXE binding (§5.5); an X of another app is simply not found.
func (s *Store) AXEQuery(app string, k AXEKey) (AXEBinding, *pns.Error) {
	a, e := s.app(app, pns.ModeAXE)
	if e != nil {
		return AXEBinding{}, e
	}
	if e := checkAXEKey(k); e != nil {
		return AXEBinding{}, e
	}
	s.lock(a)
	defer a.mu.Unlock()
	b, e := a.findAXE(k, pns.CodeRecordNotExist)
	if e != nil {
		return AXEBinding{}, e
	}
	return b.clone(), nil
}

// axeApp is an AXE app's share of the state: its bindings by subscriptionId and the
// callback records by subscriptionId.
type axeApp struct {
	axe map[string]*AXEBinding
	cb  map[string]cbRecord
}

// cbRecord is an AXE callback record: the latest caller who reached the binding's A.
type cbRecord struct {
	caller string
	at     time.Time
}

// axeX is an X's AXE indexes: extension → binding and A → binding; minFree is a lower bound
// of the lowest free extension (every extension below it is taken), so allocation does not
// rescan.
type axeX struct {
	exts    map[string]*AXEBinding
	binds   map[string]*AXEBinding
	minFree int
}

// axeEntry is the AXE entry of modeStores.
var axeEntry = withBindingsByID(modeStore{
	capacity: func(a *App) (int, error) { return pow10(a.ExtensionDigits) - 1, nil },
	initApp:  func(a *appState) { a.axe, a.cb = map[string]*AXEBinding{}, map[string]cbRecord{} },
	initX: func(x *xState) {
		x.exts, x.binds, x.minFree = map[string]*AXEBinding{}, map[string]*AXEBinding{}, 1
	},
	dumped: func(d Dump) int { return len(d.AXE) },
	dump: func(a *appState, d *Dump) {
		d.AXE = appendSorted(d.AXE, a.axe, (*AXEBinding).clone, func(b *AXEBinding) (time.Time, string) { return b.CreatedAt, b.SubscriptionID })
	},
	check: (*checker).checkAXE,
	orphans: func(c *checker, a *appState) {
		for id := range a.cb {
			if a.axe[id] == nil {
				c.add("callback record of unknown binding %s", id)
			}
		}
	},
}, func(a *appState) map[string]*AXEBinding { return a.axe }, func(b *AXEBinding) time.Time { return b.ExpiresAt }, (*appState).removeAXE)

// checkAXE verifies the AXE indexes (extension, bindNum) both ways, the extensions' form
// and the allocation hint; total is the sum of the app's X counts.
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
