package conformance

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/pns"
)

// mutV2Mutants break, one each, the validation rules of the AXE (§5.2-§5.5) and AXYB (§6.2-§6.4)
// fields, their ranges in §13.6 and the emulator's validation decisions (D18-D56) that no other
// mutant named (issue 22 item 3). Each is a bug a platform could plausibly have: a lenient
// parser that repairs what it should refuse, a range end taken one step off, a parameter read
// from the wrong place, a lookup that answers success where the contract refuses.
var mutV2Mutants = []ruleMutant{
	// AXB ranges (§13.6) and the decided refusal of an out-of-range duration (D29).
	{"13.6/AXB-duration", mutant{"mutV2/validation: AXB bind refuses duration 0 (never expires) as below the minimum", "range:duration",
		v2RefuseBody(http.MethodPost, pns.PathAXB, "duration", func(m map[string]any) bool { return v2NumIs(m["duration"], 0) }), nil}},
	{"D29", mutant{"mutV2/validation: AXB bind takes a negative duration as 0 (never expires)", "range:duration",
		rewriteBody(http.MethodPost, pns.PathAXB, func(m map[string]any) bool {
			return v2Clamp(m, "duration", func(n float64) (float64, bool) { return 0, n < 0 })
		}), nil}},
	{"13.6/AXB-query-pageSize", mutant{"mutV2/validation: AXB query clamps pageSize 101 to 100 instead of paging by the default 50", "business:pagination",
		rewriteQuery(http.MethodGet, pns.PathAXB, func(q map[string][]string) bool {
			if n, err := strconv.Atoi(v2First(q["pageSize"])); err != nil || n <= 100 {
				return false
			}
			q["pageSize"] = []string{"100"}
			return true
		}), nil}},

	// AXYB bind (§6.2, §13.6): the AX bind and the YB bind (with subscriptionId) share the URI.
	{"13.6/AXYB-duration", mutant{"mutV2/validation: AXYB bind cuts duration 7776001 to 7776000 (90 days)", "range:duration",
		v2AXYBBody(false, func(m map[string]any) bool {
			return v2Clamp(m, "duration", func(n float64) (float64, bool) { return 7776000, n > 7776000 })
		}), nil}},
	{"6.2/duration", mutant{"mutV2/validation: AXYB bind refuses duration 0 (never expires) as below 60", "range:duration",
		v2RefuseBody(http.MethodPost, pns.PathAXYB, "duration", func(m map[string]any) bool { return v2NumIs(m["duration"], 0) }), nil}},
	{"13.6/AXYB-ybDuration", mutant{"mutV2/validation: AXYB bind raises ybDuration 59 to 60", "range:ybDuration",
		v2AXYBBody(false, v2RaiseYB), nil}},
	{"6.2/ybDuration", mutant{"mutV2/validation: AXYB bind refuses a ybDuration above duration instead of replacing it by duration", "business:yb-capped-by-duration",
		v2RefuseBody(http.MethodPost, pns.PathAXYB, "ybDuration", func(m map[string]any) bool {
			d, ok1 := v2Num(m["duration"])
			yb, ok2 := v2Num(m["ybDuration"])
			return m["subscriptionId"] == nil && ok1 && ok2 && d > 0 && yb > d
		}), nil}},
	{"6.2/ybDuration~2", mutant{"mutV2/validation: AXYB YB bind raises ybDuration 59 to 60", "range:ybDuration",
		v2AXYBBody(true, v2RaiseYB), nil}},
	{"6.2/origNum", mutant{"mutV2/validation: AXYB bind adds the missing + to A's origNum", "format:origNum",
		v2AXYBBody(false, func(m map[string]any) bool {
			return v2EditString(m, "origNum", func(s string) (string, bool) { return "+" + s, !strings.HasPrefix(s, "+") })
		}), nil}},
	{"6.2/origNum~2", mutant{"mutV2/validation: AXYB YB bind reads a B without its country code as +86", "format:origNum",
		v2AXYBBody(true, func(m map[string]any) bool {
			return v2EditString(m, "origNum", func(s string) (string, bool) { return "+86" + s, !strings.HasPrefix(s, "+") })
		}), nil}},
	{"6.2/areaCode", mutant{"mutV2/validation: AXYB bind ignores an areaCode without its leading 0", "business:area-selection",
		v2AXYBBody(false, v2DropAreaWithout0), nil}},
	{"6.2/areaCode~2", mutant{"mutV2/validation: AXYB YB bind ignores an areaCode without its leading 0", "business:area-selection",
		v2AXYBBody(true, v2DropAreaWithout0), nil}},
	{"6.2/areaMatchMode", mutant{`mutV2/validation: AXYB bind refuses areaMatchMode "1" (non-strict)`, "enum:areaMatchMode",
		v2RefuseBody(http.MethodPost, pns.PathAXYB, "areaMatchMode", func(m map[string]any) bool { return m["areaMatchMode"] == "1" }), nil}},
	{"6.2/callDirection", mutant{"mutV2/validation: AXYB bind reads callDirection 3 as 0 (bidirectional)", "enum:callDirection",
		v2AXYBBody(false, func(m map[string]any) bool {
			return v2Clamp(m, "callDirection", func(n float64) (float64, bool) { return 0, n > 2 })
		}), nil}},
	{"6.2/recordFlag", mutant{`mutV2/validation: AXYB bind reads any recordFlag but "true" as "false"`, "enum:recordFlag",
		v2AXYBBody(false, v2LenientFlag), nil}},
	{"6.2/userData", mutant{"mutV2/validation: AXYB bind strips the braces from userData", "format:userData",
		v2AXYBBody(false, v2StripBraces), nil}},
	{"6.2/subscriptionId", mutant{"mutV2/validation: AXYB YB bind on an unknown subscriptionId binds a new AX instead", "business:unknown-subscription",
		v2YBAsNewAX, nil}},
	{"6.2/app-key", mutant{"mutV2/validation: AXYB bind without app_key takes the signer's APP_Key", "mandatory:app_key",
		v2FillAppKey(http.MethodPost), nil}},

	// AXYB unbind and query (§6.3, §6.4).
	{"6.3/app-key", mutant{"mutV2/validation: AXYB unbind without app_key takes the signer's APP_Key", "mandatory:app_key",
		v2FillAppKey(http.MethodDelete), nil}},
	{"6.4/app-key", mutant{"mutV2/validation: AXYB query without app_key takes the signer's APP_Key", "mandatory:app_key",
		v2FillAppKey(http.MethodGet), nil}},
	{"6.3/subscriptionId", mutant{"mutV2/validation: AXYB unbind of an unknown subscriptionId answers success (nothing to remove)", "business:unknown-subscription",
		v2AnswerSuccess(http.MethodDelete, pns.PathAXYB, nil, func(q url.Values) bool {
			return q.Get("subscriptionId") != "" && q.Get("yNum") == "" && q.Get("bNum") == ""
		}), nil}},
	{"6.3/bNum", mutant{"mutV2/validation: AXYB unbind ignores bNum and removes the AX with every YB", "business:unbind-one-yb",
		rewriteQuery(http.MethodDelete, pns.PathAXYB, func(q map[string][]string) bool {
			if q["bNum"] == nil || q["yNum"] != nil {
				return false
			}
			delete(q, "bNum")
			return true
		}), nil}},
	{"6.4/relationNum", mutant{"mutV2/validation: AXYB query by a number that is no X of the app answers an empty list", "business:by-x",
		v2AnswerSuccess(http.MethodGet, pns.PathAXYB, map[string]any{"xyRelationNumList": []any{}}, func(q url.Values) bool {
			return q.Get("relationNum") != "" && q.Get("subscriptionId") == ""
		}), nil}},
	{"6.4/subscriptionId", mutant{"mutV2/validation: AXYB query lets relationNum win over subscriptionId", "precedence:subscriptionId>relationNum",
		rewriteQuery(http.MethodGet, pns.PathAXYB, func(q map[string][]string) bool {
			if q["relationNum"] == nil || q["subscriptionId"] == nil {
				return false
			}
			delete(q, "subscriptionId")
			return true
		}), nil}},

	// AXE bind (§5.2).
	{"5.2/areaCode", mutant{"mutV2/validation: AXE bind ignores an areaCode without its leading 0", "business:area-selection",
		rewriteBody(http.MethodPost, pns.PathAXE, v2DropAreaWithout0), nil}},
	{"5.2/areaMatchMode", mutant{`mutV2/validation: AXE bind refuses areaMatchMode "1" (non-strict)`, "enum:areaMatchMode",
		v2RefuseBody(http.MethodPost, pns.PathAXE, "areaMatchMode", func(m map[string]any) bool { return m["areaMatchMode"] == "1" }), nil}},
	{"5.2/bindNum", mutant{"mutV2/validation: AXE bind reads a bindNum without + as +86", "format:bindNum",
		rewriteBody(http.MethodPost, pns.PathAXE, func(m map[string]any) bool {
			return v2EditString(m, "bindNum", func(s string) (string, bool) { return "+86" + s, !strings.HasPrefix(s, "+") })
		}), nil}},
	{"5.2/callbackExpiredTime", mutant{"mutV2/validation: AXE bind refuses callbackExpiredTime 0 (never expires)", "range:callbackExpiredTime",
		v2RefuseBody(http.MethodPost, pns.PathAXE, "callbackExpiredTime", func(m map[string]any) bool { return v2NumIs(m["callbackExpiredTime"], 0) }), nil}},
	{"5.2/callbackNum", mutant{"mutV2/validation: AXE bind refuses a callbackNum in the global format (wants a national number)", "exclusive:callbackTone,callbackNum",
		v2RefuseBody(http.MethodPost, pns.PathAXE, "callbackNum", func(m map[string]any) bool {
			s, _ := m["callbackNum"].(string)
			return strings.HasPrefix(s, "+")
		}), nil}},
	{"5.2/callbackTone", mutant{"mutV2/validation: AXE bind cuts a 129-character callbackTone to 128", "length:callbackTone",
		v2Truncate(http.MethodPost, pns.PathAXE, "callbackTone", 128), nil}},
	{"5.2/displayNumMode", mutant{`mutV2/validation: AXE bind ignores displayNumMode "2" (takes the default "0")`, "enum:displayNumMode",
		v2DropEnum(http.MethodPost, pns.PathAXE, "displayNumMode", "0", "1"), nil}},
	{"5.2/extendNum", mutant{"mutV2/validation: AXE bind keeps the last 4 digits of a 5-digit extendNum", "length:extendNum",
		rewriteBody(http.MethodPost, pns.PathAXE, func(m map[string]any) bool {
			return v2EditString(m, "extendNum", func(s string) (string, bool) { return s[max(len(s)-4, 0):], len(s) > 4 })
		}), nil}},
	{"5.2/recordFlag", mutant{`mutV2/validation: AXE bind reads any recordFlag but "true" as "false"`, "enum:recordFlag",
		rewriteBody(http.MethodPost, pns.PathAXE, v2LenientFlag), nil}},
	{"5.2/recordHintTone", mutant{"mutV2/validation: AXE bind cuts a 129-character recordHintTone to 128", "length:recordHintTone",
		v2Truncate(http.MethodPost, pns.PathAXE, "recordHintTone", 128), nil}},
	{"5.2/userData", mutant{"mutV2/validation: AXE bind cuts a 257-character userData to 256", "length:userData",
		v2Truncate(http.MethodPost, pns.PathAXE, "userData", 256), nil}},
	{"5.2/virtualNum", mutant{"mutV2/validation: AXE bind ignores a fixed-line virtualNum and chooses an X", "format:virtualNum",
		rewriteBody(http.MethodPost, pns.PathAXE, func(m map[string]any) bool {
			s, _ := m["virtualNum"].(string)
			if !v2FixedLine.MatchString(s) {
				return false
			}
			delete(m, "virtualNum")
			return true
		}), nil}},

	// AXE modify (§5.4).
	{"5.4/callbackExpiredTime", mutant{"mutV2/validation: AXE modify reads callbackExpiredTime -1 as 0", "range:callbackExpiredTime",
		rewriteBody(http.MethodPut, pns.PathAXE, func(m map[string]any) bool {
			return v2Clamp(m, "callbackExpiredTime", func(n float64) (float64, bool) { return 0, n < 0 })
		}), nil}},
	{"5.4/displayNumMode", mutant{`mutV2/validation: AXE modify ignores displayNumMode "2" (leaves it unchanged)`, "enum:displayNumMode",
		v2DropEnum(http.MethodPut, pns.PathAXE, "displayNumMode", "0", "1"), nil}},
	{"5.4/recordFlag-recordHintTone-callbackTone-c", mutant{"mutV2/validation: AXE modify cuts a 257-character userData to 256", "length:userData",
		v2Truncate(http.MethodPut, pns.PathAXE, "userData", 256), nil}},
	{"5.4/timeUnit-bindExpiredTime", mutant{"mutV2/validation: AXE modify refuses bindExpiredTime instead of accepting it unapplied", "business:lifetime-not-applied",
		v2RefuseBody(http.MethodPut, pns.PathAXE, "bindExpiredTime", func(m map[string]any) bool { return m["bindExpiredTime"] != nil }), nil}},

	// AXE query (§5.5).
	{"5.5/virtualNum", mutant{"mutV2/validation: AXE query reads virtualNum without unescaping its %2B", "business:unescaped-plus",
		rewriteQuery(http.MethodGet, pns.PathAXE, func(q map[string][]string) bool {
			v := v2First(q["virtualNum"])
			if !strings.HasPrefix(v, "+") {
				return false
			}
			q["virtualNum"] = []string{"%2B" + v[1:]}
			return true
		}), nil}},
	{"5.5/extendNum", mutant{"mutV2/validation: AXE query by virtualNum without extendNum answers no match (1012007) instead of refusing", "pair:virtualNum+extendNum",
		v2RefuseQuery(http.MethodGet, pns.PathAXE, pns.NewError(pns.CodeRecordNotExist), func(q url.Values) bool {
			return q.Get("virtualNum") != "" && q.Get("extendNum") == "" && q.Get("subscriptionId") == ""
		}), nil}},

	// The emulator's validation decisions (§14.1): killed by the embedded suite only.
	{"D18", mutant{"mutV2/validation: a POST body labelled text/plain read as JSON", "business:content-type",
		func(map[string]string) func(http.Handler) http.Handler {
			return func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
						r.Header.Set("Content-Type", pns.ContentTypeJSON)
					}
					h.ServeHTTP(w, r)
				})
			}
		}, nil}},
	{"D21", mutant{"mutV2/validation: AXB bind refuses a JSON null in an optional field", "business:null-is-absent",
		func(map[string]string) func(http.Handler) http.Handler {
			return func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method == http.MethodPost && r.URL.Path == pns.PathAXB {
						var m map[string]json.RawMessage
						if json.Unmarshal(body(r), &m) == nil {
							for _, f := range []string{"duration", "maxDuration", "userData", "preVoice", "recordFlag", "privateSms", "areaCode"} {
								if string(m[f]) == "null" {
									writeError(w, pns.InvalidRequest(f))
									return
								}
							}
						}
					}
					h.ServeHTTP(w, r)
				})
			}
		}, nil}},
	{"D23", mutant{"mutV2/validation: JSON booleans refused for recordFlag and privateSms", "business:boolean-flags",
		v2Chain(v2RefuseBody("", "", "recordFlag", v2IsBool("recordFlag")), v2RefuseBody("", "", "privateSms", v2IsBool("privateSms"))), nil}},
	{"D24", mutant{"mutV2/validation: userData with ASCII symbols other than '-' refused", "format:userData",
		v2RefuseBody("", "", "userData", func(m map[string]any) bool {
			s, _ := m["userData"].(string)
			return strings.ContainsAny(s, "/_:;=,")
		}), nil}},
	{"D25", mutant{"mutV2/validation: tone files never checked against the app's approved list", "business:tone-approval", nil,
		func(c *emulator.Config) {
			for i := range c.Apps {
				c.Apps[i].ToneFiles = nil
			}
		}}},
	{"D27", mutant{"mutV2/validation: an interface of another mode answered 1010003 (invalid app_key) instead of 1010040", "business:mode-mismatch",
		recode(pns.CodeAPINotAllowed, pns.CodeInvalidAppKey, 0), nil}},
	{"D54", mutant{"mutV2/validation: AX unbind by privateNum alone refused (origNum required)", "alternative:subscriptionId|privateNum",
		v2RefuseQuery(http.MethodDelete, pns.PathAX, pns.InvalidRequest("origNum"), func(q url.Values) bool {
			return q.Get("privateNum") != "" && q.Get("origNum") == "" && q.Get("subscriptionId") == ""
		}), nil}},
	{"D56", mutant{"mutV2/validation: a 400 number refused as temporary callee", "format:calleeNum",
		v2RefuseBody(http.MethodPut, pns.PathAXCallee, "calleeNum", func(m map[string]any) bool {
			s, _ := m["calleeNum"].(string)
			return strings.HasPrefix(s, "+86400")
		}), nil}},
}

