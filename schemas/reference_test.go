package schemas

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"
)

// This file holds, per interface, the [V]-tagged field rows of the reference
// (/work/shared/reference/pns-api.md) and checks that each schema states the same type, lengths,
// integer range, enum and mandatory flag. Rows whose type or length is tagged [C] or [I] are left
// out (or keep only their [V] part, e.g. the name and the mandatory flag). Constraints the schemas
// add beyond the table (number formats, [I] decisions) are not checked here but in the example
// tests.

// mand is the reference's "M" column.
type mand int

const (
	mNo      mand = iota // "no" or "cond." (conditional rules are not plain "required")
	mYes                 // "yes"
	mPresent             // "no (present for …)" where every allowed eventType carries it: required
)

type refField struct {
	path   string // "callerNum", "preVoice.callerHintTone", "relationNumList[].callDirection"
	typ    string // string, integer, object, array, flag (String(枚举) "true"/"false")
	minLen int    // -1 = not stated
	maxLen int    // -1 = not stated
	rng    *[2]int64
	enum   []any
	m      mand
	note   string // why the row differs from the bare type column, quoting the reference
}

type refIface struct {
	schema  string
	section string
	request bool // request side: optional fields must also accept JSON null (D21)
	query   bool // query-string parameters: every value is a string, ranges do not apply
	fields  []refField
}

func str(path string, minLen, maxLen int, m mand) refField {
	return refField{path: path, typ: "string", minLen: minLen, maxLen: maxLen, m: m}
}

// strT is a String whose lengths are not [V] (or not stated).
func strT(path string, m mand) refField { return str(path, -1, -1, m) }

func integer(path string, m mand) refField {
	return refField{path: path, typ: "integer", minLen: -1, maxLen: -1, m: m}
}

func intR(path string, lo, hi int64, m mand) refField {
	f := integer(path, m)
	f.rng = &[2]int64{lo, hi}
	return f
}

func enumS(path string, m mand, vals ...any) refField {
	typ := "string"
	if _, ok := vals[0].(int); ok {
		typ = "integer"
	}
	return refField{path: path, typ: typ, minLen: -1, maxLen: -1, enum: vals, m: m}
}

func boolFlag(path string, m mand) refField {
	return refField{path: path, typ: "flag", minLen: -1, maxLen: -1, m: m}
}

func object(path string, m mand) refField {
	return refField{path: path, typ: "object", minLen: -1, maxLen: -1, m: m}
}

func list(path string, minItems, maxItems int, m mand) refField {
	return refField{path: path, typ: "array", minLen: minItems, maxLen: maxItems, m: m} // lengths = item counts
}

func withNote(f refField, note string) refField { f.note = note; return f }

var envelopeFields = []refField{
	str("resultcode", 1, 32, mYes),
	str("resultdesc", 1, 256, mYes),
}

func response(schema, section string, fields ...refField) refIface {
	return refIface{schema: schema, section: section, fields: append(slices.Clone(envelopeFields), fields...)}
}

