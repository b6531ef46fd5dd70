package pns

import "strings"

// Number syntax of reference §1.4 (emulator decision D16). The fixed-line rule is purely
// syntactic, as the reference chooses, so a truncated mobile number also matches it.
//
// The rules are the regular expressions of numbers_test.go (FuzzNumberRules holds the two to
// the same answers), matched by hand: regexp was a tenth of the emulator's bind in its
// profile (issue 25), which checks two numbers per request.

// digitsBetween reports whether s[from:] is from min to max ASCII digits.
func digitsBetween(s string, from, min, max int) bool {
	n := len(s) - from
	if n < min || n > max {
		return false
	}
	for i := from; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isCNMobile is ^\+861[0-9]{10}$.
func isCNMobile(n string) bool { return strings.HasPrefix(n, "+861") && digitsBetween(n, 4, 10, 10) }

// isCNFixed is ^\+86[1-9][0-9]{8,10}$.
func isCNFixed(n string) bool {
	return len(n) > 3 && strings.HasPrefix(n, "+86") && n[3] >= '1' && n[3] <= '9' && digitsBetween(n, 4, 8, 10)
}

// isOther is ^\+[0-9]{6,15}$.
func isOther(n string) bool { return strings.HasPrefix(n, "+") && digitsBetween(n, 1, 6, 15) }

// isCN95 is ^\+8695[0-9]{3,8}$.
func isCN95(n string) bool { return strings.HasPrefix(n, "+8695") && digitsBetween(n, 5, 3, 8) }

// IsMobile reports whether n is a +86 mobile number in global format (+861 and 10 digits).
func IsMobile(n string) bool { return isCNMobile(n) }

// IsFixedLine reports whether n is a +86 fixed-line number: area code without its 0 and 7-8
// local digits.
func IsFixedLine(n string) bool { return isCNFixed(n) && !IsMobile(n) }

// IsGlobalNumber reports whether n is in global format at all: a +86 mobile or fixed-line
// number, or another country's number.
func IsGlobalNumber(n string) bool {
	if strings.HasPrefix(n, "+86") {
		return isCNMobile(n) || isCNFixed(n)
	}
	return isOther(n)
}

// ValidXNumber reports whether n may be an X number (relationNum, privateNum, virtualNum):
// +86 mobile only.
func ValidXNumber(n string) bool { return IsMobile(n) }

// ValidRealNumber reports whether n may be an A or B number: global format, but not a +86 400
// or 95 number, which PNS does not bind (D44).
func ValidRealNumber(n string) bool {
	if strings.HasPrefix(n, "+86400") || strings.HasPrefix(n, "+8695") {
		return false
	}
	return IsGlobalNumber(n)
}

// ValidCalleeNumber reports whether n may be an AX temporary callee: an A/B number, a +86 400
// number, or a +86 95 number with 3-8 digits after 95 (D56).
func ValidCalleeNumber(n string) bool {
	if isCN95(n) {
		return true
	}
	if strings.HasPrefix(n, "+86400") {
		return IsGlobalNumber(n)
	}
	return ValidRealNumber(n)
}

// AreaOfFixedLine returns the city code (with its leading 0) of a +86 fixed-line number, using
// the fact that Chinese area codes are 2 digits for 10 and 2x, 3 digits otherwise. ok is false
// for numbers that are not fixed-line.
func AreaOfFixedLine(n string) (area string, ok bool) {
	if !IsFixedLine(n) {
		return "", false
	}
	d := n[3:]
	if d[0] == '1' || d[0] == '2' {
		return "0" + d[:2], true
	}
	return "0" + d[:3], true
}

// ValidAreaCode reports whether s looks like a city code with its leading 0 (e.g. 010, 0755).
func ValidAreaCode(s string) bool {
	return len(s) >= 3 && len(s) <= 4 && s[0] == '0' && IsDigits(s)
}

// IsDigits reports whether s is a non-empty string of ASCII digits.
func IsDigits(s string) bool { return digitsBetween(s, 0, 1, len(s)) }
