package schemas

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The number regexps are copied from reference §1.4 (D16) on purpose instead of importing the
// pns package: the schemas package stays decoupled, and a test pins them to the reference text.
// The formats match them with the scanners of numbers.go, held to them by a fuzz test.
var (
	reMobileCN  = regexp.MustCompile(`^\+861[0-9]{10}$`)
	reFixedCN   = regexp.MustCompile(`^\+86[1-9][0-9]{8,10}$`)
	reForeign   = regexp.MustCompile(`^\+[0-9]{6,15}$`)
	reSpecial95 = regexp.MustCompile(`^\+8695[0-9]{3,8}$`)

	reCreated = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$`)
)

// Format names registered with the compiler. Every "format" keyword in the embedded schemas
// must be one of these (a test enforces it, because jsonschema silently ignores unknown names).
const (
	FormatNumber       = "pns-number"        // global number format: +86 mobile, +86 fixed line, other country
	FormatXNumber      = "pns-x-number"      // X number: +86 mobile only
	FormatABNumber     = "pns-ab-number"     // A/B number: global format except +86400… and +8695…
	FormatCalleeNumber = "pns-callee-number" // AX temporary callee: global format plus +8695 service numbers
	FormatUTCTime      = "pns-utc-time"      // yyyy-MM-dd HH:mm:ss, leniently padded
	FormatCreated      = "pns-created"       // yyyy-MM-ddTHH:mm:ssZ (X-AKSK Created)
	FormatIntLiteral   = "pns-int-literal"   // a JSON number written without fraction or exponent (D20)
)

// IsGlobalNumber reports whether s is in Huawei's global number format as the emulator checks it
// (reference §1.4, D16): a +86 mobile number, a +86 fixed-line number (area code without its 0),
// or another country's number that does not start with +86.
func IsGlobalNumber(s string) bool {
	if isMobileCN(s) || isFixedCN(s) {
		return true
	}
	return !strings.HasPrefix(s, "+86") && isForeign(s)
}

// IsXNumber reports whether s is a valid X (privacy) number: X numbers are always +86 mobile
// numbers (reference §1.4).
func IsXNumber(s string) bool {
	return isMobileCN(s)
}

// IsABNumber reports whether s is a valid A or B number: the global format without 400 and 95
// numbers, which cannot be bound (reference §1.4, D44).
func IsABNumber(s string) bool {
	return IsGlobalNumber(s) && !strings.HasPrefix(s, "+86400") && !strings.HasPrefix(s, "+8695")
}

// IsCalleeNumber reports whether s is a valid AX temporary callee (reference §1.4, D56): an A/B
// number, a +86400 number in global format (400 numbers have the fixed-line shape), or a 95
// service number with 3 to 8 digits after the 95. A longer +8695 number is rejected even when
// it has the fixed-line shape, exactly as for A/B fields.
func IsCalleeNumber(s string) bool {
	if isSpecial95(s) {
		return true
	}
	return IsGlobalNumber(s) && !strings.HasPrefix(s, "+8695")
}

// IsUTCTime reports whether s is a time in the notification format yyyy-MM-dd HH:mm:ss. Fields
// need not be zero-padded (D72: Huawei's examples are not always padded), but the date must
// exist and the clock fields be in range. No timezone marker is allowed: the value is UTC by
// convention.
//
// The shape is scanned by hand, not matched with a regexp: FindStringSubmatch allocated on
// every timestamp of every validated answer and push, and showed in the load generator's and
// the receiver's profiles (issue 25). FuzzIsUTCTimeAsRegexp holds the scanner to the regexp
// `^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2}) ([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})$` it replaces.
func IsUTCTime(s string) bool {
	var f [6]int
	seps := [6]byte{'-', '-', ' ', ':', ':', 0} // the byte after each field (0: the end)
	i := 0
	for k := range f {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' && i-start < 4 {
			f[k] = f[k]*10 + int(s[i]-'0')
			i++
		}
		n := i - start
		if (k == 0 && n != 4) || (k > 0 && (n < 1 || n > 2)) {
			return false
		}
		if seps[k] == 0 {
			if i != len(s) {
				return false
			}
		} else {
			if i >= len(s) || s[i] != seps[k] {
				return false
			}
			i++
		}
	}
	if f[1] < 1 || f[1] > 12 || f[2] < 1 || f[3] > 23 || f[4] > 59 || f[5] > 59 {
		return false
	}
	t := time.Date(f[0], time.Month(f[1]), f[2], 0, 0, 0, 0, time.UTC)
	return t.Day() == f[2] // rejects 2019-02-30, which time.Date would normalise to March
}

// IsZeroPaddedUTCTime reports whether s is a UTC time in the strict, zero-padded form the
// emulator sends (D72), e.g. "2019-01-24 07:03:28". The schemas use the lenient IsUTCTime so that
// real-platform payloads pass; emulator-only checks can use this one.
func IsZeroPaddedUTCTime(s string) bool {
	_, err := time.Parse(time.DateTime, s)
	return err == nil && len(s) == len(time.DateTime)
}

// IsCreated reports whether s is an X-AKSK Created value: exactly yyyy-MM-ddTHH:mm:ssZ with a
// literal T and Z and no fractional seconds (reference §2.1).
func IsCreated(s string) bool {
	if !reCreated.MatchString(s) {
		return false
	}
	_, err := time.Parse("2006-01-02T15:04:05Z", s)
	return err == nil
}

type formatDef struct {
	check func(string) bool
	want  string
}

var formatDefs = map[string]formatDef{
	FormatNumber:       {IsGlobalNumber, "want +86 mobile (+861 and 10 digits), +86 fixed line (+86, area code without 0, local number) or another country's +digits"},
	FormatXNumber:      {IsXNumber, "want an X number: +861 followed by 10 digits"},
	FormatABNumber:     {IsABNumber, "want a global-format A/B number (400 and 95 numbers cannot be bound)"},
	FormatCalleeNumber: {IsCalleeNumber, "want a global-format number or a +8695 service number"},
	FormatUTCTime:      {IsUTCTime, "want UTC yyyy-MM-dd HH:mm:ss"},
	FormatCreated:      {IsCreated, "want yyyy-MM-ddTHH:mm:ssZ"},
}

// FormatNames returns the custom format names the validator registers, sorted.
func FormatNames() []string {
	names := make([]string, 0, len(formatDefs)+1)
	names = append(names, FormatIntLiteral)
	for n := range formatDefs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// CheckFormat checks s against the custom format name (for pns-int-literal, s is the number's
// literal text). It returns an error for an unknown format name or when s does not match, so
// callers outside JSON Schema (e.g. header checks) get the same rule and message as the schemas.
func CheckFormat(name, s string) error {
	if name == FormatIntLiteral {
		if !IsIntLiteral(s) {
			return errors.New(intLiteralWant)
		}
		return nil
	}
	d, ok := formatDefs[name]
	if !ok {
		return fmt.Errorf("schemas: unknown format %q", name)
	}
	if !d.check(s) {
		return errors.New(d.want)
	}
	return nil
}

// IsIntLiteral reports whether a JSON number literal is written as an integer: optional minus
// and digits only. JSON Schema counts 1.0 and 1e2 as integers, but the emulator requires "JSON
// numbers with no fraction" (reference §1.7, D20) and rejects them, so request schemas add this
// format to their integer fields.
func IsIntLiteral(lit string) bool {
	lit = strings.TrimPrefix(lit, "-")
	if lit == "" {
		return false
	}
	for i := 0; i < len(lit); i++ {
		if lit[i] < '0' || lit[i] > '9' {
			return false
		}
	}
	return true
}

const intLiteralWant = "want an integer without fraction or exponent (D20)"

// registerFormats adds every custom format to c. The string formats pass non-string values, as
// JSON Schema formats apply to strings only (the "type" keyword reports them); pns-int-literal
// checks only json.Number values, whose literal text survives decoding (Go numbers pass).
func registerFormats(c *jsonschema.Compiler) {
	c.RegisterFormat(&jsonschema.Format{
		Name: FormatIntLiteral,
		Validate: func(v any) error {
			if n, ok := v.(json.Number); ok && !IsIntLiteral(string(n)) {
				return errors.New(intLiteralWant)
			}
			return nil
		},
	})
	for _, name := range FormatNames() {
		d, ok := formatDefs[name]
		if !ok {
			continue // pns-int-literal, registered above
		}
		c.RegisterFormat(&jsonschema.Format{
			Name: name,
			Validate: func(v any) error {
				s, ok := v.(string)
				if !ok || d.check(s) {
					return nil
				}
				return errors.New(d.want)
			},
		})
	}
}
