package jsonscan

import (
	"encoding/json"
	"strings"
	"testing"
)

// validCases are texts on both sides of each rule of the grammar; TestValid requires Valid
// to agree with json.Valid on each, and they seed FuzzValid.
var validCases = []string{
	``, ` `, `{}`, ` {} `, `{`, `}`, `[]`, `[`, `[1,]`, `[,1]`, `{"a":1,}`, `{"a" 1}`, `{a:1}`, `{"a":1 "b":2}`,
	`""`, `"`, `"\"`, `"\\"`, `"\/\b\f\n\r\t"`, `"\u00e9\uD83D\uDE00"`, `"\u12"`, `"\u12g4"`, `"\x"`, "\"a\x01\"",
	"\"\xff\xfe\"", "\"é\"", `0`, `-0`, `-`, `01`, `1.`, `1.5`, `.5`, `1e5`, `1E+5`, `1e-5`, `1e`, `1e+`, `-1.5e-3`,
	`true`, `tru`, `truex`, `false`, `null`, `nul`, `nulll`, `1 2`, `{"a":[1,{"b":null}],"c":"d"}`, "\t[1 ,\n2]\r",
	`{"resultcode":"0","resultdesc":"Success","subscriptionId":"0167ecc9-bfb6-4eec-b671-a7dab2ba78cf"}`,
	strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth),
	strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1),
	strings.Repeat(`{"a":`, maxDepth) + "1" + strings.Repeat("}", maxDepth),
	strings.Repeat(`{"a":`, maxDepth+1) + "1" + strings.Repeat("}", maxDepth+1),
	strings.Repeat("[", maxDepth-1) + `{"a":1}` + strings.Repeat("]", maxDepth-1),
	strings.Repeat("[", maxDepth) + `{"a":1}` + strings.Repeat("]", maxDepth),
}

// TestValid: Valid's verdict is json.Valid's on every case, the nesting limit included.
func TestValid(t *testing.T) {
	for _, c := range validCases {
		if got, want := Valid([]byte(c)), json.Valid([]byte(c)); got != want {
			t.Errorf("Valid(%.60q) = %v, json.Valid %v", c, got, want)
		}
	}
}

// FuzzValid: Valid and json.Valid agree on every input.
func FuzzValid(f *testing.F) {
	for _, c := range validCases {
		if len(c) < 1000 {
			f.Add(c)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Valid([]byte(s)), json.Valid([]byte(s)); got != want {
			t.Errorf("Valid(%q) = %v, json.Valid %v", s, got, want)
		}
	})
}

// BenchmarkValid compares Valid with json.Valid on a call event push.
func BenchmarkValid(b *testing.B) {
	data := []byte(`{"eventType":"callin","statusInfo":{"timestamp":"2026-12-07 04:00:00","sessionId":"fresh-1","caller":"+8613800000001","called":"+8617000000001","subscriptionId":"sub"}}`)
	b.Run("jsonscan", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			Valid(data)
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			json.Valid(data)
		}
	})
}
