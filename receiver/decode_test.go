package receiver

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/schemas"
)

// envelopeSeeds are push bodies and the shapes decodeEnvelope must read as json.Unmarshal
// does: every notification kind, and the corners where a generic document and a struct
// decoder part ways (nulls, wrong types, repeated keys, keys in another case, non-ASCII keys).
func envelopeSeeds() []string {
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	return []string{
		string(event("s1", "sub", "callin", now)),
		string(feeMessage(feeRecord(appAKSK.AppKey, "icid-1", "s1", "sub", now), answeredFee("icid-2", "s2", now))),
		`{"eventType":"disconnect","statusInfo":{"sessionId":"s1","stateCode":17}}`,
		`{"eventType":"disconnect","statusInfo":{"sessionId":"s1","stateCode":"17"}}`,
		`{"eventType":"disconnect","statusInfo":{"sessionId":"s1","stateCode":1.5e1}}`,
		`{"eventType":"disconnect","statusInfo":{"sessionId":"s1","stateCode":null}}`,
		`{"eventType":"disconnect","statusInfo":{"sessionId":"s1","stateCode":{"a":[1,true]}}}`,
		`{"eventType":"numStatus","numInfo":[{"number":"+8617000000001","status":"1"},null,3]}`,
		`{"eventType":"numStatus","numInfo":[]}`,
		`{"eventType":"numStatus","numInfo":null}`,
		`{"eventType":"numStatus","numInfo":{}}`,
		`{"smsEvent":{"smsIdentifier":"m1","notificationMode":"Block","calling":"+86138","virtualNumber":"+86170","timeStamp":"2026-03-01 08:00:00","subscriptionId":"s"}}`,
		`{"smsEvent":{}}`,
		`{"smsEvent":null}`,
		`{"smsEvent":"x"}`,
		`{"eventType":"fee","feeLst":[{"icid":7}]}`,
		`{"eventType":"fee","feeLst":[null,{"icid":"a"}]}`,
		`{"eventType":"fee","feeLst":[]}`,
		`{"eventType":"fee","feeLst":{}}`,
		`{"eventType":"callin","statusInfo":{"sessionId":7}}`,
		`{"eventType":"callin","statusInfo":[]}`,
		`{"eventType":1}`,
		`{"eventType":null,"appKey":"k"}`,
		`{"EventType":"callin"}`,
		`{"eventtype":"callin","statusInfo":{"SessionId":"s"}}`,
		`{"eventType":"callin","statusInfo":{"sessionId":"a"},"statusInfo":{"timestamp":"t"}}`,
		`{"eventType":5,"eventType":"callin"}`,
		`{"eventType":"callin","eventType":"answer"}`,
		`{"feeLst":[{"icid":"a"},{"icid":"b"}],"feeLst":[{"sessionId":"c"}]}`,
		`{"eventType":"callin","statusInfo":{"ſessionId":"s"}}`,
		`{"eventType":"callin","\u212appKey":"s"}`,
		`{"eventType":"callin","other":{"eventType":5,"x":[1,2]}}`,
		`{"eventType":"caller\ud800x"}`,
		`null`, `[]`, `"x"`, `3`, `true`, `{}`, ``, `{`, `not json`, `{"a":1} x`,
	}
}

// FuzzDecodeEnvelope: decodeEnvelope reads every body as json.Unmarshal into the envelope
// does (the decoder the receiver used before it decoded each push once): the same parsed
// verdict and, when parsed, the same fields, with StateCode compared through causeKey and
// NumInfo by length and nil-ness (the only ways they are read). The document it returns is
// the one the compiled validators would decode from the body themselves.
func FuzzDecodeEnvelope(f *testing.F) {
	for _, s := range envelopeSeeds() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var want envelope
		wantParsed := json.Unmarshal(body, &want) == nil
		for _, wantDoc := range []bool{false, true} {
			var got envelope
			doc, parsed := decodeEnvelope(body, &got, wantDoc)
			if parsed != wantParsed {
				t.Fatalf("%q (document %v): parsed %v, json.Unmarshal %v", body, wantDoc, parsed, wantParsed)
			}
			if ref, err := schemas.DecodeDocument(body); wantDoc && err == nil && !reflect.DeepEqual(doc.Value(), ref.Value()) {
				t.Fatalf("%q: document %#v, want %#v", body, doc.Value(), ref.Value())
			}
			if !parsed {
				continue
			}
			if g, w := comparable(got), comparable(want); !reflect.DeepEqual(g, w) {
				t.Fatalf("%q (document %v):\n got %+v\nwant %+v", body, wantDoc, g, w)
			}
		}
	})
}

// comparable is an envelope with its raw fields replaced by what the receiver reads of them.
func comparable(e envelope) any {
	type si struct {
		statusInfo
		Cause string
	}
	out := struct {
		EventType, AppKey string
		StatusInfo        *si
		FeeLst            []feeItem
		NumInfo           int
		NumInfoNil        bool
		SMS               *smsEvent
	}{EventType: e.EventType, AppKey: e.AppKey, FeeLst: e.FeeLst, NumInfo: len(e.NumInfo), NumInfoNil: e.NumInfo == nil, SMS: e.SMS}
	if e.StatusInfo != nil {
		s := si{statusInfo: *e.StatusInfo, Cause: causeKey(e.StatusInfo.StateCode)}
		s.StateCode = nil
		out.StatusInfo = &s
	}
	return out
}

