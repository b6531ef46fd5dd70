package pns

import (
	"fmt"
	"strings"
)

// Modes lists every binding mode the harness serves, in the order that lists, reports and
// default profiles use. It is the one place a mode is enumerated: validation, parsing, error
// messages and per-mode loops derive from it, so that a new mode is added here once.
var Modes = []Mode{ModeAXB, ModeAX, ModeAXE, ModeAXYB}

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
	names := make([]string, len(Modes))
	for i, m := range Modes {
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