var referenceTable = []refIface{
	{schema: "axb-bind.request", section: "§3.2", request: true, fields: []refField{
		str("callerNum", 4, 31, mYes),
		str("calleeNum", 4, 31, mYes),
		str("relationNum", 4, 31, mNo),
		str("areaCode", 0, 32, mNo),
		enumS("areaMatchMode", mNo, "0", "1"),
		enumS("callDirection", mNo, 0, 1, 2),
		intR("duration", 0, 7776000, mNo),
		boolFlag("recordFlag", mNo),
		str("recordHintTone", 1, 128, mNo),
		intR("maxDuration", 0, 1440, mNo),
		str("lastMinVoice", 0, 128, mNo),
		boolFlag("privateSms", mNo),
		object("preVoice", mNo),
		str("preVoice.callerHintTone", 0, 128, mNo),
		str("preVoice.calleeHintTone", 0, 128, mNo),
		str("userData", 1, 256, mNo),
	}},
	response("axb-bind.response", "§3.2",
		str("subscriptionId", 1, 64, mNo),
		strT("relationNum", mNo),
		integer("callDirection", mNo),
		integer("duration", mNo),
		integer("maxDuration", mNo),
	),
	{schema: "axb-unbind.request", section: "§3.3", query: true, fields: []refField{
		str("relationNum", 4, 31, mNo),
		str("subscriptionId", 1, 64, mNo),
	}},
	response("axb-unbind.response", "§3.3"),
	{schema: "axb-modify.request", section: "§3.4", request: true, fields: []refField{
		str("subscriptionId", 1, 64, mYes),
		str("calleeNum", 4, 31, mNo),
		enumS("callDirection", mNo, 0, 1, 2),
		intR("duration", 0, 7776000, mNo),
		intR("maxDuration", 0, 1440, mNo),
		str("lastMinVoice", 0, 128, mNo),
		boolFlag("privateSms", mNo),
		boolFlag("recordFlag", mNo),
		object("preVoice", mNo),
		str("preVoice.callerHintTone", 0, 128, mNo),
		str("preVoice.calleeHintTone", 0, 128, mNo),
		str("userData", 1, 256, mNo),
	}},
	response("axb-modify.response", "§3.4"),
	{schema: "axb-query.request", section: "§3.5", query: true, fields: []refField{
		str("relationNum", 4, 31, mNo),
		str("subscriptionId", 1, 64, mNo),
		str("callerNum", 4, 128, mNo),
		str("calleeNum", 4, 128, mNo),
		integer("pageIndex", mNo),
		intR("pageSize", 10, 100, mNo),
	}},
	response("axb-query.response", "§3.5",
		enumS("relationNumList[].callDirection", mYes, 0, 1, 2),
		str("relationNumList[].recordHintTone", 1, 128, mNo),
		str("relationNumList[].userData", 1, 256, mNo),
		strT("relationNumList[].subscribeTime", mYes),
	),
	{schema: "ax-bind.request", section: "§4.2", request: true, fields: []refField{
		str("origNum", 1, 32, mYes),
		str("privateNum", 1, 32, mNo),
		enumS("privateNumType", mNo, "mobile-virtual"),
		str("areaCode", 0, 32, mNo),
		enumS("areaMatchMode", mNo, "0", "1"),
		boolFlag("recordFlag", mNo),
		str("recordHintTone", 1, 128, mNo),
		enumS("calleeNumDisplay", mNo, "0", "1"),
		boolFlag("privateSms", mNo),
		object("preVoice", mNo),
		str("preVoice.callerHintTone", 0, 128, mNo),
		str("preVoice.calleeHintTone", 0, 128, mNo),
		intR("maxDuration", 0, 1440, mNo),
		str("lastMinVoice", 0, 128, mNo),
		str("userData", 1, 256, mNo),
		enumS("turnFlag", mNo, "on", "off"),
		enumS("callDirection", mNo, 0, 1, 2),
	}},
	response("ax-bind.response", "§4.2",
		str("origNum", 1, 32, mNo),
		str("privateNum", 1, 32, mNo),
		str("subscriptionId", 1, 64, mNo),
	),
	{schema: "ax-unbind.request", section: "§4.3", query: true, fields: []refField{
		strT("subscriptionId", mNo),
		strT("origNum", mNo),
		strT("privateNum", mNo),
	}},
	response("ax-unbind.response", "§4.3"),
	{schema: "ax-modify.request", section: "§4.4", request: true, fields: []refField{
		str("subscriptionId", 0, 64, mNo),
		str("privateNum", 1, 32, mNo),
		str("origNum", 1, 32, mNo),
		boolFlag("privateSms", mNo),
		intR("maxDuration", 0, 1440, mNo),
		str("lastMinVoice", 0, 128, mNo),
		enumS("turnFlag", mNo, "on", "off"),
	}},
	{schema: "ax-query.request", section: "§4.5", query: true, fields: []refField{
		str("origNum", 1, 32, mNo),
		str("subscriptionId", 1, 64, mNo),
		str("privateNum", 1, 32, mNo),
	}},
	response("ax-query.response", "§4.5",
		list("privateNumList", -1, -1, mNo),
		str("privateNumList[].origNum", 1, 32, mYes),
		str("privateNumList[].privateNum", 1, 32, mYes),
		enumS("privateNumList[].privateNumType", mYes, "mobile-virtual"),
		strT("privateNumList[].subscribeTime", mYes),
		boolFlag("privateNumList[].recordFlag", mYes),
		str("privateNumList[].recordHintTone", 1, 128, mNo),
		object("privateNumList[].preVoice", mNo),
		integer("privateNumList[].callDirection", mNo),
		str("privateNumList[].userData", 1, 256, mNo),
	),
	{schema: "ax-callee.request", section: "§4.6", request: true, fields: []refField{
		str("origNum", 4, 31, mNo),
		str("privateNum", 4, 31, mNo),
		str("subscriptionId", 0, 64, mNo),
		withNote(strT("calleeNum", mYes), "length [I] (D56)"),
		intR("duration", 1, 259200, mNo),
		str("userData", 1, 256, mNo),
	}},
	{schema: "axe-bind.request", section: "§5.2", request: true, fields: []refField{
		str("virtualNum", 0, 32, mNo),
		str("areaCode", 0, 32, mNo),
		enumS("areaMatchMode", mNo, "0", "1"),
		str("bindNum", 1, 32, mYes),
		withNote(str("extendNum", 0, 4, mNo), `typed String(1-4), but "Absent or empty → the lowest free value" (§5.2, D22)`),
		enumS("displayNumMode", mNo, "0", "1"),
		boolFlag("recordFlag", mNo),
		str("recordHintTone", 1, 128, mNo),
		str("callbackTone", 1, 128, mNo),
		str("callbackNum", 1, 32, mNo),
		enumS("timeUnit", mNo, "0", "1"),
		integer("bindExpiredTime", mNo),
		integer("callbackExpiredTime", mNo),
		str("userData", 1, 256, mNo),
	}},
	{schema: "axe-modify.request", section: "§5.4", request: true, fields: []refField{
		str("subscriptionId", 0, 64, mNo),
		str("virtualNum", 1, 32, mNo),
		str("extendNum", 1, 4, mNo),
		enumS("displayNumMode", mNo, "0", "1"),
	}},
	{schema: "axe-query.request", section: "§5.5", query: true, fields: []refField{
		str("virtualNum", 1, 32, mNo),
		str("extendNum", 1, 4, mNo),
		str("subscriptionId", 0, 64, mNo),
	}},
	response("axe-query.response", "§5.5",
		str("subscriptionId", 1, 64, mNo),
		str("virtualNum", 1, 32, mNo),
		str("extendNum", 1, 4, mNo),
		str("bindNum", 1, 32, mNo),
		enumS("displayNumMode", mNo, "0", "1"),
		boolFlag("recordFlag", mNo),
		str("recordHintTone", 1, 128, mNo),
		str("callbackTone", 1, 128, mNo),
		str("callbackNum", 1, 32, mNo),
		enumS("timeUnit", mNo, "0", "1"),
		integer("bindExpiredTime", mNo),
		integer("callbackExpiredTime", mNo),
		str("userData", 1, 256, mNo),
	),
	{schema: "record-download.request", section: "§11", query: true, fields: []refField{
		str("fileName", 1, 128, mYes),
		str("recordDomain", 1, 128, mYes),
	}},
	{schema: "error.response", section: "§1.5", fields: envelopeFields},
	{schema: "record-download.response", section: "§11", fields: envelopeFields},
	{schema: "call-stop.request", section: "§11.2", fields: []refField{
		str("sessionid", 1, 256, mYes),
		enumS("signal", mYes, "call_stop"),
	}},
	{schema: "call-stop.response", section: "§11.2", fields: []refField{
		str("resultcode", 1, 32, mYes),
		str("resultdesc", 1, 128, mYes),
	}},
	{schema: "callback-event.request", section: "§7.2-7.3", fields: []refField{
		enumS("eventType", mYes, "callin", "callout", "alerting", "answer", "disconnect", "collectInfo"),
		withNote(object("statusInfo", mPresent), `"no (present for all the above)"`),
		str("statusInfo.timestamp", 1, 128, mYes),
		str("statusInfo.sessionId", 1, 256, mYes),
		str("statusInfo.caller", 1, 32, mYes),
		str("statusInfo.called", 1, 32, mYes),
		integer("statusInfo.stateCode", mNo),
		str("statusInfo.stateDesc", 1, 128, mNo),
		str("statusInfo.subscriptionId", 1, 64, mNo),
		str("statusInfo.userData", 1, 256, mNo),
	}},
	{schema: "callback-fee.request", section: "§8.2-8.3", fields: []refField{
		enumS("eventType", mYes, "fee"),
		withNote(list("feeLst", 1, 50, mPresent), `"no (present for fee)", List of FeeInfo, 1-50`),
		withNote(enumS("feeLst[].direction", mYes, 0, 1, 2), `"The docs type it Integer(0-1) yet list 2" (§14.3: 0, 1, 2)`),
		str("feeLst[].spId", 1, 32, mYes),
		str("feeLst[].appKey", 1, 128, mYes),
		str("feeLst[].icid", 1, 64, mNo),
		withNote(strT("feeLst[].bindNum", mYes), "type [I]"),
		withNote(strT("feeLst[].sessionId", mYes), "type [I]"),
		withNote(str("feeLst[].subscriptionId", 0, 64, mNo), `String(1-64), but "An empty subscriptionId means the caller had no binding with X" (§8.1)`),
		str("feeLst[].callerNum", 1, 32, mYes),
		str("feeLst[].calleeNum", 1, 128, mYes),
		str("feeLst[].fwdDisplayNum", 1, 32, mNo),
		str("feeLst[].fwdDstNum", 1, 32, mNo),
		str("feeLst[].callInTime", 1, 128, mNo),
		str("feeLst[].fwdStartTime", 1, 128, mNo),
		str("feeLst[].fwdAlertingTime", 1, 128, mNo),
		str("feeLst[].fwdAnswerTime", 1, 128, mNo),
		str("feeLst[].callEndTime", 1, 128, mNo),
		integer("feeLst[].fwdUnaswRsn", mNo),
		str("feeLst[].failTime", 1, 128, mNo),
		integer("feeLst[].ulFailReason", mNo),
		integer("feeLst[].sipStatusCode", mNo),
		integer("feeLst[].callOutUnaswRsn", mNo),
		intR("feeLst[].recordFlag", 0, 1, mNo),
		str("feeLst[].recordStartTime", 1, 128, mNo),
		strT("feeLst[].recordObjectName", mNo),
		strT("feeLst[].recordBucketName", mNo),
		withNote(str("feeLst[].recordDomain", 0, 256, mNo), "String(0-256) or String(1-256) (pages disagree): the looser one"),
		str("feeLst[].recordFileDownloadUrl", 1, 1024, mNo),
		str("feeLst[].serviceType", 1, 32, mNo),
		str("feeLst[].hostName", 1, 128, mNo),
		str("feeLst[].userData", 1, 256, mNo),
		integer("feeLst[].ttsPlayTimes", mNo),
		integer("feeLst[].ttsTransDuration", mNo),
	}},
	{schema: "callback-numstatus.request", section: "§9", fields: []refField{
		enumS("eventType", mYes, "numStatus"),
		withNote(list("numInfo", 1, 100, mPresent), `"no (present for numStatus)", List, 1-100`),
		strT("numInfo[].number", mYes),
		enumS("numInfo[].status", mYes, "5", "9", "10", "11"),
		enumS("numInfo[].cause", mNo, "1", "2", "3", "5", "6", "7", "8", "9"),
	}},
	smsIface("callback-sms-notify.request", "Notify"),
	smsIface("callback-sms-block.request", "Block"),
}

