package schemas

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// A Tape is a JSON document decoded into a flat list of nodes that point into the body, for
// checking many answers one after the other without a heap object per value: Decode accepts
// and refuses exactly what Decode (the function) and encoding/json do, Validate gives
// ValidateDecoded's violations through validators generated for the tape
// (compiled_tape_gen.go), and Fields reads the members of the root object. A Tape is reused:
// each Decode overwrites the previous document and keeps the memory it grew, so a load
// generator that decodes every answer into one of its tapes allocates nothing to decode and
// nothing to validate a valid answer (issue 25: decoding each answer into maps was most of the
// cost of checking it, and a fifth of the generator's allocations).
//
// A Tape reads the body it decoded until the next Decode or Reset: the caller must not change
// the body before then. The zero Tape is ready to use and holds the document null. A Tape is
// not safe for concurrent use.
type Tape struct {
	body    []byte
	nodes   []tnode
	scratch []byte // the decoded text of strings that held escapes or invalid UTF-8
	// st is the state of Validate, kept with the tape (not taken from a pool) because a tape
	// is used by one goroutine at a time anyway.
	st vstate
}

// Node kinds of a tape.
const (
	kNull uint8 = iota
	kFalse
	kTrue
	kNumber
	kString
	kKey
	kObject
	kArray
)

// tnode is one value of a tape (or the key of an object member). An object's members follow
// it as key, value, key, value, …; an array's elements follow it; next skips the subtree.
type tnode struct {
	kind uint8
	esc  bool  // the text is in scratch, not in the body
	off  int32 // text of a string, key or number literal: [off, end) of body or scratch
	end  int32
	n    int32 // members of an object, elements of an array
	next int32 // index of the first node after this value's subtree
}

// maxTapeBody is the largest body a tape decodes: its offsets are int32.
const maxTapeBody = math.MaxInt32 - 1

// Decode decodes body into t, replacing what t held. Its error is non-nil exactly when
// Decode(body)'s is; on error t holds null.
func (t *Tape) Decode(body []byte) error {
	t.body, t.nodes, t.scratch = body, t.nodes[:0], t.scratch[:0]
	if len(body) > maxTapeBody {
		t.Reset()
		return errors.New("schemas: body too large for a tape")
	}
	p := tparser{t: t, b: body}
	p.space()
	err := p.value(0)
	if err == nil {
		p.space()
		if p.i != len(body) {
			err = p.errorf("invalid character after top-level value")
		}
	}
	if err != nil {
		t.Reset()
		return err
	}
	return nil
}

// Reset makes t hold null and forget its body (keeping its memory for the next Decode).
func (t *Tape) Reset() {
	t.body, t.nodes, t.scratch = nil, t.nodes[:0], t.scratch[:0]
}

// Validate is ValidateDecoded for the document t holds: the same violations, found by
// validators generated for tapes. The error is non-nil only for an unknown name.
func (t *Tape) Validate(name string) ([]Violation, error) {
	fn, ok := tapeSchemas[name]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownSchema, name)
	}
	if len(t.nodes) == 0 { // the zero Tape, or one reset: null
		t.nodes = append(t.nodes, tnode{kind: kNull, next: 1})
	}
	s := &t.st
	s.t = t
	fn(s, 0)
	var out []Violation
	if len(s.out) > 0 {
		out = append([]Violation(nil), s.out...)
		sortViolations(out)
	}
	s.reset()
	return out, nil
}

// Kind is the JSON type of a value of a tape.
type Kind uint8

// The JSON types.
const (
	Null Kind = iota
	Bool
	Number
	String
	Object
	Array
)

// kindOf maps node kinds to Kinds.
var kindOf = [...]Kind{kNull: Null, kFalse: Bool, kTrue: Bool, kNumber: Number, kString: String, kKey: String, kObject: Object, kArray: Array}

// Root returns the kind of the document t holds.
func (t *Tape) Root() Kind {
	if len(t.nodes) == 0 {
		return Null
	}
	return kindOf[t.nodes[0].kind]
}

