package schemas

import (
	"os"
	"strings"
	"testing"
)

const referencePath = "/work/shared/reference/pns-api.md"

// TestRegexpsMatchReference pins the number regexps to the text of reference §1.4. When the
// reference is available it also checks that each expression still appears there verbatim.
func TestRegexpsMatchReference(t *testing.T) {
	pinned := map[string]string{
		"+86 mobile":     reMobileCN.String(),
		"+86 fixed line": reFixedCN.String(),
		"other":          reForeign.String(),
		"95":             reSpecial95.String(),
	}
	want := map[string]string{
		"+86 mobile":     `^\+861[0-9]{10}$`,
		"+86 fixed line": `^\+86[1-9][0-9]{8,10}$`,
		"other":          `^\+[0-9]{6,15}$`,
		"95":             `^\+8695[0-9]{3,8}$`,
	}
	for k, w := range want {
		if pinned[k] != w {
			t.Errorf("%s regexp = %s, want %s (reference §1.4)", k, pinned[k], w)
		}
	}
	ref, err := os.ReadFile(referencePath)
	if err != nil {
		t.Logf("reference not readable (%v); checked the pinned copies only", err)
		return
	}
	for k, w := range want {
		if !strings.Contains(string(ref), w) {
			t.Errorf("%s regexp %s no longer appears in the reference", k, w)
		}
	}
}

func TestNumberFormats(t *testing.T) {
	type want struct{ global, x, ab, callee bool }
	tests := []struct {
		in string
		want
	}{
		{"+8613800000001", want{true, true, true, true}},      // +86 mobile
		{"+8619912345678", want{true, true, true, true}},      // any 1x segment
		{"+8675528123401", want{true, false, true, true}},     // fixed line, area 755, 8 digits
		{"+86101234567", want{true, false, true, true}},       // Beijing 10 + 7 digits
		{"+86138001380", want{true, false, true, true}},       // truncated mobile reads as fixed line (§1.4)
		{"+861380000000", want{true, false, true, true}},      // 12 digits: fixed-line shape
		{"+86138000000012", want{false, false, false, false}}, // 14 digits after +86
		{"+8601012345678", want{false, false, false, false}},  // area code with its 0
		{"+4915112345678", want{true, false, true, true}},     // Germany
		{"+123456", want{true, false, true, true}},            // 6 digits: shortest foreign
		{"+12345", want{false, false, false, false}},          // too short
		{"+1234567890123456", want{false, false, false, false}},
		{"+86123", want{false, false, false, false}},           // +86 but neither mobile nor fixed
		{"+864001234567", want{true, false, false, true}},      // 400 number: not for binding (D44), ok as temporary callee (D56)
		{"+8695588", want{false, false, false, true}},          // 95 service number (D56)
		{"+869558812", want{false, false, false, true}},        // 95 + 6 digits
		{"+869512345678", want{true, false, false, true}},      // 95 + 8 digits also has the fixed-line shape
		{"+8695123456789", want{true, false, false, false}},    // 95 + 9 digits: fixed-line shape, but no A/B and beyond the 95 rule
		{"+869512345678901", want{false, false, false, false}}, // 95 + 11 digits
		{"+8695", want{false, false, false, false}},
		{"8613800000001", want{false, false, false, false}},   // no +
		{"+86 13800000001", want{false, false, false, false}}, // space
		{"+86-13800000001", want{false, false, false, false}},
		{" +8613800000001", want{false, false, false, false}},
		{"+8613800000001\n", want{false, false, false, false}},
		{"+86１3800000001", want{false, false, false, false}}, // full-width digit
		{"", want{false, false, false, false}},
	}
	for _, tt := range tests {
		got := want{IsGlobalNumber(tt.in), IsXNumber(tt.in), IsABNumber(tt.in), IsCalleeNumber(tt.in)}
		if got != tt.want {
			t.Errorf("%q: got global,x,ab,callee = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestTimeFormats(t *testing.T) {
	tests := []struct {
		in          string
		utc, padded bool
		created     bool
	}{
		{"2019-01-24 07:03:28", true, true, false},
		{"2018-2-24 15:15:15", true, false, false}, // Huawei's unpadded example (D72)
		{"2018-2-4 5:5:5", true, false, false},
		{"2024-02-29 00:00:00", true, true, false},
		{"2023-02-29 00:00:00", false, false, false},
		{"2019-13-01 00:00:00", false, false, false},
		{"2019-00-01 00:00:00", false, false, false},
		{"2019-01-00 00:00:00", false, false, false},
		{"2019-04-31 00:00:00", false, false, false},
		{"2019-01-24 24:00:00", false, false, false},
		{"2019-01-24 23:60:00", false, false, false},
		{"2019-01-24 23:59:60", false, false, false},
		{"2019-01-24T07:03:28Z", false, false, true},
		{"2019-01-24 07:03:28Z", false, false, false},
		{"2019-01-24 07:03:28.5", false, false, false},
		{"2019-01-24  07:03:28", false, false, false},
		{"19-01-24 07:03:28", false, false, false},
		{"2019-01-24", false, false, false},
		{"1548313408", false, false, false}, // a real UNIX timestamp is not the documented value
		{"2018-02-12T15:30:20Z", false, false, true},
		{"2018-02-12T15:30:20.123Z", false, false, false},
		{"2018-02-12T15:30:20+08:00", false, false, false},
		{"2018-2-12T15:30:20Z", false, false, false},
		{"2018-02-30T15:30:20Z", false, false, false},
		{"", false, false, false},
	}
	for _, tt := range tests {
		if got := IsUTCTime(tt.in); got != tt.utc {
			t.Errorf("IsUTCTime(%q) = %v", tt.in, got)
		}
		if got := IsZeroPaddedUTCTime(tt.in); got != tt.padded {
			t.Errorf("IsZeroPaddedUTCTime(%q) = %v", tt.in, got)
		}
		if got := IsCreated(tt.in); got != tt.created {
			t.Errorf("IsCreated(%q) = %v", tt.in, got)
		}
	}
}

func TestCheckFormat(t *testing.T) {
	if err := CheckFormat(FormatXNumber, "+8617000000001"); err != nil {
		t.Errorf("valid X: %v", err)
	}
	if err := CheckFormat(FormatXNumber, "+8675528123401"); err == nil {
		t.Error("fixed line accepted as X")
	}
	if err := CheckFormat("phone", "+8617000000001"); err == nil {
		t.Error("unknown format name accepted")
	}
	if err := CheckFormat(FormatIntLiteral, "12"); err != nil {
		t.Errorf("int literal 12: %v", err)
	}
	for _, lit := range []string{"1.0", "1e2", "-", "0x1"} {
		if err := CheckFormat(FormatIntLiteral, lit); err == nil {
			t.Errorf("int literal %q accepted", lit)
		}
	}
	for _, n := range FormatNames() {
		if err := CheckFormat(n, ""); err == nil {
			t.Errorf("%s accepts the empty string", n)
		}
	}
}

// TestFormatsIgnoreNonStrings: a format applies to strings only; other types are the "type"
// keyword's business and must not produce a second, confusing violation.
func TestFormatsIgnoreNonStrings(t *testing.T) {
	v := mustNew(t)
	got, err := v.Validate("axb-bind.request", []byte(`{"callerNum":8613800000001,"calleeNum":"+8613800000002"}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Keyword != "type" {
		t.Errorf("got %v, want one type violation", got)
	}
}
