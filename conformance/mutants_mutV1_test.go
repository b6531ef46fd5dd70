package conformance

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"

	"github.com/pns-harness/pns-harness/pns"
)

// mutV1Mutants break, one mutant each, the AXB and AX field rules of §1.4, §1.7, §3.2-§3.5
// and §4.2-§4.6 (issue 22 item 3): patterns, lengths, enums, ranges, identifiers and their
// precedence. Each is a bug a platform plausibly has: a lenient normalisation that accepts
// what the contract refuses (a clamped range, a truncated string, a case-folded enum, a
// national number completed with +86), a value or form the contract allows refused, or a
// lookup that answers the wrong bindings. The families are generated from small tables.
var mutV1Mutants = []ruleMutant{
	// Number patterns (§1.4): national forms completed instead of refused.
	{"1.4/Mobile-country-code-mobile", mutant{"mutV1/validation: AXB bind completes a callerNum without + to +86", "format:callerNum",
		v1Normalise(http.MethodPost, pns.PathAXB, "callerNum", v1NationalMobile), nil}},
	{"3.2/calleeNum", mutant{"mutV1/validation: AXB bind completes a calleeNum without + to +86", "format:calleeNum",
		v1Normalise(http.MethodPost, pns.PathAXB, "calleeNum", v1NationalMobile), nil}},
	{"4.2/origNum", mutant{"mutV1/validation: AX bind completes an origNum without + to +86", "format:origNum",
		v1Normalise(http.MethodPost, pns.PathAX, "origNum", v1NationalMobile), nil}},
	{"3.2/relationNum", mutant{"mutV1/validation: AXB bind adds the missing + to relationNum", "format:relationNum",
		v1Normalise(http.MethodPost, pns.PathAXB, "relationNum", v1AddPlus), nil}},
	{"3.3/relationNum", mutant{"mutV1/validation: AXB unbind adds the missing + to relationNum", "format:relationNum",
		v1NormaliseQuery(http.MethodDelete, pns.PathAXB, "relationNum", func(s string) (string, bool) {
			v, ok := v1AddPlus(s)
			t, _ := v.(string)
			return t, ok
		}), nil}},
	{"3.2/callerNum", mutant{"mutV1/validation: AXB bind accepts a 400 or 95 number as callerNum", "format:callerNum",
		v1Answer(http.MethodPost, pns.PathAXB, pns.CodeSuccess, func(r *http.Request, m map[string]any, env pns.Envelope) bool {
			s, _ := m["callerNum"].(string)
			return env.ResultCode != string(pns.CodeSuccess) && (strings.HasPrefix(s, "+86400") || strings.HasPrefix(s, "+8695"))
		}), nil}},
	{"3.4/calleeNum", mutant{"mutV1/validation: AXB modify answers success for a calleeNum with letters", "format:calleeNum",
		v1Answer(http.MethodPut, pns.PathAXB, pns.CodeSuccess, func(r *http.Request, m map[string]any, env pns.Envelope) bool {
			s, _ := m["calleeNum"].(string)
			return env.ResultCode == string(pns.CodeInvalidRequest) && strings.ContainsAny(strings.ToLower(s), "abcdefghijklmnopqrstuvwxyz")
		}), nil}},

	// areaCode is a city code with its leading 0 (§1.4): "755" completed to "0755".
	{"1.4/areaCode-is-different-a-city", mutant{"mutV1/validation: AXE bind adds the missing leading 0 to areaCode", "business:area-selection",
		v1Normalise(http.MethodPost, pns.PathAXE, "areaCode", v1AddZero), nil}},
	{"3.2/areaCode", mutant{"mutV1/validation: AXB bind adds the missing leading 0 to areaCode", "business:area-selection",
		v1Normalise(http.MethodPost, pns.PathAXB, "areaCode", v1AddZero), nil}},
	{"4.2/areaCode", mutant{"mutV1/validation: AX bind adds the missing leading 0 to areaCode", "business:area-selection",
		v1Normalise(http.MethodPost, pns.PathAX, "areaCode", v1AddZero), nil}},

	// Boolean-like strings and string enums (§1.7): values outside the enum read leniently.
	{"1.7/Boolean-like-strings", mutant{`mutV1/validation: AXB bind reads any recordFlag other than "true" as "false"`, "enum:recordFlag",
		v1Normalise(http.MethodPost, pns.PathAXB, "recordFlag", func(v any) (any, bool) {
			s, ok := v.(string)
			return "false", ok && s != "true" && s != "false"
		}), nil}},
	{"1.7/String-enums", mutant{`mutV1/validation: AXE bind reads a displayNumMode outside the enum as "0"`, "enum:displayNumMode",
		v1Normalise(http.MethodPost, pns.PathAXE, "displayNumMode", v1OutsideEnum("0", "0", "1")), nil}},
	{"4.2/areaMatchMode", mutant{`mutV1/validation: AX bind never accepts areaMatchMode "1"`, "enum:areaMatchMode",
		v1Refuse(http.MethodPost, pns.PathAX, "areaMatchMode", func(v any, _ map[string]any) bool { return v == "1" }), nil}},
	{"4.2/privateNumType", mutant{"mutV1/validation: AX bind refuses privateNumType without areaCode (the older documents' pairing)", "enum:privateNumType",
		v1Refuse(http.MethodPost, pns.PathAX, "privateNumType", func(_ any, m map[string]any) bool { return m["areaCode"] == nil }), nil}},
	{"4.2/recordFlag", mutant{`mutV1/validation: AX bind refuses the string "false" for recordFlag (JSON booleans only)`, "enum:recordFlag",
		v1Refuse(http.MethodPost, pns.PathAX, "recordFlag", func(v any, _ map[string]any) bool { return v == "false" }), nil}},
	{"3.2/preVoice", mutant{"mutV1/validation: AXB bind refuses a preVoice carrying both tones", "type:preVoice",
		v1Refuse(http.MethodPost, pns.PathAXB, "preVoice", func(v any, _ map[string]any) bool {
			p, _ := v.(map[string]any)
			return p["callerHintTone"] != nil && p["calleeHintTone"] != nil
		}), nil}},

	// Ranges and lengths: the first invalid value clamped or truncated instead of refused.
	{"3.4/duration", mutant{"mutV1/validation: AXB modify clamps a duration above 7776000", "range:duration",
		v1Normalise(http.MethodPut, pns.PathAXB, "duration", v1Clamp(0, 7776000)), nil}},
	{"3.4/maxDuration", mutant{"mutV1/validation: AXB modify clamps a negative maxDuration to 0", "range:maxDuration",
		v1Normalise(http.MethodPut, pns.PathAXB, "maxDuration", v1Clamp(0, 1440)), nil}},
	{"4.2/maxDuration", mutant{"mutV1/validation: AX bind clamps a maxDuration above 1440", "range:maxDuration",
		v1Normalise(http.MethodPost, pns.PathAX, "maxDuration", v1Clamp(0, 1440)), nil}},
	{"4.4/maxDuration", mutant{"mutV1/validation: AX modify clamps a maxDuration above 1440", "range:maxDuration",
		v1Normalise(http.MethodPut, pns.PathAX, "maxDuration", v1Clamp(0, 1440)), nil}},

	// Precedence of identifiers and what each lookup form finds (§3.3, §3.5, §4.5).
	{"3.3/subscriptionId", mutant{"mutV1/validation: AXB unbind lets relationNum win over subscriptionId", "precedence:subscriptionId>relationNum",
		v1NormaliseQueryAll(http.MethodDelete, pns.PathAXB, func(q map[string][]string) bool {
			if q["subscriptionId"] == nil || q["relationNum"] == nil {
				return false
			}
			delete(q, "subscriptionId")
			return true
		}), nil}},
	{"3.5/subscriptionId", mutant{"mutV1/validation: AXB query lets relationNum win over subscriptionId", "precedence:subscriptionId",
		v1NormaliseQueryAll(http.MethodGet, pns.PathAXB, func(q map[string][]string) bool {
			if q["subscriptionId"] == nil || q["relationNum"] == nil {
				return false
			}
			delete(q, "subscriptionId")
			return true
		}), nil}},
	{"3.5/subscriptionId-others-ignored", mutant{"mutV1/validation: AXB query by subscriptionId also filters by the relationNum sent with it", "precedence:subscriptionId",
		rewriteAnswers(func(r *http.Request, m map[string]any) bool {
			q := r.URL.Query()
			if r.Method != http.MethodGet || r.URL.Path != pns.PathAXB || q.Get("subscriptionId") == "" || q.Get("relationNum") == "" {
				return false
			}
			list, _ := m["relationNumList"].([]any)
			if len(list) == 0 {
				return false
			}
			if b, _ := list[0].(map[string]any); b["relationNum"] == q.Get("relationNum") {
				return false
			}
			for k := range m {
				delete(m, k)
			}
			m["resultcode"], m["resultdesc"] = string(pns.CodeRecordNotExist), pns.NewError(pns.CodeRecordNotExist).Desc
			return true
		}), nil}},
	{"3.5/relationNum", mutant{"mutV1/validation: AXB query by relationNum alone answers only the first binding on X", "business:pagination",
		v1FirstOnly(http.MethodGet, pns.PathAXB, "relationNumList", "relationNum", "subscriptionId", "callerNum", "calleeNum"), nil}},
	{"4.5/origNum", mutant{"mutV1/validation: AX query by origNum answers only the first binding of A", "precedence:subscriptionId>origNum>privateNum",
		v1FirstOnly(http.MethodGet, pns.PathAX, "privateNumList", "origNum", "subscriptionId", "privateNum"), nil}},
	{"3.5/callerNum", mutant{"mutV1/validation: AXB query ignores callerNum sent with relationNum alone", "business:role-match",
		v1DropWith("callerNum", "calleeNum"), nil}},
	{"3.5/calleeNum", mutant{"mutV1/validation: AXB query ignores calleeNum sent with relationNum alone", "business:role-match",
		v1DropWith("calleeNum", "callerNum"), nil}},
	{"3.5/relationNum-callerNum-calleeNum", mutant{"mutV1/validation: AXB query by relationNum, callerNum and calleeNum answers every binding on X", "business:role-match",
		v1NormaliseQueryAll(http.MethodGet, pns.PathAXB, func(q map[string][]string) bool {
			if q["subscriptionId"] != nil || q["relationNum"] == nil || q["callerNum"] == nil || q["calleeNum"] == nil {
				return false
			}
			delete(q, "callerNum")
			delete(q, "calleeNum")
			return true
		}), nil}},
	{"3.5/relationNum-calleeNum", mutant{"mutV1/validation: AXB query matches calleeNum in the caller's role", "business:role-match",
		v1NormaliseQueryAll(http.MethodGet, pns.PathAXB, func(q map[string][]string) bool {
			if q["subscriptionId"] != nil || q["relationNum"] == nil || q["calleeNum"] == nil || q["callerNum"] != nil {
				return false
			}
			q["callerNum"] = q["calleeNum"]
			delete(q, "calleeNum")
			return true
		}), nil}},
	{"3.5/parameter-combination-or-format-invalid", mutant{"mutV1/validation: AXB query without subscriptionId or relationNum answers no match instead of 1010002", "business:requires-relationNum",
		v1Answer(http.MethodGet, pns.PathAXB, pns.CodeRecordNotExist, func(r *http.Request, _ map[string]any, env pns.Envelope) bool {
			q := r.URL.Query()
			return env.ResultCode == string(pns.CodeInvalidRequest) && q.Get("subscriptionId") == "" && q.Get("relationNum") == ""
		}), nil}},
	{"3.5/no-binding-matches-including-a-relationN", mutant{"mutV1/validation: AXB query by subscriptionId finds another app's binding", "business:isolation",
		v1OtherApps(http.MethodGet, pns.PathAXB, "subscriptionId"), nil}},
	{"4.5/subscriptionId", mutant{"mutV1/validation: AX query by subscriptionId answers every binding of that binding's A", "precedence:subscriptionId>origNum>privateNum",
		v1SubscriptionAsOrigNum, nil}},
	{"4.5/privateNum", mutant{"mutV1/validation: AX query answers a malformed privateNum as no match instead of 1010002", "format:privateNum",
		v1Answer(http.MethodGet, pns.PathAX, pns.Code("1016001"), func(r *http.Request, _ map[string]any, env pns.Envelope) bool {
			return env.ResultCode == string(pns.CodeInvalidRequest) && r.URL.Query().Get("privateNum") != ""
		}), nil}},

	// Identifiers that name nothing of the app answered success (§3.3, §3.4, §4.3, §4.4, §4.6).
	{"3.3/relationNum-not-one-of-the-app-s-numbers", mutant{"mutV1/validation: AXB unbind by another app's relationNum answers success (nothing to remove)", "business:x-not-owned",
		v1AnswerCode(http.MethodDelete, pns.PathAXB, "1012001"), nil}},
	{"3.4/subscriptionId", mutant{"mutV1/validation: AXB modify of an unknown subscriptionId answers success", "business:unknown-subscription",
		v1AnswerCode(http.MethodPut, pns.PathAXB, string(pns.CodeRecordNotExist)), nil}},
	{"4.3/privateNum", mutant{"mutV1/validation: AX unbind by another app's privateNum answers success", "business:x-not-owned",
		v1AnswerCode(http.MethodDelete, pns.PathAX, "1011004"), nil}},
	{"4.4/subscriptionId", mutant{"mutV1/validation: AX modify of an unknown subscriptionId answers success", "business:unknown-subscription",
		v1AnswerCode(http.MethodPut, pns.PathAX, "1016001"), nil}},
	{"4.4/origNum", mutant{"mutV1/validation: AX modify to a new A that already holds 5 X answers success", "business:ax-5x-limit",
		v1AnswerCode(http.MethodPut, pns.PathAX, "1011003"), nil}},
	{"4.6/subscriptionId", mutant{"mutV1/validation: AX temporary callee of an unknown subscriptionId answers success", "business:unknown-subscription",
		v1Answer(http.MethodPut, pns.PathAXCallee, pns.CodeSuccess, func(_ *http.Request, m map[string]any, env pns.Envelope) bool {
			return env.ResultCode == "1016001" && m["subscriptionId"] != nil
		}), nil}},
	{"4.4/privateNum", mutant{"mutV1/validation: AX modify requires subscriptionId (privateNum alone refused)", "alternative:subscriptionId|privateNum",
		v1RequireSubscription(pns.PathAX), nil}},
	{"4.6/privateNum", mutant{"mutV1/validation: AX temporary callee requires subscriptionId (privateNum alone refused)", "alternative:subscriptionId|privateNum",
		v1RequireSubscription(pns.PathAXCallee), nil}},
	{"4.2/privateNum", mutant{"mutV1/validation: AX bind with an X that is not the app's binds a free X instead", "business:x-not-owned",
		v1BindWithoutForeignX, nil}},
	{"3.4/callerNum", mutant{"mutV1/validation: AXB modify ignores callerNum (not in the modifiable fields)", "business:no-op",
		rewriteBody(http.MethodPut, pns.PathAXB, func(m map[string]any) bool {
			if _, ok := m["callerNum"]; !ok {
				return false
			}
			delete(m, "callerNum")
			return true
		}), nil}},
}