func smsIface(schema, mode string) refIface {
	return refIface{schema: schema, section: "§10", fields: []refField{
		str("appKey", 1, 32, mYes),
		object("smsEvent", mYes),
		str("smsEvent.smsIdentifier", 1, 64, mYes),
		withNote(enumS("smsEvent.notificationMode", mYes, mode), "String(1-8) Notify/Block; the push URL fixes the mode"),
		enumS("smsEvent.sendResult", mNo, 0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13),
		object("smsEvent.extInfo", mNo),
		str("smsEvent.userData", 1, 256, mNo),
	}}
}

// --- schema walker ---

type schemaSet map[string]map[string]any // file → decoded document

func loadSchemaSet(t *testing.T) schemaSet {
	t.Helper()
	set := schemaSet{}
	for _, f := range embeddedFiles(t) {
		set[f] = decodeFile(t, f)
	}
	return set
}

// node is a schema object together with the file it lives in (for resolving relative $refs).
type node struct {
	file string
	m    map[string]any
}

func (s schemaSet) resolve(t *testing.T, from, ref string) node {
	t.Helper()
	file, frag, _ := strings.Cut(ref, "#")
	if file == "" {
		file = from
	}
	doc, ok := s[file]
	if !ok {
		t.Fatalf("%s: $ref %q: no file %s", from, ref, file)
	}
	var cur any = doc
	for _, tok := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
		if tok == "" {
			continue
		}
		m, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("%s: $ref %q: not an object at %q", from, ref, tok)
		}
		if cur, ok = m[tok]; !ok {
			t.Fatalf("%s: $ref %q: no %q", from, ref, tok)
		}
	}
	m, ok := cur.(map[string]any)
	if !ok {
		t.Fatalf("%s: $ref %q is not a schema object", from, ref)
	}
	return node{file, m}
}

