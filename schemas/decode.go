package schemas

import (
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth is encoding/json's nesting limit, kept so that both accept the same documents.
const maxDepth = 10000

// Decode decodes one JSON value into the shape the reference validator decodes it to
// (jsonschema.UnmarshalJSON: map[string]any, []any, string, bool, nil, numbers as json.Number
// holding their literal text), refusing anything but white space after it. It accepts and
// refuses exactly what encoding/json does, replaces invalid UTF-8 and lone surrogates with
// U+FFFD as it does, and keeps the last of duplicate keys; FuzzDecode compares the two. It
// exists because encoding/json's reflection-driven decoding was most of the cost of checking
// an answer.
//
// The strings and numbers of a document of up to 4 KiB are slices of one copy
// of it, made once, rather than one copy each: with every answer distinct, they were the
// largest share of the load generator's allocations (issue 25). A string kept from such a
// document keeps that copy (at most 4 KiB) alive.
func Decode(body []byte) (any, error) {
	v, _, err := decode(body)
	return v, err
}

// decode is Decode, also reporting whether an object of the document held a key twice.
func decode(body []byte) (v any, dup bool, err error) {
	kv := kvPool.Get().(*[]member)
	d := decoder{b: body, kv: (*kv)[:0]}
	if len(body) <= maxSharedBody {
		d.s = string(body)
	}
	v, err = d.document()
	*kv = d.kv[:0] // object has cleared the members it used
	kvPool.Put(kv)
	return v, d.dup, err
}

// kvPool holds the decoders' member stacks: one on the stack of Decode would escape.
var kvPool = sync.Pool{New: func() any { kv := make([]member, 0, 32); return &kv }}

func (d *decoder) document() (any, error) {
	d.space()
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	d.space()
	if d.i != len(d.b) {
		return nil, d.errorf("invalid character after top-level value")
	}
	return v, nil
}

// maxSharedBody is the size up to which a document's strings share one copy of it (Decode).
const maxSharedBody = 4096

type decoder struct {
	b  []byte
	s  string // string(b) when b is short enough to share (maxSharedBody), else ""
	i  int
	kv []member // members of the objects being decoded, innermost last
	// dup is set when an object held a key twice (the map kept the last): DecodeDocument
	// reports it, because a struct decoder merges or refuses what the map silently dropped.
	dup bool
}

func (d *decoder) errorf(msg string) error {
	return errors.New(msg + " at offset " + strconv.Itoa(d.i))
}

func (d *decoder) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *decoder) value(depth int) (any, error) {
	if d.i >= len(d.b) {
		return nil, d.errorf("unexpected end of JSON input")
	}
	switch c := d.b[d.i]; {
	case c == '{':
		if depth >= maxDepth {
			return nil, d.errorf("exceeded max depth")
		}
		return d.object(depth + 1)
	case c == '[':
		if depth >= maxDepth {
			return nil, d.errorf("exceeded max depth")
		}
		return d.array(depth + 1)
	case c == '"':
		s, err := d.str()
		if err != nil {
			return nil, err
		}
		return boxString(s), nil
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	}
	return nil, d.errorf("invalid character looking for beginning of value")
}

func (d *decoder) literal(lit string) error {
	if len(d.b)-d.i < len(lit) || string(d.b[d.i:d.i+len(lit)]) != lit {
		return d.errorf("invalid literal")
	}
	d.i += len(lit)
	return nil
}

// object collects the members on d.kv first and then makes the map at its final size:
// growing it member by member (rehashing) was the largest cost of decoding a fee record.
func (d *decoder) object(depth int) (any, error) {
	mark := len(d.kv)
	v, err := d.members(depth, mark)
	clear(d.kv[mark:])
	d.kv = d.kv[:mark]
	return v, err
}

func (d *decoder) members(depth, mark int) (any, error) {
	d.i++ // {
	d.space()
	if d.i < len(d.b) && d.b[d.i] == '}' {
		d.i++
		return map[string]any{}, nil
	}
	for {
		if d.i >= len(d.b) || d.b[d.i] != '"' {
			return nil, d.errorf("invalid character looking for beginning of object key string")
		}
		k, err := d.key()
		if err != nil {
			return nil, err
		}
		d.space()
		if d.i >= len(d.b) || d.b[d.i] != ':' {
			return nil, d.errorf("invalid character after object key")
		}
		d.i++
		d.space()
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		d.kv = append(d.kv, member{k, v})
		d.space()
		if d.i >= len(d.b) {
			return nil, d.errorf("unexpected end of JSON input")
		}
		switch d.b[d.i] {
		case ',':
			d.i++
			d.space()
		case '}':
			d.i++
			m := make(map[string]any, len(d.kv)-mark)
			for _, e := range d.kv[mark:] {
				m[e.k] = e.v // in order: the last of duplicate keys wins, as in encoding/json
			}
			if len(m) != len(d.kv)-mark {
				d.dup = true
			}
			return m, nil
		default:
			return nil, d.errorf("invalid character after object key:value pair")
		}
	}
}

// member is one decoded object member waiting for its map.
type member struct {
	k string
	v any
}

