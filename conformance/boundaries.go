package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/schemas"
)

// BoundariesFeature is the file GenerateBoundaries writes into package features.
const BoundariesFeature = "boundaries.feature"

// TagBoundary marks the generated boundary scenarios.
const TagBoundary = "@boundary"

// The boundary scenarios are generated from the request schemas (the contract data the code
// holds: JSON types, minimum/maximum, minLength/maxLength, enums, and the conditional maxima of
// AXE's time units) rather than written by hand, so that no inclusive end and no enum value is
// forgotten when a schema changes. They are written as a committed .feature file (and not built
// in Go at run time) so that godog, --list, the coverage matrix, the cucumber/JUnit reports and
// features.Hash treat them like every other scenario and a reader can see exactly what runs;
// TestBoundariesFeatureFresh fails when the file is stale.

// boundaryTarget is one body interface whose request schema the generator walks.
type boundaryTarget struct {
	iface  string
	mode   string // app and step mode
	op     string // bind, modify or callee
	given  string // a Given step creating the binding the request refers to, or ""
	base   string // the JSON members every request carries
	schema string
}

var boundaryTargets = []boundaryTarget{
	{pns.IfaceAXBBind, "AXB", "bind", "", `"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>"`, "axb-bind.request"},
	{pns.IfaceAXBModify, "AXB", "modify", `an AXB binding of "<A1>" and "<B1>" on "<X1>"`, `"subscriptionId":"<SUB1>"`, "axb-modify.request"},
	{pns.IfaceAXBind, "AX", "bind", "", `"origNum":"<A1>","privateNum":"<X1>"`, "ax-bind.request"},
	{pns.IfaceAXModify, "AX", "modify", `an AX binding of "<A1>" on "<X1>"`, `"subscriptionId":"<SUB1>"`, "ax-modify.request"},
	{pns.IfaceAXCallee, "AX", "callee", `an AX binding of "<A1>" on "<X1>"`, `"subscriptionId":"<SUB1>","calleeNum":"<B1>"`, "ax-callee.request"},
	{pns.IfaceAXEBind, "AXE", "bind", "", `"bindNum":"<A1>","virtualNum":"<X1>"`, "axe-bind.request"},
	// In minutes, so that the schema's maximum (129600, the larger of the two units) is the
	// binding's own (D62).
	{pns.IfaceAXEModify, "AXE", "modify", "an AXE binding with:\n      \"\"\"\n      {\"bindNum\":\"<A1>\",\"virtualNum\":\"<X1>\",\"timeUnit\":\"1\"}\n      \"\"\"", `"subscriptionId":"<SUB1>"`, "axe-modify.request"},
}

// boundarySkip lists the fields whose boundaries are not generated, with the reason (printed
// into the feature file's header).
var boundarySkip = map[string]string{
	"subscriptionId": "identifies the binding; its length is not a free choice of the client",
	"areaCode":       "a city code (010, 0755): its length bound (32) is not reachable with a valid value; format:areaCode scenarios cover it",
	"extendNum":      "its digit count is a per-app setting (D58), covered by the AXE scenarios",
}

// The provenance of a generated case comes from the contract data, never from a list kept
// here: a request schema marks what the emulator decided with the annotation "x-decision", an
// object from a case kind to the decision IDs (pns.Decisions) its cases assert:
//
//	"accepted": every accepted case of the field (e.g. tone names, D25)
//	"maximum":  both cases at the field's maximum (e.g. AXE expiry maxima, D62)
//	"value:V":  the accepted case of enum value V (e.g. calleeNumDisplay "1", D53)
//
// Two rules hold for every field and so live here, with their decisions: a JSON boolean for a
// String(enum) flag (D23) and the empty string where the minimum length is 1 (D22).
const (
	decisionJSONBoolean = "D23"
	decisionEmptyString = "D22"
)

// prop is the part of a property schema the generator reads.
type prop struct {
	Ref       string `json:"$ref"`
	Type      any    `json:"type"`
	Format    string `json:"format"`
	Minimum   *int64 `json:"minimum"`
	Maximum   *int64 `json:"maximum"`
	MinLength *int   `json:"minLength"`
	MaxLength *int   `json:"maxLength"`
	Enum      []any  `json:"enum"`
	Pattern   string `json:"pattern"`
	// Then is the property's own conditional format (AXE bind's virtualNum: a number when
	// not empty).
	Then *prop `json:"then"`
	// Decision is the "x-decision" annotation: case kind → decision IDs (space-separated).
	Decision map[string]string `json:"x-decision"`
	Props    map[string]*prop
	RawProps map[string]json.RawMessage `json:"properties"`
}