// mutV2OnTarget says, per rule ID, why its mutant survives on a target that is not the
// emulator: the rule is a decision of the emulator (§14.1), whose scenarios are @decision (a
// different answer there is a difference, not a failure) or @emulator.
var mutV2OnTarget = map[string]string{
	"D18": "invisible: the Content-Type check (media type application/json, else 1010002) is the emulator's decision D18; " +
		"its scenarios are @decision:D18, so another platform's answer to text/plain is a difference, not a failure",
	"D21": "invisible: a JSON null read as an absent field is the emulator's decision D21 (the documents are silent); " +
		"its scenarios are @decision:D21",
	"D23": "invisible: JSON booleans for recordFlag and privateSms are the emulator's decision D23 (the documented type is the " +
		"string enum, whose refusals run on every target); the boolean scenarios are @decision:D23",
	"D25": "invisible: tone approval needs an app with a list of approved tone files, which only the emulator's own test " +
		"app (AXB-tones) has; the rule is D25 and its scenario is @emulator",
	"D54": "invisible: privateNum alone as an AX unbind form is the emulator's decision D54 (the documented forms are the ID " +
		"or origNum with privateNum; only the samples send privateNum alone); its scenarios are @decision:D54",
	"D56": "invisible: a 400 or 95 number as temporary callee is the emulator's decision D56 (their syntax is undocumented); " +
		"its scenarios are @decision:D56",
}