// TestDecodeEnvelopeUsesFastPath: the seeds without repeated or case-varied keys are read
// from the document, not handed to json.Unmarshal, so the comparison of FuzzDecodeEnvelope
// checks fill and not json.Unmarshal against itself; the others are handed over.
func TestDecodeEnvelopeUsesFastPath(t *testing.T) {
	for _, tc := range []struct {
		body string
		sure bool
	}{
		{string(event("s1", "sub", "callin", time.Now())), true},
		{`{"eventType":"disconnect","statusInfo":{"sessionId":"s1","stateCode":{"a":1}}}`, true},
		{`{"eventType":"fee","feeLst":[{"icid":7}]}`, true},
		{`{"eventType":"callin","statusInfo":[]}`, true},
		{`{"EventType":"callin"}`, false},
		{`{"eventType":"callin","statusInfo":{"sessionID":"s"}}`, false},
		{`{"eventType":"callin","statusInfo":{"ſessionId":"s"}}`, false},
		{`{"eventType":"callin","sessionId":"s"}`, true},
	} {
		doc, err := schemas.DecodeDocument([]byte(tc.body))
		if err != nil || doc.DuplicateKeys() {
			t.Fatalf("%s: %v, duplicates %v", tc.body, err, doc.DuplicateKeys())
		}
		var env envelope
		if _, sure := env.fill(doc.Value()); sure != tc.sure {
			t.Errorf("%s: fill sure %v, want %v", tc.body, sure, tc.sure)
		}
		env = envelope{}
		if _, sure := scanEnvelope([]byte(tc.body), &env); sure != tc.sure {
			t.Errorf("%s: scan sure %v, want %v", tc.body, sure, tc.sure)
		}
	}
	doc, err := schemas.DecodeDocument([]byte(`{"eventType":5,"eventType":"callin"}`))
	if err != nil || !doc.DuplicateKeys() {
		t.Fatalf("a repeated key is not reported: %v %v", err, doc.DuplicateKeys())
	}
	for _, b := range []string{`{"eventType":5,"eventType":"callin"}`, `{"statusInfo":{"caller":"a","caller":"b"}}`, `{"event\u0054ype":"callin"}`} {
		var env envelope
		if _, sure := scanEnvelope([]byte(b), &env); sure {
			t.Errorf("%s: the scan vouches for a body it must leave to json.Unmarshal", b)
		}
	}
}

// TestSchemasOptionMatchesValidate: a receiver checking pushes with Options.Schemas (one
// decode per push) counts and reports exactly what one checking them with
// Options.Validate = ValidateCallback does, on valid pushes of every kind, schema violations,
// and bodies the envelope decoder hands to json.Unmarshal.
func TestSchemasOptionMatchesValidate(t *testing.T) {
	v, err := schemas.New()
	if err != nil {
		t.Fatal(err)
	}
	clk := newFakeClock()
	viaValidate := New(Options{Apps: apps, Now: clk.Now, Validate: v.ValidateCallback})
	viaSchemas := New(Options{Apps: apps, Now: clk.Now, Schemas: v})
	now := clk.Now()
	bodies := append(envelopeSeeds(),
		string(event("s-ok", "00000000-0000-4000-8000-000000000001", "callin", now)),
		`{"eventType":"callin","statusInfo":{"sessionId":"s-bad","timestamp":"yesterday","extra":[1]}}`,
		`{"eventType":"disconnect","statusInfo":{"sessionId":"s-ok","timestamp":"2026-03-01 08:00:00","stateCode":"x"}}`,
		`{"eventType":"callin","eventType":"callout","statusInfo":{"sessionId":"s-dup"}}`,
	)
	for _, b := range bodies {
		for _, r := range []*Receiver{viaValidate, viaSchemas} {
			post(t, r.Handler(), &appAKSK, []byte(b))
		}
	}
	want, got := viaValidate.Snapshot(), viaSchemas.Snapshot()
	if want.Counters.SchemaInvalid == 0 || want.Counters.Malformed == 0 || want.Counters.Events == 0 {
		t.Fatalf("the bodies exercise too little: %+v", want.Counters)
	}
	if !reflect.DeepEqual(got.Counters, want.Counters) || !reflect.DeepEqual(got.ByKind, want.ByKind) ||
		!reflect.DeepEqual(got.ByEventType, want.ByEventType) || !reflect.DeepEqual(got.Causes, want.Causes) {
		t.Fatalf("Schemas:\n%+v %v %v %v\nValidate:\n%+v %v %v %v", got.Counters, got.ByKind, got.ByEventType, got.Causes,
			want.Counters, want.ByKind, want.ByEventType, want.Causes)
	}
	if len(got.Violations) != len(want.Violations) {
		t.Fatalf("%d violation samples, want %d", len(got.Violations), len(want.Violations))
	}
	for i := range want.Violations {
		if !reflect.DeepEqual(got.Violations[i].Violations, want.Violations[i].Violations) {
			t.Errorf("sample %d: %q, want %q", i, got.Violations[i].Violations, want.Violations[i].Violations)
		}
	}
}
