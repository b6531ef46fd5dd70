package jsonscan

import (
	"encoding/json"
	"testing"
)

// TestValueEnd: the end of every kind of value, with strings holding brackets and escaped
// quotes that must not end or nest anything.
func TestValueEnd(t *testing.T) {
	cases := []struct {
		in   string
		want int
	}{
		{`"a\"}]" ,`, 7},
		{`{"a":[1,"]}"],"b":{}} x`, 21},
		{`[{"x":"\\"}] ,`, 12},
		{`12.5e3,`, 6},
		{`true}`, 4},
		{`null`, 4},
	}
	for _, c := range cases {
		if got := ValueEnd([]byte(c.in), 0); got != c.want {
			t.Errorf("ValueEnd(%q) = %d, want %d", c.in, got, c.want)
		}
	}
	if got := SkipSpace([]byte(" \t\r\n x"), 0); got != 5 {
		t.Errorf("SkipSpace = %d, want 5", got)
	}
}

// FuzzValueEnd: on valid JSON, the value found is exactly what encoding/json reads as one
// value (its raw form, white space trimmed); on anything else it stops without a panic.
func FuzzValueEnd(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `"x\"y"`, `[1,[2,{"b":"]"}]]`, `-0.5`, `false`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		data := []byte(s)
		i := SkipSpace(data, 0)
		if i >= len(data) {
			return
		}
		end := ValueEnd(data, i)
		var raw json.RawMessage
		if json.Unmarshal(data, &raw) != nil {
			return
		}
		if string(data[i:end]) != string(raw) {
			t.Errorf("ValueEnd(%q) took %q, encoding/json %q", s, data[i:end], raw)
		}
	})
}