func init() {
	for _, cm := range mutV2Mutants {
		mutants = append(mutants, cm.m)
		mutantRuleIDs[cm.m.name] = cm.id
		if r, ok := mutV2OnTarget[cm.id]; ok {
			targetSurvivorReasons[cm.m.name] = r
		}
	}
}

// v2FixedLine is a +86 fixed-line number (area code without its 0, then the local number).
var v2FixedLine = regexp.MustCompile(`^\+86[2-9][0-9]{8,10}$`)

// v2First is a parameter's first value, "" when absent.
func v2First(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// v2Num reads a JSON number or a decimal string (the AXYB durations are String(1-32)).
func v2Num(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	}
	return 0, false
}

// v2NumIs reports whether v is the number n, sent as a number or a string.
func v2NumIs(v any, n float64) bool {
	f, ok := v2Num(v)
	return ok && f == n
}

// v2Clamp replaces the number in field by what to returns when it says so, keeping the field's
// JSON type (a string stays a string), as a platform repairing a value would.
func v2Clamp(m map[string]any, field string, to func(float64) (float64, bool)) bool {
	n, ok := v2Num(m[field])
	if !ok {
		return false
	}
	v, change := to(n)
	if !change {
		return false
	}
	if _, isString := m[field].(string); isString {
		m[field] = strconv.FormatFloat(v, 'f', -1, 64)
	} else {
		m[field] = v
	}
	return true
}

