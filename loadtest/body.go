package loadtest

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// appendJSONString appends s as a JSON string exactly as encoding/json writes it. The numbers
// and codes of a bind body are plain ASCII and are copied as they are; anything that needs
// escaping (quotes, control characters, HTML characters, non-ASCII) goes through
// encoding/json so the output stays identical.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // marshalling a string cannot fail
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendField appends `,"name":"value"` (without the comma for the first field), skipping an
// empty value when omitEmpty.
func appendField(b []byte, name, value string, omitEmpty bool) []byte {
	if omitEmpty && value == "" {
		return b
	}
	if len(b) > 1 {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, name...)
	b = append(b, `":`...)
	return appendJSONString(b, value)
}

// appendBindBody appends the bind request of a mode with the fields the load sets, byte for
// byte what json.Marshal writes for pns.AXBBindRequest, pns.AXBindRequest and
// pns.AXEBindRequest (field order, omitempty), without reflection. areaCode and matchMode are
// sent only when the profile gives no X (x == ""). lifetime, when positive, is the binding's
// expiry (bindingExpiry); AX binds have no lifetime field.
func appendBindBody(b []byte, mode pns.Mode, a, bNum, x, ext, areaCode, matchMode string, lifetime time.Duration) []byte {
	if x != "" {
		areaCode, matchMode = "", ""
	}
	b = append(b, '{')
	switch mode {
	case pns.ModeAXB:
		b = appendField(b, "callerNum", a, false)
		b = appendField(b, "calleeNum", bNum, false)
		b = appendField(b, "relationNum", x, true)
		b = appendField(b, "areaCode", areaCode, true)
		b = appendField(b, "areaMatchMode", matchMode, true)
		if n, _, ok := bindingExpiry(mode, lifetime); ok {
			b = append(b, `,"duration":`...)
			b = strconv.AppendInt(b, n, 10)
		}
	case pns.ModeAX:
		b = appendField(b, "origNum", a, false)
		b = appendField(b, "privateNum", x, true)
		b = appendField(b, "areaCode", areaCode, true)
		b = appendField(b, "areaMatchMode", matchMode, true)
	case pns.ModeAXYB:
		// The AX part of a relation (§6.2): the platform chooses X; app_key travels in the URL.
		b = appendField(b, "origNum", a, false)
		b = appendField(b, "areaCode", areaCode, true)
		b = appendField(b, "areaMatchMode", matchMode, true)
		if n, _, ok := bindingExpiry(mode, lifetime); ok {
			b = append(b, `,"duration":`...)
			b = strconv.AppendInt(b, n, 10)
		}
	default:
		b = appendField(b, "virtualNum", x, true)
		b = appendField(b, "areaCode", areaCode, true)
		b = appendField(b, "areaMatchMode", matchMode, true)
		b = appendField(b, "bindNum", a, false)
		b = appendField(b, "extendNum", ext, true)
		if n, unit, ok := bindingExpiry(mode, lifetime); ok {
			b = appendField(b, "timeUnit", unit, false)
			b = append(b, `,"bindExpiredTime":`...)
			b = strconv.AppendInt(b, n, 10)
		}
	}
	return append(b, '}')
}

// Binding lifetime limits of the contract: AXB `duration` is 0-7776000 seconds (90 days), AXE
// `bindExpiredTime` at most 129600 minutes (90 days) with `timeUnit` "1" (minutes); 0 means
// never expires in both. AX binds have no lifetime field: an AX binding lives until unbound.
const (
	maxAXBDuration      = 7776000
	maxAXEExpiryMinutes = 129600
	axeUnitMinutes      = "1"
	minAXYBDuration     = 60
)

// lifetimeModes names the modes whose binds carry a lifetime ("AXB, AXE and AXYB"), for the
// console: AX binds have no lifetime field.
func lifetimeModes() string {
	var ms []string
	for _, m := range pns.Modes {
		if _, _, ok := bindingExpiry(m, time.Second); ok {
			ms = append(ms, string(m))
		}
	}
	if len(ms) < 2 {
		return strings.Join(ms, "")
	}
	return strings.Join(ms[:len(ms)-1], ", ") + " and " + ms[len(ms)-1]
}

// bindingExpiry returns the lifetime field of a bind in mode for lifetime (rounded up to the
// field's unit, capped at the contract's maximum) and its AXE timeUnit; ok is false when the
// bind carries none (no lifetime asked, or AX).
func bindingExpiry(mode pns.Mode, lifetime time.Duration) (n int64, unit string, ok bool) {
	if lifetime <= 0 {
		return 0, "", false
	}
	switch mode {
	case pns.ModeAXB:
		return min(int64(math.Ceil(lifetime.Seconds())), maxAXBDuration), "", true
	case pns.ModeAXE:
		return min(int64(math.Ceil(lifetime.Minutes())), maxAXEExpiryMinutes), axeUnitMinutes, true
	case pns.ModeAXYB:
		// duration is 0 or 60-7776000 s (§6.2): a shorter lifetime is rounded up to 60.
		return min(max(int64(math.Ceil(lifetime.Seconds())), minAXYBDuration), maxAXBDuration), "", true
	}
	return 0, "", false
}
