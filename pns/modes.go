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
// What AXYB took, counted when it landed (issue 24), so that the next mode knows the cost:
// 49 production Go files in 11 packages, 41 of them with mode-specific code and 8 only with
// text that named the modes or a count over them (4 in cmd/harness, features,
// internal/docgen, loadtest/workload.go and loadtest/text.go); plus 6 schemas, 4 features, 1 example workload, the emulator's
// default configuration and its admin OpenAPI text, and generated docs. The target of issue
// 23 is about 15. By package:
//
//   - pns (4): the constant and this list (modes.go), its interface rows, IDs and URI
//     (interfaces.go), the result codes' interface lists (codes.go), request and response types
//     with client methods (a new file, axyb.go). SecondScope marks a mode a profile need not
//     have an app of.
//   - schemas (1 + JSON): the interface table (interfaces.go) and one request and one response
//     schema per interface in schemas/json, then `go generate ./schemas`.
//   - emulator (9): the mode's endpoints and decoders (a new file), one row in endpoints.go,
//     fidelity rows (fidelity.go, then regenerate docs/fidelity.md), the admin dump (admin.go);
//     AXYB also needed its URL query on a POST (handlers.go, validate.go) and a per-app limit
//     (config.go, config_normalize.go, emulator.go), and its app in default.yaml.
//   - emulator/store (4): the mode's rules (a new file), state fields, capacity, reset and
//     expiry hooks (store.go), invariants and dump (invariants.go), settings (api.go).
//   - emulator/calls (3): routing (a new file), one case in sim.go's route, and what the fee
//     record omits (types.go).
//   - conformance (9): steps for the mode's own shapes (a new file), cleanup of its bindings
//     and their lifetime (guard.go, world.go, lifetime.go), coverage rules (coverage.go), the
//     demo and special apps (profile.go, emulator.go), and for a second-scope mode the
//     not-applicable rule (modeapps.go); steps.go registers the steps.
//   - loadtest (9): the bind body (body.go), the answer's X field (check.go, op_bind.go,
//     cleanup.go), reconciliation and the credential probe's path (cleanup.go,
//     credentials.go), the X pool (xpool.go), and for AXYB the app_key parameter (flow.go,
//     operation.go, run.go).
//   - profile (2): capacity (capacity.go) and which apps a conformance profile needs
//     (profile.go).
//
// Most of the loadtest and conformance rows are per-mode switches over request shapes (which
// field holds X, how a lost bind is found again, which path an unbind takes); a per-mode
// description in this package (bind field names, lookup parameters, URL parameters) would
// remove them.
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
// "callee") in a mode; ok is false when the mode has no such interface (AXE has no callee).
func InterfaceFor(m Mode, op string) (Interface, bool) {
	i, ok := InterfaceByID(m.Lower() + "." + op)
	if !ok || i.Mode != m {
		return Interface{}, false
	}
	return i, true
}
