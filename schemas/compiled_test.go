package schemas

import (
	"bytes"
	"encoding/json"
	"maps"
	"math"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pns-harness/pns-harness/schemas/internal/schemagen"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestCompiledUpToDate regenerates the compiled validators from json/ and fails when
// compiled_gen.go differs: run `go generate ./schemas` after changing a schema.
func TestCompiledUpToDate(t *testing.T) {
	want, err := schemagen.Generate(os.DirFS("json"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("compiled_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("compiled_gen.go is stale: run `go generate ./schemas` and commit the result")
	}
	want, err = schemagen.GenerateTape(os.DirFS("json"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err = os.ReadFile("compiled_tape_gen.go"); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("compiled_tape_gen.go is stale: run `go generate ./schemas` and commit the result")
	}
}

// TestCompiledNames: every payload schema has a compiled validator, and nothing else does.
func TestCompiledNames(t *testing.T) {
	if got, want := CompiledNames(), mustNew(t).Names(); !slices.Equal(got, want) {
		t.Fatalf("compiled %v\nreference %v", got, want)
	}
	if _, err := ValidateCompiled("nope", nil); err == nil {
		t.Fatal("unknown name accepted")
	}
}

// TestCompiledOnEncodingJSONDocs: documents decoded by encoding/json (numbers as float64) get
// the reference's verdict too, and a document with a non-JSON type is refused, not judged.
func TestCompiledOnEncodingJSONDocs(t *testing.T) {
	v := mustNew(t)
	bodies := []struct{ schema, body string }{}
	for _, ex := range validExamples {
		bodies = append(bodies, struct{ schema, body string }{ex.schema, ex.body})
	}
	for _, ex := range invalidExamples {
		bodies = append(bodies, struct{ schema, body string }{ex.schema, ex.body})
	}
	invalid := 0
	for _, b := range bodies {
		var doc any
		if json.Unmarshal([]byte(b.body), &doc) != nil {
			continue
		}
		ref, err := v.ValidateValue(b.schema, doc)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ValidateCompiled(b.schema, doc)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(located(ref), located(got)) {
			t.Errorf("%s %s:\nreference %q\ncompiled  %q", b.schema, b.body, located(ref), located(got))
		}
		if len(ref) > 0 {
			invalid++
		}
	}
	if invalid == 0 {
		t.Error("no invalid document: the comparison proves nothing")
	}
	for _, doc := range []any{struct{}{}, map[string]any{"resultcode": 0}, []any{math.NaN()}} {
		if _, err := ValidateCompiled("error.response", doc); err == nil {
			t.Errorf("%#v: no error", doc)
		}
	}
}

// located is what the differential test compares of a violation: where it is in the instance,
// which keyword of which schema location failed. Messages differ on purpose (the reference's
// are longer).
func located(vs []Violation) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.InstancePath + "\t" + v.KeywordPath + "\t" + v.Keyword
	}
	return out
}

// agree fails t unless the compiled validator and the reference agree on body: same verdict,
// same violations (instance path, keyword path, keyword).
func agree(t *testing.T, v *Validator, name string, body []byte) (valid bool) {
	t.Helper()
	ref, err := v.Validate(name, body)
	if err != nil {
		t.Fatalf("reference %s: %v", name, err)
	}
	got, err := ValidateCompiledBody(name, body)
	if err != nil {
		t.Fatalf("compiled %s: %v", name, err)
	}
	if (len(ref) == 0) != (len(got) == 0) || !slices.Equal(located(ref), located(got)) {
		t.Fatalf("%s disagrees on %s\nreference: %q\ncompiled:  %q", name, body, located(ref), located(got))
	}
	// The tape path: decoded into a tape that held another document before (a load generator's
	// tapes are reused), validated by the tape validators. A body the tape refuses is the
	// malformed-JSON violation, as in ValidateCompiledBody.
	tp := tapeAgreePool.Get().(*Tape)
	defer tapeAgreePool.Put(tp)
	var tv []Violation
	if err := tp.Decode(body); err != nil {
		tv = []Violation{{Keyword: KeywordMalformedJSON, Message: "malformed JSON: " + err.Error()}}
	} else if tv, err = tp.Validate(name); err != nil {
		t.Fatalf("tape %s: %v", name, err)
	}
	if (len(ref) == 0) != (len(tv) == 0) || !slices.Equal(located(ref), located(tv)) {
		t.Fatalf("%s: the tape disagrees on %s\nreference: %q\ntape:      %q", name, body, located(ref), located(tv))
	}
	return len(ref) == 0
}

// tapeAgreePool keeps the tapes of agree, so that each is reused across bodies as the load
// generator reuses its own.
var tapeAgreePool = sync.Pool{New: func() any { return new(Tape) }}

// mutationValues replace a field's value: each breaks a different kind of rule (type, enum,
// length, pattern, number format and bounds) somewhere in the contract's schemas.
var mutationValues = []any{
	nil, true, false, "", "zzz", "0", "1", "true", "on", strings.Repeat("9", 300), "{x}", "中文",
	"+8613800000001", "+864001234567", "+8695123", "2019-02-30 00:00:00", "2019-1-2 3:4:5",
	json.Number("0"), json.Number("-1"), json.Number("1.0"), json.Number("1e2"), json.Number("1.5"),
	json.Number("1441"), json.Number("99999999999999999999"), json.Number("-0"),
	map[string]any{}, []any{}, []any{map[string]any{"k": json.Number("1")}},
}

// mutations returns body as is plus its mutations: every object member (at any depth) dropped,
// and replaced by each mutation value, and an extra property added to every object.
func mutations(body string) [][]byte {
	out := [][]byte{[]byte(body)}
	d := json.NewDecoder(strings.NewReader(body))
	d.UseNumber()
	var doc any
	if d.Decode(&doc) != nil {
		return out
	}
	emit := func() {
		b, err := json.Marshal(doc)
		if err == nil {
			out = append(out, b)
		}
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				old := v[k]
				delete(v, k)
				emit()
				for _, m := range mutationValues {
					v[k] = m
					emit()
				}
				v[k] = old
				walk(old)
			}
			v["zzExtra"] = json.Number("1")
			emit()
			delete(v, "zzExtra")
		case []any:
			for i, e := range v {
				for _, m := range mutationValues[:4] {
					v[i] = m
					emit()
				}
				v[i] = e
				walk(e)
			}
		}
	}
	walk(doc)
	return out
}

