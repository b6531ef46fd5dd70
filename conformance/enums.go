package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"pgregory.net/rapid"

	"github.com/pns-harness/pns-harness/pns"
)

// The enum property checks send generated values of every enumerated request field (a
// String(枚举) or an Integer with listed values, read from the request schemas' "enum") to the
// platform: each listed value in its documented JSON type, and values a client or platform might
// confuse with one (another case, a blank or digit added, a character lost, the same value as
// another JSON type, neighbouring integers). A listed value must be accepted and any other value
// refused; the boundary scenarios send one value outside each enum, these checks find the one a
// platform normalises (" 0", "00", "On", 3 clamped to 2) and shrink it to the smallest request.
//
// What is judged where follows the reference's tags:
//   - a value outside the list in the field's own JSON type must be refused on every target
//     (the field's String(枚举) / Integer row is [V] or [C]); the exact answer, 1010002 and its
//     description naming the field, is the emulator's decision (D20 or D23 for the code, D15
//     for the description), judged only when the profile says the target is the emulator;
//     for areaMatchMode (D36) and privateNumType (D52) §14 decides the refusal itself, so there
//     it is judged only on the emulator too;
//   - a value of another JSON type ("1" for the integer 1, 1 for the string "1") rests on D20
//     as a whole: real clients vary and a platform may convert it;
//   - a listed value must be accepted on every target unless the schema's x-decision annotation
//     or a row of the reference ties its acceptance to a decision (D23 JSON booleans, D42
//     recording, D51 areaMatchMode without areaCode, D53 display "1", D55 and §5.4 [I] rows of
//     a modify, D62 AXE modify time unit).
//
// On a target that is not the emulator the decided parts are still sent; answers that differ
// from them are listed (Differs) and the parts themselves are reported as not checked.

// enumField is one enumerated field of one interface's request.
type enumField struct {
	iface pns.Interface
	name  string
	// values are the listed values (JSON null, which means absent by D21, left out).
	values []any
	// valueDecisions is the schema's x-decision annotation (e.g. "value:1" → "D53").
	valueDecisions map[string]string
	// row is the decision the whole rule rests on at this interface ("" when documented),
	// inside the decision acceptance of a listed value rests on.
	row, inside string
}

// enumRow is the part of an enumerated field's rule a row of the reference leaves to a
// decision, keyed by "interface field".
type enumRow struct{ all, inside string }

// enumRows lists, from the reference, the enumerated fields whose rule at one interface is not
// documented: AX modify accepts recordFlag, callDirection and calleeNumDisplay by D55; AXE modify
// applies recordFlag by an [I] row of §5.4 and accepts timeUnit without applying it (D62); AX
// and AXE bind read areaMatchMode without areaCode by D51.
var enumRows = map[string]enumRow{
	pns.IfaceAXModify + " recordFlag":       {all: "D55"},
	pns.IfaceAXModify + " callDirection":    {all: "D55"},
	pns.IfaceAXModify + " calleeNumDisplay": {all: "D55"},
	pns.IfaceAXEModify + " recordFlag":      {all: "[I] §5.4"},
	pns.IfaceAXEModify + " timeUnit":        {all: "D62"},
	pns.IfaceAXBind + " areaMatchMode":      {inside: "D51"},
	pns.IfaceAXEBind + " areaMatchMode":     {inside: "D51"},
}

// enumCodeDecision is the decision behind the exact code of a refused value of a field: the
// general rule of §1.7 (D20, D23 for the boolean-like flags) unless a decision of its own
// names it (D36 areaMatchMode, D52 privateNumType).
func enumCodeDecision(name string) string {
	switch name {
	case "areaMatchMode":
		return "D36"
	case "privateNumType":
		return "D52"
	case "recordFlag", "privateSms":
		return "D23"
	}
	return "D20"
}

const (
	decisionJSONType    = "D20" // a value of another JSON type
	decisionDescription = "D15" // 1010002's description naming the field
)

// enumFields reads every enumerated field of every request schema.
func enumFields() ([]enumField, error) {
	var out []enumField
	err := eachRequestProp(func(iface pns.Interface, _ *reqSchema, n string, p *prop) {
		var vals []any
		for _, v := range p.Enum {
			if v != nil {
				vals = append(vals, v)
			}
		}
		if len(vals) == 0 {
			return
		}
		row := enumRows[iface.ID+" "+n]
		out = append(out, enumField{iface: iface, name: n, values: vals, valueDecisions: p.Decision, row: row.all, inside: row.inside})
	})
	return out, err
}

