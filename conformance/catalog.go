package conformance

import (
	"slices"

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
	IfaceCallbacks: slices.Concat([]string{
		// Calls, SMS and recordings as the platform handles them.
		"sequence:S1", "sequence:B1", "sequence:B2", "sequence:B3-B6", "sequence:B7", "sequence:B8", "sequence:B9",
		"sequence:X1", "sequence:X2", "sequence:X3", "sequence:X4", "sequence:X6", "sequence:X7",
		"sequence:E1", "sequence:E2", "sequence:E3", "sequence:E4", "sequence:E5", "sequence:E6",
		"sequence:M1", "sequence:M2", "sequence:M3", "delivery:xmode-callin",
		"sequence:Y1", "sequence:Y2", "sequence:Y3", "sequence:Y4", "sequence:Y5", "sequence:Y6",
		"business:recorded-call", "sms:axb-forward", "sms:ax-forward",
		"sms:block-route", "sms:block-discard", "sms:block-invalid", "sms:x-block", "business:forced-cause",
	},
		// What arrives at the customer's URLs (callback_delivery.feature): §7.1 signing, §7.6
		// re-push, §8 fee records and batching, §9 X-number status, §10 SMS, §11 recordings;
		// registered with their steps in pushsteps.go (pushRules) and spliced in here.
		pushRuleTags(),
		[]string{"meaning:fee-first-leg", "meaning:icid-unique"},
	),
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

// tagRuleIDs maps "<interface> <rule tag>" to the inventory rules the tag's scenarios check,
// where the tag is not a field rule of the interface's request table (those map by field
// name, see RuleIDsOfTag). Written by reading both sides: a rule tag names what the scenarios
// test, the inventory ID names where the reference states it. It sits beside Rules, so that
// an interface's rules and where the reference states them are written in one file; a mode
// whose steps have a file of their own adds its rows from there (axyb.go).
var tagRuleIDs = withPushRefs(map[string][]string{
	"axb.bind business:x-reuse":                {"13.1/1-X-5000-AXB-CXD-AXB-BXC-one-X-may", "13.6/Occurrences-of-a-real-number-per-X-AXB"},
	"axb.bind business:x-not-owned":            {"3.2/relationNum", "D30"},
	"axb.bind business:no-eligible-x":          {"13.5/areaCode-areaMatchMode-0-or-absent", "D31"},
	"axb.bind business:x-full":                 {"13.6/AXB-bindings-per-X", "13.1/Capacity-5000-bindings-per-X", "D31"},
	"axb.bind business:x-not-normal":           {"9/Effects-normal-none", "D32"},
	"axb.bind business:recording-disabled":     {"3.1/Recording-needs-the-app-level-recording", "3.2/recordFlag", "D42"},
	"axb.bind business:area-selection":         {"13.5/areaCode-areaMatchMode-1", "13.5/neither-AXB-documented-AX-AXE-emulator-D", "3.2/areaCode", "D33", "D34"},
	"axb.bind business:mode-mismatch":          {"2.5/18", "D27"},
	"axb.bind business:content-type":           {"1.3/Content-Type", "1.3/Emulator-on-POST-PUT-the", "D18"},
	"axb.bind business:malformed-json":         {"D19"},
	"axb.bind business:tone-approval":          {"3.1/Custom-tones-recordHintTone-lastMinVoice", "D25"},
	"axb.bind business:null-is-absent":         {"D21"},
	"axb.bind business:boolean-flags":          {"1.7/Boolean-like-strings", "D23"},
	"axb.bind business:expiry-instant":         {"13.4/Emulator-an-expired-binding", "D43"},
	"axb.bind business:x-frozen":               {"9/Effects-normal-none", "9/numInfo-.status", "D32"},
	"axb.bind business:private-sms":            {"3.2/privateSms", "3.1/Recording-needs-the-app-level-recording"},
	"axb.bind distinct:callerNum,calleeNum":    {"3.2/calleeNum", "D28"},
	"axb.bind precedence:relationNum>areaCode": {"3.2/relationNum", "D35"},
	"axb.bind default:areaMatchMode":           {"3.2/areaMatchMode", "13.5/areaCode-areaMatchMode-0-or-absent"},

	"axb.unbind alternative:relationNum|subscriptionId": {"3.3/One-of-the-two-is", "D38"},
	"axb.unbind precedence:subscriptionId>relationNum":  {"3.3/subscriptionId"},
	"axb.unbind business:unbind-all-by-x":               {"3.3/relationNum"},
	"axb.unbind business:x-not-owned":                   {"3.3/relationNum-not-one-of-the-app-s-numbers"},
	"axb.unbind business:unknown-subscription":          {"3.3/subscriptionId-unknown-in-this-app", "D37"},
	"axb.unbind business:x-without-bindings":            {"D39"},
	"axb.unbind business:unescaped-plus":                {"1.4/Numbers-in-URL-query-strings", "D17"},
	"axb.unbind business:isolation":                     {"3.3/subscriptionId-unknown-in-this-app"},

	"axb.modify business:x-reuse":              {"3.4/Rules-the-resulting-A", "13.1/1-X-5000-AXB-CXD-AXB-BXC-one-X-may"},
	"axb.modify business:unknown-subscription": {"3.4/subscriptionId", "D37"},
	"axb.modify business:recording-disabled":   {"3.4/recordFlag", "D42"},
	"axb.modify business:expiry-restart":       {"13.4/AXB-duration-0-7776000-s-absent", "3.4/duration"},
	"axb.modify business:no-op":                {"3.4/Prerequisite-the-binding-exists-custom", "D40"},
	"axb.modify business:never-expires":        {"13.4/AXB-duration-0-7776000-s-absent", "3.4/duration"},
	"axb.modify distinct:callerNum,calleeNum":  {"3.4/Rules-the-resulting-A", "D40"},

	"axb.query alternative:relationNum|subscriptionId": {"3.5/relationNum", "3.5/parameter-combination-or-format-invalid", "D41"},
	"axb.query precedence:subscriptionId":              {"3.5/subscriptionId", "3.5/subscriptionId-others-ignored"},
	"axb.query business:role-match":                    {"3.5/relationNum-callerNum", "3.5/relationNum-calleeNum", "3.5/relationNum-callerNum-calleeNum"},
	"axb.query business:pagination":                    {"3.5/pageSize", "3.5/pageIndex", "3.5/relationNum-only", "13.6/AXB-query-pageSize"},
	"axb.query business:utc-time":                      {"3.5/subscribeTime", "1.7/Times-in-responses-and-notifications"},
	"axb.query business:unknown-subscription":          {"3.5/no-binding-matches-including-a-relationN", "D37"},
	"axb.query business:isolation":                     {"3.5/no-binding-matches-including-a-relationN"},
	"axb.query business:expiry":                        {"13.4/AXB-duration-0-7776000-s-absent", "D43"},
	"axb.query business:requires-relationNum":          {"3.5/parameter-combination-or-format-invalid", "D41"},
	"axb.query business:answer-content-type":           {"1.5/Every-provisioning-response-is-JSON"},

	"ax.bind business:ax-one-a-per-x":        {"4.1/X-belongs-exclusively-to-one", "13.6/A-numbers-per-X-AX", "D45"},
	"ax.bind business:ax-same-a-x":           {"D50"},
	"ax.bind business:ax-5x-limit":           {"4.1/X-belongs-exclusively-to-one", "13.6/X-numbers-per-A-AX-AXYB", "D46"},
	"ax.bind business:x-not-owned":           {"4.2/privateNum", "D48"},
	"ax.bind business:x-not-normal":          {"9/Effects-normal-none", "D32"},
	"ax.bind business:no-eligible-x":         {"D49", "D51"},
	"ax.bind business:recording-disabled":    {"4.2/recordFlag", "D42"},
	"ax.bind business:mode-mismatch":         {"2.5/18", "D27"},
	"ax.bind business:answer-content-type":   {"1.5/Every-provisioning-response-is-JSON"},
	"ax.bind precedence:privateNum>areaCode": {"4.2/privateNum", "13.5/explicit-X-relationNum-privateNum-virtua"},

	"ax.unbind alternative:subscriptionId|privateNum": {"4.3/subscriptionId", "4.3/privateNum", "D54"},
	"ax.unbind pair:origNum+privateNum":               {"4.3/origNum", "D54"},
	"ax.unbind business:x-not-owned":                  {"4.3/privateNum", "D48"},
	"ax.unbind business:unknown-subscription":         {"4.3/subscriptionId", "D47"},
	"ax.unbind business:a-mismatch":                   {"4.3/origNum", "D54"},
	"ax.unbind precedence:subscriptionId":             {"4.3/subscriptionId"},

	"ax.modify alternative:subscriptionId|privateNum": {"4.4/subscriptionId-privateNum-subscriptionId", "4.4/subscriptionId", "4.4/privateNum"},
	"ax.modify business:ax-5x-limit":                  {"4.4/origNum", "13.6/X-numbers-per-A-AX-AXYB", "D46"},
	"ax.modify business:x-not-owned":                  {"4.4/privateNum", "D48"},
	"ax.modify business:unknown-subscription":         {"4.4/subscriptionId", "D47"},
	"ax.modify business:recording-disabled":           {"4.4/recordFlag", "D42"},

	"ax.query alternative:subscriptionId|origNum|privateNum": {"4.5/One-of-the-three-is", "D78"},
	"ax.query precedence:subscriptionId>origNum>privateNum":  {"4.5/One-of-the-three-is"},
	"ax.query business:unknown-subscription":                 {"4.5/subscriptionId", "D47"},
	"ax.query business:utc-time":                             {"4.5/subscribeTime", "1.7/Times-in-responses-and-notifications"},
	"ax.query business:absent-unset":                         {"4.5/callDirection", "4.5/recordHintTone"},

	"ax.callee alternative:subscriptionId|privateNum": {"4.6/subscriptionId", "4.6/privateNum"},
	"ax.callee distinct:calleeNum,origNum":            {"4.6/calleeNum", "D56"},
	"ax.callee business:x-not-owned":                  {"4.6/privateNum", "D56"},
	"ax.callee business:unknown-subscription":         {"4.6/subscriptionId", "D56"},
	"ax.callee default:duration":                      {"4.6/duration", "13.2/Temporary-callee-lifetime-1-259200-s", "13.6/AX-temporary-callee-duration"},

	"axe.bind exclusive:callbackTone,callbackNum": {"5.2/callbackTone", "5.2/callbackNum", "D61"},
	"axe.bind business:extension-taken":           {"5.2/extendNum", "D58"},
	"axe.bind business:same-bindnum":              {"D60"},
	"axe.bind business:x-not-owned":               {"5.2/virtualNum", "D59"},
	"axe.bind business:x-not-normal":              {"9/Effects-normal-none", "D59"},
	"axe.bind business:recording-disabled":        {"5.2/recordFlag", "D42"},
	"axe.bind business:extension-allocation":      {"5.2/extendNum", "5.1/E-has-at-most-4", "13.3/Extensions-are-1-4-digits-with", "D58"},
	"axe.bind business:expiry":                    {"5.1/AXE-supports-binding-expiry-bindExpiredT", "5.2/bindExpiredTime", "D62"},
	"axe.bind business:mode-mismatch":             {"2.5/18", "D27"},
	"axe.bind precedence:virtualNum>areaCode":     {"5.2/virtualNum", "13.5/explicit-X-relationNum-privateNum-virtua"},

	"axe.unbind alternative:subscriptionId|virtualNum+extendNum": {"5.3/subscriptionId", "5.3/virtualNum", "D65"},
	"axe.unbind business:x-not-owned":                            {"5.3/virtualNum", "D59"},
	"axe.unbind business:unknown-subscription":                   {"5.3/subscriptionId", "D59"},

	"axe.modify alternative:subscriptionId|virtualNum+extendNum": {"5.4/The-binding-is-identified-by", "5.4/subscriptionId", "D65"},
	"axe.modify exclusive:callbackTone,callbackNum":              {"5.4/recordFlag-recordHintTone-callbackTone-c", "D61"},
	"axe.modify business:unknown-subscription":                   {"5.4/subscriptionId", "D59"},
	"axe.modify business:x-not-owned":                            {"5.4/virtualNum", "D59"},
	"axe.modify business:recording-disabled":                     {"5.4/recordFlag-recordHintTone-callbackTone-c", "D42"},
	"axe.modify business:lifetime-not-applied":                   {"5.4/timeUnit-bindExpiredTime", "D62"},

	"axe.query alternative:subscriptionId|virtualNum+extendNum": {"5.5/subscriptionId", "5.5/virtualNum", "D65"},
	"axe.query business:unknown-subscription":                   {"5.5/subscriptionId", "D59"},
	"axe.query precedence:subscriptionId":                       {"5.5/subscriptionId"},

	"record.download business:unknown-recording":   {"1.6/1012007-from-the-recording-download-inte", "D75"},
	"record.download business:injected-errors":     {"D75"},
	"record.download business:download-redirect":   {"11.1/Success-an-HTTP-redirect-the", "11.1/The-emulator-answers-301-with", "1.6/recording-download-success-no-JSON-body"},
	"record.download business:retention":           {"11.1/Retention-a-recording-is-kept", "13.6/Recording-retention"},
	"record.download business:recording-isolation": {"11.1/GET-rest-provision-voice-record-v1.0-fil", "D75"},

	"callbacks sequence:B1":            {"7.4/Calls-are-simulated-through-the", "D69"},
	"callbacks sequence:B2":            {"7.4/Calls-are-simulated-through-the", "D69"},
	"callbacks sequence:B3-B6":         {"7.4/Calls-are-simulated-through-the", "D69"},
	"callbacks sequence:B7":            {"7.4/Calls-are-simulated-through-the", "D69"},
	"callbacks sequence:B8":            {"7.4/Calls-are-simulated-through-the", "D69"},
	"callbacks sequence:B9":            {"7.4/Calls-are-simulated-through-the", "D69"},
	"callbacks sequence:X1":            {"7.4/Calls-are-simulated-through-the", "4.1/Anyone-calling-X-reaches-A", "D69"},
	"callbacks sequence:X2":            {"7.4/Calls-are-simulated-through-the", "4.1/A-calling-X-without-a", "D69"},
	"callbacks sequence:X3":            {"7.4/Calls-are-simulated-through-the", "D69"},
	"callbacks sequence:X4":            {"7.4/Calls-are-simulated-through-the", "D69"},
	"callbacks sequence:X6":            {"7.4/Calls-are-simulated-through-the", "D69"},
	"callbacks sequence:X7":            {"7.4/Calls-are-simulated-through-the", "D69"},
	"callbacks sequence:E1":            {"7.4/Calls-are-simulated-through-the", "5.1/One-X-is-shared-by", "D69"},
	"callbacks sequence:E2":            {"7.4/Calls-are-simulated-through-the", "5.1/When-A-dials-X-the", "D69"},
	"callbacks sequence:E3":            {"7.4/Calls-are-simulated-through-the", "D69"},
	"callbacks sequence:E4":            {"7.4/Calls-are-simulated-through-the", "D69"},
	"callbacks sequence:E5":            {"7.4/Calls-are-simulated-through-the", "D69"},
	"callbacks sequence:E6":            {"7.4/Calls-are-simulated-through-the", "D69"},
	"callbacks sequence:M1":            {"6.7/Flow-any-user-calls", "6.7/operation", "6.7/connectInfo", "D87"},
	"callbacks sequence:M2":            {"6.7/close-the-platform-plays-closeHintTone", "6.7/closeInfo", "D87"},
	"callbacks sequence:M3":            {"6.7/An-invalid-reply-fails-the", "D87"},
	"callbacks delivery:xmode-callin":  {"6.7/Request-envelope-7.2-CallStatusInfo-7.3", "6.7/callin-is-not-re-pushed.-The", "D88"},
	"callbacks sms:block-route":        {"10.3/vNumberRoute-with-message-the-platform", "10.3/actions-.operation", "D89"},
	"callbacks sms:block-discard":      {"10.3/DiscardMessage-the-text-is-dropped", "D89"},
	"callbacks sms:block-invalid":      {"10.3/The-reply-to-a-Block", "D89"},
	"callbacks sms:x-block":            {"10.1/Block-mode-pushed-to-the", "6.6/X-mode-needs-the-call-status"},
	"callbacks business:forced-cause":  {"7.7/Current-table-privatenumber-02-0017-Offi", "D91"},
	"callbacks business:recorded-call": {"8.3/recordFlag", "8.3/recordObjectName", "3.1/Recording-needs-the-app-level-recording"},
	"callbacks sms:axb-forward":        {"10.1/SMS-exists-in-AX-AXB", "D74"},
	"callbacks sms:ax-forward":         {"10.1/SMS-exists-in-AX-AXB", "D74"},
	"callbacks meaning:fee-first-leg":  {"8.3/callerNum", "8.3/calleeNum"},
	"callbacks meaning:icid-unique":    {"8.3/icid"},

	"authentication business:aksk-ok":              {"2.1/Authorization", "2.1/Username", "2.1/PasswordDigest", "1.3/X-AKSK"},
	"authentication business:separators":           {"2.4/Whitespace-after-a-comma-is-optional-the", "D9"},
	"authentication business:stale-created":        {"2.5/13", "D2"},
	"authentication business:future-created":       {"2.5/13", "D2"},
	"authentication business:nonce-replay":         {"D6"},
	"authentication business:bad-digest":           {"2.5/14", "2.1/PasswordDigest", "D4"},
	"authentication business:unknown-app-key":      {"2.5/8", "D5"},
	"authentication business:wsse":                 {"2.2/Used-by-the-2018-2021-official", "2.2/PasswordDigest-Base64-SHA-256-Nonce", "D1"},
	"authentication business:lockout":              {"2.5/0", "13.6/Authentication-lockout", "D8"},
	"authentication business:allow-list":           {"2.5/10", "D12"},
	"authentication business:frozen":               {"2.5/17", "D13"},
	"authentication business:local-time-tolerance": {"2.1/Timezone-of-Created.-Every-PrivateNumber", "D2"},
	"authentication business:malformed-created":    {"2.1/Created", "D3"},
	"authentication business:nonce-length":         {"2.1/Nonce", "13.6/Nonce", "D7"},
	"authentication business:authorization-format": {"2.5/1", "2.5/3", "2.5/4", "2.4/Authorization-scheme-token-whitespace-th"},
	"authentication business:x-aksk-format":        {"2.5/5", "2.5/6", "2.5/7", "2.4/X-AKSK-X-WSSE-the-token-UsernameToken-wh"},
	"authentication business:digest-encoding":      {"2.1/PasswordDigest", "D9"},
	"authentication business:scheme-case":          {"2.4/Authorization-scheme-token-whitespace-th", "D9"},
	"authentication business:attribute-case":       {"D9"},
	"authentication business:lockout-threshold":    {"D8", "13.6/Authentication-lockout"},
	"authentication business:lockout-counting":     {"D8"},
	"authentication business:lockout-peer":         {"D8"},
	"authentication business:lockout-extension":    {"D8"},

	// The AXYB scenario tagged utc-time reads subscribeTime (UTC, §1.7) of a query by
	// subscriptionId, with the relation's numbers, duration and userData.

	"call.stop business:unknown-call":        {"11.2/X-once-a-user", "D80"},
	"call.stop business:ended-call":          {"11.2/X-once-a-user", "13.6/Stop-call", "D80"},
	"call.stop business:answer-content-type": {"1.5/Every-provisioning-response-is-JSON", "D81"},
	"call.stop business:content-type":        {"11.2/Headers-as-1.3-Content-Type-application", "1.3/Content-Type", "1.3/Emulator-on-POST-PUT-the", "D18"},
	"call.stop business:auth":                {"11.2/Result-codes-0-HTTP", "2.5/14"},
	"call.stop business:stop-live-call":      {"11.2/X-once-a-user", "11.2/Effect-the-emulator-ends", "11.2/resultcode", "D81"},
	"call.stop business:every-mode":          {"11.2/Modes-the-current-page-sits", "D79"},
	"call.stop business:isolation":           {"D79"},

	"callbacks sequence:Y1":           {"7.4/Calls-are-simulated-through-the", "6.1/A-and-B-are-real", "6.5/B-X-B-has-a-YB-on-this-AX", "D86"},
	"callbacks sequence:Y2":           {"7.4/Calls-are-simulated-through-the", "6.1/A-and-B-are-real", "6.5/A-Y-a-YB-of-A-s-AX-on-this-Y", "D86"},
	"callbacks sequence:Y3":           {"7.4/Calls-are-simulated-through-the", "6.1/Automatic-Y-AX-YB-B-X-B-Y-AXYB-A-Y-B-if", "6.5/C-X-no-YB-for-C-on-this-AX", "13.7/A1-X1-no-YB", "D86"},
	"callbacks sequence:Y4":           {"7.4/Calls-are-simulated-through-the", "6.5/Hang-up-causes-specific-to-AXYB", "6.5/anyone-X-with-no-AX-a-number-other-than", "6.5/A-its-own-X-B-its-own-Y", "D86"},
	"callbacks sequence:Y5":           {"7.4/Calls-are-simulated-through-the", "6.5/Hang-up-causes-specific-to-AXYB", "6.5/no-Y-can-be-assigned", "D86"},
	"callbacks sequence:Y6":           {"7.4/Calls-are-simulated-through-the", "6.2/callDirection", "6.5/callDirection-forbids-the-direction", "D86"},
	"callbacks sequence:S1":           {"7.4/Calls-are-simulated-through-the", "11.2/Effect-the-emulator-ends", "D81"},
	"callbacks delivery:callin-url":   {"7.1/A-separate-URL-for-callin", "D77"},
	"callbacks delivery:sms-content":  {"10.1/The-text-is-included-only", "10.2/smsEvent.smsContent", "D74"},
	"callbacks delivery:success-200":  {"7.5/Notify-mode-every-AX-AXB", "7.6/6-1-4-9-106-203-300-a-push-without", "D67"},
	"callbacks delivery:repush-count": {"7.6/6-1-4-9-106-203-300-a-push-without", "13.6/Callback-re-pushes", "D67"},
	"callbacks delivery:created-utc":  {"7.1/Headers-Content-Type-application-json-ch", "2.1/Created", "2.1/Timezone-of-Created.-Every-PrivateNumber"},

	// Field rules whose row is not named by the field alone (nested or grouped rows).
	"axb.bind length:callerHintTone":   {"3.2/preVoice.callerHintTone"},
	"axb.bind length:calleeHintTone":   {"3.2/preVoice.calleeHintTone"},
	"axb.modify length:callerHintTone": {"3.4/preVoice"},
	"axb.modify length:calleeHintTone": {"3.4/preVoice"},
	"ax.bind length:callerHintTone":    {"4.2/preVoice"},
	"ax.bind length:calleeHintTone":    {"4.2/preVoice"},
	"ax.modify length:callerHintTone":  {"4.4/preVoice"},
	"ax.modify length:calleeHintTone":  {"4.4/preVoice"},
	"axe.modify enum:recordFlag":       {"5.4/recordFlag-recordHintTone-callbackTone-c"},
	"axe.modify length:callbackTone":   {"5.4/recordFlag-recordHintTone-callbackTone-c"},
	"axe.modify length:recordHintTone": {"5.4/recordFlag-recordHintTone-callbackTone-c"},
	"axe.modify length:userData":       {"5.4/recordFlag-recordHintTone-callbackTone-c"},
	"axe.modify enum:timeUnit":         {"5.4/timeUnit-bindExpiredTime"},
	"axe.modify range:bindExpiredTime": {"5.4/timeUnit-bindExpiredTime"},
})