// duplicated returns body, an object, with each of its top-level keys repeated once before
// it with a wrong value and once after it with a wrong value.
func duplicated(body string) [][]byte {
	var doc map[string]any
	body = strings.TrimSpace(body)
	if json.Unmarshal([]byte(body), &doc) != nil || len(doc) == 0 {
		return nil
	}
	var out [][]byte
	for _, k := range slices.Sorted(maps.Keys(doc)) {
		q, _ := json.Marshal(k)
		out = append(out,
			[]byte("{"+string(q)+`:"zzz",`+body[1:]),
			[]byte(body[:len(body)-1]+","+string(q)+`:"zzz"}`))
	}
	return out
}

// seedBodies are the differential corpus: every example (valid and invalid) of every schema and
// its mutations, plus bodies that are not objects.
func seedBodies() []struct {
	schema string
	body   []byte
} {
	var seeds []struct {
		schema string
		body   []byte
	}
	seen := map[string]bool{}
	add := func(schema string, bodies ...[]byte) {
		for _, b := range bodies {
			if k := schema + "\x00" + string(b); !seen[k] {
				seen[k] = true
				seeds = append(seeds, struct {
					schema string
					body   []byte
				}{schema, b})
			}
		}
	}
	// Valid examples are mutated; invalid ones already are mutations, and are taken as they are.
	for _, ex := range validExamples {
		add(ex.schema, mutations(ex.body)...)
	}
	for _, ex := range invalidExamples {
		add(ex.schema, []byte(ex.body))
	}
	// Duplicate keys: a decoded document keeps the last value of a key, and so must every
	// validator (a tape keeps them all and must look at the last).
	for _, ex := range validExamples {
		add(ex.schema, duplicated(ex.body)...)
	}
	for _, n := range CompiledNames() {
		for _, b := range []string{`{}`, `null`, `[]`, `"x"`, `1`, `{"resultcode":"0"}`, `{"resultcode":"1","resultdesc":"x"}`, `{`, `{} {}`, ` {} `, `{"x":1e400}`, "{\"resultcode\":\"\xff\"}", `[1, 2`} {
			add(n, mutations(b)...)
		}
	}
	return seeds
}