// mutV1OtherWay break rules of mutV1Mutants the other way round: where the first mutant
// accepts what the contract refuses, this one refuses what it allows, and conversely.
var mutV1OtherWay = []ruleMutant{
	{"3.4/callerNum", mutant{"mutV1/validation: AXB modify answers success for a callerNum that is not a number", "format:callerNum",
		v1Answer(http.MethodPut, pns.PathAXB, pns.CodeSuccess, func(_ *http.Request, m map[string]any, env pns.Envelope) bool {
			return env.ResultCode == string(pns.CodeInvalidRequest) && m["callerNum"] != nil && strings.HasSuffix(env.ResultDesc, "callerNum")
		}), nil}},
	{"4.4/origNum", mutant{"mutV1/validation: AX modify answers success for an origNum with letters", "format:origNum",
		v1Answer(http.MethodPut, pns.PathAX, pns.CodeSuccess, func(_ *http.Request, m map[string]any, env pns.Envelope) bool {
			return env.ResultCode == string(pns.CodeInvalidRequest) && m["origNum"] != nil && strings.HasSuffix(env.ResultDesc, "origNum")
		}), nil}},
	{"4.4/privateNum", mutant{"mutV1/validation: AX modify by another app's privateNum answers success", "business:x-not-owned",
		v1AnswerCode(http.MethodPut, pns.PathAX, "1011004"), nil}},
	{"4.6/privateNum", mutant{"mutV1/validation: AX temporary callee on another app's privateNum answers success", "business:x-not-owned",
		v1AnswerCode(http.MethodPut, pns.PathAXCallee, "1011004"), nil}},
	{"3.3/subscriptionId", mutant{"mutV1/validation: AXB unbind of an unknown subscriptionId answers success", "business:unknown-subscription",
		v1Answer(http.MethodDelete, pns.PathAXB, pns.CodeSuccess, func(r *http.Request, _ map[string]any, env pns.Envelope) bool {
			return env.ResultCode == string(pns.CodeRecordNotExist) && r.URL.Query().Get("subscriptionId") != ""
		}), nil}},
	{"4.6/subscriptionId", mutant{"mutV1/validation: AX temporary callee requires privateNum (subscriptionId alone refused)", "alternative:subscriptionId|privateNum",
		v1Refuse(http.MethodPut, pns.PathAXCallee, "subscriptionId", func(v any, m map[string]any) bool {
			return v != "" && m["privateNum"] == nil
		}), nil}},
	{"4.5/origNum", mutant{"mutV1/validation: AX query answers a malformed origNum as no match instead of 1010002", "format:origNum",
		v1Answer(http.MethodGet, pns.PathAX, pns.Code("1016001"), func(r *http.Request, _ map[string]any, env pns.Envelope) bool {
			return env.ResultCode == string(pns.CodeInvalidRequest) && r.URL.Query().Get("origNum") != ""
		}), nil}},
	{"3.5/relationNum", mutant{"mutV1/validation: AXB query by relationNum finds the bindings of another app's X", "business:isolation",
		v1OtherApps(http.MethodGet, pns.PathAXB, "relationNum"), nil}},
	{"3.5/subscriptionId", mutant{"mutV1/validation: AXB query by an unknown subscriptionId falls back to the relationNum sent with it", "precedence:subscriptionId",
		v1Fallback, nil}},
	{"3.3/relationNum", mutant{"mutV1/validation: AXB unbind by relationNum alone removes only the first binding on X", "business:unbind-all-by-x",
		v1UnbindFirst, nil}},
	{"3.2/calleeNum", mutant{"mutV1/validation: AXB bind refuses a fixed-line calleeNum (mobile numbers only)", "format:calleeNum",
		v1Refuse(http.MethodPost, pns.PathAXB, "calleeNum", func(v any, _ map[string]any) bool {
			s, _ := v.(string)
			return strings.HasPrefix(s, "+86") && !strings.HasPrefix(s, "+861")
		}), nil}},
	{"1.7/String-enums", mutant{"mutV1/validation: AXB bind refuses areaMatchMode as a JSON string (numbers only)", "enum:areaMatchMode",
		v1Refuse(http.MethodPost, pns.PathAXB, "areaMatchMode", func(v any, _ map[string]any) bool {
			_, isString := v.(string)
			return isString
		}), nil}},
	{"4.2/recordFlag", mutant{"mutV1/validation: AX bind case-folds a recordFlag outside its enum", "enum:recordFlag",
		v1Normalise(http.MethodPost, pns.PathAX, "recordFlag", v1FoldCase), nil}},
	{"4.2/areaMatchMode", mutant{`mutV1/validation: AX bind reads an areaMatchMode outside the enum as "0"`, "enum:areaMatchMode",
		v1Normalise(http.MethodPost, pns.PathAX, "areaMatchMode", v1OutsideEnum("0", "0", "1")), nil}},
	{"4.2/privateNumType", mutant{"mutV1/validation: AX bind case-folds a privateNumType outside its enum", "enum:privateNumType",
		v1Normalise(http.MethodPost, pns.PathAX, "privateNumType", v1FoldCase), nil}},
	{"3.2/preVoice", mutant{"mutV1/validation: AXB bind takes the first element of a preVoice sent as an array", "type:preVoice",
		v1Normalise(http.MethodPost, pns.PathAXB, "preVoice", func(v any) (any, bool) {
			l, ok := v.([]any)
			if !ok || len(l) == 0 {
				return v, false
			}
			return l[0], true
		}), nil}},
}

