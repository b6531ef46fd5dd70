package pns

import "sort"

// CauseGroup is Huawei's group of a hang-up cause in the cause table of reference §7.7
// (通话挂机原因值说明): binding, caller, number, callee, tenant, control, platform, network,
// or older for codes absent from the current table but present in earlier ones.
type CauseGroup string

// Groups of the hang-up cause table (reference §7.7).
const (
	CauseGroupNone     CauseGroup = ""
	CauseGroupBinding  CauseGroup = "binding"
	CauseGroupCaller   CauseGroup = "caller"
	CauseGroupNumber   CauseGroup = "number"
	CauseGroupCallee   CauseGroup = "callee"
	CauseGroupTenant   CauseGroup = "tenant"
	CauseGroupControl  CauseGroup = "control"
	CauseGroupPlatform CauseGroup = "platform"
	CauseGroupNetwork  CauseGroup = "network"
	CauseGroupOlder    CauseGroup = "older"
)

// CauseStage is how far a simulated call gets before a forced hang-up cause releases it
// (D91): the meaning of a code says when it can happen (a callee that is busy never rang; a
// caller who hung up during ringing heard the callee ring).
type CauseStage int

// Stages of a call at which a hang-up cause releases it.
const (
	// StageInbound releases the inbound leg before any forwarded leg (callin, disconnect).
	StageInbound CauseStage = iota
	// StageCallout releases the forwarded leg before it rings (callout, disconnect).
	StageCallout
	// StageRinging releases the forwarded leg while it rings (callout, alerting, disconnect).
	StageRinging
	// StageTalk releases an answered call (callout, alerting, answer, disconnect).
	StageTalk
)

// HangupCause is one row of the hang-up cause table (reference §7.7): the `stateCode` of a
// `disconnect` event and the `ulFailReason` of the call's fee record.
type HangupCause struct {
	Code  int
	Group CauseGroup
	// Meaning is the contract's meaning of the code (Huawei's words, translated).
	Meaning string
	// StateDesc is the emulator's `stateDesc` for the code (D69); a real platform may send
	// other words, so nothing may compare a received stateDesc with it.
	StateDesc string
	// Stage is how far a call gets before this cause releases it (D91).
	Stage CauseStage
}

