package store

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// AXYB limits and defaults (reference §6.1-§6.2, §13.7, D83-D84).
const (
	// DefaultMaxRelationsPerY is how many AX relations one Y carries at most (§6.1: 1000).
	DefaultMaxRelationsPerY = 1000
	// DefaultAXYBDuration is the AX lifetime in seconds when the bind sends none (§6.2: 7200;
	// unlike AXB, absent is not "never").
	DefaultAXYBDuration = 7200
	// MinAXYBDuration and MaxAXYBDuration bound a non-zero duration or ybDuration (60 s to 90
	// days); 0 is allowed too (never, or "with the AX").
	MinAXYBDuration = 60
	MaxAXYBDuration = 7776000
)

// ValidAXYBDuration reports whether seconds is 0 or within MinAXYBDuration-MaxAXYBDuration
// (D83).
func ValidAXYBDuration(seconds int) bool {
	return seconds == 0 || seconds >= MinAXYBDuration && seconds <= MaxAXYBDuration
}

// axybRel is the stored form of a relation; parts are in creation order.
type axybRel struct {
	AXYBRelation
	parts []*AXYBPart
}

func (r *axybRel) clone() AXYBRelation {
	out := r.AXYBRelation
	out.YB = make([]AXYBPart, len(r.parts))
	for i, p := range r.parts {
		out.YB[i] = *p
	}
	return out
}

// ybExpID is the expiry-heap key of a YB part; AX parts use their subscriptionId.
func ybExpID(id, y string) string { return "yb|" + id + "|" + y }

// capYB applies "ybDuration must be at most duration, a larger value is replaced by duration"
// (§6.2); a duration of 0 (never) caps nothing.
func capYB(yb, duration int) int {
	if duration > 0 && yb > duration {
		return duration
	}
	return yb
}

// AXYBBind creates the AX part of an AXYB relation (§6.2, §13.7, D84): X is chosen by the
// platform among the app's numbers that are normal, not the X of another AX and not a Y.
func (s *Store) AXYBBind(app string, in AXYBBindInput) (AXYBRelation, *pns.Error) {
	a, e := s.app(app, pns.ModeAXYB)
	if e != nil {
		return AXYBRelation{}, e
	}
	dur, yb := DefaultAXYBDuration, 0
	if in.Duration != nil {
		dur = *in.Duration
	}
	if in.YBDuration != nil {
		yb = *in.YBDuration
	}
	if !ValidAXYBDuration(dur) {
		return AXYBRelation{}, pns.InvalidRequest("duration")
	}
	if !ValidAXYBDuration(yb) {
		return AXYBRelation{}, pns.InvalidRequest("ybDuration")
	}
	if in.RecordFlag && !a.cfg.Recording {
		return AXYBRelation{}, pns.NewError(pns.CodeRecordingNotOpen)
	}
	now := s.lock(a)
	defer a.mu.Unlock()
	if len(a.axybByA[in.OrigNum]) >= MaxXPerA {
		return AXYBRelation{}, pns.NewError(pns.CodeAXLimitReached)
	}
	city := in.AreaCode
	if city == "" {
		city = s.areaOf(in.OrigNum)
	}
	x := s.selectX(a, city, in.LooseArea, func(x *xState) bool { return x.count == 0 })
	if x == nil {
		return AXYBRelation{}, pns.NewError(pns.CodeNoResource)
	}
	r := &axybRel{AXYBRelation: AXYBRelation{
		App: app, SubscriptionID: newID(), A: in.OrigNum, X: x.number, CallDirection: in.CallDirection,
		Duration: dur, YBDuration: capYB(yb, dur), RecordFlag: in.RecordFlag,
		PreVoiceX: in.PreVoiceX, PreVoiceY: in.PreVoiceY, UserData: in.UserData,
		CreatedAt: now, SubscribeTime: now,
	}}
	if in.RecordFlag {
		r.RecordHintTone = in.RecordHintTone
	}
	if dur > 0 {
		r.ExpiresAt = now.Add(time.Duration(dur) * time.Second)
		a.schedule(r.SubscriptionID, r.ExpiresAt)
	}
	x.axyb = r
	a.setCount(x, 1)
	a.axyb[r.SubscriptionID] = r
	a.axybByA[r.A] = append(a.axybByA[r.A], r)
	return r.clone(), nil
}