// v2EditString replaces the string in field by what f returns when it says so.
func v2EditString(m map[string]any, field string, f func(string) (string, bool)) bool {
	s, ok := m[field].(string)
	if !ok {
		return false
	}
	v, change := f(s)
	if change {
		m[field] = v
	}
	return change
}

// v2IsBool selects bodies whose field is a JSON boolean.
func v2IsBool(field string) func(map[string]any) bool {
	return func(m map[string]any) bool {
		_, ok := m[field].(bool)
		return ok
	}
}

// v2Chain applies the mutants' wrappers in turn (the first one outermost).
func v2Chain(ws ...func(map[string]string) func(http.Handler) http.Handler) func(map[string]string) func(http.Handler) http.Handler {
	return func(secrets map[string]string) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler {
			for i := len(ws) - 1; i >= 0; i-- {
				h = ws[i](secrets)(h)
			}
			return h
		}
	}
}

// v2RaiseYB raises a ybDuration between 1 and 59 to 60.
func v2RaiseYB(m map[string]any) bool {
	return v2Clamp(m, "ybDuration", func(n float64) (float64, bool) { return 60, n > 0 && n < 60 })
}

// v2DropAreaWithout0 removes an areaCode that is no city code (no leading 0), as a platform
// that ignores what it cannot look up would; the X is then chosen as without areaCode.
func v2DropAreaWithout0(m map[string]any) bool {
	s, ok := m["areaCode"].(string)
	if !ok || s == "" || strings.HasPrefix(s, "0") {
		return false
	}
	delete(m, "areaCode")
	return true
}

