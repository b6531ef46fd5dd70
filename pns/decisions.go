package pns

import "strings"

// Decision is one point where Huawei's public documentation is silent, incomplete or
// contradictory and the emulator had to choose an answer (reference §14). A conformance
// scenario that asserts such an answer carries the tag @decision:<ID>, so that against a
// platform that is not the embedded emulator it is never taken for a documented rule.
type Decision struct {
	// ID is "D1" … "D91"; the tag @decision:D41 names it.
	ID string
	// Topic says in a few words what the decision is about, for reports and skip reasons.
	Topic string
	// Platform says what a real platform may be asserted on for this topic.
	Platform PlatformCheck
	// Detail is the exact split when Platform is PlatformPartly (which half is documented),
	// otherwise the same as Platform.
	Detail string
}

// PlatformCheck says how much of a decision's topic the suite may assert against a platform
// that is not the embedded emulator.
type PlatformCheck string

// The four answers of the reference's "real platform" column.
const (
	// PlatformAssert: the behaviour is documented; assert it everywhere.
	PlatformAssert PlatformCheck = "assert"
	// PlatformCodeOnly: assert the resultcode; the HTTP status and resultdesc are the emulator's.
	PlatformCodeOnly PlatformCheck = "code only"
	// PlatformEmulator: the answer is the emulator's choice; assert it only on the emulator.
	PlatformEmulator PlatformCheck = "@emulator"
	// PlatformPartly: part of the topic is documented, part decided (Detail says which).
	PlatformPartly PlatformCheck = "partly"
)