// v1Refusals are valid values of the AXB and AX enum fields that a platform understanding
// only part of the enum refuses (1010002 naming the field), one rule each: the other way
// round of the v1Enums mutants, which accept a value outside the enum.
var v1Refusals = []struct {
	id, method, path, field string
	value                   any
	why                     string
}{
	{"3.2/recordFlag", http.MethodPost, pns.PathAXB, "recordFlag", "false", "JSON booleans only"},
	{"3.4/recordFlag", http.MethodPut, pns.PathAXB, "recordFlag", "false", "JSON booleans only"},
	{"4.4/recordFlag", http.MethodPut, pns.PathAX, "recordFlag", "false", "JSON booleans only"},
	{"3.4/privateSms", http.MethodPut, pns.PathAXB, "privateSms", "true", "JSON booleans only"},
	{"4.2/privateSms", http.MethodPost, pns.PathAX, "privateSms", "true", "JSON booleans only"},
	{"4.4/privateSms", http.MethodPut, pns.PathAX, "privateSms", "true", "JSON booleans only"},
	{"4.4/turnFlag", http.MethodPut, pns.PathAX, "turnFlag", "on", "the switch only turned off"},
	{"3.4/callDirection", http.MethodPut, pns.PathAXB, "callDirection", 1.0, "outbound only never modifiable"},
	{"4.2/callDirection", http.MethodPost, pns.PathAX, "callDirection", 1.0, "outbound only unknown"},
	{"4.4/callDirection", http.MethodPut, pns.PathAX, "callDirection", 1.0, "outbound only never modifiable"},
	{"4.2/calleeNumDisplay", http.MethodPost, pns.PathAX, "calleeNumDisplay", "0", "only the non-default value sent"},
	{"4.4/calleeNumDisplay", http.MethodPut, pns.PathAX, "calleeNumDisplay", "0", "only the non-default value sent"},
}