// Fields calls fn with each member of the root object in document order, duplicates
// included, until fn returns false: the member's key, the kind of its value and, for a string,
// its decoded text (for a number, its literal). key and text are views of t's memory, valid
// until t's next Decode or Reset: copy what is kept. It calls fn for nothing when the root is
// not an object.
func (t *Tape) Fields(fn func(key []byte, kind Kind, text []byte) bool) {
	if len(t.nodes) == 0 || t.nodes[0].kind != kObject {
		return
	}
	j := int32(1)
	for m := int32(0); m < t.nodes[0].n; m++ {
		k, v := &t.nodes[j], &t.nodes[j+1]
		var text []byte
		if v.kind == kString || v.kind == kNumber {
			text = t.bytes(v)
		}
		if !fn(t.bytes(k), kindOf[v.kind], text) {
			return
		}
		j = v.next
	}
}

// Value returns the document as Decode returns it (for tests and rare paths: it allocates
// like Decode).
func (t *Tape) Value() any {
	if len(t.nodes) == 0 {
		return nil
	}
	v, _ := t.value(0)
	return v
}

func (t *Tape) value(i int32) (any, int32) {
	n := &t.nodes[i]
	switch n.kind {
	case kFalse:
		return false, n.next
	case kTrue:
		return true, n.next
	case kNumber:
		return json.Number(string(t.bytes(n))), n.next
	case kString:
		return string(t.bytes(n)), n.next
	case kObject:
		m := make(map[string]any, n.n)
		j := i + 1
		for k := int32(0); k < n.n; k++ {
			var v any
			key := string(t.bytes(&t.nodes[j]))
			v, j = t.value(j + 1)
			m[key] = v
		}
		return m, n.next
	case kArray:
		a := make([]any, 0, n.n)
		j := i + 1
		for k := int32(0); k < n.n; k++ {
			var v any
			v, j = t.value(j)
			a = append(a, v)
		}
		return a, n.next
	}
	return nil, n.next
}

// bytes is the text of a string, key or number node.
func (t *Tape) bytes(n *tnode) []byte {
	if n.esc {
		return t.scratch[n.off:n.end:n.end]
	}
	return t.body[n.off:n.end:n.end]
}

