package store

import (
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// The lookups below serve the call simulator. They take only the app's read lock, so they
// cannot purge; instead they ignore bindings whose expiry instant has passed.

// xOfMode returns the X number n if it belongs to an app of the given mode.
func (s *Store) xOfMode(n string, mode pns.Mode) *xState {
	x := s.xs[n]
	if x == nil || x.app.cfg.Mode != mode {
		return nil
	}
	return x
}

// AXBByXAndNumber finds the live AXB binding on X in which n is A or B.
func (s *Store) AXBByXAndNumber(x, n string) (AXBBinding, bool) {
	xs := s.xOfMode(x, pns.ModeAXB)
	if xs == nil {
		return AXBBinding{}, false
	}
	xs.app.mu.RLock()
	defer xs.app.mu.RUnlock()
	b := xs.nums[n]
	if b == nil || expired(b.ExpiresAt, s.clk.Now()) {
		return AXBBinding{}, false
	}
	return b.clone(), true
}

// AXByX finds the live AX binding on X.
func (s *Store) AXByX(x string) (AXBinding, bool) {
	xs := s.xOfMode(x, pns.ModeAX)
	if xs == nil {
		return AXBinding{}, false
	}
	xs.app.mu.RLock()
	defer xs.app.mu.RUnlock()
	if xs.ax == nil {
		return AXBinding{}, false
	}
	return xs.ax.clone(), true
}

// AXEByXAndExt finds the live AXE binding on X with extension ext.
func (s *Store) AXEByXAndExt(x, ext string) (AXEBinding, bool) {
	xs := s.xOfMode(x, pns.ModeAXE)
	if xs == nil {
		return AXEBinding{}, false
	}
	xs.app.mu.RLock()
	defer xs.app.mu.RUnlock()
	b := xs.exts[ext]
	if b == nil || expired(b.ExpiresAt, s.clk.Now()) {
		return AXEBinding{}, false
	}
	return b.clone(), true
}

// AXEByXAndBindNum finds the live AXE binding on X whose A is a.
func (s *Store) AXEByXAndBindNum(x, a string) (AXEBinding, bool) {
	xs := s.xOfMode(x, pns.ModeAXE)
	if xs == nil {
		return AXEBinding{}, false
	}
	xs.app.mu.RLock()
	defer xs.app.mu.RUnlock()
	b := xs.binds[a]
	if b == nil || expired(b.ExpiresAt, s.clk.Now()) {
		return AXEBinding{}, false
	}
	return b.clone(), true
}

// TempCallee returns the temporary callee in force for an AX binding.
func (s *Store) TempCallee(subscriptionID string) (string, bool) {
	t, ok := s.TempCalleeInfo(subscriptionID)
	return t.Number, ok
}

// TempCalleeInfo returns the temporary callee in force for an AX binding with its userData
// and expiry; a callee whose lifetime has passed is not in force.
func (s *Store) TempCalleeInfo(subscriptionID string) (TempCallee, bool) {
	for _, a := range s.appOrder {
		if a.cfg.Mode != pns.ModeAX {
			continue
		}
		a.mu.RLock()
		t, ok := a.temp[subscriptionID]
		live := ok && a.ax[subscriptionID] != nil && s.clk.Now().Before(t.ExpiresAt)
		a.mu.RUnlock()
		if ok {
			if live {
				return t, true
			}
			return TempCallee{}, false
		}
	}
	return TempCallee{}, false
}

// SetCallbackRecord remembers caller as the latest user who reached the AXE binding's A
// (§5.1); it reports false when no live binding has that ID.
func (s *Store) SetCallbackRecord(subscriptionID, caller string) bool {
	for _, a := range s.appOrder {
		if a.cfg.Mode != pns.ModeAXE {
			continue
		}
		now := s.lock(a)
		ok := a.axe[subscriptionID] != nil
		if ok {
			a.cb[subscriptionID] = cbRecord{caller: caller, at: now}
		}
		a.mu.Unlock()
		if ok {
			return true
		}
	}
	return false
}

// CallbackRecord returns the AXE callback record of a live binding while the binding's
// current callbackExpiredTime (0 = never) allows it.
func (s *Store) CallbackRecord(subscriptionID string) (string, bool) {
	for _, a := range s.appOrder {
		if a.cfg.Mode != pns.ModeAXE {
			continue
		}
		a.mu.RLock()
		b := a.axe[subscriptionID]
		r, ok := a.cb[subscriptionID]
		var caller string
		found := b != nil
		live := false
		if found && ok {
			now := s.clk.Now()
			live = !expired(b.ExpiresAt, now) &&
				(b.CallbackExpiredTime == 0 || now.Before(r.at.Add(time.Duration(b.CallbackExpiredTime)*unitOf(b.TimeUnit))))
			caller = r.caller
		}
		a.mu.RUnlock()
		if found {
			if live {
				return caller, true
			}
			return "", false
		}
	}
	return "", false
}
