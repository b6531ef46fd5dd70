package schemas

// Scanners for the number regexps of reference §1.4 (formats.go), which IsGlobalNumber and the
// other number formats use instead of the regexps: each is a fixed prefix and a run of digits
// of bounded length, and matching four regexps per number showed in the load generator's
// profile with every answer validated (issue 25). FuzzNumberScannersAsRegexps holds each to its
// regexp, which stays the pinned copy of the reference.

// prefixDigits reports whether s is prefix followed by min to max ASCII digits.
func prefixDigits(s, prefix string, min, max int) bool {
	n := len(s) - len(prefix)
	if n < min || n > max || s[:len(prefix)] != prefix {
		return false
	}
	for i := len(prefix); i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isMobileCN is reMobileCN: ^\+861[0-9]{10}$.
func isMobileCN(s string) bool { return prefixDigits(s, "+861", 10, 10) }

// isFixedCN is reFixedCN: ^\+86[1-9][0-9]{8,10}$.
func isFixedCN(s string) bool { return prefixDigits(s, "+86", 9, 11) && s[3] != '0' }

// isForeign is reForeign: ^\+[0-9]{6,15}$.
func isForeign(s string) bool { return prefixDigits(s, "+", 6, 15) }

// isSpecial95 is reSpecial95: ^\+8695[0-9]{3,8}$.
func isSpecial95(s string) bool { return prefixDigits(s, "+8695", 3, 8) }