// hangupCauses is the table of reference §7.7, the older rows included, plus the codes that
// only older tables list (8000-8004, 8009, 8012, 8106-8111), so that a platform sending one of
// them is recognised rather than reported unknown.
var hangupCauses = []HangupCause{
	{0, CauseGroupNone, "normal hang-up after connection", "The user releases the call.", StageTalk},
	{8013, CauseGroupBinding, "AX call with a binding but no temporary callee", "Invalid AX call: no temporary callee.", StageInbound},
	{8014, CauseGroupBinding, "AXB/X-mode call with no binding, a bad number, etc.", "Invalid AXB call: no binding.", StageInbound},
	{8016, CauseGroupBinding, "call direction not allowed", "Call direction not allowed.", StageInbound},
	{8019, CauseGroupBinding, "no callback record", "No callback record.", StageInbound},
	{8022, CauseGroupBinding, "AXE binding missing or expired", "Extension binding does not exist.", StageInbound},
	{8030, CauseGroupBinding, "no AXYB relation", "No AXYB binding.", StageInbound},
	{8031, CauseGroupBinding, "no Y could be assigned during an AXYB call", "Y allocation failed.", StageInbound},
	{7501, CauseGroupCaller, "caller hung up before the callee rang", "Caller hung up before ringing.", StageCallout},
	{7502, CauseGroupCaller, "caller hung up after the callee started ringing", "Caller hung up during ringing.", StageRinging},
	{7516, CauseGroupCaller, "caller hung up before the call was forwarded", "Caller hung up before forwarding.", StageInbound},
	{8032, CauseGroupCaller, "AXYB: a bound number dialled its own privacy number", "Own privacy number dialled.", StageInbound},
	{8033, CauseGroupCaller, "empty extension received (AXE)", "Empty extension.", StageInbound},
	{8025, CauseGroupNumber, "dialled X does not exist (AXE)", "X number does not exist.", StageInbound},
	{7503, CauseGroupCallee, "callee declined the call", "Callee declined the call.", StageRinging},
	{7504, CauseGroupCallee, "call rejected (declined, DND or blacklist, blocked on the callee's phone)", "The call is rejected.", StageRinging},
	{8035, CauseGroupCallee, "the platform's connection timeout, about 90 s after forwarding", "Connection timeout.", StageRinging},
	{8100, CauseGroupCallee, "callee number does not exist", "Callee does not exist.", StageCallout},
	{8101, CauseGroupCallee, "no answer after ringing", "No answer.", StageRinging},
	{8102, CauseGroupCallee, "callee busy", "Callee busy.", StageCallout},
	{8103, CauseGroupCallee, "callee's signal faulty, the carrier could not reach the callee", "Callee unreachable.", StageCallout},
	{8104, CauseGroupCallee, "callee powered off", "Callee powered off.", StageCallout},
	{8105, CauseGroupCallee, "callee's line suspended", "Callee out of service.", StageCallout},
	{7100, CauseGroupTenant, "app does not exist", "App does not exist.", StageInbound},
	{7101, CauseGroupTenant, "app has no privacy numbers", "App has no privacy numbers.", StageInbound},
	{7105, CauseGroupTenant, "service type mismatch", "Service type mismatch.", StageInbound},
	{7106, CauseGroupTenant, "app lacks the privacy-call capability", "App has no privacy-call capability.", StageInbound},
	{7108, CauseGroupTenant, "account frozen", "Account frozen.", StageInbound},
	{7507, CauseGroupTenant, "tone file missing", "Tone file missing.", StageInbound},
	{8006, CauseGroupTenant, "X-mode tone file does not exist", "X-mode tone file missing.", StageInbound},
	{8010, CauseGroupTenant, "released at the maximum call duration", "Maximum call duration reached.", StageTalk},
	{7001, CauseGroupControl, "developer call-rate control", "Developer call-rate control.", StageInbound},
	{7002, CauseGroupControl, "app call-rate control", "App call-rate control.", StageInbound},
	{7003, CauseGroupControl, "display-number call-rate control", "Display-number call-rate control.", StageInbound},
	{7004, CauseGroupControl, "callee on a blacklist", "Callee blacklisted.", StageInbound},
	{7005, CauseGroupControl, "caller on a blacklist", "Caller blacklisted.", StageInbound},
	{7107, CauseGroupControl, "security-control prompt could not be played", "Security prompt failed.", StageInbound},
	{7109, CauseGroupControl, "tenant out of voice ports", "Tenant out of voice ports.", StageInbound},
	{7500, CauseGroupControl, "call prefix restricted", "Call prefix restricted.", StageInbound},
	{8018, CauseGroupControl, "no service permission (including: no AX binding)", "No permission.", StageInbound},
	{8023, CauseGroupControl, "fixed line not allowed as caller", "Fixed-line caller not allowed.", StageInbound},
	{8024, CauseGroupControl, "\"show real caller\" display mode not allowed", "Real caller display not allowed.", StageInbound},
	{8042, CauseGroupControl, "international inbound calls restricted", "International inbound restricted.", StageInbound},
	{8043, CauseGroupControl, "international outbound calls restricted", "International outbound restricted.", StageInbound},
	{8044, CauseGroupControl, "control on abnormal call durations", "Abnormal call duration control.", StageInbound},
	{8046, CauseGroupControl, "control on an abnormal answer rate", "Abnormal answer rate control.", StageInbound},
	{8047, CauseGroupControl, "caller call-frequency control", "Caller call-frequency control.", StageInbound},
	{8048, CauseGroupControl, "callee call-frequency control", "Callee call-frequency control.", StageInbound},
	{8049, CauseGroupControl, "service-number (X) call-frequency control", "Service-number call-frequency control.", StageInbound},
	{8050, CauseGroupControl, "call time-window restriction", "Call time window restricted.", StageInbound},
	{8051, CauseGroupControl, "sub-enterprise suspended", "Sub-enterprise suspended.", StageInbound},
	{8055, CauseGroupControl, "X unusable, calls and SMS unavailable", "X number unusable.", StageInbound},
	{8056, CauseGroupControl, "dial-test number control", "Dial-test number control.", StageInbound},
	{8057, CauseGroupControl, "call-direction control", "Call-direction control.", StageInbound},
	{522, CauseGroupPlatform, "platform out of voice ports", "Platform out of voice ports.", StageInbound},
	{8007, CauseGroupPlatform, "last-minute tone failed", "Last-minute tone failed.", StageTalk},
	{8008, CauseGroupPlatform, "prompt/digit collection failed", "Digit collection failed.", StageInbound},
	{8015, CauseGroupPlatform, "recording failed", "Recording failed.", StageTalk},
	{8041, CauseGroupPlatform, "recording failed", "Recording failed.", StageTalk},
	{7102, CauseGroupPlatform, "other errors", "Other error.", StageInbound},
	{8011, CauseGroupPlatform, "other errors", "Other error.", StageInbound},
	{8040, CauseGroupPlatform, "other errors", "Other error.", StageInbound},
	{8139, CauseGroupPlatform, "other errors", "Other error.", StageInbound},
	{7505, CauseGroupNetwork, "caller-side network error", "Caller network error.", StageInbound},
	{7506, CauseGroupNetwork, "callee-side network error (e.g. malformed bound number)", "Callee network error.", StageCallout},
	{7508, CauseGroupNetwork, "routing failed", "Routing failed.", StageInbound},
	{8017, CauseGroupOlder, "X mode: customer ordered hang-up", "Released by customer.", StageInbound},
	{8020, CauseGroupOlder, "service error (now grouped under other errors)", "Service error.", StageInbound},
	{8000, CauseGroupOlder, "internal error", "Internal error.", StageInbound},
	{8001, CauseGroupOlder, "not connected", "Not connected.", StageCallout},
	{8002, CauseGroupOlder, "prompt failed", "Prompt failed.", StageInbound},
	{8003, CauseGroupOlder, "ringing timeout", "Ringing timeout.", StageRinging},
	{8004, CauseGroupOlder, "hang-up while ringing", "Hang-up while ringing.", StageRinging},
	{8009, CauseGroupOlder, "caller hung up", "Caller hung up.", StageRinging},
	{8012, CauseGroupOlder, "invalid app_key", "Invalid app_key.", StageInbound},
	{8106, CauseGroupOlder, "caller number does not exist", "Caller does not exist.", StageInbound},
	{8107, CauseGroupOlder, "caller: no answer", "Caller no answer.", StageInbound},
	{8108, CauseGroupOlder, "caller busy", "Caller busy.", StageInbound},
	{8109, CauseGroupOlder, "caller unreachable", "Caller unreachable.", StageInbound},
	{8110, CauseGroupOlder, "caller powered off", "Caller powered off.", StageInbound},
	{8111, CauseGroupOlder, "caller's line suspended", "Caller out of service.", StageInbound},
}

var causeByCode = func() map[int]HangupCause {
	m := make(map[int]HangupCause, len(hangupCauses))
	for _, c := range hangupCauses {
		m[c.Code] = c
	}
	return m
}()

// HangupCauses returns every hang-up cause of reference §7.7, ordered by code.
func HangupCauses() []HangupCause {
	out := append([]HangupCause(nil), hangupCauses...)
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// LookupHangupCause returns the row of a hang-up cause; ok is false for a code the contract
// does not list.
func LookupHangupCause(code int) (c HangupCause, ok bool) {
	c, ok = causeByCode[code]
	return c, ok
}

// OtherErrorDesc is the emulator's stateDesc for a code outside the table (reference §7.7's
// "other errors").
const OtherErrorDesc = "Other error."