// AXYBBindYB attaches B to an AX relation on a Y chosen by the platform (§6.2, §13.7, D84).
func (s *Store) AXYBBindYB(app string, in AXYBYBInput) (AXYBRelation, string, *pns.Error) {
	a, e := s.app(app, pns.ModeAXYB)
	if e != nil {
		return AXYBRelation{}, "", e
	}
	if in.YBDuration != nil && !ValidAXYBDuration(*in.YBDuration) {
		return AXYBRelation{}, "", pns.InvalidRequest("ybDuration")
	}
	now := s.lock(a)
	defer a.mu.Unlock()
	r := a.axyb[in.SubscriptionID]
	if r == nil {
		return AXYBRelation{}, "", pns.NewError(pns.CodeRecordNotExist)
	}
	if in.OrigNum == r.A {
		return AXYBRelation{}, "", pns.InvalidRequest("origNum")
	}
	for _, p := range r.parts {
		if p.B == in.OrigNum {
			return AXYBRelation{}, "", pns.NewError(pns.CodeRelationBound)
		}
	}
	yb := r.YBDuration
	if in.YBDuration != nil {
		yb = capYB(*in.YBDuration, r.Duration)
	}
	city := in.AreaCode
	if city == "" {
		city = a.byNum[r.X].city
	}
	p, e := s.addYB(a, r, in.OrigNum, city, in.LooseArea, yb, false, now)
	if e != nil {
		return AXYBRelation{}, "", e
	}
	p.PreVoiceY = in.PreVoiceY
	return r.clone(), p.Y, nil
}

// addYB chooses a Y for B on relation r and records the YB part. The caller holds the lock.
func (s *Store) addYB(a *appState, r *axybRel, b, city string, loose bool, yb int, auto bool, now time.Time) (*AXYBPart, *pns.Error) {
	y := s.selectX(a, city, loose, func(x *xState) bool { return x.axyb == nil && x.yOf[r.SubscriptionID] == nil })
	if y == nil {
		return nil, pns.NewError(pns.CodeNoResource)
	}
	p := &AXYBPart{Y: y.number, B: b, YBDuration: yb, Auto: auto, CreatedAt: now}
	if yb > 0 {
		p.ExpiresAt = now.Add(time.Duration(yb) * time.Second)
		if !r.ExpiresAt.IsZero() && p.ExpiresAt.After(r.ExpiresAt) {
			p.ExpiresAt = r.ExpiresAt
		}
		a.schedule(ybExpID(r.SubscriptionID, y.number), p.ExpiresAt)
	}
	y.yOf[r.SubscriptionID] = p
	a.setCount(y, 1)
	r.parts = append(r.parts, p)
	return p, nil
}

// removeYB deletes one YB part of r. The caller holds the lock.
func (a *appState) removeYB(r *axybRel, p *AXYBPart) {
	for i, q := range r.parts {
		if q == p {
			r.parts = append(r.parts[:i], r.parts[i+1:]...)
			break
		}
	}
	y := a.byNum[p.Y]
	if y.yOf[r.SubscriptionID] == p {
		delete(y.yOf, r.SubscriptionID)
		a.setCount(y, -1)
	}
}

// removeAXYB deletes a relation with every YB part (AX unbind or AX expiry, §6.1).
func (a *appState) removeAXYB(r *axybRel) {
	for len(r.parts) > 0 {
		a.removeYB(r, r.parts[len(r.parts)-1])
	}
	delete(a.axyb, r.SubscriptionID)
	rs := a.axybByA[r.A]
	for i, q := range rs {
		if q == r {
			rs = append(rs[:i], rs[i+1:]...)
			break
		}
	}
	if len(rs) == 0 {
		delete(a.axybByA, r.A)
	} else {
		a.axybByA[r.A] = rs
	}
	if x := a.byNum[r.X]; x.axyb == r {
		x.axyb = nil
		a.setCount(x, -1)
	}
}