// v2LenientFlag reads any string recordFlag other than "true" and "false" as "false".
func v2LenientFlag(m map[string]any) bool {
	return v2EditString(m, "recordFlag", func(s string) (string, bool) { return "false", s != "true" && s != "false" })
}

// v2StripBraces removes { and } from userData (an empty result becomes "x").
func v2StripBraces(m map[string]any) bool {
	return v2EditString(m, "userData", func(s string) (string, bool) {
		if !strings.ContainsAny(s, "{}") {
			return s, false
		}
		if s = strings.NewReplacer("{", "", "}", "").Replace(s); s == "" {
			s = "x"
		}
		return s, true
	})
}

// v2AXYBBody edits the bodies of AXYB binds of one form: the YB bind (yb, with a subscriptionId)
// or the AX bind.
func v2AXYBBody(yb bool, f func(map[string]any) bool) func(map[string]string) func(http.Handler) http.Handler {
	return rewriteBody(http.MethodPost, pns.PathAXYB, func(m map[string]any) bool {
		return (m["subscriptionId"] != nil) == yb && f(m)
	})
}

// v2Truncate cuts a string field longer than maxLen to maxLen characters.
func v2Truncate(method, path, field string, maxLen int) func(map[string]string) func(http.Handler) http.Handler {
	return rewriteBody(method, path, func(m map[string]any) bool {
		return v2EditString(m, field, func(s string) (string, bool) {
			if len(s) <= maxLen {
				return s, false
			}
			return s[:maxLen], true
		})
	})
}