// v1StripZero are the binds whose areaCode a platform reads without its leading 0 (the
// national trunk prefix stripped as from a phone number), so a valid city code names no city.
var v1StripZero = []struct{ id, method, path string }{
	{"1.4/areaCode-is-different-a-city", http.MethodPost, pns.PathAXE},
	{"3.2/areaCode", http.MethodPost, pns.PathAXB},
	{"4.2/areaCode", http.MethodPost, pns.PathAX},
}

// mutV1Decided explain the mutants of this file that no scenario can kill on a target that is
// not the emulator: the refusal they break is the emulator's decision where the contract is
// silent, so its scenario asserts it only against the emulator.
var mutV1Decided = map[string]string{
	`mutV1/validation: AX bind reads an areaMatchMode outside the enum as "0"`: "invisible: the refusal of an areaMatchMode " +
		"outside \"0\"/\"1\" is the emulator's decision D36; a platform may read it as a default",
	"mutV1/validation: AX bind case-folds a privateNumType outside its enum": "invisible: the refusal of a privateNumType " +
		"other than mobile-virtual is the emulator's decision D52; older platforms documented other values",
	"mutV1/validation: AXB bind takes the first element of a preVoice sent as an array": "invisible: the refusal of a " +
		"preVoice of the wrong JSON type is the emulator's decision D20",
}

