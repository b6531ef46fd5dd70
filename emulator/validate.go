package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pns-harness/pns-harness/internal/jsonscan"
	"github.com/pns-harness/pns-harness/pns"
)

// Field-level request validation (reference §2.5 step 20, D15-D25). Bodies are decoded by hand
// into map[string]json.RawMessage so that every field's JSON type is checked exactly: a
// struct-based decoder would silently accept "0" for an integer (with ,string) or turn a number
// into a float. The first defect found, in the order the fields are read, is reported; each
// decoder reads fields in the order of the reference's request table, then checks cross-field
// rules.

// fieldBody is the name used in 1010002 when the body itself is unusable (D19).
const fieldBody = "body"

// fieldContentType is the name used in 1010002 for a wrong media type (D18).
const fieldContentType = "Content-Type"

// checkContentType applies D18: on POST/PUT the media type must be application/json; a charset
// parameter, when present, must be UTF-8 in any case; other parameters are ignored.
func checkContentType(v string) *pns.Error {
	if v == "" {
		return pns.InvalidRequest(fieldContentType)
	}
	for _, ct := range plainContentTypes {
		if v == ct {
			return nil
		}
	}
	mt, params, err := mime.ParseMediaType(v)
	if err != nil || mt != "application/json" {
		return pns.InvalidRequest(fieldContentType)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return pns.InvalidRequest(fieldContentType)
	}
	return nil
}

// plainContentTypes are the Content-Types clients send, accepted without parsing:
// mime.ParseMediaType allocates its parameter map on every request, and these are accepted
// by it anyway (TestPlainContentTypesParse).
var plainContentTypes = [...]string{pns.ContentTypeJSON, "application/json", "application/json;charset=utf-8",
	"application/json; charset=UTF-8", "application/json; charset=utf-8"}

// readBody reads at most limit bytes; a larger body is 1010002 `Invalid request. body`, and so
// is a read error. length is the request's Content-Length (-1 unknown): a body that announces
// its length within limit is read into a buffer of that size plus one byte (the server's body
// reader stops at the length, so a read finds its end there), rather than through a
// LimitReader into ReadAll's growing buffer, two allocations and a copy per request (issue
// 25). Either way it reads as io.ReadAll does: up to io.EOF, failing on any other error.
func readBody(r io.Reader, length, limit int64) ([]byte, *pns.Error) {
	var data []byte
	if length >= 0 && length <= limit {
		data = make([]byte, 0, length+1)
		for len(data) < cap(data) {
			n, err := r.Read(data[len(data):cap(data)])
			data = data[:len(data)+n]
			if err == io.EOF {
				return data, nil
			}
			if err != nil {
				return nil, pns.InvalidRequest(fieldBody)
			}
		}
		// More than announced (a reader that does not stop at the length): read on as below.
	}
	rest, err := io.ReadAll(io.LimitReader(r, limit+1-int64(len(data))))
	if data == nil {
		data = rest
	} else {
		data = append(data, rest...)
	}
	if err != nil || int64(len(data)) > limit {
		return nil, pns.InvalidRequest(fieldBody)
	}
	return data, nil
}