// expand returns n plus every schema it unconditionally applies through $ref and allOf.
func (s schemaSet) expand(t *testing.T, n node) []node {
	out := []node{n}
	if ref, ok := n.m["$ref"].(string); ok {
		out = append(out, s.expand(t, s.resolve(t, n.file, ref))...)
	}
	if all, ok := n.m["allOf"].([]any); ok {
		for _, a := range all {
			if am, ok := a.(map[string]any); ok {
				out = append(out, s.expand(t, node{n.file, am})...)
			}
		}
	}
	return out
}

// lookup follows a dotted path ("a.b", "list[].c") from the root of file and returns the
// expanded nodes of the property and of its parent object.
func (s schemaSet) lookup(t *testing.T, file, path string) (prop, parent []node) {
	cur := s.expand(t, node{file, s[file]})
	segs := strings.Split(path, ".")
	for i, seg := range segs {
		name, isList := strings.CutSuffix(seg, "[]")
		var next []node
		for _, n := range cur {
			if props, ok := n.m["properties"].(map[string]any); ok {
				if p, ok := props[name].(map[string]any); ok {
					next = append(next, s.expand(t, node{n.file, p})...)
				}
			}
		}
		if len(next) == 0 {
			return nil, cur
		}
		if i == len(segs)-1 {
			return next, cur
		}
		if isList {
			var items []node
			for _, n := range next {
				if it, ok := n.m["items"].(map[string]any); ok {
					items = append(items, s.expand(t, node{n.file, it})...)
				}
			}
			next = items
		}
		cur = next
	}
	return nil, nil
}