// view is the text of node i as a string sharing the tape's memory, for the generated
// validators only: it must not outlive the validation (the body is the caller's, and reused).
func (t *Tape) view(i int32) string {
	b := t.bytes(&t.nodes[i])
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// The accessors of the generated tape validators (compiled_tape_gen.go), which mirror the
// helpers of the validators on decoded documents (compiled.go).

// hasType is hasType for node x.
func (t *Tape) hasType(x int32, mask int) bool {
	switch t.nodes[x].kind {
	case kNull:
		return mask&tNull != 0
	case kFalse, kTrue:
		return mask&tBool != 0
	case kString:
		return mask&tString != 0
	case kObject:
		return mask&tObject != 0
	case kArray:
		return mask&tArray != 0
	case kNumber:
		if mask&tNumber != 0 {
			return true
		}
		return mask&tInteger != 0 && isIntegerText(t.view(x))
	}
	return false
}

func (t *Tape) kind(x int32) uint8 { return t.nodes[x].kind }

func (t *Tape) isNull(x int32) bool { return t.nodes[x].kind == kNull }

func (t *Tape) isBool(x int32, want bool) bool {
	k := t.nodes[x].kind
	return (k == kTrue && want) || (k == kFalse && !want)
}

func (t *Tape) isString(x int32, want string) bool {
	return t.nodes[x].kind == kString && t.view(x) == want
}

// str returns the text of x when it is a string.
func (t *Tape) str(x int32) (string, bool) {
	if t.nodes[x].kind != kString {
		return "", false
	}
	return t.view(x), true
}

// num returns the literal of x when it is a number.
func (t *Tape) num(x int32) (string, bool) {
	if t.nodes[x].kind != kNumber {
		return "", false
	}
	return t.view(x), true
}

// cmpNum is cmpNum for the number node x.
func (t *Tape) cmpNum(x int32, n int64) int { return cmpNumText(t.view(x), n) }

// cmpNumOK is cmpNumOK for node x.
func (t *Tape) cmpNumOK(x int32, n int64) int {
	if t.nodes[x].kind != kNumber {
		return 2
	}
	s := t.view(x)
	if _, ok := smallIntText(s); !ok {
		if _, ok := new(big.Rat).SetString(s); !ok {
			return 2
		}
	}
	return cmpNumText(s, n)
}

// count is the number of elements of an array node.
func (t *Tape) count(x int32) int { return int(t.nodes[x].n) }

// nextMember returns the key node of the member after the one whose key node is j.
func (t *Tape) nextMember(j int32) int32 { return t.nodes[j+1].next }

// passesT is passes for a tape node.
func (s *vstate) passesT(fn func(*vstate, int32), x int32) bool {
	n := len(s.out)
	fn(s, x)
	ok := len(s.out) == n
	clear(s.out[n:])
	s.out = s.out[:n]
	return ok
}

func (s *vstate) anyOfT(x int32, fns ...func(*vstate, int32)) bool {
	for _, fn := range fns {
		if s.passesT(fn, x) {
			return true
		}
	}
	return false
}

func (s *vstate) ifThenElseT(x int32, cond, then, els func(*vstate, int32)) {
	if s.passesT(cond, x) {
		if then != nil {
			then(s, x)
		}
	} else if els != nil {
		els(s, x)
	}
}

// tparser decodes a body into a tape, with the grammar and the errors of decoder.
type tparser struct {
	t *Tape
	b []byte
	i int
}

func (p *tparser) errorf(msg string) error {
	return errors.New(msg + " at offset " + strconv.Itoa(p.i))
}

func (p *tparser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// add appends a node and returns its index.
func (p *tparser) add(kind uint8) int32 {
	p.t.nodes = append(p.t.nodes, tnode{kind: kind})
	return int32(len(p.t.nodes) - 1)
}

func (p *tparser) value(depth int) error {
	if p.i >= len(p.b) {
		return p.errorf("unexpected end of JSON input")
	}
	var err error
	var at int32
	switch c := p.b[p.i]; {
	case c == '{':
		if depth >= maxDepth {
			return p.errorf("exceeded max depth")
		}
		at = p.add(kObject)
		err = p.object(at, depth+1)
	case c == '[':
		if depth >= maxDepth {
			return p.errorf("exceeded max depth")
		}
		at = p.add(kArray)
		err = p.array(at, depth+1)
	case c == '"':
		at = p.add(kString)
		err = p.str(at)
	case c == '-' || (c >= '0' && c <= '9'):
		at = p.add(kNumber)
		err = p.number(at)
	case c == 't':
		at, err = p.add(kTrue), p.literal("true")
	case c == 'f':
		at, err = p.add(kFalse), p.literal("false")
	case c == 'n':
		at, err = p.add(kNull), p.literal("null")
	default:
		return p.errorf("invalid character looking for beginning of value")
	}
	if err != nil {
		return err
	}
	p.t.nodes[at].next = int32(len(p.t.nodes))
	return nil
}

func (p *tparser) literal(lit string) error {
	if len(p.b)-p.i < len(lit) || string(p.b[p.i:p.i+len(lit)]) != lit {
		return p.errorf("invalid literal")
	}
	p.i += len(lit)
	return nil
}

func (p *tparser) object(at int32, depth int) error {
	p.i++ // {
	p.space()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return nil
	}
	n := int32(0)
	for {
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return p.errorf("invalid character looking for beginning of object key string")
		}
		k := p.add(kKey)
		if err := p.str(k); err != nil {
			return err
		}
		p.t.nodes[k].next = k + 1
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return p.errorf("invalid character after object key")
		}
		p.i++
		p.space()
		if err := p.value(depth); err != nil {
			return err
		}
		n++
		p.space()
		if p.i >= len(p.b) {
			return p.errorf("unexpected end of JSON input")
		}
		switch p.b[p.i] {
		case ',':
			p.i++
			p.space()
		case '}':
			p.i++
			p.t.nodes[at].n = n
			return nil
		default:
			return p.errorf("invalid character after object key:value pair")
		}
	}
}