// TestCompiledVsReferenceSeeds runs the whole seed corpus of FuzzCompiledVsReference (the fuzz
// target itself gets only a sample, to keep `go test` quick) and checks it exercises both
// verdicts on every schema, so that agreement is not agreement on trivia.
func TestCompiledVsReferenceSeeds(t *testing.T) {
	v := mustNew(t)
	valid, invalid := map[string]int{}, map[string]int{}
	seeds := seedBodies()
	for _, s := range seeds {
		if agree(t, v, s.schema, s.body) {
			valid[s.schema]++
		} else {
			invalid[s.schema]++
		}
	}
	for _, n := range CompiledNames() {
		if valid[n] == 0 || invalid[n] == 0 {
			t.Errorf("%s: %d valid and %d invalid seeds, want both", n, valid[n], invalid[n])
		}
	}
	t.Logf("%d seeds agree", len(seeds))
}

// FuzzCompiledVsReference: the compiled validators and the reference (santhosh-tekuri/jsonschema)
// must agree on every body for every schema: valid or not, and where (instance path, keyword
// path, keyword). Run long with `go test -run '^$' -fuzz FuzzCompiledVsReference ./schemas`.
func FuzzCompiledVsReference(f *testing.F) {
	v := mustNew(f)
	names := CompiledNames()
	for i, s := range seedBodies() {
		if i%20 == 0 { // a sample: TestCompiledVsReferenceSeeds runs them all
			f.Add(uint8(slices.Index(names, s.schema)), s.body)
		}
	}
	f.Fuzz(func(t *testing.T, idx uint8, body []byte) {
		agree(t, v, names[int(idx)%len(names)], body)
	})
}

// decodeSeeds are bodies on the edges of JSON: escapes, surrogates, invalid UTF-8, numbers,
// nesting, trailing data.
var decodeSeeds = []string{
	`{"a":"x\"\\\/\b\f\n\r\t\u00e9\u4e2d"}`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ud83dx"`, `"\ude00\ud83d"`,
	`"\ud83d\u0041"`, `"\u12"`, `"\x"`, "\"\xff\xfe\"", "\"\xe4\xb8\"", "\"a\x01\"", "\"\x7f\"",
	`0`, `-0`, `-`, `01`, `1.`, `1.5e`, `1e+5`, `-1.25E-7`, `1e400`, `123456789012345678901234567890`,
	`[]`, `[1,]`, `[,1]`, `{"a":1,}`, `{"a" 1}`, `{a:1}`, `{"a":1,"a":2}`, `[[[[[]]]]]`,
	`true`, `tru`, `nul`, `null x`, " \t\r\n{} \n", ``, ` `, `{}{}`, `{"":{"":[null,false]}}`,
}

// TestDecodeMatchesReference: Decode gives the value and the failures of the reference
// validator's decoding (jsonschema.UnmarshalJSON) on the seed bodies and every example.
func TestDecodeMatchesReference(t *testing.T) {
	bodies := append([]string(nil), decodeSeeds...)
	for _, ex := range validExamples {
		bodies = append(bodies, ex.body)
	}
	for _, ex := range invalidExamples {
		bodies = append(bodies, ex.body)
	}
	for _, b := range bodies {
		decodeAgrees(t, []byte(b))
	}
}

func decodeAgrees(t *testing.T, body []byte) {
	t.Helper()
	want, werr := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	got, gerr := Decode(body)
	if (gerr != nil) != (werr != nil) || !reflect.DeepEqual(got, want) {
		t.Fatalf("Decode(%q) = %#v, %v; reference %#v, %v", body, got, gerr, want, werr)
	}
	tp := tapeAgreePool.Get().(*Tape)
	defer tapeAgreePool.Put(tp)
	terr := tp.Decode(body)
	if (terr != nil) != (werr != nil) || !reflect.DeepEqual(tp.Value(), want) {
		t.Fatalf("Tape.Decode(%q) = %#v, %v; reference %#v, %v", body, tp.Value(), terr, want, werr)
	}
}

// FuzzDecode: Decode and the reference's decoding agree on every input.
func FuzzDecode(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) { decodeAgrees(t, body) })
}
