package schemas

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"sync"
)

//go:generate go run ./internal/schemagen/cmd -in json -out compiled_gen.go
//go:generate go run ./internal/schemagen/cmd -tape -in json -out compiled_tape_gen.go

// The compiled validators (compiled_gen.go) are Go code generated from json/ by
// internal/schemagen. They give the same verdict as Validator (the reference, interpreting the
// schemas with santhosh-tekuri/jsonschema) and report violations at the same places (instance
// path, keyword path, keyword), which FuzzCompiledVsReference checks; their messages are
// shorter. They exist for the load generator, which validates every answer: the reference
// interprets the schema and compares numbers as big.Rat on each call.

// CompiledNames returns the names of the payload schemas that have a compiled validator,
// sorted; it equals Validator.Names.
func CompiledNames() []string {
	names := make([]string, 0, len(compiledSchemas))
	for n := range compiledSchemas {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ValidateCompiled is Validator.ValidateValue through the compiled validators, for a decoded
// JSON document made of nil, bool, string, json.Number, finite float64, []any and
// map[string]any (what Decode and encoding/json produce). The error is non-nil for an unknown
// name or a document holding any other type (e.g. a struct: use Validator.ValidateValue). The
// result is nil when doc is valid, otherwise sorted like Validate's.
func ValidateCompiled(name string, doc any) ([]Violation, error) {
	fn, ok := compiledSchemas[name]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownSchema, name)
	}
	if !decodedShape(doc) {
		return nil, fmt.Errorf("schemas: ValidateCompiled(%s): document holds a value that is not decoded JSON", name)
	}
	return runCompiled(fn, doc), nil
}

// runCompiled runs a compiled validator on a document known to be decoded JSON.
func runCompiled(fn func(*vstate, any), doc any) []Violation {
	s := statePool.Get().(*vstate)
	fn(s, doc)
	var out []Violation
	if len(s.out) > 0 {
		out = append([]Violation(nil), s.out...)
		sortViolations(out)
	}
	s.reset()
	statePool.Put(s)
	return out
}

// ValidateCompiledBody is Validator.Validate through the compiled validators: body is decoded
// as Decode does, and a body that is not exactly one JSON value yields the single
// KeywordMalformedJSON violation.
func ValidateCompiledBody(name string, body []byte) ([]Violation, error) {
	fn, ok := compiledSchemas[name]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownSchema, name)
	}
	doc, err := Decode(body)
	if err != nil {
		return []Violation{{Keyword: KeywordMalformedJSON, Message: "malformed JSON: " + err.Error()}}, nil
	}
	return runCompiled(fn, doc), nil
}

var statePool = sync.Pool{New: func() any { return &vstate{toks: make([]string, 0, 8)} }}

// vstate is the state of one compiled validation: the instance location being checked and the
// violations found so far. A subschema that is only asked for a verdict (if, anyOf) reports
// into it too, and the caller truncates what it added.
type vstate struct {
	toks []string
	out  []Violation
	t    *Tape // the document of a tape validator (Tape.Validate)
}

func (s *vstate) reset() {
	clear(s.out)
	s.out = s.out[:0]
	s.toks = s.toks[:0]
}

func (s *vstate) push(tok string) { s.toks = append(s.toks, tok) }
func (s *vstate) pop()            { s.toks = s.toks[:len(s.toks)-1] }

// fail records a violation at the current instance location; keywordPath is the keyword's
// absolute location without BaseURL ("common.json#/$defs/envelope/required").
func (s *vstate) fail(keywordPath, keyword, msg string) {
	s.out = append(s.out, Violation{InstancePath: jsonPointer(s.toks), KeywordPath: keywordPath, Keyword: keyword, Message: msg})
}

// passes reports whether x is valid against fn, leaving no trace of the attempt.
func (s *vstate) passes(fn func(*vstate, any), x any) bool {
	n := len(s.out)
	fn(s, x)
	ok := len(s.out) == n
	clear(s.out[n:])
	s.out = s.out[:n]
	return ok
}

func (s *vstate) anyOf(x any, fns ...func(*vstate, any)) bool {
	for _, fn := range fns {
		if s.passes(fn, x) {
			return true
		}
	}
	return false
}