// jsonText is the JSON text of a value.
func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// enumString is the text a client would type for a listed value: the string itself, or the
// integer or boolean without quotes.
func enumString(v any) string {
	switch e := v.(type) {
	case string:
		return e
	case float64:
		return strconv.FormatInt(int64(e), 10)
	}
	return fmt.Sprint(v)
}

// listed reports whether the JSON text raw is one of the field's values, type included.
func (f enumField) listed(raw string) (any, bool) {
	var v any
	if json.Unmarshal([]byte(raw), &v) != nil {
		return nil, false
	}
	for _, e := range f.values {
		if e == v {
			return v, true
		}
	}
	return v, false
}

// sameType reports whether v has the JSON type of the field's values (an integer for an
// integer enum, a string for a string enum; the boolean-like flags list both).
func (f enumField) sameType(v any) bool {
	for _, e := range f.values {
		switch e.(type) {
		case string:
			if _, ok := v.(string); ok {
				return true
			}
		case float64:
			if n, ok := v.(float64); ok && n == float64(int64(n)) {
				return true
			}
		case bool:
			if _, ok := v.(bool); ok {
				return true
			}
		}
	}
	return false
}

func (f enumField) rule() string {
	vals := make([]string, len(f.values))
	for i, v := range f.values {
		vals[i] = jsonText(v)
	}
	return fmt.Sprintf("%s: one of %s (reference §1.7, the %s table)", f.name, strings.Join(vals, ", "), f.iface.ID)
}

// insideDecision returns the decision acceptance of the listed value v rests on ("" when it is
// documented).
func (f enumField) insideDecision(v any) string {
	var ds []string
	if f.row != "" {
		ds = append(ds, f.row)
	}
	if f.inside != "" {
		ds = append(ds, f.inside)
	}
	if _, ok := v.(bool); ok {
		ds = append(ds, decisionJSONBoolean)
	}
	ds = append(ds, strings.Fields(f.valueDecisions["value:"+enumString(v)])...)
	return strings.Join(uniqueSorted(ds), " ")
}

// outsideDecision returns the decision the refusal of the unlisted value v rests on ("" when
// it is documented).
func (f enumField) outsideDecision(v any) string {
	switch {
	case f.row != "":
		return f.row
	case !f.sameType(v):
		return decisionJSONType
	case v == "":
		return decisionEmptyString // empty = absent or malformed (D22)
	}
	return f.ownRefusalDecision()
}

// ownRefusalDecision names the decision of a field whose refusal of an unlisted value is itself
// the emulator's decision, not only the code it answers with: the schema's x-decision
// annotation "outside" (areaMatchMode D36 "value other than "0"/"1" → 1010002", privateNumType
// D52 "other values → 1010002", both @emulator as a whole in §14). A platform that ignores an
// unknown value there is within the contract, so refusing it is judged only on the emulator;
// "" for every other field, whose String(枚举) row is documented. The boundary scenarios read
// the same annotation, so both kinds of check judge the rule alike.
func (f enumField) ownRefusalDecision() string { return f.valueDecisions["outside"] }

// notChecked says which parts of the field's rule the verdict leaves out on a target that is
// not the emulator, and why.
func (f enumField) notChecked() []string {
	if f.row != "" {
		return []string{fmt.Sprintf("the whole rule at %s: it rests on %s, not on the documentation", f.iface.ID, f.row)}
	}
	var out []string
	if d := f.ownRefusalDecision(); d != "" {
		out = append(out, fmt.Sprintf("refusing an unlisted value at all: it rests on %s, not on the documentation", d))
	}
	out = append(out,
		fmt.Sprintf("the exact answer to an unlisted value (1010002 %q): the code rests on %s, the description on %s",
			pns.InvalidRequest(f.name).Desc, enumCodeDecision(f.name), decisionDescription),
		fmt.Sprintf("values of another JSON type and the empty string: refusing them rests on %s and %s", decisionJSONType, decisionEmptyString),
	)
	var decided []string
	for _, v := range f.values {
		if d := f.insideDecision(v); d != "" {
			decided = append(decided, fmt.Sprintf("%s (%s)", jsonText(v), d))
		}
	}
	if len(decided) > 0 {
		out = append(out, "acceptance of "+strings.Join(decided, ", "))
	}
	return out
}

// enumEdits are the characters a generated edit inserts or puts in place of another: blanks,
// digits, signs and letters a platform might strip, parse or fold. The blank is listed four
// times so that it is drawn most often: blanks are what platforms trim.
var enumEdits = []rune(" 0 1 2 -+.xOT\t")

