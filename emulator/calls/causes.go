package calls

import "github.com/pns-harness/pns-harness/pns"

// Hang-up causes (reference §7.7) the simulator produces, with the emulator's stateDesc (D69).
const (
	CauseNormal          = 0
	CauseRejected        = 7504
	CauseCallerHangup    = 8009
	CauseMaxDuration     = 8010
	CauseNoTempCallee    = 8013
	CauseNoBinding       = 8014
	CauseDirection       = 8016
	CauseNoPermission    = 8018
	CauseNoCallback      = 8019
	CauseServiceError    = 8020
	CauseNoExtension     = 8022
	CauseRealCallerShown = 8024
	CauseNoAnswer        = 8101
)

// Q.850 causes used in fee records (reference §8.5).
const (
	q850None     = 0
	q850Busy     = 17
	q850NoAnswer = 19
	q850Rejected = 21
)

// StateDesc returns the emulator's stateDesc for a hang-up cause (reference §7.7, D69): the
// table of package pns, "Other error." for a code it does not list.
func StateDesc(code int) string {
	if c, ok := pns.LookupHangupCause(code); ok {
		return c.StateDesc
	}
	return pns.OtherErrorDesc
}

// Recording failures of reference §7.7: a call released with one of them has no recording.
const (
	causeRecordingFailed  = 8015
	causeRecordingFailed2 = 8041
	causeCalleeBusy       = 8102
	causeCalleeDeclined   = 7503
)

// forcedOutcome is the forwarded-leg outcome whose event sequence a forced cause's stage
// produces: callout only (busy), callout and alerting (no answer), or an answered call.
func forcedOutcome(st pns.CauseStage) string {
	switch st {
	case pns.StageCallout:
		return OutcomeBusy
	case pns.StageRinging:
		return OutcomeNoAnswer
	}
	return OutcomeAnswered
}

// forcedQ850 is the Q.850 cause of the fee record (§8.5) for a forced hang-up cause: the
// standard cause where the meaning names one, 0 otherwise.
func forcedQ850(code int) int {
	switch code {
	case CauseRejected, causeCalleeDeclined:
		return q850Rejected
	case causeCalleeBusy:
		return q850Busy
	case CauseNoAnswer:
		return q850NoAnswer
	}
	return q850None
}

// recordingFailed reports whether a forced cause says the recording failed.
func recordingFailed(d decision) bool {
	return d.forced != nil && (d.forced.Code == causeRecordingFailed || d.forced.Code == causeRecordingFailed2)
}