type reqSchema struct {
	Properties map[string]json.RawMessage `json:"properties"`
	AllOf      []struct {
		If struct {
			Properties map[string]struct {
				Const string `json:"const"`
			} `json:"properties"`
		} `json:"if"`
		Then struct {
			Properties map[string]*prop `json:"properties"`
		} `json:"then"`
		Else struct {
			Properties map[string]*prop `json:"properties"`
		} `json:"else"`
	} `json:"allOf"`
}

// boundaryCase is one generated scenario.
type boundaryCase struct {
	target boundaryTarget
	field  string // the field named in 1010002 (a preVoice member names itself)
	rule   string // rule tag without @rule:
	name   string
	member string // JSON members added to the base body
	accept bool
	// decisions are the pns.Decisions IDs the case asserts (its @decision: tags).
	decisions []string
}

func loadDefs() (map[string]*prop, error) {
	src, err := schemas.Source("common")
	if err != nil {
		return nil, err
	}
	var c struct {
		Defs map[string]*prop `json:"$defs"`
	}
	if err := json.Unmarshal(src, &c); err != nil {
		return nil, err
	}
	return c.Defs, nil
}

func parseProp(raw json.RawMessage, defs map[string]*prop) (*prop, error) {
	var p prop
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, err
	}
	if p.Ref != "" {
		name := strings.TrimPrefix(p.Ref, "common.json#/$defs/")
		d, ok := defs[name]
		if !ok {
			return nil, fmt.Errorf("unknown $ref %s", p.Ref)
		}
		c := *d
		c.Decision = mergeDecisions(d.Decision, p.Decision)
		p = c
	}
	return &p, nil
}

// mergeDecisions joins two x-decision annotations (a $ref's and its property's).
func mergeDecisions(a, b map[string]string) map[string]string {
	if len(a) == 0 {
		return b
	}
	out := make(map[string]string, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = strings.TrimSpace(out[k] + " " + v)
	}
	return out
}

func (p *prop) isInteger() bool { return typeHas(p.Type, "integer") }
func (p *prop) isString() bool  { return typeHas(p.Type, "string") }

func typeHas(t any, name string) bool {
	switch v := t.(type) {
	case string:
		return v == name
	case []any:
		for _, e := range v {
			if e == name {
				return true
			}
		}
	}
	return false
}

// GenerateBoundaries returns the text of features/boundaries.feature.
func GenerateBoundaries() ([]byte, error) {
	defs, err := loadDefs()
	if err != nil {
		return nil, err
	}
	var cases []boundaryCase
	for _, t := range boundaryTargets {
		cs, err := boundaryCases(t, defs)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.schema, err)
		}
		cases = append(cases, cs...)
	}
	return renderBoundaries(cases), nil
}

func boundaryCases(t boundaryTarget, defs map[string]*prop) ([]boundaryCase, error) {
	src, err := schemas.Source(t.schema)
	if err != nil {
		return nil, err
	}
	var s reqSchema
	if err := json.Unmarshal(src, &s); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []boundaryCase
	for _, n := range names {
		if _, skip := boundarySkip[n]; skip || strings.Contains(t.base, `"`+n+`"`) {
			continue
		}
		p, err := parseProp(s.Properties[n], defs)
		if err != nil {
			return nil, err
		}
		if n == "preVoice" {
			for _, sub := range []string{"callerHintTone", "calleeHintTone"} {
				sp, err := parseProp(p.RawProps[sub], defs)
				if err != nil {
					return nil, err
				}
				for _, c := range fieldCases(t, sub, sp, "") {
					c.member = `"preVoice":{` + c.member + `}`
					out = append(out, c)
				}
			}
			continue
		}
		if p.Format != "" && p.Format != "pns-int-literal" {
			continue // number syntax: the format:… scenarios cover it
		}
		out = append(out, fieldCases(t, n, p, "")...)
		// Conditional maxima (AXE: timeUnit "1" = minutes, otherwise hours, D62).
		for _, a := range s.AllOf {
			for cond, cv := range a.If.Properties {
				if tp := a.Then.Properties[n]; tp != nil && tp.Maximum != nil {
					q := *p
					q.Minimum, q.Maximum, q.Decision = nil, tp.Maximum, mergeDecisions(p.Decision, tp.Decision)
					out = append(out, fieldCases(t, n, &q, fmt.Sprintf(`"%s":"%s"`, cond, cv.Const))...)
				}
				if ep := a.Else.Properties[n]; ep != nil && ep.Maximum != nil {
					q := *p
					q.Minimum, q.Maximum, q.Decision = nil, ep.Maximum, mergeDecisions(p.Decision, ep.Decision)
					out = append(out, fieldCases(t, n, &q, "")...)
				}
			}
		}
	}
	return out, nil
}