// v2DropEnum removes a string enum field whose value is none of valid, as a platform that
// ignores unknown values instead of refusing them would.
func v2DropEnum(method, path, field string, valid ...string) func(map[string]string) func(http.Handler) http.Handler {
	return rewriteBody(method, path, func(m map[string]any) bool {
		s, ok := m[field].(string)
		if !ok {
			return false
		}
		for _, v := range valid {
			if s == v {
				return false
			}
		}
		delete(m, field)
		return true
	})
}

// v2RefuseBody answers 1010002 naming field to method requests on path (either empty: any)
// whose JSON body bad selects.
func v2RefuseBody(method, path, field string, bad func(map[string]any) bool) func(map[string]string) func(http.Handler) http.Handler {
	return func(map[string]string) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if (method == "" && (r.Method == http.MethodPost || r.Method == http.MethodPut) || r.Method == method) &&
					(path == "" || r.URL.Path == path) {
					var m map[string]any
					if json.Unmarshal(body(r), &m) == nil && bad(m) {
						writeError(w, pns.InvalidRequest(field))
						return
					}
				}
				h.ServeHTTP(w, r)
			})
		}
	}
}

// v2RefuseQuery answers e to method requests on path whose query parameters bad selects.
func v2RefuseQuery(method, path string, e *pns.Error, bad func(url.Values) bool) func(map[string]string) func(http.Handler) http.Handler {
	return func(map[string]string) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == method && r.URL.Path == path && bad(r.URL.Query()) {
					writeError(w, e)
					return
				}
				h.ServeHTTP(w, r)
			})
		}
	}
}

