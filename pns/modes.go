package pns

import (
	"fmt"
	"strings"
)

// Modes lists every binding mode the harness serves, in the order that lists, reports and
// default profiles use. It is derived from modeRows (modespec.go), the one place a mode is
// listed: validation, parsing, error messages, per-mode loops, the load's per-mode interface
// map and the conformance steps' mode patterns derive from it.
//
// # How to add a mode
//
// The per-mode facts the load generator, the conformance run, cleanup and capacity need are
// data: one ModeSpec row in modeRows (bind field names, the answer's X field, app_key in the
// URL, the lifetime field, its bounds and the fields that keep a bind as written, one A per
// X, extensions, capacity unit, second scope), the mode's rows in Interfaces (operation,
// section, its own result codes), and one row in each package's own table for what only that
// package needs (loadtest.loadModes; emulator/calls modeRoutes; the emulator's modes and
// modeStores). Tests check that every mode of Modes has its rows. In pns a mode takes three
// files: its constant, interface IDs, path and rows (interfaces.go), its modeRows row
// (modespec.go), and its request and response types with typed client methods (a new file,
// like axyb.go; Client.Send reaches its interfaces without them). docs/architecture.md
// counts the other packages' files.
var Modes = func() []Mode {
	out := make([]Mode, len(modeRows))
	for k, s := range modeRows {
		out[k] = s.Mode
	}
	return out
}()

// AppModes lists every mode an app may have: the binding modes of Modes, then X mode, which
// keeps no binding and asks the customer's server on every call (reference §6.6). Apps and
// profiles are validated against it; loads, binding steps and per-mode interface maps use
// Modes, since an X-mode app has nothing to bind.
var AppModes = append(append([]Mode(nil), Modes...), ModeX)

// ValidApp reports whether m is a mode an app may have (AppModes).
func (m Mode) ValidApp() bool {
	for _, k := range AppModes {
		if k == m {
			return true
		}
	}
	return false
}

// AppModeList spells AppModes for messages: "AXB, AX, AXE, AXYB or X".
func AppModeList() string {
	return listModes(AppModes, false)
}

// Valid reports whether m is one of Modes (exact spelling, upper case).
func (m Mode) Valid() bool {
	for _, k := range Modes {
		if k == m {
			return true
		}
	}
	return false
}

// Lower is the mode's lower-case spelling, used in scenario names ("axb-bind-unbind"),
// workload files (`mode: axb`) and interface IDs ("axb.bind").
func (m Mode) Lower() string { return strings.ToLower(string(m)) }

// ParseMode reads a mode in any letter case ("axb", "AXB"). The error names the accepted
// spellings, in the lower case users type.
func ParseMode(s string) (Mode, error) {
	m := Mode(strings.ToUpper(s))
	if !m.Valid() {
		return "", fmt.Errorf("unknown mode %q (want %s)", s, ModeList(true))
	}
	return m, nil
}

// ModeList is the list of modes for messages, e.g. "AXB, AX, AXE or AXYB", or lower case
// ("axb, ax, axe or axyb") when lower is set.
func ModeList(lower bool) string {
	return listModes(Modes, lower)
}

// listModes spells modes as "A, B or C", in upper or lower case.
func listModes(modes []Mode, lower bool) string {
	names := make([]string, len(modes))
	for i, m := range modes {
		names[i] = string(m)
		if lower {
			names[i] = m.Lower()
		}
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// SecondScope reports whether a mode belongs to the contract's second scope (AXYB, reference
// §6): a profile need not have an app of it, and without one its scenarios are not checked,
// so that profiles written for the first scope stay valid.
func (m Mode) SecondScope() bool { return m.Spec().SecondScope }

// InterfaceFor returns the interface of an operation ("bind", "unbind", "modify", "query",
// "callee") in a mode, by the Op of its row; ok is false when the mode has no such interface
// (AXE has no callee).
func InterfaceFor(m Mode, op string) (Interface, bool) {
	for _, i := range Interfaces {
		if m != "" && i.Mode == m && i.Op == op {
			return i, true
		}
	}
	return Interface{}, false
}