// facts are the effective constraints of a set of nodes that all apply.
type facts struct {
	types            map[string]bool // nil = unconstrained
	enum             map[string]bool // nil = unconstrained; keys from valueKey
	minLen, maxLen   int             // -1 = unconstrained (minItems/maxItems for arrays)
	minimum, maximum *int64
}

func valueKey(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "s:" + x
	case bool:
		return fmt.Sprint("b:", x)
	case json.Number:
		return "n:" + x.String()
	case int:
		return fmt.Sprint("n:", x)
	}
	return fmt.Sprintf("?%T", v)
}

func valueType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		if strings.ContainsAny(x.String(), ".eE") {
			return "number"
		}
		return "integer"
	}
	return "?"
}

func intersect(a, b map[string]bool) map[string]bool {
	if a == nil {
		return b
	}
	out := map[string]bool{}
	for k := range a {
		if b[k] {
			out[k] = true
		}
	}
	return out
}

func num(t *testing.T, v any) int64 {
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("not a number: %v", v)
	}
	i, err := n.Int64()
	if err != nil {
		t.Fatal(err)
	}
	return i
}

func collect(t *testing.T, nodes []node) facts {
	f := facts{minLen: -1, maxLen: -1}
	for _, n := range nodes {
		var types map[string]bool
		switch ty := n.m["type"].(type) {
		case string:
			types = map[string]bool{ty: true}
		case []any:
			types = map[string]bool{}
			for _, x := range ty {
				types[x.(string)] = true
			}
		}
		var enum map[string]bool
		if e, ok := n.m["enum"].([]any); ok {
			enum = map[string]bool{}
			et := map[string]bool{}
			for _, x := range e {
				enum[valueKey(x)] = true
				et[valueType(x)] = true
			}
			if types == nil {
				types = et
			}
		}
		if c, ok := n.m["const"]; ok {
			enum = intersect(enum, map[string]bool{valueKey(c): true})
			if types == nil {
				types = map[string]bool{valueType(c): true}
			}
		}
		if types != nil {
			f.types = intersect(f.types, types)
		}
		if enum != nil {
			f.enum = intersect(f.enum, enum)
		}
		for _, kw := range []string{"minLength", "minItems"} {
			if v, ok := n.m[kw]; ok {
				f.minLen = max(f.minLen, int(num(t, v)))
			}
		}
		for _, kw := range []string{"maxLength", "maxItems"} {
			if v, ok := n.m[kw]; ok {
				if x := int(num(t, v)); f.maxLen < 0 || x < f.maxLen {
					f.maxLen = x
				}
			}
		}
		if v, ok := n.m["minimum"]; ok {
			if x := num(t, v); f.minimum == nil || x > *f.minimum {
				f.minimum = &x
			}
		}
		if v, ok := n.m["maximum"]; ok {
			if x := num(t, v); f.maximum == nil || x < *f.maximum {
				f.maximum = &x
			}
		}
	}
	return f
}