func (p *tparser) array(at int32, depth int) error {
	p.i++ // [
	p.space()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return nil
	}
	n := int32(0)
	for {
		if err := p.value(depth); err != nil {
			return err
		}
		n++
		p.space()
		if p.i >= len(p.b) {
			return p.errorf("unexpected end of JSON input")
		}
		switch p.b[p.i] {
		case ',':
			p.i++
			p.space()
		case ']':
			p.i++
			p.t.nodes[at].n = n
			return nil
		default:
			return p.errorf("invalid character after array element")
		}
	}
}

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and keeps its span.
func (p *tparser) number(at int32) error {
	start := p.i
	digits := func() int {
		n := 0
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.b[p.i] == '-' {
		p.i++
	}
	if p.i < len(p.b) && p.b[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return p.errorf("invalid character in numeric literal")
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return p.errorf("invalid character after decimal point in numeric literal")
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return p.errorf("invalid character in exponent of numeric literal")
		}
	}
	n := &p.t.nodes[at]
	n.off, n.end = int32(start), int32(p.i)
	return nil
}

// str reads the string at p.i (on its opening quote) into node at: a span of the body when it
// has no escapes and is printable ASCII, else its text unescaped as encoding/json does (invalid
// UTF-8 and lone surrogates become U+FFFD) in the tape's scratch.
func (p *tparser) str(at int32) error {
	p.i++ // "
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		if c == '"' {
			n := &p.t.nodes[at]
			n.off, n.end = int32(start), int32(p.i)
			p.i++
			return nil
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
		p.i++
	}
	buf := p.t.scratch
	from := len(buf)
	buf = append(buf, p.b[start:p.i]...)
	defer func() { p.t.scratch = buf }()
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			n := &p.t.nodes[at]
			n.esc, n.off, n.end = true, int32(from), int32(len(buf))
			return nil
		case c < 0x20:
			return p.errorf("invalid character in string literal")
		case c == '\\':
			var err error
			if buf, err = p.escape(buf); err != nil {
				return err
			}
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			p.i++
		default:
			r, size := utf8.DecodeRune(p.b[p.i:])
			p.i += size
			buf = utf8.AppendRune(buf, r)
		}
	}
	return p.errorf("unexpected end of JSON input")
}

// escape appends the character of the escape at p.i (on its backslash) to buf, as
// encoding/json unescapes it: a surrogate pair is one rune, a lone surrogate U+FFFD.
func (p *tparser) escape(buf []byte) ([]byte, error) {
	if p.i+1 >= len(p.b) {
		return buf, p.errorf("unexpected end of JSON input")
	}
	e := p.b[p.i+1]
	p.i += 2
	switch e {
	case '"', '\\', '/':
		return append(buf, e), nil
	case 'b':
		return append(buf, '\b'), nil
	case 'f':
		return append(buf, '\f'), nil
	case 'n':
		return append(buf, '\n'), nil
	case 'r':
		return append(buf, '\r'), nil
	case 't':
		return append(buf, '\t'), nil
	case 'u':
	default:
		return buf, p.errorf("invalid character in string escape code")
	}
	r, ok := hex4(p.b, p.i)
	if !ok {
		return buf, p.errorf("invalid character in \\u hexadecimal character escape")
	}
	p.i += 4
	if utf16.IsSurrogate(r) {
		if p.i+1 < len(p.b) && p.b[p.i] == '\\' && p.b[p.i+1] == 'u' {
			if r2, ok := hex4(p.b, p.i+2); ok {
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					p.i += 6
					return utf8.AppendRune(buf, dec), nil
				}
			}
		}
		r = utf8.RuneError
	}
	return utf8.AppendRune(buf, r), nil
}

// hex4 reads the four hexadecimal digits of a \u escape at b[at:].
func hex4(b []byte, at int) (rune, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[at : at+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r*16 + rune(c)
	}
	return r, true
}