// parseObject decodes a JSON object into its raw members (D19: anything else, including
// trailing data after the object, is `Invalid request. body`). Duplicate keys: the last wins,
// as in encoding/json.
//
// It accepts exactly what json.Unmarshal into a map[string]json.RawMessage accepted, with the
// same members (FuzzParseObjectAsDecoder holds it to the Decoder-based parser before that):
// json.Valid (here jsonscan.Valid, the same verdict) is the check json.Unmarshal makes first,
// after which only a top-level value that is not an object fails; the members of a valid
// object are then split without reflection, each value a slice of data (which the request
// owns) rather than a copy, and a key decoded as json.Unmarshal would decode it (jsonString). The reflection-driven map decode was the
// largest share of a bind's allocations in its profile (issue 25).
func parseObject(data []byte) (map[string]json.RawMessage, *pns.Error) {
	if !jsonscan.Valid(data) { // json.Valid's verdict, faster
		return nil, pns.InvalidRequest(fieldBody)
	}
	i := jsonscan.SkipSpace(data, 0)
	if data[i] != '{' { // null, an array, a string, a number or a boolean
		return nil, pns.InvalidRequest(fieldBody)
	}
	m := make(map[string]json.RawMessage, 8)
	// The keys of a plain body are slices of one copy of it rather than a string each: the
	// map lives for the request only, and the values the store keeps are decoded separately.
	text := string(data)
	i = jsonscan.SkipSpace(data, i+1)
	for data[i] != '}' {
		end := jsonscan.ValueEnd(data, i) // the key, a string
		k, ok := plainKey(text, i, end)
		if !ok {
			if k, ok = jsonString(data[i:end]); !ok { // cannot happen in valid JSON
				return nil, pns.InvalidRequest(fieldBody)
			}
		}
		i = jsonscan.SkipSpace(data, jsonscan.SkipSpace(data, end)+1) // past ':'
		end = jsonscan.ValueEnd(data, i)
		m[k] = data[i:end:end]
		i = jsonscan.SkipSpace(data, end)
		if data[i] == ',' {
			i = jsonscan.SkipSpace(data, i+1)
		}
	}
	return m, nil
}

// plainKey returns the key quoted at text[start:end] when it has no escape and only printable
// ASCII (what jsonString reads as it is); ok false otherwise.
func plainKey(text string, start, end int) (string, bool) {
	for i := start + 1; i < end-1; i++ {
		if c := text[i]; c < 0x20 || c >= 0x7f || c == '\\' || c == '"' {
			return "", false
		}
	}
	return text[start+1 : end-1], true
}

// parseQuery decodes a raw query string with form semantics (D17: an unescaped + becomes a
// space). The first occurrence of a name wins. A value with a broken %-escape is recorded in
// bad and becomes a defect of that parameter only if a decoder reads it (unknown parameters
// stay ignored, D21); a pair whose name cannot be decoded is ignored.
func parseQuery(raw string) (q map[string]string, bad map[string]bool) {
	// bad stays nil (reads of a nil map are fine) until a broken escape: almost no request
	// has one, and the map was an allocation on every query-string request.
	q = map[string]string{}
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(k)
		if err != nil || key == "" {
			continue
		}
		if _, dup := q[key]; dup {
			continue
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			if bad == nil {
				bad = map[string]bool{}
			}
			bad[key] = true
			val = v
		}
		q[key] = val
	}
	return q, bad
}

// reader reads fields from a JSON body or a query string. The first defect sticks in err and
// turns every later read into a no-op, which gives "first field in table order wins".
type reader struct {
	body     map[string]json.RawMessage
	query    map[string]string
	badQuery map[string]bool // query parameters with a broken %-escape
	err      *pns.Error
	// alt reads with the alternative decisions: every field is read and the last defective
	// one in table order is named, instead of the first (D10); recordFlag and privateSms must
	// be strings (D23).
	alt      bool
	errField string // the field err names
	// url is the raw URL query string of a body request: AXYB sends app_key there even on a
	// POST (reference §6.2).
	url string
}

// unnamed reports whether a mandatory field that was not read must still be named as missing:
// no defect yet, or (last order) a defect of another field.
func (r *reader) unnamed(name string) bool {
	return r.err == nil || (r.alt && r.errField != name)
}

// halted reports whether later reads are no-ops: after the first defect, unless the reader
// names the last one.
func (r *reader) halted() bool { return r.err != nil && !r.alt }

func newBodyReader(m map[string]json.RawMessage) *reader { return &reader{body: m} }
func newQueryReader(raw string) *reader {
	q, bad := parseQuery(raw)
	return &reader{query: q, badQuery: bad}
}

// queryValue returns a query parameter; a broken %-escape is a defect of the parameter.
func (r *reader) queryValue(name string) (string, bool) {
	v, ok := r.query[name]
	if ok && r.badQuery[name] {
		r.fail(name)
		return "", false
	}
	return v, ok
}