// AXYBUnbind removes a relation, or one of its YB parts when YNum or BNum is given (YNum wins),
// §6.3 and D85. It returns the number of parts removed (the AX counting as one).
func (s *Store) AXYBUnbind(app string, in AXYBUnbindInput) (int, *pns.Error) {
	a, e := s.app(app, pns.ModeAXYB)
	if e != nil {
		return 0, e
	}
	if in.SubscriptionID == "" {
		return 0, pns.InvalidRequest("subscriptionId")
	}
	s.lock(a)
	defer a.mu.Unlock()
	r := a.axyb[in.SubscriptionID]
	if r == nil {
		return 0, pns.NewError(pns.CodeRecordNotExist)
	}
	if in.YNum == "" && in.BNum == "" {
		n := 1 + len(r.parts)
		a.removeAXYB(r)
		return n, nil
	}
	for _, p := range r.parts {
		if (in.YNum != "" && p.Y == in.YNum) || (in.YNum == "" && p.B == in.BNum) {
			a.removeYB(r, p)
			return 1, nil
		}
	}
	return 0, pns.NewError(pns.CodeRecordNotExist)
}

// AXYBQuery returns the relations of a subscriptionId, or every relation on an X (§6.4):
// SubscriptionID wins; no match → 1012007 (D85).
func (s *Store) AXYBQuery(app string, in AXYBQueryInput) ([]AXYBRelation, *pns.Error) {
	a, e := s.app(app, pns.ModeAXYB)
	if e != nil {
		return nil, e
	}
	if in.SubscriptionID == "" && in.RelationNum == "" {
		return nil, pns.InvalidRequest("subscriptionId")
	}
	s.lock(a)
	defer a.mu.Unlock()
	var r *axybRel
	if in.SubscriptionID != "" {
		r = a.axyb[in.SubscriptionID]
	} else if x := a.owned(in.RelationNum); x != nil {
		r = x.axyb
	}
	if r == nil {
		return nil, pns.NewError(pns.CodeRecordNotExist)
	}
	return []AXYBRelation{r.clone()}, nil
}

// AXYBRelations returns every relation of an app in creation order, for dumps and checks.
func (s *Store) AXYBRelations(app string) []AXYBRelation {
	a, ok := s.apps[app]
	if !ok || a.cfg.Mode != pns.ModeAXYB {
		return nil
	}
	s.lock(a)
	defer a.mu.Unlock()
	out := make([]AXYBRelation, 0, len(a.axyb))
	for _, r := range a.axyb {
		out = append(out, r.clone())
	}
	sort.Slice(out, func(i, j int) bool {
		return byCreation(out[i].CreatedAt, out[j].CreatedAt, out[i].SubscriptionID, out[j].SubscriptionID)
	})
	return out
}

// purgeAXYB handles one popped expiry entry of an AXYB app; it reports whether it removed
// something. Stale entries (unbound, or a part replaced) match nothing.
func (a *appState) purgeAXYB(e expEntry) bool {
	if r := a.axyb[e.id]; r != nil && r.ExpiresAt.Equal(e.at) {
		a.removeAXYB(r)
		return true
	}
	if r, p := a.ybByExpID(e.id); p != nil && p.ExpiresAt.Equal(e.at) {
		a.removeYB(r, p)
		return true
	}
	return false
}

// ybByExpID finds the YB part an expiry key names, without scanning the relations.
func (a *appState) ybByExpID(id string) (*axybRel, *AXYBPart) {
	rest, ok := strings.CutPrefix(id, "yb|")
	if !ok {
		return nil, nil
	}
	sub, y, _ := strings.Cut(rest, "|")
	r, n := a.axyb[sub], a.byNum[y]
	if r == nil || n == nil {
		return nil, nil
	}
	return r, n.yOf[sub]
}