func (d *decoder) array(depth int) (any, error) {
	d.i++ // [
	a := []any{}
	d.space()
	if d.i < len(d.b) && d.b[d.i] == ']' {
		d.i++
		return a, nil
	}
	for {
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		d.space()
		if d.i >= len(d.b) {
			return nil, d.errorf("unexpected end of JSON input")
		}
		switch d.b[d.i] {
		case ',':
			d.i++
			d.space()
		case ']':
			d.i++
			return a, nil
		default:
			return nil, d.errorf("invalid character after array element")
		}
	}
}

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and keeps its text.
func (d *decoder) number() (any, error) {
	start := d.i
	digits := func() int {
		n := 0
		for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	if d.b[d.i] == '-' {
		d.i++
	}
	if d.i < len(d.b) && d.b[d.i] == '0' {
		d.i++
	} else if digits() == 0 {
		return nil, d.errorf("invalid character in numeric literal")
	}
	if d.i < len(d.b) && d.b[d.i] == '.' {
		d.i++
		if digits() == 0 {
			return nil, d.errorf("invalid character after decimal point in numeric literal")
		}
	}
	if d.i < len(d.b) && (d.b[d.i] == 'e' || d.b[d.i] == 'E') {
		d.i++
		if d.i < len(d.b) && (d.b[d.i] == '+' || d.b[d.i] == '-') {
			d.i++
		}
		if digits() == 0 {
			return nil, d.errorf("invalid character in exponent of numeric literal")
		}
	}
	if d.i-start == 1 { // a digit: 0 and 1 are most of an answer's numbers
		return boxedDigitNumbers[d.b[start]-'0'], nil
	}
	return json.Number(d.text(start, d.i)), nil
}

// str reads a string at d.i (on its opening quote), unescaping it as encoding/json does.
// key decodes an object key. A key without escapes that one of the embedded schemas names
// (almost every key of an answer or a push) is the interned string, not a new one: the
// load generator's profile with every answer distinct showed a string per key of every
// answer (issue 25). Anything else is decoded by str.
func (d *decoder) key() (string, error) {
	if end := d.i + 1; end < len(d.b) {
		for j := end; j < len(d.b) && j-end <= maxInternedKey; j++ {
			c := d.b[j]
			if c == '"' {
				// A map index by string(bytes) does not allocate.
				if k, ok := internedKeys[string(d.b[end:j])]; ok {
					d.i = j + 1
					return k, nil
				}
				break
			}
			if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
				break
			}
		}
	}
	return d.str()
}

// internedKeys holds every object key of the embedded schema files (property names and
// keywords alike: a superset is harmless), read once; maxInternedKey is the longest.
var internedKeys, maxInternedKey = schemaKeys()

func schemaKeys() (map[string]string, int) {
	keys, longest := map[string]string{}, 0
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				keys[k] = k
				longest = max(longest, len(k))
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	entries, _ := files.ReadDir("json") // embedded: cannot fail
	for _, e := range entries {
		data, err := files.ReadFile("json/" + e.Name())
		if err != nil {
			continue
		}
		var doc any
		if json.Unmarshal(data, &doc) == nil {
			walk(doc)
		}
	}
	return keys, longest
}

func (d *decoder) str() (string, error) {
	d.i++ // "
	start := d.i
	// Fast path: printable ASCII without escapes, the common case.
	for d.i < len(d.b) {
		c := d.b[d.i]
		if c == '"' {
			s := d.text(start, d.i)
			d.i++
			return s, nil
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
		d.i++
	}
	buf := make([]byte, 0, d.i-start+16)
	buf = append(buf, d.b[start:d.i]...)
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			return string(buf), nil
		case c < 0x20:
			return "", d.errorf("invalid character in string literal")
		case c == '\\':
			if d.i+1 >= len(d.b) {
				return "", d.errorf("unexpected end of JSON input")
			}
			e := d.b[d.i+1]
			d.i += 2
			switch e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, ok := d.hex4(d.i)
				if !ok {
					return "", d.errorf("invalid character in \\u hexadecimal character escape")
				}
				d.i += 4
				if utf16.IsSurrogate(r) {
					// A pair combines; anything else leaves U+FFFD and the next escape
					// is read on its own, as in encoding/json.
					if d.i+1 < len(d.b) && d.b[d.i] == '\\' && d.b[d.i+1] == 'u' {
						if r2, ok := d.hex4(d.i + 2); ok {
							if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
								buf = utf8.AppendRune(buf, dec)
								d.i += 6
								continue
							}
						}
					}
					r = utf8.RuneError
				}
				buf = utf8.AppendRune(buf, r)
			default:
				return "", d.errorf("invalid character in string escape code")
			}
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			d.i++
		default:
			r, size := utf8.DecodeRune(d.b[d.i:])
			d.i += size
			buf = utf8.AppendRune(buf, r) // U+FFFD for an invalid byte
		}
	}
	return "", d.errorf("unexpected end of JSON input")
}

// Boxed values shared by every decoded document: storing a string or a json.Number in an
// interface allocates, and answers are full of the same few ("0", "1", "true", "Success"). An
// interface's value cannot be changed, so sharing one is invisible.
var (
	boxedDigitNumbers [10]any
	boxedDigitStrings [10]any
	boxedTrue         any = "true"
	boxedFalse        any = "false"
	boxedSuccess      any = "Success"
)

func init() {
	for i := range boxedDigitNumbers {
		boxedDigitNumbers[i] = json.Number(strconv.Itoa(i))
		boxedDigitStrings[i] = strconv.Itoa(i)
	}
}

// boxString returns s as an interface value, a shared one for the common values.
func boxString(s string) any {
	switch s {
	case "true":
		return boxedTrue
	case "false":
		return boxedFalse
	case "Success":
		return boxedSuccess
	}
	if len(s) == 1 && s[0] >= '0' && s[0] <= '9' {
		return boxedDigitStrings[s[0]-'0']
	}
	return s
}

// text returns b[i:j] as a string: a slice of the shared copy when there is one.
func (d *decoder) text(i, j int) string {
	if d.s != "" {
		return d.s[i:j]
	}
	return string(d.b[i:j])
}

func (d *decoder) hex4(at int) (rune, bool) { return hex4(d.b, at) }