func (r *reader) fail(name string) {
	if r.err == nil || r.alt {
		r.err, r.errField = pns.InvalidRequest(name), name
	}
}

// raw returns a body member, treating JSON null as absent (D21).
func (r *reader) raw(name string) (json.RawMessage, bool) {
	v, ok := r.body[name]
	if !ok {
		return nil, false
	}
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return nil, false
	}
	return v, true
}

// has reports whether a field is present with a non-null, non-empty value; decoders use it to
// choose among alternative parameters (precedence rules such as "subscriptionId wins").
func (r *reader) has(name string) bool {
	if r.query != nil {
		v, ok := r.query[name]
		return ok && v != ""
	}
	v, ok := r.raw(name)
	return ok && string(v) != `""`
}

// strValue returns the string value of a field: in a body it must be a JSON string.
func (r *reader) strValue(name string) (string, bool) {
	if r.halted() {
		return "", false
	}
	if r.query != nil {
		return r.queryValue(name)
	}
	v, ok := r.raw(name)
	if !ok {
		return "", false
	}
	if v[0] != '"' {
		r.fail(name)
		return "", false
	}
	s, ok := jsonString(v)
	if !ok {
		r.fail(name)
		return "", false
	}
	return s, true
}

// jsonString decodes a JSON string literal. A literal of printable ASCII without escapes (the
// numbers, IDs and flags of almost every request) is its bytes between the quotes; anything
// else goes through json.Unmarshal. The bind path's profile showed json.Unmarshal's
// reflection on every string field (issue 25); FuzzJSONStringAsUnmarshal holds the two to the
// same answer.
func jsonString(v []byte) (string, bool) {
	if n := len(v); n >= 2 && v[0] == '"' && v[n-1] == '"' {
		plain := true
		for _, c := range v[1 : n-1] {
			if c < 0x20 || c >= 0x7f || c == '\\' || c == '"' {
				plain = false
				break
			}
		}
		if plain {
			return string(v[1 : n-1]), true
		}
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", false
	}
	return s, true
}

// str reads a String(min-max) field. An empty string is "absent" when min is 0 and a defect
// otherwise (D22). Lengths count characters, as Huawei's tables do.
func (r *reader) str(name string, min, max int) (string, bool) {
	s, ok := r.strValue(name)
	if !ok {
		return "", false
	}
	if s == "" {
		if min == 0 {
			return "", false
		}
		r.fail(name)
		return "", false
	}
	if !utf8.ValidString(s) {
		r.fail(name)
		return "", false
	}
	if n := utf8.RuneCountInString(s); n < min || n > max {
		r.fail(name)
		return "", false
	}
	return s, true
}

// required reads a mandatory String(min-max) field.
func (r *reader) required(name string, min, max int) string {
	s, ok := r.str(name, min, max)
	if !ok && r.unnamed(name) {
		r.fail(name)
	}
	return s
}

// number reads a number field and checks its global format with valid (§1.4, D16).
func (r *reader) number(name string, min, max int, valid func(string) bool) (string, bool) {
	s, ok := r.str(name, min, max)
	if ok && !valid(s) {
		r.fail(name)
		return "", false
	}
	return s, ok
}

// requiredNumber reads a mandatory number field.
func (r *reader) requiredNumber(name string, min, max int, valid func(string) bool) string {
	s, ok := r.number(name, min, max, valid)
	if !ok && r.unnamed(name) {
		r.fail(name)
	}
	return s
}