// v1Enums are the enum fields of AXB and AX whose out-of-enum values a lenient platform reads
// as their default ("case" folds "TRUE" to "true"), one rule each.
var v1Enums = []struct {
	id, method, path, field string
	fix                     func(any) (any, bool)
	what                    string
}{
	{"3.2/recordFlag", http.MethodPost, pns.PathAXB, "recordFlag", v1FoldCase, "case-folds"},
	{"3.4/recordFlag", http.MethodPut, pns.PathAXB, "recordFlag", v1FoldCase, "case-folds"},
	{"4.4/recordFlag", http.MethodPut, pns.PathAX, "recordFlag", v1FoldCase, "case-folds"},
	{"3.4/privateSms", http.MethodPut, pns.PathAXB, "privateSms", v1FoldCase, "case-folds"},
	{"4.2/privateSms", http.MethodPost, pns.PathAX, "privateSms", v1FoldCase, "case-folds"},
	{"4.4/privateSms", http.MethodPut, pns.PathAX, "privateSms", v1FoldCase, "case-folds"},
	{"4.4/turnFlag", http.MethodPut, pns.PathAX, "turnFlag", v1FoldCase, "case-folds"},
	{"3.4/callDirection", http.MethodPut, pns.PathAXB, "callDirection", v1OutsideIntEnum(0, 2), "reads as 0"},
	{"4.2/callDirection", http.MethodPost, pns.PathAX, "callDirection", v1OutsideIntEnum(0, 2), "reads as 0"},
	{"4.4/callDirection", http.MethodPut, pns.PathAX, "callDirection", v1OutsideIntEnum(0, 2), "reads as 0"},
	{"4.2/calleeNumDisplay", http.MethodPost, pns.PathAX, "calleeNumDisplay", v1OutsideEnum("0", "0", "1"), `reads as "0"`},
	{"4.4/calleeNumDisplay", http.MethodPut, pns.PathAX, "calleeNumDisplay", v1OutsideEnum("0", "0", "1"), `reads as "0"`},
}

// v1Lengths are the length-limited strings of AXB and AX that a lenient platform truncates to
// their maximum instead of refusing the first character too many, one rule each.
var v1Lengths = []struct {
	id, method, path, field string
	max                     int
}{
	{"3.2/preVoice.callerHintTone", http.MethodPost, pns.PathAXB, "preVoice.callerHintTone", 128},
	{"3.2/preVoice.calleeHintTone", http.MethodPost, pns.PathAXB, "preVoice.calleeHintTone", 128},
	{"3.2/recordHintTone", http.MethodPost, pns.PathAXB, "recordHintTone", 128},
	{"3.4/lastMinVoice", http.MethodPut, pns.PathAXB, "lastMinVoice", 128},
	{"3.4/preVoice", http.MethodPut, pns.PathAXB, "preVoice.calleeHintTone", 128},
	{"3.4/userData", http.MethodPut, pns.PathAXB, "userData", 256},
	{"3.4/recordHintTone", http.MethodPut, pns.PathAXB, "recordHintTone", 128},
	{"4.2/recordHintTone", http.MethodPost, pns.PathAX, "recordHintTone", 128},
	{"4.2/preVoice", http.MethodPost, pns.PathAX, "preVoice.callerHintTone", 128},
	{"4.2/lastMinVoice", http.MethodPost, pns.PathAX, "lastMinVoice", 128},
	{"4.2/userData", http.MethodPost, pns.PathAX, "userData", 256},
	{"4.4/recordHintTone", http.MethodPut, pns.PathAX, "recordHintTone", 128},
	{"4.4/preVoice", http.MethodPut, pns.PathAX, "preVoice.callerHintTone", 128},
	{"4.4/lastMinVoice", http.MethodPut, pns.PathAX, "lastMinVoice", 128},
	{"4.4/userData", http.MethodPut, pns.PathAX, "userData", 256},
	{"4.6/userData", http.MethodPut, pns.PathAXCallee, "userData", 256},
}

