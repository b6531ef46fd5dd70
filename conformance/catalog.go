package conformance

import (
	"github.com/pns-harness/pns-harness/pns"
)

// The rule catalog: the parameter and business rules each interface must have a scenario for,
// and the result codes no scenario can provoke. Split from coverage.go (issue 23) so that the
// catalog, which grows with every interface, is apart from the code that judges coverage; a
// mode whose steps have a file of their own adds its rows from there (axyb.go).

// IfaceAuthentication is the pseudo-interface of the authentication feature: its scenarios
// check §2 on whichever interface they call.
const IfaceAuthentication = "authentication"

// IfaceCallbacks is the pseudo-interface of the notifications of simulated calls, SMS and
// X-number status changes (§7-§10); its rules are the event sequences of §7.4 and the
// delivery rules checked at the customer's URLs.
const IfaceCallbacks = "callbacks"

// Rules is the catalog of parameter and business rules per interface (reference §2-§5, §11,
// §13), in tag form: a scenario tagged @rule:<rule> and @<interface> covers it. Rule kinds:
// mandatory, length, format, range, enum, type (wrong JSON type), alternative (one of several
// parameters required), precedence, default, distinct (two values must differ), exclusive
// (must not be sent together), pair (must be sent together), business (§13 and the business
// rules of each interface). A mode whose steps live in a file of their own adds its
// interfaces' rows from that file (axyb.go), so that a new mode is one file of this package.
var Rules = map[string][]string{
	pns.IfaceAXBBind: {
		"mandatory:callerNum", "mandatory:calleeNum", "length:callerNum", "length:calleeNum",
		"format:callerNum", "format:calleeNum", "format:relationNum", "range:duration", "type:duration",
		"range:maxDuration", "enum:callDirection", "type:callDirection", "enum:areaMatchMode",
		"enum:recordFlag", "enum:privateSms", "type:preVoice", "length:userData", "format:userData",
		"distinct:callerNum,calleeNum", "precedence:relationNum>areaCode", "default:callDirection",
		"business:x-reuse", "business:x-not-owned", "business:no-eligible-x", "business:x-full",
		"business:x-not-normal", "business:recording-disabled", "business:area-selection",
		"business:mode-mismatch", "business:content-type", "business:malformed-json",
		"business:tone-approval", "business:null-is-absent", "business:boolean-flags",
		"length:recordHintTone", "length:lastMinVoice", "type:callerNum",
		"business:expiry-instant",
		"business:x-frozen", "business:private-sms",
		"default:areaMatchMode",
	},
	pns.IfaceAXBUnbind: {
		"alternative:relationNum|subscriptionId", "format:relationNum", "precedence:subscriptionId>relationNum",
		"business:unbind-all-by-x", "business:x-not-owned", "business:unknown-subscription",
		"business:x-without-bindings", "business:unescaped-plus",
		"business:isolation",
	},
	pns.IfaceAXBModify: {
		"mandatory:subscriptionId", "format:calleeNum", "range:duration", "distinct:callerNum,calleeNum",
		"business:x-reuse", "business:unknown-subscription", "business:recording-disabled",
		"business:expiry-restart", "business:no-op",
		"business:never-expires",
	},
	pns.IfaceAXBQuery: {
		"alternative:relationNum|subscriptionId", "precedence:subscriptionId", "business:role-match",
		"business:pagination", "business:utc-time", "business:unknown-subscription", "business:isolation", "business:expiry",
		"business:requires-relationNum",
		"business:answer-content-type",
	},
	pns.IfaceAXBind: {
		"mandatory:origNum", "length:origNum", "format:origNum", "format:privateNum", "enum:privateNumType",
		"enum:calleeNumDisplay", "enum:turnFlag", "range:maxDuration", "type:maxDuration", "enum:callDirection",
		"type:preVoice", "length:userData", "business:ax-one-a-per-x", "business:ax-same-a-x",
		"business:ax-5x-limit", "business:x-not-owned", "business:x-not-normal", "business:no-eligible-x",
		"business:recording-disabled", "precedence:privateNum>areaCode", "business:mode-mismatch",
		"business:answer-content-type",
	},
	pns.IfaceAXUnbind: {
		"alternative:subscriptionId|privateNum", "pair:origNum+privateNum", "business:x-not-owned",
		"business:unknown-subscription", "business:a-mismatch", "precedence:subscriptionId",
	},
	pns.IfaceAXModify: {
		"alternative:subscriptionId|privateNum", "format:origNum", "range:maxDuration", "enum:turnFlag",
		"business:ax-5x-limit", "business:x-not-owned", "business:unknown-subscription",
		"business:recording-disabled",
	},
	pns.IfaceAXQuery: {
		"alternative:subscriptionId|origNum|privateNum", "precedence:subscriptionId>origNum>privateNum",
		"business:unknown-subscription", "format:origNum", "business:utc-time",
		"business:absent-unset",
	},
	pns.IfaceAXCallee: {
		"mandatory:calleeNum", "alternative:subscriptionId|privateNum", "range:duration",
		"distinct:calleeNum,origNum", "format:calleeNum", "business:x-not-owned",
		"business:unknown-subscription", "length:userData",
		"default:duration",
	},
	pns.IfaceAXEBind: {
		"mandatory:bindNum", "format:bindNum", "format:virtualNum", "format:extendNum", "length:extendNum",
		"enum:displayNumMode", "enum:timeUnit", "range:bindExpiredTime", "exclusive:callbackTone,callbackNum",
		"business:extension-taken", "business:same-bindnum", "business:x-not-owned", "business:x-not-normal",
		"business:recording-disabled", "business:extension-allocation", "precedence:virtualNum>areaCode",
		"business:expiry", "business:mode-mismatch",
	},
	pns.IfaceAXEUnbind: {
		"alternative:subscriptionId|virtualNum+extendNum", "pair:virtualNum+extendNum",
		"business:x-not-owned", "business:unknown-subscription",
	},
	pns.IfaceAXEModify: {
		"alternative:subscriptionId|virtualNum+extendNum", "exclusive:callbackTone,callbackNum",
		"business:unknown-subscription", "business:x-not-owned", "business:recording-disabled",
		"business:lifetime-not-applied",
	},
	pns.IfaceAXEQuery: {
		"alternative:subscriptionId|virtualNum+extendNum", "pair:virtualNum+extendNum",
		"business:unknown-subscription", "precedence:subscriptionId",
	},
	pns.IfaceRecordDownload: {
		"mandatory:fileName", "mandatory:recordDomain", "business:unknown-recording",
		"business:injected-errors", "business:download-redirect", "business:retention",
		"business:recording-isolation",
	},
	pns.IfaceStopCall: {
		"mandatory:sessionid", "mandatory:signal", "length:sessionid", "type:sessionid", "enum:signal",
		"business:unknown-call", "business:ended-call", "business:stop-live-call", "business:isolation",
		"business:every-mode", "business:content-type", "business:answer-content-type", "business:auth",
	},
	IfaceCallbacks: {
		"sequence:S1", "sequence:B1", "sequence:B2", "sequence:B3-B6", "sequence:B7", "sequence:B8", "sequence:B9",
		"sequence:X1", "sequence:X2", "sequence:X3", "sequence:X4", "sequence:X6", "sequence:X7",
		"sequence:E1", "sequence:E2", "sequence:E3", "sequence:E4", "sequence:E5", "sequence:E6",
		"sequence:M1", "sequence:M2", "sequence:M3", "delivery:xmode-callin",
		"sequence:Y1", "sequence:Y2", "sequence:Y3", "sequence:Y4", "sequence:Y5", "sequence:Y6",
		"business:recorded-call", "sms:axb-forward", "sms:ax-forward",
		"sms:block-route", "sms:block-discard", "sms:block-invalid", "sms:x-block", "business:forced-cause",
		// What arrives at the customer's URLs (callback_delivery.feature): §7.1 signing, §7.6
		// re-push, §8 fee records and batching, §9 X-number status, §10 SMS, §11 recordings.
		"delivery:events", "delivery:signature-aksk", "delivery:signature-wsse", "delivery:fee",
		"delivery:fee-batch", "delivery:fee-cap", "delivery:retry", "delivery:numstatus", "delivery:numstatus-cap", "business:x-paused",
		"delivery:sms-notify", "delivery:sms-block", "delivery:recording",
		"meaning:fee-first-leg", "meaning:icid-unique",
	},
	IfaceAuthentication: {
		"business:aksk-ok", "business:separators", "business:stale-created", "business:future-created", "business:nonce-replay", "business:bad-digest",
		"business:unknown-app-key", "business:wsse", "business:lockout", "business:allow-list",
		"business:frozen", "business:local-time-tolerance", "business:malformed-created",
		"business:nonce-length", "business:authorization-format", "business:x-aksk-format",
		"business:digest-encoding", "business:scheme-case", "business:attribute-case", "business:lockout-threshold", "business:lockout-counting", "business:lockout-peer",
		"business:lockout-extension",
	},
}

// Unreachable lists result codes of §12 that the suite cannot provoke, with the reason.
var Unreachable = map[pns.Code]string{
	pns.CodeWSSEMissingInAuth: "legacy code of older tables; the emulator never sends it (§2.2)",
	pns.CodeAppUnavailable:    "documented for the sibling VoiceCall product only; never sent by the emulator",
	pns.CodeAccountNotExist:   "AX family code that the emulator never sends (§12)",
	pns.CodeBlacklisted:       "X blacklisting is outside the first scope; never sent (§12)",
}