// fieldCases generates both sides of every boundary of one field, every enum value and one
// value outside the enum. with is an extra member the cases carry (a condition of the bound).
// Each case carries the decisions the field's x-decision annotation gives its kind.
func fieldCases(t boundaryTarget, name string, p *prop, with string) []boundaryCase {
	var out []boundaryCase
	add := func(rule, what, value string, accept bool, kinds ...string) {
		member := `"` + name + `":` + value
		desc := what
		if with != "" {
			member = with + "," + member
			desc += " with " + strings.ReplaceAll(with, `"`, "")
		}
		verdict := "refused"
		if accept {
			verdict = "accepted"
		}
		if accept {
			kinds = append(kinds, "accepted")
		}
		var ds []string
		for _, k := range kinds {
			if strings.HasPrefix(k, "D") {
				ds = append(ds, k) // a rule of every field, not an annotation
				continue
			}
			ds = append(ds, strings.Fields(p.Decision[k])...)
		}
		out = append(out, boundaryCase{target: t, field: name, rule: rule + ":" + name, member: member, accept: accept,
			decisions: uniqueSorted(ds), name: fmt.Sprintf("%s %s %s is %s", t.iface, name, desc, verdict)})
	}
	switch {
	case len(p.Enum) > 0:
		enumCases(p, add)
	case p.isInteger():
		if p.Minimum != nil {
			lo := *p.Minimum
			add("range", fmt.Sprintf("%d (smallest allowed)", lo), strconv.FormatInt(lo, 10), true)
			add("range", fmt.Sprintf("%d (below the minimum)", lo-1), strconv.FormatInt(lo-1, 10), false)
		}
		if p.Maximum != nil {
			hi := *p.Maximum
			add("range", fmt.Sprintf("%d (largest allowed)", hi), strconv.FormatInt(hi, 10), true, "maximum")
			add("range", fmt.Sprintf("%d (above the maximum)", hi+1), strconv.FormatInt(hi+1, 10), false, "maximum")
		}
	case p.isString():
		if p.MinLength != nil && *p.MinLength > 0 {
			lo := *p.MinLength
			add("length", fmt.Sprintf("of %d characters (shortest allowed)", lo), `"<str:`+strconv.Itoa(lo)+`>"`, true)
			var empty []string
			if lo == 1 {
				empty = append(empty, decisionEmptyString)
			}
			add("length", fmt.Sprintf("of %d characters (below the minimum)", lo-1), `"<str:`+strconv.Itoa(lo-1)+`>"`, false, empty...)
		}
		if p.MaxLength != nil {
			hi := *p.MaxLength
			add("length", fmt.Sprintf("of %d characters (longest allowed)", hi), `"<str:`+strconv.Itoa(hi)+`>"`, true, "maximum")
			add("length", fmt.Sprintf("of %d characters (above the maximum)", hi+1), `"<str:`+strconv.Itoa(hi+1)+`>"`, false, "maximum")
		}
	}
	return out
}