func init() {
	all := append(append([]ruleMutant(nil), mutV1Mutants...), mutV1OtherWay...)
	for _, e := range v1Enums {
		all = append(all, ruleMutant{e.id, mutant{
			"mutV1/validation: " + v1Iface(e.method, e.path) + " " + e.what + " a " + e.field + " outside its enum", "enum:" + e.field,
			v1Normalise(e.method, e.path, e.field, e.fix), nil}})
	}
	for _, l := range v1Lengths {
		last := l.field[strings.LastIndex(l.field, ".")+1:]
		all = append(all, ruleMutant{l.id, mutant{
			"mutV1/validation: " + v1Iface(l.method, l.path) + " truncates a " + l.field + " longer than " + strconv.Itoa(l.max) + " characters", "length:" + last,
			v1Normalise(l.method, l.path, l.field, v1Truncate(l.max)), nil}})
	}
	for _, e := range v1Refusals {
		want := e.value
		all = append(all, ruleMutant{e.id, mutant{
			"mutV1/validation: " + v1Iface(e.method, e.path) + " refuses " + e.field + " " + v1JSON(want) + " (" + e.why + ")", "enum:" + e.field,
			v1Refuse(e.method, e.path, e.field, func(v any, _ map[string]any) bool { return v == want }), nil}})
	}
	for _, z := range v1StripZero {
		all = append(all, ruleMutant{z.id, mutant{
			"mutV1/validation: " + v1Iface(z.method, z.path) + " strips the leading 0 of areaCode", "business:area-selection",
			v1Normalise(z.method, z.path, "areaCode", func(v any) (any, bool) {
				s, ok := v.(string)
				if !ok || !strings.HasPrefix(s, "0") {
					return v, false
				}
				return strings.TrimPrefix(s, "0"), true
			}), nil}})
	}
	for name, reason := range mutV1Decided {
		targetSurvivorReasons[name] = reason
	}
	for _, rm := range all {
		mutants = append(mutants, rm.m)
		mutantRuleIDs[rm.m.name] = rm.id
	}
}

// v1Iface names the interface of a method and path in mutant names ("AXB modify").
func v1Iface(method, path string) string {
	mode := map[string]string{pns.PathAXB: "AXB", pns.PathAX: "AX", pns.PathAXCallee: "AX temporary callee", pns.PathAXE: "AXE"}[path]
	if path == pns.PathAXCallee {
		return mode
	}
	return mode + " " + map[string]string{http.MethodPost: "bind", http.MethodPut: "modify", http.MethodDelete: "unbind", http.MethodGet: "query"}[method]
}

// v1Field finds a dotted field ("preVoice.callerHintTone") of a JSON body: the object holding
// it, its key, and whether it is there.
func v1Field(m map[string]any, field string) (map[string]any, string, bool) {
	parts := strings.Split(field, ".")
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			return nil, "", false
		}
		m = next
	}
	key := parts[len(parts)-1]
	_, ok := m[key]
	return m, key, ok
}

// v1Normalise rewrites a body field of method requests on path to fix(value) when fix says
// so, as a platform normalising the value instead of validating it would.
func v1Normalise(method, path, field string, fix func(any) (any, bool)) func(map[string]string) func(http.Handler) http.Handler {
	return rewriteBody(method, path, func(m map[string]any) bool {
		obj, key, ok := v1Field(m, field)
		if !ok {
			return false
		}
		v, changed := fix(obj[key])
		if changed {
			obj[key] = v
		}
		return changed
	})
}

// v1NormaliseQuery rewrites one query parameter of method requests on path.
func v1NormaliseQuery(method, path, param string, fix func(string) (string, bool)) func(map[string]string) func(http.Handler) http.Handler {
	return v1NormaliseQueryAll(method, path, func(q map[string][]string) bool {
		if len(q[param]) != 1 {
			return false
		}
		v, ok := fix(q[param][0])
		if ok {
			q[param] = []string{v}
		}
		return ok
	})
}

// v1NormaliseQueryAll is rewriteQuery (the name keeps this file's helpers together).
func v1NormaliseQueryAll(method, path string, f func(map[string][]string) bool) func(map[string]string) func(http.Handler) http.Handler {
	return rewriteQuery(method, path, f)
}

var v1National = regexp.MustCompile(`^1[0-9]{10}$`)

// v1NationalMobile completes an 11-digit national mobile number to +86 form.
func v1NationalMobile(v any) (any, bool) {
	s, ok := v.(string)
	if !ok || !v1National.MatchString(s) {
		return v, false
	}
	return "+86" + s, true
}

// v1AddPlus adds the + a number in global form lacks.
func v1AddPlus(v any) (any, bool) {
	s, ok := v.(string)
	if !ok || !strings.HasPrefix(s, "86") || strings.Trim(s, "0123456789") != "" {
		return v, false
	}
	return "+" + s, true
}

// v1AddZero adds the leading 0 an area code lacks.
func v1AddZero(v any) (any, bool) {
	s, ok := v.(string)
	if !ok || s == "" || strings.HasPrefix(s, "0") || strings.Trim(s, "0123456789") != "" {
		return v, false
	}
	return "0" + s, true
}