func requiredIn(parent []node, name string) bool {
	for _, n := range parent {
		if req, ok := n.m["required"].([]any); ok {
			for _, r := range req {
				if r == name {
					return true
				}
			}
		}
	}
	return false
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestSchemasAgreeWithReference(t *testing.T) {
	set := loadSchemaSet(t)
	seen := map[string]bool{}
	for _, iface := range referenceTable {
		file := iface.schema + ".json"
		if _, ok := set[file]; !ok {
			t.Errorf("%s (%s): no schema file", iface.schema, iface.section)
			continue
		}
		if seen[iface.schema] {
			t.Errorf("%s listed twice", iface.schema)
		}
		seen[iface.schema] = true
		for _, rf := range iface.fields {
			t.Run(iface.schema+"/"+rf.path, func(t *testing.T) {
				checkField(t, set, iface, rf)
			})
		}
	}
}

func checkField(t *testing.T, set schemaSet, iface refIface, rf refField) {
	prop, parent := set.lookup(t, iface.schema+".json", rf.path)
	if prop == nil {
		t.Fatalf("%s %s: property not in schema", iface.section, rf.path)
	}
	f := collect(t, prop)
	last := rf.path[strings.LastIndex(rf.path, ".")+1:]
	last = strings.TrimSuffix(last, "[]")

	// Mandatory flag.
	wantReq := rf.m == mYes || rf.m == mPresent
	if got := requiredIn(parent, last); got != wantReq {
		t.Errorf("required = %v, reference M = %v (%s)", got, wantReq, rf.note)
	}

	// Null: only optional request-body fields accept it (D21).
	wantNull := iface.request && !wantReq
	gotNull := f.types["null"] || (f.types == nil)
	if f.enum != nil {
		gotNull = gotNull && f.enum["null"]
	}
	if gotNull != wantNull {
		t.Errorf("accepts null = %v, want %v (types %v, enum %v)", gotNull, wantNull, keys(f.types), keys(f.enum))
	}
	types := maps.Clone(f.types)
	delete(types, "null")
	enum := maps.Clone(f.enum)
	delete(enum, "null")

	// Type and enum.
	wantType := rf.typ
	if iface.query {
		wantType = "string"
	}
	switch wantType {
	case "flag":
		wantEnum := []string{"s:false", "s:true"}
		if iface.request {
			wantEnum = []string{"b:false", "b:true", "s:false", "s:true"}
		} else if got := keys(types); !slices.Equal(got, []string{"string"}) {
			t.Errorf("type = %v, want [string] (responses send the string form)", got)
		}
		if got := keys(enum); !slices.Equal(got, wantEnum) {
			t.Errorf("enum = %v, want %v", got, wantEnum)
		}
	default:
		if got := keys(types); !slices.Equal(got, []string{wantType}) {
			t.Errorf("type = %v, want [%s]", got, wantType)
		}
		if rf.enum != nil && !iface.query {
			var want []string
			for _, e := range rf.enum {
				want = append(want, valueKey(e))
			}
			sort.Strings(want)
			if got := keys(enum); !slices.Equal(got, want) {
				t.Errorf("enum = %v, want %v", got, want)
			}
		}
	}

	// Lengths (strings) or item counts (lists).
	if rf.minLen >= 0 && max(f.minLen, 0) != rf.minLen {
		t.Errorf("min length = %d, want %d (%s)", f.minLen, rf.minLen, rf.note)
	}
	if rf.maxLen >= 0 && f.maxLen != rf.maxLen {
		t.Errorf("max length = %d, want %d (%s)", f.maxLen, rf.maxLen, rf.note)
	}

	// Integer range; not applicable to query strings, where out-of-range values fall back to
	// defaults (D41) instead of failing.
	if rf.rng != nil && !iface.query {
		if f.minimum == nil || *f.minimum != rf.rng[0] || f.maximum == nil || *f.maximum != rf.rng[1] {
			t.Errorf("range = %v..%v, want %d..%d", deref(f.minimum), deref(f.maximum), rf.rng[0], rf.rng[1])
		}
	}
	if iface.query && (f.minimum != nil || f.maximum != nil) {
		t.Errorf("query parameter has a numeric range: values are strings")
	}
}

func deref(p *int64) any {
	if p == nil {
		return "none"
	}
	return *p
}

// TestReferenceTableSanity guards the table itself against typos that would make checks vacuous.
func TestReferenceTableSanity(t *testing.T) {
	if len(referenceTable) < 25 {
		t.Errorf("reference table has only %d interfaces", len(referenceTable))
	}
	n := 0
	for _, iface := range referenceTable {
		n += len(iface.fields)
		if iface.request && iface.query {
			t.Errorf("%s: both request body and query", iface.schema)
		}
	}
	if n < 200 {
		t.Errorf("reference table has only %d field rows", n)
	}
}
