package main

// verdict is what a subcommand found, in the terms its exit code is decided on. Each
// subcommand fills it from its own results; exitFor alone turns it into the exit code, so that
// every subcommand answers the same finding with the same code.
type verdict struct {
	// usage: the arguments, the configuration or the profile were refused before the first
	// request.
	usage bool
	// interrupted: a signal stopped the work (after cleanup).
	interrupted bool
	// failed counts the failed checks: scenarios, schema and callback checks, bindings left
	// on the platform, run errors.
	failed int
	// couldNotCheck says why nothing or too little was measured to judge (target
	// unreachable, credentials refused, client IP locked out); "" when the run could judge.
	couldNotCheck string
	// thresholds counts the broken thresholds.
	thresholds int
}

// exitFor is the exit code of a verdict, by precedence: a usage error (nothing ran), an
// interrupt, failed checks (a failure found is a finding, whatever else happened), could not
// check, broken thresholds, passed. The table is exitCodes.
func exitFor(v verdict) int {
	switch {
	case v.usage:
		return exitUsage
	case v.interrupted:
		return exitInterrupted
	case v.failed > 0:
		return exitFailed
	case v.couldNotCheck != "":
		return exitCouldNotCheck
	case v.thresholds > 0:
		return exitThreshold
	}
	return exitOK
}