// v1FoldCase lower-cases a string enum value ("TRUE", "ON").
func v1FoldCase(v any) (any, bool) {
	s, ok := v.(string)
	if !ok || strings.ToLower(s) == s {
		return v, false
	}
	return strings.ToLower(s), true
}

// v1OutsideEnum reads a string outside values as def.
func v1OutsideEnum(def string, values ...string) func(any) (any, bool) {
	return func(v any) (any, bool) {
		s, ok := v.(string)
		if !ok {
			return v, false
		}
		for _, x := range values {
			if s == x {
				return v, false
			}
		}
		return def, true
	}
}

// v1OutsideIntEnum reads a whole number outside lo..hi as lo.
func v1OutsideIntEnum(lo, hi float64) func(any) (any, bool) {
	return func(v any) (any, bool) {
		n, ok := v.(float64)
		if !ok || n == float64(int64(n)) && n >= lo && n <= hi {
			return v, false
		}
		return lo, true
	}
}

// v1Clamp clamps a whole number into lo..hi.
func v1Clamp(lo, hi float64) func(any) (any, bool) {
	return func(v any) (any, bool) {
		n, ok := v.(float64)
		switch {
		case !ok:
			return v, false
		case n < lo:
			return lo, true
		case n > hi:
			return hi, true
		}
		return v, false
	}
}

// v1Truncate cuts a string to max characters.
func v1Truncate(max int) func(any) (any, bool) {
	return func(v any) (any, bool) {
		s, ok := v.(string)
		if r := []rune(s); ok && len(r) > max {
			return string(r[:max]), true
		}
		return v, false
	}
}

// v1Refuse answers 1010002 naming field to method requests on path whose body carries the
// field with a value for which bad is true (bad also sees the whole body).
func v1Refuse(method, path, field string, bad func(v any, m map[string]any) bool) func(map[string]string) func(http.Handler) http.Handler {
	return func(map[string]string) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == method && r.URL.Path == path {
					var m map[string]any
					if json.Unmarshal(body(r), &m) == nil {
						if obj, key, ok := v1Field(m, field); ok && bad(obj[key], m) {
							writeError(w, pns.InvalidRequest(key))
							return
						}
					}
				}
				h.ServeHTTP(w, r)
			})
		}
	}
}

// v1Answer replaces the emulator's answer to method requests on path by code (with its
// standard description) when when is true of the request, its JSON body (nil for none) and
// the emulator's answer.
func v1Answer(method, path string, code pns.Code, when func(*http.Request, map[string]any, pns.Envelope) bool) func(map[string]string) func(http.Handler) http.Handler {
	return func(map[string]string) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != method || r.URL.Path != path {
					h.ServeHTTP(w, r)
					return
				}
				var m map[string]any
				_ = json.Unmarshal(body(r), &m)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, r)
				var env pns.Envelope
				if json.Unmarshal(rec.Body.Bytes(), &env) == nil && when(r, m, env) {
					v1WriteCode(w, code)
					return
				}
				copyRecorded(w, rec)
			})
		}
	}
}

// v1WriteCode writes an answer with code and its standard description.
func v1WriteCode(w http.ResponseWriter, code pns.Code) {
	if code == pns.CodeSuccess {
		b, _ := json.Marshal(pns.Envelope{ResultCode: string(code), ResultDesc: "Success"})
		w.Header().Set("Content-Type", pns.ContentTypeJSON)
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(b)
		return
	}
	writeError(w, pns.NewError(code))
}

// v1AnswerCode answers success where the emulator answers method requests on path with code.
func v1AnswerCode(method, path, code string) func(map[string]string) func(http.Handler) http.Handler {
	return v1Answer(method, path, pns.CodeSuccess, func(_ *http.Request, _ map[string]any, env pns.Envelope) bool {
		return env.ResultCode == code
	})
}

// v1FirstOnly cuts the list of a query that names only param (none of others) to its first
// entry, as a platform treating the lookup as a single-binding one would.
func v1FirstOnly(method, path, list, param string, others ...string) func(map[string]string) func(http.Handler) http.Handler {
	return rewriteAnswers(func(r *http.Request, m map[string]any) bool {
		q := r.URL.Query()
		if r.Method != method || r.URL.Path != path || q.Get(param) == "" {
			return false
		}
		for _, o := range others {
			if q.Get(o) != "" {
				return false
			}
		}
		l, ok := m[list].([]any)
		if !ok || len(l) < 2 {
			return false
		}
		m[list] = l[:1]
		if _, ok := m["totalCount"]; ok {
			m["totalCount"] = 1
		}
		return true
	})
}

// v1DropWith drops param from an AXB query by relationNum that carries it without other.
func v1DropWith(param, other string) func(map[string]string) func(http.Handler) http.Handler {
	return rewriteQuery(http.MethodGet, pns.PathAXB, func(q map[string][]string) bool {
		if q["subscriptionId"] != nil || q["relationNum"] == nil || q[param] == nil || q[other] != nil {
			return false
		}
		delete(q, param)
		return true
	})
}

// v1RequireSubscription refuses naming subscriptionId a PUT on path that identifies the
// binding by privateNum alone.
func v1RequireSubscription(path string) func(map[string]string) func(http.Handler) http.Handler {
	return v1Refuse(http.MethodPut, path, "privateNum", func(_ any, m map[string]any) bool {
		s, _ := m["subscriptionId"].(string)
		return s == ""
	})
}