// v2AnswerSuccess turns the "no such record" answers (1012007) of method requests on path whose
// query when selects into HTTP 200 resultcode "0" with the fields of extra, as a platform that
// treats "nothing found" as an empty success would; other refusals (a missing app_key) stay.
func v2AnswerSuccess(method, path string, extra map[string]any, when func(url.Values) bool) func(map[string]string) func(http.Handler) http.Handler {
	return func(map[string]string) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != method || r.URL.Path != path || !when(r.URL.Query()) {
					h.ServeHTTP(w, r)
					return
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, r)
				var env pns.Envelope
				if json.Unmarshal(rec.Body.Bytes(), &env) != nil || env.ResultCode != string(pns.CodeRecordNotExist) {
					copyRecorded(w, rec)
					return
				}
				out := map[string]any{"resultcode": string(pns.CodeSuccess), "resultdesc": "Success"}
				for k, v := range extra {
					out[k] = v
				}
				b, _ := json.Marshal(out)
				w.Header().Set("Content-Type", pns.ContentTypeJSON)
				w.Header().Set("Content-Length", strconv.Itoa(len(b)))
				w.WriteHeader(http.StatusOK)
				_, _ = w.Write(b)
			})
		}
	}
}

// v2FillAppKey gives method requests on the AXYB URI that lack the app_key parameter the
// APP_Key of their X-AKSK signer, as a platform reading the app from the authentication alone
// would.
func v2FillAppKey(method string) func(map[string]string) func(http.Handler) http.Handler {
	return func(map[string]string) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == method && r.URL.Path == pns.PathAXYB {
					q := r.URL.Query()
					if t, err := pns.ParseRequestAuth(r.Header); err == nil && q.Get("app_key") == "" && t.Username != "" {
						q.Set("app_key", t.Username)
						r.URL.RawQuery = q.Encode()
					}
				}
				h.ServeHTTP(w, r)
			})
		}
	}
}

// v2YBAsNewAX retries a YB bind refused with 1012007 (its subscriptionId unknown) as an AX bind
// of the same body without subscriptionId, signed afresh (the first request's nonce is spent),
// as a platform that creates the relation it cannot find would.
func v2YBAsNewAX(secrets map[string]string) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost || r.URL.Path != pns.PathAXYB {
				h.ServeHTTP(w, r)
				return
			}
			raw := body(r)
			var m map[string]any
			if json.Unmarshal(raw, &m) != nil || m["subscriptionId"] == nil {
				h.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			var env pns.Envelope
			if json.Unmarshal(rec.Body.Bytes(), &env) == nil && env.ResultCode == string(pns.CodeRecordNotExist) {
				delete(m, "subscriptionId")
				b, _ := json.Marshal(m)
				r2 := r.Clone(r.Context())
				r2.Body = io.NopCloser(bytes.NewReader(b))
				r2.ContentLength = int64(len(b))
				r2.Header.Set("Content-Length", strconv.Itoa(len(b)))
				if t, err := pns.ParseRequestAuth(r.Header); err == nil {
					pns.Signer{AppKey: t.Username, AppSecret: secrets[t.Username]}.Sign(r2.Header)
				}
				rec2 := httptest.NewRecorder()
				h.ServeHTTP(rec2, r2)
				rec = rec2
			}
			copyRecorded(w, rec)
		})
	}
}
