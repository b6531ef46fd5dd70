package conformance

import (
	"github.com/pns-harness/pns-harness/pns"
)

// confMode is what the conformance run needs of a mode beyond pns.ModeSpec. A new mode is one
// row of confModes; a test checks every mode of pns.Modes has one.
type confMode struct {
	// lifetimeAsWritten are the body fields, besides the lifetime field and its unit field,
	// whose presence makes a bind go as written (withLifetime): an added lifetime would change
	// what they mean (AXE: timeUnit is also the unit of callbackExpiredTime) or what the bind
	// is (AXYB: a body with subscriptionId is a YB bind, and ybDuration would be capped by an
	// added duration, §6.2).
	lifetimeAsWritten []string
}

// modeSteps are the step sets of modes whose steps live in a file of their own (axyb.go),
// registered from that file and added where the actions are, so that a new mode's steps are
// one new file and no line in steps.go.
var modeSteps []func(w *world, sc stepRegistry)

// confModes holds the confMode of every mode of pns.Modes.
var confModes = map[pns.Mode]confMode{
	pns.ModeAXB:  {},
	pns.ModeAX:   {},
	pns.ModeAXE:  {lifetimeAsWritten: []string{"callbackExpiredTime"}},
	pns.ModeAXYB: {lifetimeAsWritten: []string{"subscriptionId", "ybDuration"}},
}
