// Tests of the hot paths rewritten for issue 25: the answer encoder, the body reader, the
// metrics of successful requests.

package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/pns-harness/pns-harness/pns"
)

// reflectAnswer is what writeJSON wrote for every answer before appendAnswer: encoding/json
// with HTML escaping off, without the trailing newline.
func reflectAnswer(t testing.TB, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

// answersOf builds one answer of every type appendAnswer writes from the same strings and
// numbers, with the optional integers present or absent.
func answersOf(s1, s2, s3, s4 string, n int, withInts bool) []any {
	env := pns.Envelope{ResultCode: s1, ResultDesc: s2}
	var ip *int
	if withInts {
		ip = pns.Int(n)
	}
	return []any{
		env,
		pns.AXBBindResponse{Envelope: env, SubscriptionID: s3, RelationNum: s4, CallDirection: ip, Duration: ip, MaxDuration: ip},
		pns.AXBindResponse{Envelope: env, OrigNum: s3, PrivateNum: s4, SubscriptionID: s1},
		pns.AXEBindResponse{Envelope: env, SubscriptionID: s3, VirtualNum: s4, ExtendNum: s2, BindNum: s1},
		pns.AXYBBindResponse{Envelope: env, SubscriptionID: s3, RelationNumber: s4},
	}
}

// TestAppendAnswerMatchesEncodingJSON: the hand-written answers are byte for byte
// encoding/json's, for the answers the emulator sends (success and errors, binds with and
// without their optional fields), and an answer with a string to escape is left to
// encoding/json (ok false) rather than written differently.
func TestAppendAnswerMatchesEncodingJSON(t *testing.T) {
	cases := [][]any{
		answersOf("0", "Success", "0167ecc9-bfb6-4eec-b671-a7dab2ba78cf", "+8617000000001", 3600, true),
		answersOf("1010002", "Invalid request. calleeNum", "", "", 0, false),
		answersOf("0", "Success", "", "+8617000000001", 0, true),
		answersOf("0", "<a&b>", "~\x7f", "-", -1, true),
	}
	for _, vs := range cases {
		for _, v := range vs {
			got, ok := appendAnswer([]byte("prefix"), v)
			if !ok {
				t.Errorf("%#v: not written", v)
				continue
			}
			if want := reflectAnswer(t, v); !bytes.Equal(got[len("prefix"):], want) || string(got[:len("prefix")]) != "prefix" {
				t.Errorf("%#v:\n got %s\nwant %s", v, got, want)
			}
		}
	}
	for _, s := range []string{`a"b`, `a\b`, "a\nb", "a\x00b", "é", "\u2028", "\xff"} {
		for _, v := range answersOf(s, s, s, s, 1, true) {
			if got, ok := appendAnswer(nil, v); ok {
				t.Errorf("%#v: written as %s, want left to encoding/json", v, got)
			}
		}
	}
	if _, ok := appendAnswer(nil, pns.AXBQueryResponse{}); ok {
		t.Error("a query answer was written by appendAnswer, which does not know its fields")
	}
}

// FuzzAppendAnswer: for any strings and number, appendAnswer either leaves the answer to
// encoding/json or writes exactly its bytes, and it writes every answer of plain strings.
func FuzzAppendAnswer(f *testing.F) {
	f.Add("0", "Success", "0167ecc9-bfb6-4eec-b671-a7dab2ba78cf", "+8617000000001", 3600, true)
	f.Add("1010002", "Invalid request. <x>", "", "\x7f", -5, false)
	f.Add("\"", "\\", "\u2028", "\xc3", 0, true)
	f.Fuzz(func(t *testing.T, s1, s2, s3, s4 string, n int, withInts bool) {
		for _, v := range answersOf(s1, s2, s3, s4, n, withInts) {
			got, ok := appendAnswer(nil, v)
			if !ok {
				if plain(s1) && plain(s2) && plain(s3) && plain(s4) {
					t.Fatalf("%#v: plain strings left to encoding/json", v)
				}
				continue
			}
			if want := reflectAnswer(t, v); !bytes.Equal(got, want) {
				t.Fatalf("%#v:\n got %s\nwant %s", v, got, want)
			}
		}
	})
}

// TestReadBody: a body is read whole whatever its announced length (exact, shorter, longer or
// unknown), one over the limit is refused whatever it announced, and a read error is refused
// as io.ReadAll's error was.
func TestReadBody(t *testing.T) {
	body := `{"callerNum":"+8613800100001"}`
	n := int64(len(body))
	for _, length := range []int64{n, n - 5, n + 5, 0, -1} {
		got, perr := readBody(strings.NewReader(body), length, 64)
		if perr != nil || string(got) != body {
			t.Errorf("length %d: %q, %v; want the body", length, got, perr)
		}
		if _, perr := readBody(strings.NewReader(body), length, n-1); perr == nil {
			t.Errorf("length %d, limit %d: a body of %d bytes accepted", length, n-1, n)
		}
	}
	if got, perr := readBody(strings.NewReader(body), n, n); perr != nil || string(got) != body {
		t.Errorf("a body of exactly the limit: %q, %v", got, perr)
	}
	if _, perr := readBody(io.MultiReader(strings.NewReader(body[:5]), iotest.ErrReader(io.ErrUnexpectedEOF)), n, 64); perr == nil {
		t.Error("a truncated body accepted")
	}
}

// TestMetricsCountEverySuccess: successes recorded through the series observe keeps per
// interface count each one, the first (which makes the series) and the later ones alike, and
// errors still count under their own result code.
func TestMetricsCountEverySuccess(t *testing.T) {
	te := newTestEmu(t, nil)
	for i := 0; i < 3; i++ {
		te.call(axbKey, "POST", pathAXB, validAXBBody).mustOK(t)
		te.call(axbKey, "POST", pathAXB, `{}`)
	}
	resp, err := http.Get(te.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	for _, want := range []string{
		`pns_emulator_requests_total{interface="axb.bind",resultcode="0"} 3`,
		`pns_emulator_requests_total{interface="axb.bind",resultcode="1010002"} 3`,
		`pns_emulator_request_duration_seconds_count{interface="axb.bind"} 6`,
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestAppendAnswerKnowsEveryField fills every field of each answer type appendAnswer writes
// (found by reflection, so that a field added to a type in package pns is filled too) and
// requires encoding/json's bytes: appendAnswer must not drop a field it was not taught.
func TestAppendAnswerKnowsEveryField(t *testing.T) {
	for _, v := range answersOf("0", "Success", "s", "n", 1, true) {
		p := reflect.New(reflect.TypeOf(v))
		fillFields(t, p.Elem())
		filled := p.Elem().Interface()
		got, ok := appendAnswer(nil, filled)
		if want := reflectAnswer(t, filled); !ok || !bytes.Equal(got, want) {
			t.Errorf("%T with every field set:\n got %s (%v)\nwant %s", filled, got, ok, want)
		}
	}
}

// fillFields sets every exported field of a struct to a non-empty plain value.
func fillFields(t *testing.T, v reflect.Value) {
	for i := 0; i < v.NumField(); i++ {
		f, sf := v.Field(i), v.Type().Field(i)
		switch {
		case !sf.IsExported():
		case f.Kind() == reflect.Struct:
			fillFields(t, f)
		case f.Kind() == reflect.String:
			f.SetString("v-" + sf.Name)
		case f.Kind() == reflect.Int:
			f.SetInt(int64(i + 1))
		case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.Int:
			n := i + 1
			f.Set(reflect.ValueOf(&n))
		default:
			t.Fatalf("%s.%s: a field of type %s, which this test (and appendAnswer) does not know", v.Type(), sf.Name, f.Type())
		}
	}
}
