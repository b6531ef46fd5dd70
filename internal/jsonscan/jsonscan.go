// Package jsonscan moves through JSON text without decoding it: the emulator's body splitter
// and the receiver's push scanner both find where a value ends this way, on their hot paths
// (issue 25), and say it once here. The input is assumed to be valid JSON (both callers have
// checked it, or fall back to encoding/json when they are unsure); on broken input the
// functions still stop, at an index that may be past the end, which callers compare with
// len(data).
package jsonscan

// SkipSpace returns the index of the first byte at or after i that is not JSON white space.
func SkipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// ValueEnd returns the index just past the JSON value starting at i: a string up to its
// closing quote, an object or array up to its matching bracket (skipping strings), a number
// or literal up to the next delimiter.
func ValueEnd(data []byte, i int) int {
	switch data[i] {
	case '"':
		return StringEnd(data, i)
	case '{', '[':
		depth := 0
		for i < len(data) {
			switch data[i] {
			case '"':
				i = StringEnd(data, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(data) {
		switch data[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// StringEnd returns the index just past the string whose opening quote is at i.
func StringEnd(data []byte, i int) int {
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return i
}
