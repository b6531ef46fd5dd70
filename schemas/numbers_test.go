package schemas

import (
	"regexp"
	"testing"
)

// numberScanners pairs each scanner with the regexp it replaces.
var numberScanners = []struct {
	re   *regexp.Regexp
	scan func(string) bool
}{{reMobileCN, isMobileCN}, {reFixedCN, isFixedCN}, {reForeign, isForeign}, {reSpecial95, isSpecial95}}

var numberSeeds = []string{
	"", "+", "+86", "+861", "+8613800000001", "+861380000000", "+86138000000011", "+8601234567890",
	"+86123456789", "+8612345678", "+86912345678901", "+869123456789012", "+123456", "+12345",
	"+123456789012345", "+1234567890123456", "+8695123", "+869512", "+869512345678", "+8695123456789",
	"8613800000001", "+8613800000001\n", "+86138000o0001", "+86１3800000001", "++8613800000001",
}

// TestNumberScannersAsRegexps: each scanner agrees with its regexp on the seeds.
func TestNumberScannersAsRegexps(t *testing.T) {
	for _, s := range numberSeeds {
		for _, p := range numberScanners {
			if got, want := p.scan(s), p.re.MatchString(s); got != want {
				t.Errorf("%q: scanner %v, regexp %s %v", s, got, p.re, want)
			}
		}
	}
}

// FuzzNumberScannersAsRegexps: each scanner agrees with its regexp on every string.
func FuzzNumberScannersAsRegexps(f *testing.F) {
	for _, s := range numberSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range numberScanners {
			if got, want := p.scan(s), p.re.MatchString(s); got != want {
				t.Fatalf("%q: scanner %v, regexp %s %v", s, got, p.re, want)
			}
		}
	})
}
