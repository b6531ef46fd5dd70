package conformance

// modeSteps are the step sets of modes whose steps live in a file of their own (axyb.go),
// registered from that file and added where the actions are, so that a new mode's steps are
// one new file and no line in steps.go. Everything else the conformance run needs of a mode
// is in pns (pns.ModeSpec, the mode's rows of pns.Interfaces).
var modeSteps []func(w *world, sc stepRegistry)
