package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/schemas"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestCheckDecodeOnceMatchesStruct: classifying a response from the body decoded once for the
// schemas gives the same answer and observation as decoding it into the answer struct.
func TestCheckDecodeOnceMatchesStruct(t *testing.T) {
	bodies := []string{
		`{"resultcode":"0","resultdesc":"Success","subscriptionId":"s1","relationNum":"+8617001100000"}`,
		`{"resultcode":"1010001","resultdesc":"x"}`,
		`{"resultcode":"0"}`,
		`{"resultcode":0,"resultdesc":"x"}`,
		`{"resultcode":null,"resultdesc":null}`,
		`{"resultdesc":"x"}`,
		`{"resultcode":"0","resultdesc":"x","subscriptionId":5}`,
		`{"resultcode":"0","resultdesc":"x","subscriptionId":null,"extendNum":"0001","virtualNum":"v","privateNum":"p"}`,
		`{"ResultCode":"0","resultdesc":"x"}`,
		`{"resultcode":"0","resultdesc":"x","SUBSCRIPTIONID":"s"}`,
		// Keys that fold to a field through the long s (U+017F) or the Kelvin sign (U+212A):
		// longer in bytes than the field's name, matched by encoding/json all the same.
		"{\"resultcode\":\"0\",\"resultdesc\":\"x\",\"\u017fubscriptionId\":\"s\"}",
		"{\"re\u017fultcode\":\"0\",\"resultdesc\":\"x\"}",
		`{"resultcode":"0","resultdesc":"x","relationNumList":[],"totalCount":1,"pageIndex":1,"pageSize":50}`,
		`{"resultcode":"0","resultdesc":"x","other":{"a":[1,2]}}`,
		`{"resultcode":"0","resultdesc":"x","big":1e400}`, // valid JSON, beyond float64
		`null`,
		`[]`,
		`"0"`,
		`{"resultcode":"0"} x`,
		`{"resultcode":"0"}  `,
		`{`,
		``,
		`{"resultcode":"9999","resultdesc":"unknown code"}`,
		// Keys given twice: the struct decoder keeps the last value, leaves a string field as
		// it was on a null, and fails on a value of the wrong type wherever it is.
		`{"resultcode":"0","resultdesc":"x","subscriptionId":"s","subscriptionId":null}`,
		`{"resultcode":"0","resultdesc":"x","subscriptionId":5,"subscriptionId":"s"}`,
		`{"resultcode":"0","resultdesc":"x","subscriptionId":"a","subscriptionId":"b"}`,
		`{"resultcode":"0","resultcode":null,"resultdesc":"x"}`,
		`{"resultcode":"1","resultcode":"0","resultdesc":"x","resultdesc":null}`,
		`{"resultcode":"0","resultdesc":null,"resultdesc":"x"}`,
		`{"resultcode":"0","resultdesc":5}`,
		`{"resultcode":"0","resultdesc":"x","relationNum":"+8617001100000","relationNum":true}`,
		`{"resultcode":"0\u0000","resultdesc":"Flow control\u0021"}`,
	}
	structOnly := &runner{sample: -1}
	once := &runner{sample: 1, validateDoc: func(string, *schemas.Tape, []byte) []string { return nil }}
	for _, body := range bodies {
		for _, code := range []uint16{200, 400, 500} {
			res := &hit{status: int(code), body: []byte(body)}
			wa, wo := structOnly.check("axb.bind", res)
			ga, gob := once.check("axb.bind", res)
			wa.ResultCode, wa.ResultDesc, ga.ResultCode, ga.ResultDesc = nil, nil, nil, nil
			gob.schema = false
			if !reflect.DeepEqual(ga, wa) || !reflect.DeepEqual(gob, wo) {
				t.Errorf("%d %s:\n got  %+v %+v\n want %+v %+v", code, body, ga, gob, wa, wo)
			}
		}
	}
}

