package conformance

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/schemas"
)

// The number fields the property checks cover, read from the request schemas, and each
// field's rule: the oracle that says whether a value must be accepted, and the decision an
// answer rests on where the contract is silent. Split from properties.go (issue 23) so that
// the fields, the requests, the checks and rapid's harness each have a file.

// propField is one number field of one interface's request, read from its schema: a field
// with a pns-…-number format, or an AXE extension (digits by the schema's pattern, as many as
// the app's extensionDigits, reference §5.1).
type propField struct {
	iface    pns.Interface
	name     string
	format   string
	min, max int
	// digits is the app's extension length for an extension field (set when the run knows
	// the profile), 0 for a number.
	digits int
}

// fieldExtension is the AXE extension field, checked like a number: digits only, the app's
// count of them.
const fieldExtension = "extendNum"

// extension reports whether the field is an AXE extension rather than a number.
func (f propField) extension() bool { return f.name == fieldExtension }

// zeroExtension reports whether v is the all-zeros extension on a bind, which the emulator
// never allocates nor accepts (D58). Elsewhere it is a well-formed extension that names no
// binding.
func (f propField) zeroExtension(v string) bool {
	return f.extension() && f.iface.Method == http.MethodPost && len(v) == f.digits && reDigits.MatchString(v) && strings.Trim(v, "0") == ""
}

// codeDecision is the decision behind the exact answer (1010002 naming the field) to a value
// outside the rule.
func (f propField) codeDecision() string {
	if f.extension() {
		return "D58"
	}
	return "D16"
}

// propInterfaces are the interfaces the property checks cover: every interface of a mode in
// pns.Interfaces, in its order, each with its request schema as the schemas' own table names
// it; the interfaces every mode shares (the recording download, the stop call) have no number
// field. Derived rather than listed, so that a new interface of a mode is checked without a
// line here; one without a request schema is an error of the run.
func propInterfaces() []pns.Interface {
	var out []pns.Interface
	for _, i := range pns.Interfaces {
		if i.Mode != "" {
			out = append(out, i)
		}
	}
	return out
}

// propertyFields reads every number field (a pns-…-number format) of every request schema,
// with its length bounds, including formats stated only in a conditional branch (AXE's
// virtualNum).
func propertyFields() ([]propField, error) {
	var out []propField
	err := eachRequestProp(func(iface pns.Interface, s *reqSchema, n string, p *prop) {
		format := p.Format
		for _, a := range s.AllOf {
			if tp := a.Then.Properties[n]; format == "" && tp != nil {
				format = tp.Format
			}
		}
		if format == "" && p.Then != nil {
			format = p.Then.Format
		}
		isNumber := strings.HasSuffix(format, "-number") || (n == fieldExtension && p.Pattern != "")
		if !isNumber || propSkip(iface, n, format) != "" {
			return
		}
		f := propField{iface: iface, name: n, format: format, min: 0, max: 1 << 20}
		if p.MinLength != nil {
			f.min = *p.MinLength
		}
		if p.MaxLength != nil {
			f.max = *p.MaxLength
		}
		out = append(out, f)
	})
	return out, err
}

// eachRequestProp calls fn for every property of every request schema the property checks
// cover (propInterfaces), in name order, with its $refs resolved: the one walk the number
// and the enum checks share.
func eachRequestProp(fn func(iface pns.Interface, s *reqSchema, name string, p *prop)) error {
	defs, err := loadDefs()
	if err != nil {
		return err
	}
	for _, iface := range propInterfaces() {
		schema, err := schemas.SchemaFor(iface.ID, schemas.Request)
		if err != nil {
			return fmt.Errorf("properties: %w", err)
		}
		src, err := schemas.Source(schema)
		if err != nil {
			return err
		}
		var s reqSchema
		if err := json.Unmarshal(src, &s); err != nil {
			return fmt.Errorf("%s: %w", schema, err)
		}
		names := make([]string, 0, len(s.Properties))
		for n := range s.Properties {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if localRef(s.Properties[n]) {
				continue
			}
			p, err := parseProp(s.Properties[n], defs)
			if err != nil {
				return fmt.Errorf("%s: %w", schema, err)
			}
			fn(iface, &s, n, p)
		}
	}
	return nil
}

// propSkip says why a number field has no property check ("" when it has one): the temporary
// callee's origNum is not read by the platform ("系统不会解析该参数", §4.6); whether its syntax
// is checked all the same is the emulator's decision D16, which the callee scenarios cover.
func propSkip(iface pns.Interface, name, format string) string {
	if iface.ID == pns.IfaceAXCallee && name == "origNum" {
		return "not read by the platform (§4.6); its syntax check is D16"
	}
	return ""
}

// identifies reports whether the field identifies the binding of a modify or a temporary
// callee (AX privateNum, AXE virtualNum with extendNum): it is sent without a subscriptionId,
// which would win over it (§4.4, §4.6, §5.4), so that it is the request's subject. Like a query
// value, a well-formed one names a binding and is not generated; a malformed one names none and
// must be refused.
func (f propField) identifies() bool {
	switch f.iface.ID {
	case pns.IfaceAXModify, pns.IfaceAXCallee:
		return f.name == "privateNum"
	case pns.IfaceAXEModify:
		return f.name == "virtualNum" || f.extension()
	}
	return false
}

