package pns

import (
	"fmt"
	"strings"
)

// Modes lists every binding mode the harness serves, in the order that lists, reports and
// default profiles use. It is the one place a mode is enumerated: validation, parsing, error
// messages, per-mode loops, the load's per-mode interface map and the conformance steps'
// mode patterns derive from it, so that a new mode is listed here once.
//
// # How to add a mode
//
// The per-mode facts the load generator, the conformance run, cleanup and capacity need are
// data: one ModeSpec row here (bind field names, the answer's X field, app_key in the URL,
// the lifetime field and its bounds, one-A-per-X, extensions, capacity unit) and one row in
// each package's own table for what only that package needs (loadtest.loadModes: bind field
// order, who calls a binding, how a lost bind is found again; conformance.confModes: the body
// fields that keep a bind as written, and modeSteps: the mode's steps; emulator/calls
// modeRoutes: the routing rule and the fee record's serviceType). Tests check that every
// mode of Modes has its rows. Recounted after issue 23's descriptors and per-mode tables
// against the AXYB merge (49 files, many of them one-time generalisations), a mode like AXYB
// now takes about 17 production Go files:
//
//   - pns (5): the constant, its interface rows, IDs and path (interfaces.go), this list (and
//     SecondScope, for a second-scope mode), the result codes' interface lists (codes.go), the
//     ModeSpecs row (modespec.go), request and response types with client methods (a new file,
//     like axyb.go).
//   - schemas (1 + JSON): the interface table (interfaces.go) and one request and one response
//     schema per interface in schemas/json, then `go generate ./schemas`.
//   - emulator (3): the mode's endpoints, decoders and admin dump (a new file), its entry of
//     modes and its BindingsDump list (endpoints.go), fidelity rows (fidelity.go, then
//     regenerate docs/fidelity.md), and its app in default.yaml. A mode with AXYB's quirks
//     adds more: a URL query on a POST (handlers.go, validate.go), a per-app limit
//     (config.go, config_normalize.go, emulator.go, store/api.go).
//   - emulator/store (2): the mode's rules, state, expiry and invariants with its modeStores
//     entry (a new file), and a line in each list of store/modes.go.
//   - emulator/calls (1): routing (a new file that registers its rule and serviceType in
//     modeRoutes).
//   - conformance (4): steps for the mode's own shapes (a new file that registers them in
//     modeSteps), the confModes row (modes.go), coverage rules (coverage.go), special apps
//     such as a small pool (emulator.go); the demo profile is profile.Demo's, from Modes.
//   - loadtest (1): the loadModes row (modes.go); check.go too when the bind's answer names X
//     in a field no mode used before (answer.x).
//   - profile and cmd/harness (0): capacity, validation and flags read this package (only
//     the --lifetime help texts of conform and load name the modes with a lifetime).
//
// Plus schemas, features, an example workload, the emulator's default configuration and
// admin OpenAPI text, and generated docs. The target of issue 23 is about 15; pns (5) and
// conformance (4) are the largest shares left.
var Modes = []Mode{ModeAXB, ModeAX, ModeAXE, ModeAXYB}

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
func (m Mode) SecondScope() bool { return m == ModeAXYB }

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
