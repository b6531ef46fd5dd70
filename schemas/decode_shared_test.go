package schemas

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestDecodeSharedCopy: the strings and numbers of a short document are slices of one copy of
// it (Decode), so they must not change when the caller reuses its buffer; a document longer
// than maxSharedBody, decoded string by string, agrees with the reference too.
func TestDecodeSharedCopy(t *testing.T) {
	body := []byte(`{"resultcode":"0","resultdesc":"Success","subscriptionId":"a\u00e9b-1","n":12.5e3,"list":["x","y\n"]}`)
	got, err := Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"resultcode": "0", "resultdesc": "Success", "subscriptionId": "aéb-1",
		"n": json.Number("12.5e3"), "list": []any{"x", "y\n"}}
	for i := range body {
		body[i] = 'Z' // the caller reuses its buffer
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after the buffer changed: %#v, want %#v", got, want)
	}

	// The shared boxed values (boxString, boxedDigitNumbers) decode as the reference does.
	decodeAgrees(t, []byte(`{"a":"0","b":0,"c":"true","d":"false","e":"Success","f":[9,"9",-1,"10",10,"success","true ",true],"g":"\u0030"}`))

	for _, n := range []int{maxSharedBody - 20, maxSharedBody - 19, maxSharedBody + 1, 3 * maxSharedBody} {
		long := []byte(`{"resultcode":"0","pad":"` + strings.Repeat("p", n) + `","v":-0.5,"s":"\"q\""}`)
		decodeAgrees(t, long)
		got, err := Decode(long)
		if err != nil {
			t.Fatal(err)
		}
		copy(long, bytes.Repeat([]byte{'Z'}, len(long)))
		if m := got.(map[string]any); m["resultcode"] != "0" || m["v"] != json.Number("-0.5") || m["s"] != `"q"` || len(m["pad"].(string)) != n {
			t.Fatalf("body of %d bytes: %#v", len(long), m["resultcode"])
		}
	}
}
