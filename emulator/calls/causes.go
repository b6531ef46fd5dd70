package calls

// Hang-up causes (reference §7.7) the simulator produces, with the emulator's stateDesc (D69).
const (
	CauseNormal       = 0
	CauseRejected     = 7504
	CauseCallerHangup = 8009
	CauseMaxDuration  = 8010
	CauseNoTempCallee = 8013
	CauseNoBinding    = 8014
	CauseDirection    = 8016
	// CauseReleasedByCustomer ends a call stopped by the stop call (§11.2, D81).
	CauseReleasedByCustomer = 8017
	CauseNoPermission       = 8018
	CauseNoCallback         = 8019
	CauseServiceError       = 8020
	CauseNoExtension        = 8022
	CauseRealCallerShown    = 8024
	CauseNoAnswer           = 8101
)

// Q.850 causes used in fee records (reference §8.5).
const (
	q850None     = 0
	q850Busy     = 17
	q850NoAnswer = 19
	q850Rejected = 21
)

var stateDescs = map[int]string{
	CauseNormal:             "The user releases the call.",
	CauseRejected:           "The call is rejected.",
	CauseCallerHangup:       "Caller hung up.",
	CauseMaxDuration:        "Maximum call duration reached.",
	CauseNoTempCallee:       "Invalid AX call: no temporary callee.",
	CauseNoBinding:          "Invalid AXB call: no binding.",
	CauseDirection:          "Call direction not allowed.",
	CauseReleasedByCustomer: "Released by customer.",
	CauseNoPermission:       "No permission.",
	CauseNoCallback:         "No callback record.",
	CauseServiceError:       "Service error.",
	CauseNoExtension:        "Extension binding does not exist.",
	CauseRealCallerShown:    "Real caller display not allowed.",
	CauseNoAnswer:           "No answer.",
}

// StateDesc returns the emulator's stateDesc for a hang-up cause (reference §7.7).
func StateDesc(code int) string {
	if d, ok := stateDescs[code]; ok {
		return d
	}
	return "Other error."
}