// v1Resend serves a copy of r with the query or body changed, signed afresh as appKey (the
// first request's nonce is spent).
func v1Resend(h http.Handler, r *http.Request, secrets map[string]string, appKey, rawQuery string, b []byte) *httptest.ResponseRecorder {
	r2 := r.Clone(r.Context())
	r2.URL.RawQuery = rawQuery
	r2.Body = io.NopCloser(bytes.NewReader(b))
	r2.ContentLength = int64(len(b))
	if b != nil {
		r2.Header.Set("Content-Length", strconv.Itoa(len(b)))
	}
	pns.Signer{AppKey: appKey, AppSecret: secrets[appKey]}.Sign(r2.Header)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r2)
	return rec
}

// v1OtherApps retries a lookup by param that found nothing signed as every other app, and
// answers the first that finds it, as a platform looking identifiers up across apps would.
func v1OtherApps(method, path, param string) func(map[string]string) func(http.Handler) http.Handler {
	return func(secrets map[string]string) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != method || r.URL.Path != path || r.URL.Query().Get(param) == "" {
					h.ServeHTTP(w, r)
					return
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, r)
				var env pns.Envelope
				t, err := pns.ParseRequestAuth(r.Header)
				if err == nil && json.Unmarshal(rec.Body.Bytes(), &env) == nil && env.ResultCode == string(pns.CodeRecordNotExist) {
					for key := range secrets {
						if key == t.Username {
							continue
						}
						other := v1Resend(h, r, secrets, key, r.URL.RawQuery, nil)
						if json.Unmarshal(other.Body.Bytes(), &env) == nil && env.ResultCode == string(pns.CodeSuccess) {
							rec = other
							break
						}
					}
				}
				copyRecorded(w, rec)
			})
		}
	}
}

// v1SubscriptionAsOrigNum answers an AX query by subscriptionId with every binding of the
// found binding's A, as a platform resolving the ID to its A first would.
func v1SubscriptionAsOrigNum(secrets map[string]string) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			if r.Method != http.MethodGet || r.URL.Path != pns.PathAX || q.Get("subscriptionId") == "" {
				h.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			var ans struct {
				ResultCode string `json:"resultcode"`
				List       []struct {
					OrigNum string `json:"origNum"`
				} `json:"privateNumList"`
			}
			t, err := pns.ParseRequestAuth(r.Header)
			if err == nil && json.Unmarshal(rec.Body.Bytes(), &ans) == nil && ans.ResultCode == string(pns.CodeSuccess) && len(ans.List) == 1 {
				q.Del("subscriptionId")
				q.Set("origNum", ans.List[0].OrigNum)
				rec = v1Resend(h, r, secrets, t.Username, q.Encode(), nil)
			}
			copyRecorded(w, rec)
		})
	}
}

// v1BindWithoutForeignX retries an AX bind refused because its privateNum is not the app's
// (1011004) without the privateNum, so the platform picks one of the app's own X numbers.
func v1BindWithoutForeignX(secrets map[string]string) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost || r.URL.Path != pns.PathAX {
				h.ServeHTTP(w, r)
				return
			}
			var m map[string]any
			_ = json.Unmarshal(body(r), &m)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			var env pns.Envelope
			t, err := pns.ParseRequestAuth(r.Header)
			if err == nil && m["privateNum"] != nil && json.Unmarshal(rec.Body.Bytes(), &env) == nil && env.ResultCode == "1011004" {
				delete(m, "privateNum")
				b, _ := json.Marshal(m)
				rec = v1Resend(h, r, secrets, t.Username, r.URL.RawQuery, b)
			}
			copyRecorded(w, rec)
		})
	}
}

// v1Fallback retries an AXB query whose subscriptionId names no binding without it, so the
// relationNum sent with it decides, as a platform treating the ID as one more filter would.
func v1Fallback(secrets map[string]string) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			if r.Method != http.MethodGet || r.URL.Path != pns.PathAXB || q.Get("subscriptionId") == "" || q.Get("relationNum") == "" {
				h.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			var env pns.Envelope
			t, err := pns.ParseRequestAuth(r.Header)
			if err == nil && json.Unmarshal(rec.Body.Bytes(), &env) == nil && env.ResultCode == string(pns.CodeRecordNotExist) {
				q.Del("subscriptionId")
				rec = v1Resend(h, r, secrets, t.Username, q.Encode(), nil)
			}
			copyRecorded(w, rec)
		})
	}
}

// v1UnbindFirst turns an AXB unbind by relationNum alone into the unbind of the first binding
// on that X, as a platform removing one matching binding instead of all would.
func v1UnbindFirst(secrets map[string]string) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			t, err := pns.ParseRequestAuth(r.Header)
			if err != nil || r.Method != http.MethodDelete || r.URL.Path != pns.PathAXB || q.Get("relationNum") == "" || q.Get("subscriptionId") != "" {
				h.ServeHTTP(w, r)
				return
			}
			get := r.Clone(r.Context())
			get.Method = http.MethodGet
			found := v1Resend(h, get, secrets, t.Username, r.URL.RawQuery, nil)
			var ans struct {
				ResultCode string `json:"resultcode"`
				List       []struct {
					SubscriptionID string `json:"subscriptionId"`
				} `json:"relationNumList"`
			}
			if json.Unmarshal(found.Body.Bytes(), &ans) != nil || ans.ResultCode != string(pns.CodeSuccess) || len(ans.List) < 2 {
				h.ServeHTTP(w, r) // the nonce of r is unspent: the lookup was signed afresh
				return
			}
			copyRecorded(w, v1Resend(h, r, secrets, t.Username, "subscriptionId="+ans.List[0].SubscriptionID, nil))
		})
	}
}

// v1JSON is v as JSON, for mutant names.
func v1JSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