// auxiliary reports whether the field of a query or unbind only narrows a request identified by
// an X number (AXB query by relationNum and callerNum, AX by privateNum and origNum): whether a
// platform checks its syntax, or ignores a filter it does not need, is the emulator's decision.
func (f propField) auxiliary() bool {
	return f.axybNarrows() || (f.iface.Query && !f.xField() && !f.extension())
}

// reDigits is an extension's syntax (the request schemas' pattern of extendNum).
var reDigits = regexp.MustCompile(`^[0-9]+$`)

// inRule is the oracle: the field's format and length as the schema states them; for an
// extension, digits only and exactly the app's count of them ("E has at most 4 digits; the
// number of digits is fixed per app", reference §5.1 [V]), and on a bind not all zeros (D58).
func (f propField) inRule(v string) bool {
	n := len([]rune(v))
	if f.extension() {
		return n == f.digits && reDigits.MatchString(v) && !f.zeroExtension(v)
	}
	return n >= f.min && n <= f.max && schemas.CheckFormat(f.format, v) == nil
}

func (f propField) rule() string {
	if f.extension() {
		return fmt.Sprintf("%s: digits only, the app's %d of them (at most %d, reference §5.1)", f.name, f.digits, f.max)
	}
	return fmt.Sprintf("%s: %s, %d-%d characters (reference §1.4)", f.name, f.format, f.min, f.max)
}

// notChecked names the decided parts of a number field's rule, left out of the verdict on a
// target that is not the emulator.
func (f propField) notChecked() []string {
	if f.extension() {
		return []string{fmt.Sprintf("the exact answer to a malformed extension (1010002 %q): D58", pns.InvalidRequest(f.name).Desc)}
	}
	out := []string{fmt.Sprintf("the exact answer to a malformed value (1010002 %q) and the syntax between the documented examples and the clearly malformed: D16 (400/95 numbers: D44, D56)",
		pns.InvalidRequest(f.name).Desc)}
	if f.auxiliary() {
		out = []string{"every value: whether a platform checks a filter beside the X number or subscriptionId it looks up is D16"}
	}
	return out
}

// xField reports whether the field holds an X number.
func (f propField) xField() bool { return f.format == schemas.FormatXNumber }

// judgedInside reports whether an accepted value must be accepted: only where the request
// creates or changes nothing but the field itself and the value is one the app may use (a
// bind's or a temporary callee's A/B number). X numbers must also be the app's own, and query,
// unbind and modify values identify or move bindings, so inside them only the emulator's
// decision (no 1010002 for a well-formed number) is judged.
func (f propField) judgedInside() bool {
	if f.xField() {
		return false
	}
	switch f.iface.Op {
	case "bind": // an extension: when it is free (1020167 otherwise)
		return true
	case "callee":
		return f.name == "calleeNum"
	}
	return false
}

// The documented part of the number syntax (reference §1.4 [V], and what D16 calls clearly
// malformed): a +86 mobile number; a fixed line with an area code of 2-3 digits without its 0
// (the only one starting with 1 is 10) and 7-8 local digits. Clearly malformed: no leading +,
// anything but digits after it, more than 11 digits after +86. Everything between (other
// countries' lengths, truncated mobiles read as fixed lines, 400 and 95 numbers, lengths) is the
// emulator's decision D16 (D44 for 400/95 in A/B fields, D56 for the temporary callee).
var (
	reDocMobile = regexp.MustCompile(`^\+861[0-9]{10}$`)
	reDocFixed  = regexp.MustCompile(`^\+86(10|[2-9][0-9]{1,2})[0-9]{7,8}$`)
	reDigitsOnl = regexp.MustCompile(`^\+[0-9]+$`)
)

// decisionFor returns "" when the expected answer to v is documented, else the decision it
// rests on.
func (f propField) decisionFor(v string, inside bool) string {
	if f.auxiliary() {
		return "D16"
	}
	if f.extension() {
		if f.zeroExtension(v) {
			return "D58" // all zeros: refused by the emulator's allocation rule only
		}
		return "" // digits only and the app's count of them are both [V] (§5.1)
	}
	special := strings.HasPrefix(v, "+86400") || strings.HasPrefix(v, "+8695")
	if inside {
		if reDocMobile.MatchString(v) {
			return ""
		}
		if !f.xField() && reDocFixed.MatchString(v) && !special {
			return ""
		}
	} else {
		if !strings.HasPrefix(v, "+") || !reDigitsOnl.MatchString(v) ||
			(strings.HasPrefix(v, "+86") && len(v) > 3+11) {
			return ""
		}
	}
	switch {
	case special && f.format == schemas.FormatCalleeNumber:
		return "D56"
	case special:
		return "D44"
	}
	return "D16"
}