// checkAXYB verifies the AXYB rules of §13.7 on the stored state: one A per X, at most 5 X per
// A, a Y carries an AX once and at most maxRelationsPerY AX, an X is never a Y, counts match.
func (c *checker) checkAXYB(a *appState, total int) {
	parts := 0
	for id, r := range a.axyb {
		x := a.byNum[r.X]
		if x == nil || x.axyb != r {
			c.add("AXYB %s: X %s does not point back", id, r.X)
		}
		if len(x.yOf) > 0 {
			c.add("AXYB %s: X %s is also a Y", id, r.X)
		}
		bs := map[string]bool{}
		for _, p := range r.parts {
			parts++
			y := a.byNum[p.Y]
			if y == nil || y.yOf[id] != p {
				c.add("AXYB %s: Y %s does not point back", id, p.Y)
			}
			if bs[p.B] {
				c.add("AXYB %s: B %s holds two YB", id, p.B)
			}
			bs[p.B] = true
		}
	}
	for A, rs := range a.axybByA {
		if len(rs) > MaxXPerA {
			c.add("AXYB: A %s holds %d X (max %d)", A, len(rs), MaxXPerA)
		}
	}
	for _, x := range a.xs {
		if len(x.yOf) > a.capacity {
			c.add("Y %s: %d relations above %d", x.number, len(x.yOf), a.capacity)
		}
	}
	if total != len(a.axyb)+parts {
		c.add("AXYB: counts sum to %d, want %d", total, len(a.axyb)+parts)
	}
}

// axybApp is an AXYB app's share of the state: the relations by subscriptionId and by A
// (at most MaxXPerA each).
type axybApp struct {
	axyb    map[string]*axybRel
	axybByA map[string][]*axybRel
}

// axybX is an X's AXYB index: the relation whose X this number is, or the relations (by
// subscriptionId) whose YB parts use it as Y; a number is never both (D84).
type axybX struct {
	axyb *axybRel
	yOf  map[string]*AXYBPart
}

// axybEntry is the AXYB entry of modeStores. A relation and each of its YB parts expire on
// their own (expiry ids: the subscriptionId, ybExpID for a part).
var axybEntry = modeStore{
	capacity: func(a *App) (int, error) {
		if a.MaxRelationsPerY == 0 {
			a.MaxRelationsPerY = DefaultMaxRelationsPerY
		}
		if a.MaxRelationsPerY < 0 {
			return 0, fmt.Errorf("store: app %q: maxRelationsPerY %d must be positive", a.Key, a.MaxRelationsPerY)
		}
		return a.MaxRelationsPerY, nil
	},
	initApp:   func(a *appState) { a.axyb, a.axybByA = map[string]*axybRel{}, map[string][]*axybRel{} },
	initX:     func(x *xState) { x.yOf = map[string]*AXYBPart{} },
	stored:    func(a *appState) int { return len(a.axyb) },
	expirable: (*appState).axybParts,
	expiry:    (*appState).axybExpiry,
	purge:     (*appState).purgeAXYB,
	eachExpiry: func(a *appState, f func(string, time.Time)) {
		for id, r := range a.axyb {
			f(id, r.ExpiresAt)
			for _, p := range r.parts {
				f(ybExpID(id, p.Y), p.ExpiresAt)
			}
		}
	},
	dumped: func(d Dump) int { return len(d.AXYB) },
	dump: func(a *appState, d *Dump) {
		d.AXYB = appendSorted(d.AXYB, a.axyb, (*axybRel).clone, func(r *axybRel) (time.Time, string) { return r.CreatedAt, r.SubscriptionID })
	},
	check:   (*checker).checkAXYB,
	orphans: func(*checker, *appState) {},
}

// axybParts counts the stored relations and their YB parts, each of which may hold an
// expiry entry.
func (a *appState) axybParts() int {
	n := len(a.axyb)
	for _, r := range a.axyb {
		n += len(r.parts)
	}
	return n
}

// axybExpiry returns the expiry instant of an AX relation or YB part by its expiry-heap key.
func (a *appState) axybExpiry(id string) (time.Time, bool) {
	if r := a.axyb[id]; r != nil && !r.ExpiresAt.IsZero() {
		return r.ExpiresAt, true
	}
	if _, p := a.ybByExpID(id); p != nil && !p.ExpiresAt.IsZero() {
		return p.ExpiresAt, true
	}
	return time.Time{}, false
}