// integer reads an Integer(min~max) field: in a body a JSON number without fraction or
// exponent (D20); in a query string a decimal integer.
func (r *reader) integer(name string, min, max int64) (int, bool) {
	if r.halted() {
		return 0, false
	}
	var text string
	if r.query != nil {
		v, ok := r.queryValue(name)
		if !ok {
			return 0, false
		}
		text = v
	} else {
		v, ok := r.raw(name)
		if !ok {
			return 0, false
		}
		text = string(v)
	}
	if !isJSONInteger(text) {
		r.fail(name)
		return 0, false
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil || n < min || n > max {
		r.fail(name)
		return 0, false
	}
	return int(n), true
}

// isJSONInteger reports whether s is an integer literal: optional minus, no leading zeros, no
// fraction, no exponent.
func isJSONInteger(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" || (len(s) > 1 && s[0] == '0') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// enum reads a String(枚举) field: a JSON string with one of the listed values (D20).
func (r *reader) enum(name string, values ...string) (string, bool) {
	s, ok := r.strValue(name)
	if !ok {
		return "", false
	}
	for _, v := range values {
		if s == v {
			return s, true
		}
	}
	r.fail(name)
	return "", false
}

// boolish reads recordFlag / privateSms: "true", "false", true or false exactly (D23).
func (r *reader) boolish(name string) (bool, bool) {
	if r.halted() {
		return false, false
	}
	var text string
	if r.query != nil {
		v, ok := r.queryValue(name)
		if !ok {
			return false, false
		}
		text = v
	} else {
		v, ok := r.raw(name)
		if !ok {
			return false, false
		}
		text = string(v)
	}
	switch {
	case text == `"true"`, text == "true" && (r.query != nil || !r.alt):
		return true, true
	case text == `"false"`, text == "false" && (r.query != nil || !r.alt):
		return false, true
	}
	r.fail(name)
	return false, false
}

// userData reads a userData field: 1-256 printable ASCII characters without braces (D24).
func (r *reader) userData(name string) (string, bool) {
	s, ok := r.str(name, 1, 256)
	if !ok {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '{' || c == '}' {
			r.fail(name)
			return "", false
		}
	}
	return s, true
}

// tone reads a tone-file field: String(min-max) and, when the app lists approved tone files,
// one of them (D25).
func (r *reader) tone(app *App, name string, min, max int) (string, bool) {
	s, ok := r.str(name, min, max)
	if ok && !app.toneAllowed(s) {
		r.fail(name)
		return "", false
	}
	return s, ok
}

// preVoice reads the preVoice object (ApiPlayInfo): it must be a JSON object (D20); its tone
// fields are String(0-128) and are named by their own API names in errors.
func (r *reader) preVoice(app *App) *PreVoiceIn {
	if r.halted() || r.query != nil {
		return nil
	}
	v, ok := r.raw("preVoice")
	if !ok {
		return nil
	}
	if v[0] != '{' {
		r.fail("preVoice")
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(v, &m); err != nil {
		r.fail("preVoice")
		return nil
	}
	sub := &reader{body: m, alt: r.alt}
	pv := &PreVoiceIn{}
	if s, ok := sub.tone(app, "callerHintTone", 0, 128); ok {
		pv.CallerHintTone = &s
	}
	if s, ok := sub.tone(app, "calleeHintTone", 0, 128); ok {
		pv.CalleeHintTone = &s
	}
	if sub.err != nil {
		r.fail(sub.errField)
		return nil
	}
	if pv.CallerHintTone == nil && pv.CalleeHintTone == nil {
		return nil
	}
	return pv
}

// areaCode reads an areaCode field: String(0-32), and when non-empty a city code with its
// leading 0.
func (r *reader) areaCode(name string) (string, bool) {
	s, ok := r.str(name, 0, 32)
	if ok && !pns.ValidAreaCode(s) {
		r.fail(name)
		return "", false
	}
	return s, ok
}

// extendNum reads an AXE extension: digits only, exactly the app's digit count (D58). min 0
// makes an empty value "absent" (AXE bind: allocate one).
func (r *reader) extendNum(app *App, min int) (string, bool) {
	s, ok := r.str("extendNum", min, 4)
	if ok && (len(s) != app.ExtensionDigits || !pns.IsDigits(s)) {
		r.fail("extendNum")
		return "", false
	}
	return s, ok
}

// PreVoiceIn is a validated preVoice object; nil fields were absent (or empty, D22).
type PreVoiceIn struct {
	CallerHintTone *string
	CalleeHintTone *string
}
