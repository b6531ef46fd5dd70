package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"strings"
	"testing"
)

// decoderParseObject is parseObject as it was before issue 25: a Decoder with UseNumber and a
// check that nothing but white space follows the object. parseObject must answer the same.
func decoderParseObject(data []byte) (map[string]json.RawMessage, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]json.RawMessage
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, false
	}
	return m, true
}

// FuzzParseObjectAsDecoder: parseObject accepts exactly the bodies the Decoder-based parser
// accepted, with the same members.
func FuzzParseObjectAsDecoder(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1}`, `{"a":1} `, `{"a":1}{}`, `{"a":1} x`, `null`, `[]`, `{"a":1,"a":2}`,
		`{"a":"\u00e9"}`, "{\"a\":\"\xff\"}", `{"a":1e400}`, ``, ` `, `{"a":}`, `{"a":[1,{"b":null}]}` + "\n\t"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want, wok := decoderParseObject(data)
		got, perr := parseObject(data)
		if wok != (perr == nil) {
			t.Fatalf("%q: accepted %v, the Decoder %v", data, perr == nil, wok)
		}
		if len(got) != len(want) {
			t.Fatalf("%q: %d members, the Decoder %d", data, len(got), len(want))
		}
		for k, v := range want {
			if !bytes.Equal(got[k], v) {
				t.Fatalf("%q: member %q = %s, the Decoder %s", data, k, got[k], v)
			}
		}
	})
}

// FuzzJSONStringAsUnmarshal: jsonString decodes what json.Unmarshal decodes into a string,
// and refuses what it refuses.
func FuzzJSONStringAsUnmarshal(f *testing.F) {
	for _, s := range []string{`""`, `"abc"`, `"+8613800100001"`, `"a\"b"`, `"a\\b"`, `"\u00e9"`, `"é"`, "\"\xff\"", `"a"b"`,
		`"`, `"a`, `1`, `null`, "\"\t\"", `"a/b"`, `"\/"`, "\"\x7f\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, v []byte) {
		var want string
		werr := json.Unmarshal(v, &want)
		got, ok := jsonString(v)
		if ok != (werr == nil) || got != want {
			t.Fatalf("%q: jsonString %q %v, json.Unmarshal %q %v", v, got, ok, want, werr)
		}
	})
}

// TestPlainContentTypesParse: every Content-Type checkContentType accepts without parsing is
// one the parsing check accepts (application/json, charset UTF-8 or none).
func TestPlainContentTypesParse(t *testing.T) {
	for _, ct := range plainContentTypes {
		mt, params, err := mime.ParseMediaType(ct)
		if cs, ok := params["charset"]; err != nil || mt != "application/json" || (ok && !strings.EqualFold(cs, "utf-8")) {
			t.Errorf("%q: %q %v %v", ct, mt, params, err)
		}
	}
}