// Decisions is the one source of provenance for the emulator's decisions: the @decision:Dn
// tags of the feature files, the skip reasons of the conformance runner and the fidelity
// table's alternatives all name entries of this table, and a test fails when a feature names
// an ID that is not here.
var Decisions = []Decision{
	{"D1", "X-WSSE on requests", PlatformPartly, "X-AKSK: assert; WSSE: @emulator"},
	{"D2", "Clock-skew window", PlatformPartly, "assert for a 'Created' one day off; boundary and the +8 h tolerance @emulator"},
	{"D3", "Malformed Created", PlatformEmulator, "@emulator"},
	{"D4", "Bad digest", PlatformAssert, "assert"},
	{"D5", "Unknown APP_Key", PlatformAssert, "assert"},
	{"D6", "Nonce replay", PlatformEmulator, "@emulator"},
	{"D7", "Nonce length and charset", PlatformEmulator, "@emulator"},
	{"D8", "Authentication lockout", PlatformEmulator, "@emulator"},
	{"D9", "Header parsing", PlatformPartly, "separators and header case: assert; rest @emulator"},
	{"D10", "Validation order", PlatformPartly, "single-defect cases: assert; multi-defect: @emulator"},
	{"D11", "Flow control", PlatformEmulator, "@emulator"},
	{"D12", "IP allow-list", PlatformEmulator, "@emulator"},
	{"D13", "Frozen account", PlatformEmulator, "@emulator"},
	{"D14", "HTTP status per code", PlatformPartly, "[V] pairs: assert; others: status class only"},
	{"D15", "1010002 description", PlatformCodeOnly, "code only"},
	{"D16", "Number syntax", PlatformPartly, "clearly malformed A/B numbers (no '+', letters, more than 11 digits after '+86'): code only; boundaries @emulator"},
	{"D17", "Unescaped + in a query string", PlatformEmulator, "@emulator"},
	{"D18", "Content type", PlatformEmulator, "@emulator"},
	{"D19", "Malformed JSON body", PlatformEmulator, "@emulator"},
	{"D20", "JSON types", PlatformEmulator, "@emulator"},
	{"D21", "Unknown fields / parameters; JSON null", PlatformEmulator, "@emulator"},
	{"D22", "Empty strings", PlatformEmulator, "@emulator"},
	{"D23", "recordFlag, privateSms types", PlatformPartly, "string form: assert; booleans: @emulator"},
	{"D24", "userData content", PlatformCodeOnly, "code only"},
	{"D25", "Tone files; recordHintTone without recording", PlatformEmulator, "@emulator"},
	{"D26", "Transport details", PlatformEmulator, "@emulator"},
	{"D27", "Mode mismatch", PlatformAssert, "assert"},
	{"D28", "AXB A = B", PlatformEmulator, "@emulator"},
	{"D29", "AXB duration out of range", PlatformCodeOnly, "code only"},
	{"D30", "AXB bind with an X not owned", PlatformPartly, "@emulator (assert on unbind, where the FAQ ties it to 1012001)"},
	{"D31", "No eligible X / X full", PlatformPartly, "assert (no free X under strict match)"},
	{"D32", "X not in normal status", PlatformEmulator, "@emulator"},
	{"D33", "Choice among eligible X", PlatformPartly, "@emulator (suite asserts only ownership and area)"},
	{"D34", "Area of an A number", PlatformEmulator, "@emulator"},
	{"D35", "relationNum + areaCode with a fixed-line A", PlatformEmulator, "@emulator"},
	{"D36", "areaMatchMode details", PlatformEmulator, "@emulator"},
	{"D37", "AXB unknown subscriptionId", PlatformCodeOnly, "code only"},
	{"D38", "AXB unbind with no parameter", PlatformCodeOnly, "code only"},
	{"D39", "AXB unbind by an owned X with no bindings", PlatformEmulator, "@emulator"},
	{"D40", "AXB modify details", PlatformPartly, "@emulator (1012010 on modify: assert)"},
	{"D41", "AXB query response and edge cases", PlatformPartly, "envelope, list name, '1012007': assert; rest @emulator"},
	{"D42", "recordFlag true without the app's recording", PlatformCodeOnly, "code only"},
	{"D43", "Expiry mechanics", PlatformEmulator, "@emulator"},
	{"D44", "400/95 numbers as A/B", PlatformEmulator, "@emulator"},
	{"D45", "AX X bound to another A", PlatformCodeOnly, "code only"},
	{"D46", "AX A already holds 5 X", PlatformEmulator, "@emulator"},
	{"D47", "AX binding not found", PlatformEmulator, "@emulator"},
	{"D48", "AX privateNum not owned", PlatformEmulator, "@emulator"},
	{"D49", "AX no eligible X", PlatformCodeOnly, "code only"},
	{"D50", "AX same A + X bound again", PlatformEmulator, "@emulator"},
	{"D51", "Selection without explicit X or areaCode (AX, AXE); areaMatchMode without areaCode", PlatformEmulator, "@emulator"},
	{"D52", "AX privateNumType", PlatformEmulator, "@emulator"},
	{"D53", "calleeNumDisplay / displayNumMode = \"1\"", PlatformEmulator, "@emulator"},
	{"D54", "AX unbind parameter forms", PlatformEmulator, "@emulator"},
	{"D55", "AX modify fields", PlatformPartly, "@emulator for the extra fields"},
	{"D56", "AX temporary callee", PlatformPartly, "'duration' out of range: code only; rest @emulator"},
	{"D57", "AX turnFlag off", PlatformEmulator, "@emulator"},
	{"D58", "AXE extension digits and allocation", PlatformPartly, "taken → 1020167: assert; rest @emulator"},
	{"D59", "AXE error codes", PlatformEmulator, "@emulator"},
	{"D60", "AXE same bindNum twice on one X", PlatformEmulator, "@emulator"},
	{"D61", "AXE callbackTone + callbackNum", PlatformCodeOnly, "code only"},
	{"D62", "AXE time fields", PlatformEmulator, "@emulator"},
	{"D63", "maxDuration, lastMinVoice, privateSms on AXE", PlatformEmulator, "@emulator"},
	{"D64", "AXE bind response", PlatformPartly, "'subscriptionId' present: assert; rest @emulator"},
	{"D65", "AXE unbind/query parameter forms", PlatformCodeOnly, "code only"},
	{"D66", "Callback authentication", PlatformEmulator, "@emulator"},
	{"D67", "Callback success, timeout, retries", PlatformEmulator, "@emulator"},
	{"D68", "Event content", PlatformEmulator, "@emulator"},
	{"D69", "Event sequences and causes", PlatformEmulator, "@emulator"},
	{"D70", "Fee batching", PlatformPartly, "≤ 50: assert; rest @emulator"},
	{"D71", "Fee record content", PlatformEmulator, "@emulator"},
	{"D72", "Time formats", PlatformPartly, "format: assert (parse leniently)"},
	{"D73", "X-status notification details", PlatformEmulator, "@emulator"},
	{"D74", "SMS details", PlatformEmulator, "@emulator"},
	{"D75", "Recording download", PlatformPartly, "redirect with 'Location' and '1012007': assert; 301 and 404: @emulator"},
	{"D76", "Clocks", PlatformEmulator, "@emulator"},
	{"D77", "Notification URLs", PlatformEmulator, "@emulator"},
	{"D78", "AX query edge cases", PlatformPartly, "precedence: assert; rest @emulator"},
	{"D79", "Stop call: modes", PlatformPartly, "AXYB: assert; other modes @emulator"},
	{"D80", "Stop call: errors", PlatformPartly, "ended call: assert 'resultcode' ≠ '\"0\"' only; codes @emulator"},
	{"D81", "Stop call: effect and response", PlatformEmulator, "@emulator"},
	{"D82", "AXYB app_key parameter", PlatformEmulator, "@emulator"},
	{"D83", "AXYB number-valued strings", PlatformPartly, "documented defaults (7200, 0): assert; rest @emulator"},
	{"D84", "AXYB bind: selection, YB binds, errors", PlatformPartly, "limits: assert; codes @emulator"},
	{"D85", "AXYB unbind and query details", PlatformPartly, "documented precedence: assert; rest @emulator"},
	{"D86", "AXYB calls and records", PlatformEmulator, "@emulator"},
	{"D87", "X-mode Block reply handling", PlatformPartly, "invalid reply fails the call: assert; rest @emulator"},
	{"D88", "X-mode event and fee content", PlatformEmulator, "@emulator"},
	{"D89", "SMS Block reply", PlatformPartly, "forward and discard: assert; rest @emulator"},
	{"D90", "SMS event, timeStamp, extInfo, called", PlatformPartly, "format: parse leniently; @emulator"},
	{"D91", "Hang-up causes of the current table", PlatformEmulator, "@emulator"}}

// DecisionByID returns the decision with that ID ("D41"), and false when there is none.
func DecisionByID(id string) (Decision, bool) {
	for _, d := range Decisions {
		if strings.EqualFold(d.ID, id) {
			return d, true
		}
	}
	return Decision{}, false
}

// BindingNotFound reports whether a result code answers "no such binding" in a mode, in some
// reading of the contract: 1012007 for AXB and AXE; 1016001 (the code tables) or 1011004 (an
// unbind FAQ; decision D47) for AX. A client that must know whether a binding is gone (cleanup,
// "the binding does not exist" checks) accepts both AX codes, so that it works on a platform
// that decided D47 the other way. An empty mode accepts the codes of every mode.
func BindingNotFound(mode Mode, code string) bool {
	switch Code(code) {
	case CodeRecordNotExist:
		return mode != ModeAX
	case CodeAXRecordNotExist, CodeAXNumberNotApplied:
		return mode == ModeAX || mode == ""
	}
	return false
}