// gen generates the JSON text of a value of the field: a listed value, or a near miss of one.
// Every choice shrinks towards the first option, so a failure is reduced to the first listed
// value with the fewest and earliest edits.
func (f enumField) gen() *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		base := f.values[rapid.IntRange(0, len(f.values)-1).Draw(t, "listed")]
		text := enumString(base)
		// Near misses of the text are the likeliest kind: they are where platforms differ.
		switch k := rapid.IntRange(0, 9).Draw(t, "kind"); {
		case k < 2:
			return jsonText(base)
		case k < 7: // the value's text with one edit, as a JSON string
			rs := []rune(text)
			i := rapid.IntRange(0, len(rs)).Draw(t, "at")
			c := rapid.SampledFrom(enumEdits).Draw(t, "char")
			switch rapid.IntRange(0, 4).Draw(t, "edit") {
			case 0:
				rs = append(rs[:i:i], append([]rune{c}, rs[i:]...)...)
			case 1:
				if i < len(rs) {
					rs = append(rs[:i:i], rs[i+1:]...)
				}
			case 2:
				if i < len(rs) {
					rs[i] = c
				}
			case 3:
				rs = []rune(strings.ToUpper(text))
			default:
				rs = []rune(strings.ToUpper(text[:1]) + text[1:])
			}
			return jsonText(string(rs))
		case k == 7: // the value as another JSON type
			if _, ok := base.(string); ok {
				if n, err := strconv.Atoi(text); err == nil {
					return strconv.Itoa(n)
				}
				if b, err := strconv.ParseBool(text); err == nil {
					return strconv.FormatBool(b)
				}
				return "0"
			}
			return jsonText(text)
		case k == 8: // a neighbouring integer
			return strconv.Itoa(rapid.IntRange(-2, 12).Draw(t, "int"))
		default:
			return rapid.SampledFrom([]string{`""`, `1.5`, `"null"`, `{}`, `[]`, `"０"`, `"1e0"`}).Draw(t, "odd")
		}
	})
}

// enumRequest builds the request of field f carrying the JSON text raw.
func (r *propRun) enumRequest(f enumField, raw string) map[string]any {
	m := f.iface.Mode
	var body map[string]any
	if f.iface.Method == http.MethodPost {
		body = r.bindBody(m, r.fresh(3), r.fresh(4), r.x(m))
	} else {
		body = map[string]any{"subscriptionId": r.subs[m]}
	}
	body[f.name] = json.RawMessage(raw)
	return body
}

// checkEnum runs the property of one enumerated field.
func (r *propRun) checkEnum(ctx context.Context, f enumField, c *pns.Client) (PropertyResult, error) {
	fc := r.newFieldCheck(f.iface, f.name, PropertyEnum, f.rule(), f.notChecked)
	gen := f.gen()
	prop := func(t *rapid.T) {
		raw := gen.Draw(t, f.name)
		if fc.spent() {
			return
		}
		if f.iface.Method == http.MethodPut {
			if err := r.setup(ctx, f.iface.Mode, c); err != nil {
				fc.sendErr = err
				return
			}
		}
		resp, ok := fc.send(ctx, c, nil, r.enumRequest(f, raw))
		if !ok {
			return
		}
		accepted := resp.OK()
		if accepted && f.iface.Method == http.MethodPost {
			r.unbind(ctx, f.iface.Mode, c, subscriptionOf(resp))
		}
		v, in := f.listed(raw)
		named := pns.InvalidRequest(f.name)
		var want, decision string
		switch {
		case in && !accepted:
			want, decision = "accepted: the value is listed by "+f.rule(), f.insideDecision(v)
		case in:
			return
		case accepted:
			want, decision = "refused: the value is not listed by "+f.rule(), f.outsideDecision(v)
		case resp.Code() != named.Code:
			want, decision = fmt.Sprintf("refused with %s %q", named.Code, named.Desc), f.outsideDecision(v)
			if decision == "" {
				decision = enumCodeDecision(f.name)
			}
		case resp.Envelope.ResultDesc != named.Desc:
			want, decision = fmt.Sprintf("refused with %s %q", named.Code, named.Desc), f.outsideDecision(v)
			if decision == "" {
				decision = decisionDescription
			}
		default:
			return
		}
		fc.judge(t, raw, want, decision, resp)
	}
	return fc.run(prop)
}