func (s *vstate) ifThenElse(x any, cond, then, els func(*vstate, any)) {
	if s.passes(cond, x) {
		if then != nil {
			then(s, x)
		}
	} else if els != nil {
		els(s, x)
	}
}

// JSON types as a bit set, for the "type" keyword.
const (
	tNull = 1 << iota
	tBool
	tObject
	tArray
	tNumber
	tString
	tInteger
)

// hasType reports whether x has one of the types of mask; an integer-valued number (1, 1.0,
// 1e2) is an "integer", as in JSON Schema.
func hasType(x any, mask int) bool {
	switch x := x.(type) {
	case nil:
		return mask&tNull != 0
	case bool:
		return mask&tBool != 0
	case string:
		return mask&tString != 0
	case map[string]any:
		return mask&tObject != 0
	case []any:
		return mask&tArray != 0
	case json.Number, float64:
		if mask&tNumber != 0 {
			return true
		}
		return mask&tInteger != 0 && isInteger(x)
	}
	return false
}

func has(m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
}

func isBool(x any, want bool) bool {
	b, ok := x.(bool)
	return ok && b == want
}

func isString(x any, want string) bool {
	s, ok := x.(string)
	return ok && s == want
}

// smallInt reads a number whose text is a plain integer literal that fits in int64, the common
// case, without big.Rat.
func smallInt(x any) (int64, bool) {
	switch x := x.(type) {
	case json.Number:
		return smallIntText(string(x))
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x), true
		}
	}
	return 0, false
}

// smallIntText is smallInt for a number literal.
func smallIntText(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 18 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && !(i == 0 && s[i] == '-' && len(s) > 1) {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// rat is the exact value of a number as the reference computes it.
func rat(x any) (*big.Rat, bool) {
	return new(big.Rat).SetString(fmt.Sprint(x))
}

func isInteger(x any) bool {
	if _, ok := smallInt(x); ok {
		return true
	}
	r, ok := rat(x)
	return ok && r.IsInt()
}

// isIntegerText is isInteger for a number literal.
func isIntegerText(s string) bool {
	if _, ok := smallIntText(s); ok {
		return true
	}
	r, ok := new(big.Rat).SetString(s)
	return ok && r.IsInt()
}

// cmpNum compares the number x with n (-1, 0, +1). A number the reference cannot read as a
// rational compares as equal, so it passes the bound as it does there.
func cmpNum(x any, n int64) int {
	if v, ok := smallInt(x); ok {
		switch {
		case v < n:
			return -1
		case v > n:
			return 1
		}
		return 0
	}
	r, ok := rat(x)
	if !ok {
		return 0
	}
	return r.Cmp(new(big.Rat).SetInt64(n))
}

// cmpNumText is cmpNum for a number literal (the text fmt.Sprint gives of its json.Number).
func cmpNumText(s string, n int64) int {
	if v, ok := smallIntText(s); ok {
		switch {
		case v < n:
			return -1
		case v > n:
			return 1
		}
		return 0
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0
	}
	return r.Cmp(new(big.Rat).SetInt64(n))
}

// cmpNumOK is cmpNum for equality (enum, const): 2 when x is not a number or not readable.
func cmpNumOK(x any, n int64) int {
	switch x.(type) {
	case json.Number, float64:
	default:
		return 2
	}
	if _, ok := smallInt(x); !ok {
		if _, ok := rat(x); !ok {
			return 2
		}
	}
	return cmpNum(x, n)
}

// decodedShape reports whether doc holds only the types of a decoded JSON document, the only
// ones the compiled validators know.
func decodedShape(doc any) bool {
	switch d := doc.(type) {
	case nil, bool, string, json.Number:
		return true
	case float64:
		return !math.IsNaN(d) && !math.IsInf(d, 0)
	case []any:
		for _, e := range d {
			if !decodedShape(e) {
				return false
			}
		}
		return true
	case map[string]any:
		for _, e := range d {
			if !decodedShape(e) {
				return false
			}
		}
		return true
	}
	return false
}
