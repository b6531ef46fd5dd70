package store

import (
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// The store's one place per mode. A mode's rules, its state types and its entry of modeStores
// (every function the shared code calls, down to counting its list of a dump) live in the
// mode's file (axb.go, ax.go, axe.go, axyb.go); this file only puts them together, one line
// per mode in each of four lists: the mode's share of an app's state (modeApps) and of an X's
// (modeXs), its list in a Dump, and its entry in modeStores. The shared code (construction,
// reset, expiry, dump, invariants) goes through the table.
//
// The first three are struct fields, which Go cannot add from another file; they stay fields
// rather than becoming a per-mode value behind an interface so that the hot paths (a bind's X
// selection reads the candidate X's index for every candidate) read typed fields directly,
// and an app holds every mode's empty maps, so that the invariants can look for another
// mode's side records (temporary callees, callback records) in any app. Registering the
// fourth from the mode's file would save no file, since a new mode edits this one anyway.
// TestModeStoresCoverModes checks that every mode of pns.Modes has its entry.

// modeApps is the per-mode state of an app, each mode's fields in its own struct (axbApp,
// …), promoted so that a.axb and the like read as fields of the app.
type modeApps struct {
	axbApp
	axApp
	axeApp
	axybApp
}

// modeXs is the per-mode state of an X number, as modeApps.
type modeXs struct {
	axbX
	axX
	axeX
	axybX
}

// Dump is every live binding of one app or of all apps, for the admin dump endpoint. Each
// list is ordered by app, creation time, then subscriptionId.
type Dump struct {
	AXB  []AXBBinding
	AX   []AXBinding
	AXE  []AXEBinding
	AXYB []AXYBRelation
}

// Total is the number of live bindings of every mode (an AXYB relation counting once,
// whatever its YB).
func (d Dump) Total() int {
	n := 0
	eachMode(func(_ pns.Mode, m *modeStore) { n += m.dumped(d) })
	return n
}

// modeStores has the entry of every binding mode (pns.Modes). An X-mode app keeps no
// binding and has none.
var modeStores = map[pns.Mode]*modeStore{
	pns.ModeAXB:  &axbEntry,
	pns.ModeAX:   &axEntry,
	pns.ModeAXE:  &axeEntry,
	pns.ModeAXYB: &axybEntry,
}

// modeStore is what the shared code of the store does differently per mode. Every function
// is set; the app's lock is held when one is called.
type modeStore struct {
	// capacity checks the mode's settings of an app, fills their defaults in a and returns
	// how many bindings one X carries.
	capacity func(a *App) (int, error)
	// initApp and initX empty the mode's state of an app and of one of its X numbers (New,
	// Reset).
	initApp func(a *appState)
	initX   func(x *xState)
	// stored counts the app's bindings of the mode, expirable the entries that may hold an
	// expiry (a relation and each of its parts for AXYB).
	stored, expirable func(a *appState) int
	// expiry is the expiry instant of the binding (or part) that an expiry entry's id names.
	expiry func(a *appState, id string) (time.Time, bool)
	// purge removes what an expiry entry names if it still expires then, and reports whether
	// it removed something; a stale entry (unbound, expiry changed) matches nothing.
	purge func(a *appState, e expEntry) bool
	// eachExpiry calls f with the expiry-entry id and expiry (zero: none) of every stored
	// binding or part, for the invariants.
	eachExpiry func(a *appState, f func(id string, at time.Time))
	// dump appends copies of the app's bindings to d; dumped counts the mode's bindings in a
	// dump (its list's length), for Dump.Total.
	dump   func(a *appState, d *Dump)
	dumped func(d Dump) int
	// check adds the violations of the mode's indexes and rules; total is the sum of the
	// app's X counts. orphans adds those of the mode's side records (temporary callees,
	// callback records) whose binding is gone, whatever the app's mode.
	check   func(c *checker, a *appState, total int)
	orphans func(c *checker, a *appState)
}

// eachMode calls f with every binding mode's entry, in the order of pns.Modes, so that what
// it reports (violations) comes in a stable order.
func eachMode(f func(mode pns.Mode, m *modeStore)) {
	for _, mode := range pns.Modes {
		f(mode, modeStores[mode])
	}
}

// withBindingsByID fills the functions of m that read a mode's bindings, for a mode that
// keeps them in one map by subscriptionId, each with its own expiry (zero: none) under its
// subscriptionId (AXB, AXE).
func withBindingsByID[B any](m modeStore, bindings func(*appState) map[string]*B, expiresAt func(*B) time.Time, remove func(*appState, *B)) modeStore {
	m.stored = func(a *appState) int { return len(bindings(a)) }
	m.expirable = m.stored
	m.expiry = func(a *appState, id string) (time.Time, bool) {
		if b := bindings(a)[id]; b != nil && !expiresAt(b).IsZero() {
			return expiresAt(b), true
		}
		return time.Time{}, false
	}
	m.purge = func(a *appState, e expEntry) bool {
		if b := bindings(a)[e.id]; b != nil && expiresAt(b).Equal(e.at) {
			remove(a, b)
			return true
		}
		return false
	}
	m.eachExpiry = func(a *appState, f func(string, time.Time)) {
		for id, b := range bindings(a) {
			f(id, expiresAt(b))
		}
	}
	return m
}

// modeOf is the entry of the app's mode, nil for an X-mode app.
func (a *appState) modeOf() *modeStore { return modeStores[a.cfg.Mode] }
