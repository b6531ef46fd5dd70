package jsonscan

// maxDepth is encoding/json's limit of nested objects and arrays: text nested deeper is not
// valid for it.
const maxDepth = 10000

// Valid reports whether data is one JSON value with optional white space around it, with
// exactly encoding/json's verdict (json.Valid): the grammar of RFC 8259, strings checked for
// control characters and escapes but not for UTF-8 (encoding/json accepts invalid UTF-8 and
// replaces it when decoding), at most 10,000 levels of nesting. It is json.Valid without the
// state machine's indirect call per byte: json.Valid was a seventh of the receiver's own CPU
// per push and two thirds of the emulator's body splitting (issue 25). FuzzValid compares the
// two.
func Valid(data []byte) bool {
	v := validator{b: data}
	i, ok := v.value(SkipSpace(data, 0), 0)
	return ok && SkipSpace(data, i) == len(data)
}

// validator checks one JSON text; each method takes the index of the first byte of what it
// checks and returns the index just past it, ok false at the first error.
type validator struct{ b []byte }

// value checks the value at i; depth is the number of enclosing objects and arrays.
func (v *validator) value(i, depth int) (int, bool) {
	if i >= len(v.b) {
		return i, false
	}
	switch c := v.b[i]; {
	case c == '{':
		return v.object(i, depth+1)
	case c == '[':
		return v.array(i, depth+1)
	case c == '"':
		return v.str(i)
	case c == '-' || c >= '0' && c <= '9':
		return v.number(i)
	case c == 't':
		return v.literal(i, "true")
	case c == 'f':
		return v.literal(i, "false")
	case c == 'n':
		return v.literal(i, "null")
	}
	return i, false
}

func (v *validator) literal(i int, lit string) (int, bool) {
	if len(v.b)-i < len(lit) || string(v.b[i:i+len(lit)]) != lit {
		return i, false
	}
	return i + len(lit), true
}

func (v *validator) object(i, depth int) (int, bool) {
	if depth > maxDepth {
		return i, false
	}
	i = SkipSpace(v.b, i+1)
	if i < len(v.b) && v.b[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(v.b) || v.b[i] != '"' {
			return i, false
		}
		var ok bool
		if i, ok = v.str(i); !ok {
			return i, false
		}
		i = SkipSpace(v.b, i)
		if i >= len(v.b) || v.b[i] != ':' {
			return i, false
		}
		if i, ok = v.value(SkipSpace(v.b, i+1), depth); !ok {
			return i, false
		}
		i = SkipSpace(v.b, i)
		if i >= len(v.b) {
			return i, false
		}
		switch v.b[i] {
		case ',':
			i = SkipSpace(v.b, i+1)
		case '}':
			return i + 1, true
		default:
			return i, false
		}
	}
}

func (v *validator) array(i, depth int) (int, bool) {
	if depth > maxDepth {
		return i, false
	}
	i = SkipSpace(v.b, i+1)
	if i < len(v.b) && v.b[i] == ']' {
		return i + 1, true
	}
	for {
		var ok bool
		if i, ok = v.value(i, depth); !ok {
			return i, false
		}
		i = SkipSpace(v.b, i)
		if i >= len(v.b) {
			return i, false
		}
		switch v.b[i] {
		case ',':
			i = SkipSpace(v.b, i+1)
		case ']':
			return i + 1, true
		default:
			return i, false
		}
	}
}

// str checks the string whose opening quote is at i.
func (v *validator) str(i int) (int, bool) {
	for i++; i < len(v.b); i++ {
		switch c := v.b[i]; {
		case c == '"':
			return i + 1, true
		case c < 0x20:
			return i, false
		case c == '\\':
			i++
			if i >= len(v.b) {
				return i, false
			}
			switch v.b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(v.b)-i <= 4 {
					return i, false
				}
				for _, h := range v.b[i+1 : i+5] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return i, false
					}
				}
				i += 4
			default:
				return i, false
			}
		}
	}
	return i, false
}

// number checks -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? at i.
func (v *validator) number(i int) (int, bool) {
	b := v.b
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = digits(b, i+1)
	default:
		return i, false
	}
	if i < len(b) && b[i] == '.' {
		j := digits(b, i+1)
		if j == i+1 {
			return j, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(b, i)
		if j == i {
			return j, false
		}
		i = j
	}
	return i, true
}

// digits returns the index past the decimal digits at i.
func digits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}
