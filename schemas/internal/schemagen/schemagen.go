// Package schemagen turns the contract's JSON Schemas (schemas/json) into Go validation code,
// so that the load generator checks every answer without interpreting a schema at run time.
//
// It understands exactly the keywords those schemas use (see Supported) with the semantics of
// github.com/santhosh-tekuri/jsonschema/v6 under Draft 2020-12, which stays the reference: a
// differential fuzz test in package schemas holds the generated code to it. A keyword it does not
// know makes Generate fail, naming the keyword and its location, instead of being ignored: a
// silently skipped keyword would be a rule reported as checked that never was.
package schemagen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// BaseURL is the base of every schema's $id (schemas.BaseURL; repeated here because the
// generator must not import the package it generates code for).
const BaseURL = "https://pns-harness.local/schemas/"

// commonFile holds shared $defs only; it is not a payload schema of its own.
const commonFile = "common.json"

// Supported lists the keywords Generate accepts. Annotations are accepted and ignored because
// they assert nothing; every other keyword is compiled.
var Supported = []string{
	// annotations
	"$schema", "$id", "$comment", "$defs", "title", "description", "x-decision",
	// assertions and applicators
	"type", "const", "enum", "format", "$ref", "required", "properties", "items",
	"minItems", "maxItems", "minLength", "maxLength", "pattern", "minimum", "maximum",
	"allOf", "anyOf", "if", "then", "else",
}

// formatFuncs maps each custom format to the predicate of package schemas that implements it
// (the same functions the reference validator's registered formats call).
var formatFuncs = map[string]string{
	"pns-number":        "IsGlobalNumber",
	"pns-x-number":      "IsXNumber",
	"pns-ab-number":     "IsABNumber",
	"pns-callee-number": "IsCalleeNumber",
	"pns-utc-time":      "IsUTCTime",
	"pns-created":       "IsCreated",
}

// intLiteralFormat applies to numbers, not strings: it checks the literal text (D20).
const intLiteralFormat = "pns-int-literal"

type gen struct {
	tape    bool              // generate tape validators (GenerateTape)
	docs    map[string]any    // file name -> decoded schema (numbers as json.Number)
	funcs   map[string]string // schema location -> generated function name
	order   []string          // locations in generation order
	bodies  map[string]string // location -> function source
	regexps map[string]string // pattern -> variable name
	reOrder []string
}

// Generate reads every *.json file of fsys (the schemas/json directory) and returns the gofmt'ed
// source of package schemas' generated validators. It fails on an unsupported keyword, an
// unknown format, a $ref it cannot resolve, or a numeric bound that is not an integer.
func Generate(fsys fs.FS) ([]byte, error) { return generate(fsys, false) }

// GenerateTape is Generate for the validators of package schemas' Tape (compiled_tape_gen.go):
// the same checks in the same order, reading a node of a tape instead of a decoded value, so
// that a document need not be decoded into maps to be checked.
func GenerateTape(fsys fs.FS) ([]byte, error) { return generate(fsys, true) }

func generate(fsys fs.FS, tape bool) ([]byte, error) {
	g := &gen{tape: tape, docs: map[string]any{}, funcs: map[string]string{}, bodies: map[string]string{}, regexps: map[string]string{}}
	files, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	if len(files) == 0 {
		return nil, fmt.Errorf("schemagen: no *.json schemas")
	}
	for _, f := range files {
		raw, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		var doc any
		if err := d.Decode(&doc); err != nil {
			return nil, fmt.Errorf("schemagen: %s: %w", f, err)
		}
		m, ok := doc.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("schemagen: %s: root is not an object", f)
		}
		if id, _ := m["$id"].(string); id != BaseURL+f {
			return nil, fmt.Errorf("schemagen: %s: $id %q, want %q", f, id, BaseURL+f)
		}
		if s, ok := m["$schema"]; ok && s != "https://json-schema.org/draft/2020-12/schema" {
			return nil, fmt.Errorf("schemagen: %s: $schema %v, only Draft 2020-12 is supported", f, s)
		}
		g.docs[f] = doc
	}
	// Check every keyword of every file, referenced or not, so that an unsupported keyword
	// fails here even before a schema starts to use the definition that holds it.
	for _, f := range files {
		if err := g.scan(f, "", g.docs[f]); err != nil {
			return nil, err
		}
	}
	var names []string
	for _, f := range files {
		if f == commonFile {
			continue
		}
		if _, err := g.node(f, "", g.docs[f]); err != nil {
			return nil, err
		}
		names = append(names, strings.TrimSuffix(f, ".json"))
	}
	return g.emit(names)
}