// TestEmbeddedValidatorsAgree: validating the decoded body gives the same violations as
// validating the raw body.
func TestEmbeddedValidatorsAgree(t *testing.T) {
	raw, err := EmbeddedSchemas()
	if err != nil {
		t.Fatal(err)
	}
	dv, err := embeddedDocValidator()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ iface, body string }{
		{"axb.bind", `{"resultcode":"0","resultdesc":"Success","subscriptionId":"s1","relationNum":"+8617001100000"}`},
		{"axb.bind", `{"resultcode":"0","resultdesc":"Success","relationNum":"17001100000"}`},
		{"axb.bind", `{"resultcode":1,"resultdesc":2,"relationNum":1.5}`},
		{"axb.unbind", `{"resultcode":"0","resultdesc":"Success"}`},
		{"no.such.iface", `{}`},
	}
	var invalid int
	for _, tc := range tests {
		var tp schemas.Tape
		if err := tp.Decode([]byte(tc.body)); err != nil {
			t.Fatal(err)
		}
		want, got := raw(tc.iface, []byte(tc.body)), dv(tc.iface, &tp, []byte(tc.body))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s %s: got %q, want %q", tc.iface, tc.body, got, want)
		}
		// The compiled validators decide; what is reported is the reference's wording.
		var ref []string
		if name, err := schemas.SchemaFor(tc.iface, schemas.Response); err == nil {
			vs, err := schemas.Default().Validate(name, []byte(tc.body))
			ref = violations(vs, err)
		}
		if !reflect.DeepEqual(got, ref) {
			t.Errorf("%s %s: got %q, want the reference's %q", tc.iface, tc.body, got, ref)
		}
		if len(want) > 0 {
			invalid++
		}
	}
	if invalid == 0 {
		t.Error("no test body violates a schema: the comparison proves nothing")
	}
}

// TestTapeMatchesValidator: the checkers' tape decodes a body to the value (json.Number for
// numbers) and with the failures of the schema validator's own decoding, also when the tape
// held another body before.
func TestTapeMatchesValidator(t *testing.T) {
	bodies := []string{
		`{"resultcode":"0","a":[1,2.50,{"b":-3e2}],"c":null,"d":true}`,
		`{"resultcode":"0","s":"x"}`,
		`[1]`, `12345678901234567890`, `"x"`, `null`, ` {} `,
		`{} {}`, `{"a":1} x`, `{`, ``, `{"a":01}`, `{"a":1e400}`,
	}
	tp := new(schemas.Tape)
	for _, body := range bodies {
		want, werr := jsonschema.UnmarshalJSON(strings.NewReader(body))
		gerr := tp.Decode([]byte(body))
		got := tp.Value()
		if (gerr != nil) != (werr != nil) || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %#v, %v; want %#v, %v", body, got, gerr, want, werr)
		}
	}
}

// TestCheckMemo: a remembered verdict is the verdict, with this answer's timing, and the
// caller's appends to its conformance errors do not leak into the memo.
func TestCheckMemo(t *testing.T) {
	plain := &runner{sample: 1, validateDoc: func(string, *schemas.Tape, []byte) []string { return []string{"v"} }}
	memo := &runner{sample: 1, validateDoc: plain.validateDoc, memo: newCheckMemo()}
	for _, body := range []string{`{"resultcode":"0","resultdesc":"Success","subscriptionId":"s"}`, `{"resultcode":"1010010","resultdesc":"x"}`, `nope`} {
		for i := 0; i < 3; i++ {
			h := &hit{status: 200, body: []byte(body), latency: time.Duration(i + 1)}
			wa, wo := plain.check("axb.bind", h)
			ga, gob := memo.check("axb.bind", h)
			if !reflect.DeepEqual(ga, wa) || !reflect.DeepEqual(gob, wo) {
				t.Fatalf("%s #%d:\n got  %+v %+v\n want %+v %+v", body, i, ga, gob, wa, wo)
			}
			gob.confErrs = append(gob.confErrs, "appended by the caller")
		}
	}
	if memo.memo.n != 3 {
		t.Fatalf("memo holds %d verdicts, want 3", memo.memo.n)
	}
}

// TestCheckMemoGivesUpOnDistinctAnswers: an interface whose answers never repeat stops being
// memoised after the trial (its verdicts forgotten), one whose answers repeat keeps its memo,
// and the verdicts are those of the plain check throughout.
func TestCheckMemoGivesUpOnDistinctAnswers(t *testing.T) {
	plain := &runner{sample: 1, validateDoc: func(string, *schemas.Tape, []byte) []string { return nil }}
	memo := &runner{sample: 1, validateDoc: plain.validateDoc, memo: newCheckMemo()}
	for i := 0; i < 2*memoTrial; i++ {
		for _, h := range []*hit{
			{status: 200, body: fmt.Appendf(nil, `{"resultcode":"0","resultdesc":"Success","subscriptionId":"s%d"}`, i)},
			{status: 200, body: []byte(`{"resultcode":"0","resultdesc":"Success"}`)},
		} {
			iface := "axb.bind"
			if !bytes.Contains(h.body, []byte("subscriptionId")) {
				iface = "axb.unbind"
			}
			wa, wo := plain.check(iface, h)
			ga, gob := memo.check(iface, h)
			if !reflect.DeepEqual(ga, wa) || !reflect.DeepEqual(gob, wo) {
				t.Fatalf("%s #%d:\n got  %+v %+v\n want %+v %+v", h.body, i, ga, gob, wa, wo)
			}
		}
	}
	if !memo.memo.statsOf("axb.bind", 200).off.Load() {
		t.Error("distinct bind answers are still memoised")
	}
	if memo.memo.statsOf("axb.unbind", 200).off.Load() {
		t.Error("repeated unbind answers are no longer memoised")
	}
	if memo.memo.n != 1 || len(memo.memo.m[memoKey{"axb.bind", 200}]) != 0 {
		t.Errorf("memo holds %d verdicts (%d of binds), want only the unbind's", memo.memo.n, len(memo.memo.m[memoKey{"axb.bind", 200}]))
	}
}