// enumCases adds, through add, a case accepting every value of the enum and one refusing a
// value outside it (the next integer, or a string no value is).
func enumCases(p *prop, add func(rule, what, value string, accept bool, kinds ...string)) {
	var strs []string
	var maxInt int64 = -1
	for _, v := range p.Enum {
		switch e := v.(type) {
		case string:
			strs = append(strs, e)
			add("enum", strconv.Quote(e), strconv.Quote(e), true, "value:"+e)
		case float64:
			n := strconv.FormatInt(int64(e), 10)
			add("enum", n, n, true, "value:"+n)
			if int64(e) > maxInt {
				maxInt = int64(e)
			}
		case bool:
			b := strconv.FormatBool(e)
			add("enum", "JSON "+b, b, true, "value:"+b, decisionJSONBoolean)
		}
	}
	switch {
	case maxInt >= 0:
		v := strconv.FormatInt(maxInt+1, 10)
		add("enum", v+" (outside the enum)", v, false, "outside")
	case len(strs) > 0:
		v := invalidEnum(strs)
		add("enum", strconv.Quote(v)+" (outside the enum)", strconv.Quote(v), false, "outside")
	}
}

// uniqueSorted returns the distinct strings of s, sorted.
func uniqueSorted(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// invalidEnum returns a value outside a string enum that is still a plausible client mistake:
// the next digit for numeric-looking enums, the upper-cased first value otherwise.
func invalidEnum(vals []string) string {
	if n, err := strconv.Atoi(vals[len(vals)-1]); err == nil {
		return strconv.Itoa(n + 1)
	}
	return strings.ToUpper(vals[0])
}

func renderBoundaries(cases []boundaryCase) []byte {
	var b bytes.Buffer
	b.WriteString(`# GENERATED by conformance.GenerateBoundaries from the request schemas (schemas/json); do not edit.
# Regenerate: go test ./conformance -run TestBoundariesFeatureFresh -update
@boundary
Feature: Boundaries of every field rule, generated from the request schemas
  For every integer range and string length both sides of each end (the last valid value is
  accepted, the first invalid one refused with 1010002), every enum value accepted and one value
  outside the enum refused. Number syntax is covered by the format:… scenarios of each interface.
  Not generated:
`)
	skips := make([]string, 0, len(boundarySkip))
	for f := range boundarySkip {
		skips = append(skips, f)
	}
	sort.Strings(skips)
	for _, f := range skips {
		fmt.Fprintf(&b, "    %s: %s.\n", f, boundarySkip[f])
	}
	b.WriteString("  Scenarios tagged @decision:Dn assert what the emulator decided where the contract is silent\n  (the request schema's x-decision annotation); a comment names the decision.\n")
	for _, c := range cases {
		b.WriteString("\n")
		tags := []string{"@" + c.target.iface, "@rule:" + c.rule}
		if !c.accept {
			tags = append(tags, "@code:1010002")
		}
		for _, id := range c.decisions {
			tags = append(tags, TagDecisionPrefix+id)
		}
		if r := decisionReason(tags); r != "" {
			fmt.Fprintf(&b, "  # %s\n", r)
		}
		fmt.Fprintf(&b, "  %s\n  Scenario: %s\n", strings.Join(tags, " "), c.name)
		fmt.Fprintf(&b, "    Given the %s app\n", c.target.mode)
		if c.target.given != "" {
			fmt.Fprintf(&b, "    And %s\n", c.target.given)
		}
		switch c.target.op {
		case "callee":
			b.WriteString("    When I set the AX temporary callee with:\n")
		default:
			fmt.Fprintf(&b, "    When I %s %s with:\n", c.target.op, c.target.mode)
		}
		fmt.Fprintf(&b, "      \"\"\"\n      {%s,%s}\n      \"\"\"\n", c.target.base, c.member)
		if c.accept {
			b.WriteString("    Then the result code is \"0\"\n")
		} else {
			b.WriteString("    Then the result code is \"1010002\"\n")
			fmt.Fprintf(&b, "    And the result description is \"Invalid request. %s\"\n", c.field)
		}
	}
	return b.Bytes()
}

// The rules the generator covers belong to the catalog: a generated rule that no scenario
// covered any more (a field dropped from the feature file) would show up as uncovered.
func init() {
	defs, err := loadDefs()
	if err != nil {
		return // TestBoundariesFeatureFresh reports it
	}
	for _, t := range boundaryTargets {
		cs, err := boundaryCases(t, defs)
		if err != nil {
			continue
		}
		for _, c := range cs {
			if !contains(Rules[t.iface], c.rule) {
				Rules[t.iface] = append(Rules[t.iface], c.rule)
			}
		}
	}
}