var supported = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range Supported {
		m[k] = true
	}
	return m
}()

// scan rejects unsupported keywords anywhere in a schema.
func (g *gen) scan(file, ptr string, s any) error {
	if _, ok := s.(bool); ok {
		return nil
	}
	m, ok := s.(map[string]any)
	if !ok {
		return fmt.Errorf("schemagen: %s#%s: schema is neither an object nor a boolean", file, ptr)
	}
	keys := sortedKeys(m)
	for _, k := range keys {
		if !supported[k] {
			return fmt.Errorf("schemagen: %s#%s: unsupported keyword %q (supported: %s)", file, ptr, k, strings.Join(Supported, " "))
		}
		if k == "$id" && ptr != "" {
			return fmt.Errorf("schemagen: %s#%s: nested $id is not supported", file, ptr)
		}
	}
	for _, k := range keys {
		v := m[k]
		switch k {
		case "properties", "$defs":
			sub, ok := v.(map[string]any)
			if !ok {
				return fmt.Errorf("schemagen: %s#%s/%s: not an object", file, ptr, k)
			}
			for _, n := range sortedKeys(sub) {
				if err := g.scan(file, ptr+"/"+k+"/"+escape(n), sub[n]); err != nil {
					return err
				}
			}
		case "items", "if", "then", "else":
			if err := g.scan(file, ptr+"/"+k, v); err != nil {
				return err
			}
		case "allOf", "anyOf":
			arr, ok := v.([]any)
			if !ok || len(arr) == 0 {
				return fmt.Errorf("schemagen: %s#%s/%s: not a non-empty array", file, ptr, k)
			}
			for i, sub := range arr {
				if err := g.scan(file, ptr+"/"+k+"/"+strconv.Itoa(i), sub); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// node returns the name of the function validating the schema s found at file#ptr, generating
// it (and everything it reaches) on first use.
func (g *gen) node(file, ptr string, s any) (string, error) {
	loc := file + "#" + ptr
	if fn, ok := g.funcs[loc]; ok {
		return fn, nil
	}
	fn := g.prefix() + strconv.Itoa(len(g.funcs))
	g.funcs[loc] = fn
	g.order = append(g.order, loc)
	body, err := g.body(file, ptr, s)
	if err != nil {
		return "", err
	}
	g.bodies[loc] = fmt.Sprintf("// %s validates %s.\nfunc %s(s *vstate, x %s) {\n%s}\n\n", fn, loc, fn, g.xType(), body)
	return fn, nil
}

func (g *gen) sub(file, ptr string, s any) (string, error) { return g.node(file, ptr, s) }

// prefix names the generated functions: v0, v1, … for decoded values, t0, t1, … for tapes.
func (g *gen) prefix() string {
	if g.tape {
		return "t"
	}
	return "v"
}

// xType is the type of the value a generated function checks: a decoded value, or the index
// of a node of the tape s.t.
func (g *gen) xType() string {
	if g.tape {
		return "int32"
	}
	return "any"
}

// on returns the call of a tape accessor on x for tapes, of the decoded-value helper otherwise:
// on("hasType", "mask") is "s.t.hasType(x, mask)" or "hasType(x, mask)".
func (g *gen) on(fn string, args ...string) string {
	a := strings.Join(append([]string{"x"}, args...), ", ")
	if g.tape {
		return "s.t." + fn + "(" + a + ")"
	}
	return fn + "(" + a + ")"
}

// body mirrors the order of jsonschema/v6's validator: type, const, enum and format stop at
// their first failure; then $ref, the checks of the value's own type, allOf, anyOf and
// if/then/else all report.
func (g *gen) body(file, ptr string, s any) (string, error) {
	loc := file + "#" + ptr
	var b strings.Builder
	if v, ok := s.(bool); ok {
		if !v {
			fmt.Fprintf(&b, "s.fail(%q, \"false\", \"not allowed here (false schema)\")\n", loc)
		}
		return b.String(), nil
	}
	m := s.(map[string]any)
	if err := g.stoppingChecks(&b, loc, m); err != nil {
		return "", err
	}
	if r, ok := m["$ref"]; ok {
		rs, _ := r.(string)
		tf, tp, target, err := g.resolve(file, rs)
		if err != nil {
			return "", fmt.Errorf("schemagen: %s/$ref: %w", loc, err)
		}
		fn, err := g.sub(tf, tp, target)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%s(s, x)\n", fn)
	}
	if err := g.typedChecks(&b, file, ptr, m); err != nil {
		return "", err
	}
	if err := g.applicators(&b, file, ptr, m); err != nil {
		return "", err
	}
	return b.String(), nil
}

// kwLoc is the quoted location of keyword k of the schema at loc, as the checks name it.
func kwLoc(loc, k string) string { return strconv.Quote(loc + "/" + k) }

// stoppingChecks writes the checks that stop at their first failure: type, const, enum and
// format.
func (g *gen) stoppingChecks(b *strings.Builder, loc string, m map[string]any) error {
	if t, ok := m["type"]; ok {
		if err := g.typeCheck(b, loc, t); err != nil {
			return err
		}
	}
	if c, ok := m["const"]; ok {
		cond, err := g.equalsExpr(c, loc+"/const")
		if err != nil {
			return err
		}
		fmt.Fprintf(b, "if !(%s) {\ns.fail(%s, \"const\", %q)\nreturn\n}\n", cond, kwLoc(loc, "const"), "want "+literal(c))
	}
	if e, ok := m["enum"]; ok {
		arr, ok := e.([]any)
		if !ok || len(arr) == 0 {
			return fmt.Errorf("schemagen: %s/enum: not a non-empty array", loc)
		}
		var conds, lits []string
		for _, v := range arr {
			c, err := g.equalsExpr(v, loc+"/enum")
			if err != nil {
				return err
			}
			conds = append(conds, "("+c+")")
			lits = append(lits, literal(v))
		}
		fmt.Fprintf(b, "if !(%s) {\ns.fail(%s, \"enum\", %q)\nreturn\n}\n", strings.Join(conds, " || "), kwLoc(loc, "enum"), "value must be one of "+strings.Join(lits, ", "))
	}
	if f, ok := m["format"]; ok {
		name, _ := f.(string)
		num, str := "x.(json.Number)", "x.(string)"
		if g.tape {
			num, str = "s.t.num(x)", "s.t.str(x)"
		}
		if name == intLiteralFormat {
			fmt.Fprintf(b, "if n, ok := %s; ok && !IsIntLiteral(string(n)) {\ns.fail(%s, \"format\", intLiteralWant)\nreturn\n}\n", num, kwLoc(loc, "format"))
		} else if fn, ok := formatFuncs[name]; ok {
			fmt.Fprintf(b, "if str, ok := %s; ok && !%s(str) {\ns.fail(%s, \"format\", %q)\nreturn\n}\n", str, fn, kwLoc(loc, "format"), "not a valid "+name)
		} else {
			return fmt.Errorf("schemagen: %s/format: unknown format %v", loc, f)
		}
	}
	return nil
}

// typeCheck writes the check of the type keyword t: one type or a list of them.
func (g *gen) typeCheck(b *strings.Builder, loc string, t any) error {
	var types []string
	switch t := t.(type) {
	case string:
		types = []string{t}
	case []any:
		for _, e := range t {
			es, ok := e.(string)
			if !ok {
				return fmt.Errorf("schemagen: %s/type: not a string", loc)
			}
			types = append(types, es)
		}
	default:
		return fmt.Errorf("schemagen: %s/type: neither a string nor an array", loc)
	}
	var mask []string
	for _, t := range types {
		c, ok := map[string]string{"null": "tNull", "boolean": "tBool", "object": "tObject", "array": "tArray", "number": "tNumber", "string": "tString", "integer": "tInteger"}[t]
		if !ok {
			return fmt.Errorf("schemagen: %s/type: unknown type %q", loc, t)
		}
		mask = append(mask, c)
	}
	fmt.Fprintf(b, "if !%s {\ns.fail(%s, \"type\", %q)\nreturn\n}\n", g.on("hasType", strings.Join(mask, "|")), kwLoc(loc, "type"), "want "+strings.Join(types, " or "))
	return nil
}

// typedChecks writes the checks that apply to a value of one JSON type (properties and
// required of an object, lengths and pattern of a string, bounds of a number, items of an
// array) as one type switch.
func (g *gen) typedChecks(b *strings.Builder, file, ptr string, m map[string]any) error {
	loc := file + "#" + ptr
	var obj, str, num, arr strings.Builder
	if err := g.objectChecks(&obj, file, ptr, m); err != nil {
		return err
	}
	// Within the type switch, x of the decoded values is the typed value; a tape's string is
	// read once into xs.
	sx, nx, ax := "x", "x", "x"
	if g.tape {
		sx = "xs"
	}
	if err := boundChecks(&str, loc, m, "minLength", "maxLength", func(op string, n int64) string { return fmt.Sprintf("utf8.RuneCountInString(%s) %s %d", sx, op, n) }); err != nil {
		return err
	}
	if p, ok := m["pattern"]; ok {
		ps, _ := p.(string)
		re, ok := g.regexps[ps]
		if !ok {
			re = "re" + strconv.Itoa(len(g.regexps))
			if g.tape {
				re = "t" + re // the decoded values' validators, in the same package, have re0, …
			}
			g.regexps[ps] = re
			g.reOrder = append(g.reOrder, ps)
		}
		fmt.Fprintf(&str, "if !%s.MatchString(%s) {\ns.fail(%s, \"pattern\", %q)\n}\n", re, sx, kwLoc(loc, "pattern"), "does not match pattern "+ps)
	}
	if err := boundChecks(&num, loc, m, "minimum", "maximum", func(op string, n int64) string {
		if g.tape {
			return fmt.Sprintf("s.t.cmpNum(%s, %d) %s 0", nx, n, op)
		}
		return fmt.Sprintf("cmpNum(%s, %d) %s 0", nx, n, op)
	}); err != nil {
		return err
	}
	if err := boundChecks(&arr, loc, m, "minItems", "maxItems", func(op string, n int64) string {
		if g.tape {
			return fmt.Sprintf("s.t.count(%s) %s %d", ax, op, n)
		}
		return fmt.Sprintf("len(%s) %s %d", ax, op, n)
	}); err != nil {
		return err
	}
	if it, ok := m["items"]; ok {
		fn, err := g.sub(file, ptr+"/items", it)
		if err != nil {
			return err
		}
		if g.tape {
			fmt.Fprintf(&arr, "for i, v := 0, x+1; i < s.t.count(x); i, v = i+1, s.t.nodes[v].next {\ns.push(strconv.Itoa(i))\n%s(s, v)\ns.pop()\n}\n", fn)
		} else {
			fmt.Fprintf(&arr, "for i, v := range x {\ns.push(strconv.Itoa(i))\n%s(s, v)\ns.pop()\n}\n", fn)
		}
	}
	if g.tape {
		g.tapeSwitch(b, &obj, &arr, &str, &num)
		return nil
	}
	if obj.Len()+str.Len()+num.Len()+arr.Len() > 0 {
		b.WriteString("switch x := x.(type) {\n")
		if obj.Len() > 0 {
			b.WriteString("case map[string]any:\n" + obj.String())
		}
		if arr.Len() > 0 {
			b.WriteString("case []any:\n" + arr.String())
		}
		if str.Len() > 0 {
			b.WriteString("case string:\n" + str.String())
		}
		if num.Len() > 0 {
			b.WriteString("case json.Number, float64:\n" + num.String())
		}
		b.WriteString("}\n")
	}
	return nil
}

// tapeSwitch writes the type switch of typedChecks for a tape node.
func (g *gen) tapeSwitch(b, obj, arr, str, num *strings.Builder) {
	if obj.Len()+str.Len()+num.Len()+arr.Len() == 0 {
		return
	}
	b.WriteString("switch s.t.kind(x) {\n")
	if obj.Len() > 0 {
		b.WriteString("case kObject:\n" + obj.String())
	}
	if arr.Len() > 0 {
		b.WriteString("case kArray:\n" + arr.String())
	}
	if str.Len() > 0 {
		b.WriteString("case kString:\nxs := s.t.view(x)\n" + str.String())
	}
	if num.Len() > 0 {
		b.WriteString("case kNumber:\n" + num.String())
	}
	b.WriteString("}\n")
}

// objectChecks writes the checks of an object: required, then each property's schema.
func (g *gen) objectChecks(obj *strings.Builder, file, ptr string, m map[string]any) error {
	if g.tape {
		return g.tapeObjectChecks(obj, file, ptr, m)
	}
	loc := file + "#" + ptr
	if r, ok := m["required"]; ok {
		list, ok := r.([]any)
		if !ok {
			return fmt.Errorf("schemagen: %s/required: not an array", loc)
		}
		var conds []string
		for _, e := range list {
			es, ok := e.(string)
			if !ok {
				return fmt.Errorf("schemagen: %s/required: not a string", loc)
			}
			conds = append(conds, fmt.Sprintf("!has(x, %q)", es))
		}
		if len(conds) > 0 {
			fmt.Fprintf(obj, "if %s {\ns.fail(%s, \"required\", \"missing properties\")\n}\n", strings.Join(conds, " || "), kwLoc(loc, "required"))
		}
	}
	if p, ok := m["properties"]; ok {
		props := p.(map[string]any)
		for _, n := range sortedKeys(props) {
			fn, err := g.sub(file, ptr+"/properties/"+escape(n), props[n])
			if err != nil {
				return err
			}
			fmt.Fprintf(obj, "if v, ok := x[%q]; ok {\ns.push(%q)\n%s(s, v)\ns.pop()\n}\n", n, n, fn)
		}
	}
	return nil
}

// tapeObjectChecks is objectChecks for a tape: one walk over the object's members finds the
// last value of each name the schema mentions (a decoded map keeps the last of duplicate
// keys), then required and each property's schema are checked as objectChecks does. A lookup
// per name, each walking the members, was the largest cost of validating a query answer.
func (g *gen) tapeObjectChecks(obj *strings.Builder, file, ptr string, m map[string]any) error {
	loc := file + "#" + ptr
	var required []string
	if r, ok := m["required"]; ok {
		list, ok := r.([]any)
		if !ok {
			return fmt.Errorf("schemagen: %s/required: not an array", loc)
		}
		for _, e := range list {
			es, ok := e.(string)
			if !ok {
				return fmt.Errorf("schemagen: %s/required: not a string", loc)
			}
			required = append(required, es)
		}
	}
	props, _ := m["properties"].(map[string]any)
	slot := map[string]int{}
	var names []string
	for _, n := range append(sortedKeys(props), required...) {
		if _, ok := slot[n]; !ok {
			slot[n] = -1
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return nil
	}
	sort.Strings(names)
	for i, n := range names {
		slot[n] = i
	}
	// at[i] is the node of the last value of names[i], 0 when absent: node 0 is the root,
	// never a member's value.
	fmt.Fprintf(obj, "var at [%d]int32\nfor j, k := x+1, 0; k < s.t.count(x); j, k = s.t.nextMember(j), k+1 {\nswitch s.t.view(j) {\n", len(names))
	for i, n := range names {
		fmt.Fprintf(obj, "case %q:\nat[%d] = j + 1\n", n, i)
	}
	obj.WriteString("}\n}\n")
	if len(required) > 0 {
		var conds []string
		for _, n := range required {
			conds = append(conds, fmt.Sprintf("at[%d] == 0", slot[n]))
		}
		fmt.Fprintf(obj, "if %s {\ns.fail(%s, \"required\", \"missing properties\")\n}\n", strings.Join(conds, " || "), kwLoc(loc, "required"))
	}
	for _, n := range sortedKeys(props) {
		fn, err := g.sub(file, ptr+"/properties/"+escape(n), props[n])
		if err != nil {
			return err
		}
		fmt.Fprintf(obj, "if v := at[%d]; v != 0 {\ns.push(%q)\n%s(s, v)\ns.pop()\n}\n", slot[n], n, fn)
	}
	return nil
}

// boundChecks writes the checks of a lower and an upper bound keyword (minLength and
// maxLength, minimum and maximum, minItems and maxItems); cond writes the failing condition
// for an operator and a bound.
func boundChecks(w *strings.Builder, loc string, m map[string]any, lower, upper string, cond func(op string, n int64) string) error {
	for _, k := range []string{lower, upper} {
		if v, ok := m[k]; ok {
			n, err := intBound(v, loc+"/"+k)
			if err != nil {
				return err
			}
			op := "<"
			if k == upper {
				op = ">"
			}
			fmt.Fprintf(w, "if %s {\ns.fail(%s, %q, %q)\n}\n", cond(op, n), kwLoc(loc, k), k, fmt.Sprintf("%s: want %d", k, n))
		}
	}
	return nil
}

// applicators writes the subschemas that all report: allOf, anyOf and if/then/else.
func (g *gen) applicators(b *strings.Builder, file, ptr string, m map[string]any) error {
	loc := file + "#" + ptr
	if a, ok := m["allOf"]; ok {
		for i, sub := range a.([]any) {
			fn, err := g.sub(file, ptr+"/allOf/"+strconv.Itoa(i), sub)
			if err != nil {
				return err
			}
			fmt.Fprintf(b, "%s(s, x)\n", fn)
		}
	}
	if a, ok := m["anyOf"]; ok {
		var fns []string
		for i, sub := range a.([]any) {
			fn, err := g.sub(file, ptr+"/anyOf/"+strconv.Itoa(i), sub)
			if err != nil {
				return err
			}
			fns = append(fns, fn)
		}
		fmt.Fprintf(b, "if !s.anyOf%s(x, %s) {\ns.fail(%s, \"anyOf\", \"anyOf failed\")\n}\n", g.tapeSuffix(), strings.Join(fns, ", "), kwLoc(loc, "anyOf"))
	}
	if ifs, ok := m["if"]; ok {
		fi, err := g.sub(file, ptr+"/if", ifs)
		if err != nil {
			return err
		}
		fthen, felse := "nil", "nil"
		if t, ok := m["then"]; ok {
			if fthen, err = g.sub(file, ptr+"/then", t); err != nil {
				return err
			}
		}
		if e, ok := m["else"]; ok {
			if felse, err = g.sub(file, ptr+"/else", e); err != nil {
				return err
			}
		}
		fmt.Fprintf(b, "s.ifThenElse%s(x, %s, %s, %s)\n", g.tapeSuffix(), fi, fthen, felse)
	}
	return nil
}

// tapeSuffix ends the names of the vstate methods that take a tape node.
func (g *gen) tapeSuffix() string {
	if g.tape {
		return "T"
	}
	return ""
}

// resolve follows a $ref relative to file: "other.json#/ptr", "#/ptr" or "other.json".
func (g *gen) resolve(file, ref string) (string, string, any, error) {
	target, frag, _ := strings.Cut(ref, "#")
	if target == "" {
		target = file
	}
	if strings.Contains(target, "/") || strings.Contains(target, ":") {
		return "", "", nil, fmt.Errorf("unsupported $ref %q (only sibling files)", ref)
	}
	target = path.Clean(target)
	doc, ok := g.docs[target]
	if !ok {
		return "", "", nil, fmt.Errorf("$ref %q: no schema file %s", ref, target)
	}
	if frag != "" && !strings.HasPrefix(frag, "/") {
		return "", "", nil, fmt.Errorf("$ref %q: anchors are not supported", ref)
	}
	cur := doc
	if frag != "" {
		for _, tok := range strings.Split(frag[1:], "/") {
			tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
			switch c := cur.(type) {
			case map[string]any:
				v, ok := c[tok]
				if !ok {
					return "", "", nil, fmt.Errorf("$ref %q: %q not found", ref, tok)
				}
				cur = v
			case []any:
				i, err := strconv.Atoi(tok)
				if err != nil || i < 0 || i >= len(c) {
					return "", "", nil, fmt.Errorf("$ref %q: bad index %q", ref, tok)
				}
				cur = c[i]
			default:
				return "", "", nil, fmt.Errorf("$ref %q: cannot descend into %T", ref, cur)
			}
		}
	}
	return target, frag, cur, nil
}

// equalsExpr is a Go condition on x that is true when x equals the JSON value v the way
// jsonschema/v6 compares (numbers by value, so 1.0 equals 1).
func (g *gen) equalsExpr(v any, loc string) (string, error) {
	switch v := v.(type) {
	case nil:
		if g.tape {
			return "s.t.isNull(x)", nil
		}
		return "x == nil", nil
	case bool:
		return g.on("isBool", strconv.FormatBool(v)), nil
	case string:
		return g.on("isString", strconv.Quote(v)), nil
	case json.Number:
		n, err := intBound(v, loc)
		if err != nil {
			return "", err
		}
		return g.on("cmpNumOK", strconv.FormatInt(n, 10)) + " == 0", nil
	}
	return "", fmt.Errorf("schemagen: %s: unsupported value %T (objects and arrays are not compiled)", loc, v)
}

// intBound reads an integer literal that fits in int64; other bounds are refused rather than
// approximated.
func intBound(v any, loc string) (int64, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("schemagen: %s: not a number", loc)
	}
	i, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("schemagen: %s: %s is not an int64 literal (unsupported)", loc, n)
	}
	return i, nil
}

func literal(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return "'" + v + "'"
	}
	return fmt.Sprint(v)
}

func escape(tok string) string {
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (g *gen) emit(names []string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// Code generated by schemagen from schemas/json; DO NOT EDIT.\n// Run `go generate ./schemas` after changing a schema.\n\npackage schemas\n\n")
	b.WriteString("import (\n\"encoding/json\"\n\"regexp\"\n\"strconv\"\n\"unicode/utf8\"\n)\n\n")
	b.WriteString("var (\n_ = json.Number(\"\")\n_ = strconv.Itoa\n_ = utf8.RuneCountInString\n_ = regexp.MustCompile\n)\n\n")
	if len(g.reOrder) > 0 {
		b.WriteString("var (\n")
		for _, p := range g.reOrder {
			fmt.Fprintf(&b, "%s = regexp.MustCompile(%q)\n", g.regexps[p], p)
		}
		b.WriteString(")\n\n")
	}
	if g.tape {
		b.WriteString("// tapeSchemas maps each payload schema name to its generated tape validator.\nvar tapeSchemas = map[string]func(*vstate, int32){\n")
	} else {
		b.WriteString("// compiledSchemas maps each payload schema name to its generated validator.\nvar compiledSchemas = map[string]func(*vstate, any){\n")
	}
	for _, n := range names {
		fmt.Fprintf(&b, "%q: %s,\n", n, g.funcs[n+".json#"])
	}
	b.WriteString("}\n\n")
	for _, loc := range g.order {
		b.WriteString(g.bodies[loc])
	}
	out, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("schemagen: generated code does not parse: %w", err)
	}
	return out, nil
}