// TestRunChecksEveryDistinctAnswer: through Run, against a loopback platform whose every bind
// answer is different and every second one breaks the schema (duration -1), every answer is
// schema-checked and exactly the broken ones are reported, in the reference validator's words.
func TestRunChecksEveryDistinctAnswer(t *testing.T) {
	f, _ := newFake(t)
	var binds, broken atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		iface, ok, _ := pns.Route(r.Method, r.URL.Path)
		if !ok || iface.ID != pns.IfaceAXBBind {
			f.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		f.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		var m map[string]any
		if rec.Code == 200 && json.Unmarshal(body, &m) == nil && m["resultcode"] == "0" {
			if binds.Add(1)%2 == 0 {
				m["duration"] = -1
				body, _ = json.Marshal(m)
				broken.Add(1)
			}
		}
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	res, err := Run(context.Background(), Config{
		Target: srv.URL, Profile: fakeProfile(), Mode: pns.ModeAXB, Rate: 40, Duration: time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	if broken.Load() == 0 {
		t.Fatalf("no broken answer served (%d binds): the test proves nothing", binds.Load())
	}
	if res.Conformance.SchemaChecked != res.Conformance.Checked {
		t.Errorf("schema-checked %d of %d answers, want all", res.Conformance.SchemaChecked, res.Conformance.Checked)
	}
	if res.Conformance.Errors != broken.Load() {
		t.Errorf("%d conformance errors, want one per broken answer (%d): %q", res.Conformance.Errors, broken.Load(), res.Conformance.Examples)
	}
	for _, e := range res.Conformance.Examples {
		if !strings.Contains(e, "axb.bind: schema: /duration") || !strings.Contains(e, "minimum: got -1, want 0") {
			t.Errorf("example %q is not the reference's violation of /duration", e)
		}
	}
}

// BenchmarkCheckAnswer measures check (decode, result code, schema) per answer with and without
// the memo, on bind answers that are all different (a real platform's) and on one answer
// repeated (every unbind's success).
func BenchmarkCheckAnswer(b *testing.B) {
	distinct := make([][]byte, 1<<16) // more than the memo holds: none recurs while remembered
	for i := range distinct {
		distinct[i] = fmt.Appendf(nil, `{"resultcode":"0","resultdesc":"Success","subscriptionId":"c1564552-844a-4048-9ac7-%012x",`+
			`"relationNum":"+8613800006666","callDirection":0,"duration":0,"maxDuration":0}`, i)
	}
	repeated := [][]byte{distinct[0]}
	dv, err := embeddedDocValidator()
	if err != nil {
		b.Fatal(err)
	}
	for _, set := range []struct {
		name   string
		bodies [][]byte
	}{{"distinct", distinct}, {"repeated", repeated}} {
		for _, withMemo := range []bool{false, true} {
			name := set.name + "/nomemo"
			r := &runner{sample: 1, validateDoc: dv}
			if withMemo {
				name = set.name + "/memo"
				r.memo = newCheckMemo()
			}
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					_, o := r.check("axb.bind", &hit{status: 200, body: set.bodies[i%len(set.bodies)]})
					if len(o.confErrs) > 0 || !o.success {
						b.Fatalf("%+v", o)
					}
					i++
				}
			})
		}
	}
}

// TestCheckAnswerOutlivesBody: the answer's strings are the answer's own: the body's buffer is
// recycled once the answer is checked, and a binding keeps its subscriptionId and X for its
// lifetime.
func TestCheckAnswerOutlivesBody(t *testing.T) {
	dv, err := embeddedDocValidator()
	if err != nil {
		t.Fatal(err)
	}
	r := &runner{sample: 1, validateDoc: dv}
	body := []byte(`{"resultcode":"0","resultdesc":"Success","subscriptionId":"sub-1","relationNum":"+8617001100000","extendNum":"0001"}`)
	a, o := r.check("axb.bind", &hit{status: 200, body: body})
	if !o.success || len(o.confErrs) > 0 {
		t.Fatalf("%+v", o)
	}
	for i := range body {
		body[i] = 'x'
	}
	if a.SubscriptionID != "sub-1" || a.x() != "+8617001100000" || a.ExtendNum != "0001" || a.code != "0" || a.desc != "Success" {
		t.Errorf("the answer changed with its body: %+v", a)
	}
}
