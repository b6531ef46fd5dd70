package pns

import (
	"regexp"
	"testing"
	"time"
)

func TestNumberRules(t *testing.T) {
	cases := []struct {
		n                   string
		x, real, callee, gl bool
	}{
		{"+8613800000001", true, true, true, true},
		{"+8675528123401", false, true, true, true},
		{"+861012345678", false, true, true, true},
		{"+86138001380", false, true, true, true}, // truncated mobile reads as fixed line (§1.4)
		{"+861380000000112", false, false, false, false},
		{"8613800000001", false, false, false, false},
		{"+86 13800000001", false, false, false, false},
		{"+86138000000a1", false, false, false, false},
		{"+4915123456789", false, true, true, true},
		{"+86400123456", false, false, true, true},
		{"+8695555", false, false, true, false},
		{"+86955", false, false, false, false},
		{"", false, false, false, false},
		{"+", false, false, false, false},
	}
	for _, c := range cases {
		if got := ValidXNumber(c.n); got != c.x {
			t.Errorf("ValidXNumber(%q) = %v", c.n, got)
		}
		if got := ValidRealNumber(c.n); got != c.real {
			t.Errorf("ValidRealNumber(%q) = %v", c.n, got)
		}
		if got := ValidCalleeNumber(c.n); got != c.callee {
			t.Errorf("ValidCalleeNumber(%q) = %v", c.n, got)
		}
		if got := IsGlobalNumber(c.n); got != c.gl {
			t.Errorf("IsGlobalNumber(%q) = %v", c.n, got)
		}
	}
	for n, want := range map[string]string{"+8675528123401": "0755", "+861012345678": "010", "+862112345678": "021", "+8657112345678": "0571"} {
		if got, ok := AreaOfFixedLine(n); !ok || got != want {
			t.Errorf("AreaOfFixedLine(%q) = %q,%v want %q", n, got, ok, want)
		}
	}
}

func TestParseUTC(t *testing.T) {
	want := time.Date(2018, 2, 24, 15, 15, 15, 0, time.UTC)
	for _, s := range []string{"2018-02-24 15:15:15", "2018-2-24 15:15:15"} {
		got, err := ParseUTC(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseUTC(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "2018-02-24T15:15:15Z", "2018-02-30 10:00:00", "2018-02-24 15:15", "18-02-24 15:15:15", "2018-02-24 15:15:15 "} {
		if _, err := ParseUTC(s); err == nil {
			t.Errorf("ParseUTC(%q) accepted", s)
		}
	}
	if got := FormatUTC(time.Date(2019, 1, 24, 15, 3, 28, 0, time.FixedZone("CST", 8*3600))); got != "2019-01-24 07:03:28" {
		t.Errorf("FormatUTC = %q", got)
	}
}

func TestCodeTable(t *testing.T) {
	seen := map[Code]bool{}
	for _, c := range Codes() {
		if seen[c.Code] {
			t.Errorf("duplicate code %s", c.Code)
		}
		seen[c.Code] = true
		if c.Desc == "" || c.HTTP == 0 {
			t.Errorf("code %s incomplete", c.Code)
		}
	}
	for code, status := range map[Code]int{"0": 200, "1023006": 400, "1010010": 401, "1010013": 401, "1010002": 403, "1012010": 403, "1010001": 500} {
		if got := code.HTTPStatus(); got != status {
			t.Errorf("%s status = %d, want %d", code, got, status)
		}
	}
	if got := InvalidRequest("calleeNum").Desc; got != "Invalid request. calleeNum" {
		t.Errorf("InvalidRequest desc = %q", got)
	}
	if !IsAuthFailure(NewError(CodeInvalidDigest)) || IsAuthFailure(FlowControl()) || IsAuthFailure(InvalidRequest("x")) || !IsAuthFailure(NewError(CodeRealmMissing)) {
		t.Error("IsAuthFailure wrong")
	}
}

// The number rules as regular expressions, which numbers.go matches by hand.
var (
	refCNMobile = regexp.MustCompile(`^\+861[0-9]{10}$`)
	refCNFixed  = regexp.MustCompile(`^\+86[1-9][0-9]{8,10}$`)
	refOther    = regexp.MustCompile(`^\+[0-9]{6,15}$`)
	refCN95     = regexp.MustCompile(`^\+8695[0-9]{3,8}$`)
	refDigits   = regexp.MustCompile(`^[0-9]+$`)
)

// FuzzNumberRules: each hand-written matcher answers as its regular expression.
func FuzzNumberRules(f *testing.F) {
	for _, s := range []string{"+8613800000001", "+861380000000", "+86138000000012", "+8610123456", "+86012345678", "+8610123456789",
		"+123456", "+12345", "+1234567890123456", "+8695123", "+869512", "+869512345678", "+8695123456789", "", "0", "12a",
		"+86", "+861", "+8613800000001\n", "+８613800000001", "+44 2071234567", "+86400123456"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range []struct {
			name string
			got  bool
			re   *regexp.Regexp
		}{{"mobile", isCNMobile(s), refCNMobile}, {"fixed", isCNFixed(s), refCNFixed}, {"other", isOther(s), refOther},
			{"95", isCN95(s), refCN95}, {"digits", IsDigits(s), refDigits}} {
			if want := c.re.MatchString(s); c.got != want {
				t.Fatalf("%s %q: %v, the regular expression %v", c.name, s, c.got, want)
			}
		}
	})
}
